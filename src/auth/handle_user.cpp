// GET and PUT /auth/v1/user: the signed-in user, and self-service changes (metadata, email,
// phone, password, username). A still-valid JWT whose session was revoked gets 403
// session_not_found, which makes supabase-js drop its stored session.
// A new email or phone needs confirmation when it can be delivered: one code (and link) goes
// to the NEW address only and verifyOtp({type: 'email_change' | 'phone_change'}) applies it.
// GoTrue's optional "secure email change" (a second confirmation from the old address) is
// not implemented: proving control of the new address while signed in is what we require.
#include "auth/errors.hpp"
#include "auth/service.hpp"
#include "auth/validation.hpp"

namespace basalt::auth {

namespace {
template <typename T>
T get(Result<T> r) {
    return std::move(r).unwrap();
}
}  // namespace

Awaitable<http::Response> AuthService::get_user(Request& req) {
    const CurrentUser me = require_user(req);
    auto found = co_await store_.get_user(me.id, me.session_id);
    if (!found) throw ErrorException(user_not_found());
    if (!found->session_ok) throw ErrorException(session_not_found());
    co_return http::Response::json(200, found->user);
}

Awaitable<http::Response> AuthService::put_user(Request& req) {
    const CurrentUser me = require_user(req);
    const Json body = get(parse_body(req.body));
    auto email = get(opt_string(body, "email"));
    auto phone = get(opt_string(body, "phone"));
    auto password = get(opt_string(body, "password"));
    auto username = get(opt_string(body, "username"));
    auto data = get(opt_object(body, "data"));
    const auto pkce = get(parse_pkce(body));

    auto current = co_await store_.get_user(me.id, me.session_id);
    if (!current) throw ErrorException(user_not_found());
    if (!current->session_ok) throw ErrorException(session_not_found());
    const Json& user = current->user;
    const bool anonymous = user.value("is_anonymous", false);

    UserChanges changes;
    changes.actor_id = me.id;
    changes.ip = inet_or_null(req.client_ip);
    if (data) changes.user_metadata = *data;
    std::string gained_provider;  // an anonymous user becoming a permanent one
    std::vector<CodeRequest> confirmations;  // changes that wait for a code
    for (const bool by_email : {true, false}) {
        const std::optional<std::string>& raw = by_email ? email : phone;
        if (!raw || raw->empty()) continue;
        const std::string address = by_email ? get(normalize_email(*raw)) : get(phone_of(*raw));
        if (address == user.value(by_email ? "email" : "phone", "")) continue;
        if (by_email ? email_autoconfirm_ : phone_autoconfirm_) {
            (by_email ? changes.email : changes.phone) = address;
            (by_email ? changes.email_confirmed : changes.phone_confirmed) = true;
            if (gained_provider.empty()) gained_provider = by_email ? "email" : "phone";
            continue;
        }
        auto other = co_await store_.find_for_login(by_email ? IdentifierKind::kEmail : IdentifierKind::kPhone, address);
        if (other && other->user_id != me.id)
            throw ErrorException(by_email ? auth_error(422, "email_exists", "A user with this email address has already been registered")
                                          : auth_error(422, "phone_exists", "A user with this phone number has already been registered"));
        confirmations.push_back({.user_id = me.id,
                                 .purpose = by_email ? CodePurpose::kEmailChange : CodePurpose::kPhoneChange,
                                 .channel = by_email ? messaging::Channel::kEmail : messaging::Channel::kSms,
                                 .recipient = address,
                                 .email = user.value("email", ""),
                                 .redirect_to = redirect_target(req),
                                 .pkce = by_email ? pkce : std::nullopt});
    }
    if (username) {
        if (!settings_.username_enabled) throw ErrorException(auth_error(422, "validation_failed", "Usernames are disabled"));
        changes.username = get(validate_username(*username));
    }
    if (password) {
        get(check_password(policy_, *password));
        auto row = co_await store_.find_by_id(me.id);
        if (row && !row->encrypted_password.empty() &&
            co_await hasher_->verify(*password, row->encrypted_password))
            throw ErrorException(auth_error(422, "same_password", "New password should be different from the old password."));
        changes.encrypted_password = co_await hasher_->hash(*password);
        // A new password ends every other session (GoTrue's rule): a thief's session dies.
        changes.keep_session = me.session_id;
        changes.audit_action = "user_updated_password";
    }
    if (anonymous && !gained_provider.empty()) {
        changes.make_permanent = true;
        changes.app_metadata = Json{{"provider", gained_provider}, {"providers", Json::array({gained_provider})}};
    }
    // Codes first: a refused send (429) leaves the account untouched. Each send stamps the
    // pending address (new_email / new_phone) that the returned user then shows.
    for (const CodeRequest& confirmation : confirmations) co_await send_code(confirmation);
    auto updated = co_await store_.update_user(me.id, std::move(changes));
    if (!updated) throw ErrorException(user_not_found());
    co_return http::Response::json(200, *updated);
}

}  // namespace basalt::auth
