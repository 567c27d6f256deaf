// POST /auth/v1/admin/generate_link (supabase-js auth.admin.generateLink): the link and code a
// mail would carry, returned to the admin instead of sent (GoTrue sends nothing here either).
// Types: signup (creates the user with the given password when new), invite, magiclink (a new
// address becomes a signup, as in GoTrue), recovery, email_change_current, email_change_new.
// The code goes into the same store as /otp's, so the action link (GET /verify), email_otp
// (verifyOtp with the email) and hashed_token (verifyOtp({token_hash})) redeem it as usual.
// Basalt has no two-step "secure email change", so either email_change link applies the change
// (GoTrue refuses email_change_current unless secure email change is on).
// Answer: the user's fields, flat, plus action_link, email_otp, hashed_token, redirect_to and
// verification_type. service_role only.
#include "auth/errors.hpp"
#include "auth/service.hpp"
#include "auth/validation.hpp"
#include "common/crypto.hpp"

namespace basalt::auth {

namespace {

template <typename T>
T get(Result<T> r) {
    return std::move(r).unwrap();
}

Error email_exists() {
    return auth_error(422, "email_exists", "A user with this email address has already been registered");
}

}  // namespace

Awaitable<http::Response> AuthService::admin_generate_link(Request& req) {
    require_admin(req);
    const Json body = get(parse_body(req.body));
    std::string type = get(opt_string(body, "type")).value_or("");
    auto email = non_empty(get(opt_string(body, "email")));
    auto new_email = non_empty(get(opt_string(body, "new_email")));
    auto password = non_empty(get(opt_string(body, "password")));
    auto data = get(opt_object(body, "data"));
    // supabase-js puts redirect_to in the query and also spreads options.redirectTo into the
    // body; GoTrue's body field is redirect_to. The first allowed one wins, else the site URL.
    std::string redirect_to = redirects_.site_url;
    for (std::optional<std::string> requested : {get(opt_string(body, "redirect_to")), get(opt_string(body, "redirectTo")),
                                                 std::optional<std::string>(req.query_param("redirect_to"))}) {
        if (requested && !requested->empty() && redirects_.allowed(*requested)) {
            redirect_to = *requested;
            break;
        }
    }

    const bool email_change = type == "email_change_current" || type == "email_change_new";
    if (type != "signup" && type != "invite" && type != "magiclink" && type != "recovery" && !email_change)
        throw ErrorException(validation_failed("Invalid email action link type requested: " + type));
    if (!email) throw ErrorException(validation_failed("An email address is required"));
    const std::string address = get(normalize_email(*email));
    auto row = co_await store_.find_for_login(IdentifierKind::kEmail, address);

    CodeRequest request{.channel = messaging::Channel::kEmail, .recipient = address, .email = address,
                        .redirect_to = redirect_to};
    if (!row && (type == "recovery" || email_change))
        throw ErrorException(auth_error(404, "user_not_found", "User with this email not found"));
    const bool magic_signup = !row && type == "magiclink";
    if (magic_signup) type = "signup";  // GoTrue: a magic link for a new address signs up
    const Json metadata = data.value_or(Json::object());

    if (type == "signup") {
        request.purpose = CodePurpose::kConfirmation;
        if (row && row->email_confirmed) throw ErrorException(email_exists());
        if (row) {
            request.user_id = row->user_id;
            if (!metadata.empty()) {
                UserChanges changes;
                changes.user_metadata = metadata;
                changes.actor_id = request.user_id;
                co_await store_.update_user(request.user_id, std::move(changes));
            }
        } else if (magic_signup) {
            // magiclink turned signup: no password, like a user created by /otp.
            request.user_id = co_await create_passwordless_user(req, IdentifierKind::kEmail, address, metadata);
        } else {
            if (!password) throw ErrorException(auth_error(422, "validation_failed", "Signup requires a valid password"));
            get(check_password(policy_, *password));
            NewUser user;
            user.id = crypto::random_uuid_v4();
            user.email = address;
            user.app_metadata = Json{{"provider", "email"}, {"providers", Json::array({"email"})}};
            user.user_metadata = metadata;
            user.encrypted_password = co_await hasher_->hash(*password);
            user.ip = inet_or_null(req.client_ip);
            const http::AuthContext& admin = caller(req);
            user.actor_id = admin.user_id().empty() ? admin.role : admin.user_id();
            Json created = co_await store_.insert_user(std::move(user));
            request.user_id = created.value("id", "");
        }
    } else if (type == "invite") {
        request.purpose = CodePurpose::kInvite;
        if (row && row->email_confirmed) throw ErrorException(email_exists());
        if (row) request.user_id = row->user_id;
        else request.user_id = co_await create_passwordless_user(req, IdentifierKind::kEmail, address, metadata);
    } else if (email_change) {
        if (!new_email) throw ErrorException(validation_failed("new_email is required for " + type));
        const std::string target = get(normalize_email(*new_email));
        auto other = co_await store_.find_for_login(IdentifierKind::kEmail, target);
        if (other && other->user_id != row->user_id) throw ErrorException(email_exists());
        request.user_id = row->user_id;
        request.purpose = CodePurpose::kEmailChange;
        request.recipient = target;  // a redeemed email_change code applies its recipient
    } else {
        request.user_id = row->user_id;
        request.purpose = type == "recovery" ? CodePurpose::kRecovery : CodePurpose::kMagicLink;
    }

    NewLinkCode issued = make_code(request);
    issued.row.send_interval_seconds = 0;  // nothing is sent, so no send limit applies
    {
        auto tx = co_await store_.begin();
        co_await store_.put_code(*tx, std::move(issued.row));
        co_await tx->commit();
    }
    auto user = co_await store_.get_user_json(request.user_id);
    if (!user) throw ErrorException(user_not_found());
    Json out = std::move(*user);
    out["action_link"] = issued.action_link;
    out["email_otp"] = issued.code;
    out["hashed_token"] = issued.link_token;
    out["redirect_to"] = redirect_to;
    out["verification_type"] = type;
    co_return http::Response::json(200, out);
}

}  // namespace basalt::auth
