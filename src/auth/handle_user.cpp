// GET and PUT /auth/v1/user: the signed-in user, and self-service changes (metadata, email,
// phone, password, username). A still-valid JWT whose session was revoked gets 403
// session_not_found, which makes supabase-js drop its stored session.
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
    if (email && !email->empty()) {
        std::string e = get(normalize_email(*email));
        if (e != user.value("email", "")) {
            if (settings_.email_autoconfirm) {
                changes.email = e;
                changes.email_confirmed = true;
                gained_provider = "email";
            } else {
                changes.new_email = e;  // TODO(#5): email the confirmation link to the new address
            }
        }
    }
    if (phone && !phone->empty()) {
        std::string p = get(normalize_phone(*phone));
        if (p != user.value("phone", "")) {
            if (settings_.phone_autoconfirm) {
                changes.phone = p;
                changes.phone_confirmed = true;
                if (gained_provider.empty()) gained_provider = "phone";
            } else {
                changes.new_phone = p;  // TODO(#5): send the confirmation SMS
            }
        }
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
    auto updated = co_await store_.update_user(me.id, std::move(changes));
    if (!updated) throw ErrorException(user_not_found());
    co_return http::Response::json(200, *updated);
}

}  // namespace basalt::auth
