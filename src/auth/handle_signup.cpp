// POST /auth/v1/signup: email or phone + password (plus Basalt's optional username), or, with
// neither, an anonymous sign-in. Autoconfirmed sign-ups get a session; others get the bare
// user (confirmation pending) and a confirmation code + link by email, or a code by SMS.
// Confirmation is only required when it can be delivered (SMTP / an SMS provider configured).
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
}  // namespace

Awaitable<http::Response> AuthService::signup(Request& req) {
    const Json body = get(parse_body(req.body));
    auto email = get(opt_string(body, "email"));
    auto phone = get(opt_string(body, "phone"));
    auto password = get(opt_string(body, "password"));
    auto username = get(opt_string(body, "username"));
    auto data = get(opt_object(body, "data"));
    const auto pkce = get(parse_pkce(body));
    if (email && email->empty()) email.reset();
    if (phone && phone->empty()) phone.reset();

    if (!email && !phone) {
        if (password || username)
            throw ErrorException(validation_failed("Signup requires a valid email or phone number"));
        co_return co_await signup_anonymous(req, body);
    }
    if (settings_.disable_signup) throw ErrorException(auth_error(422, "signup_disabled", "Signups not allowed for this instance"));
    limit(sign_up_ip_.get(), req.client_ip);
    if (email && phone)
        throw ErrorException(validation_failed("Only an email address or phone number should be provided on signup."));
    if (email && !settings_.email_enabled)
        throw ErrorException(auth_error(422, "email_provider_disabled", "Email signups are disabled"));
    if (phone && !settings_.phone_enabled)
        throw ErrorException(auth_error(422, "phone_provider_disabled", "Phone signups are disabled"));
    if (!password || password->empty())
        throw ErrorException(auth_error(422, "validation_failed", "Signup requires a valid password"));

    NewUser user;
    user.id = crypto::random_uuid_v4();
    if (email) user.email = get(normalize_email(*email));
    if (phone) user.phone = get(phone_of(*phone));
    if (username) {
        if (!settings_.username_enabled)
            throw ErrorException(auth_error(422, "validation_failed", "Usernames are disabled"));
        user.username = get(validate_username(*username));
    }
    get(check_password(policy_, *password));

    const std::string provider = email ? "email" : "phone";
    const bool confirmed = email ? email_autoconfirm_ : phone_autoconfirm_;
    user.email_confirmed = email && confirmed;
    user.phone_confirmed = phone && confirmed;
    user.app_metadata = Json{{"provider", provider}, {"providers", Json::array({provider})}};
    user.user_metadata = data.value_or(Json::object());
    user.ip = inet_or_null(req.client_ip);
    user.encrypted_password = co_await hasher_->hash(*password);
    const IdentifierKind kind = email ? IdentifierKind::kEmail : IdentifierKind::kPhone;
    const std::string address = email ? *user.email : *user.phone;

    Json created;
    std::optional<Error> conflict;
    try {
        created = co_await store_.insert_user(std::move(user));
    } catch (const ErrorException& e) {
        if (e.error().code != "email_exists" && e.error().code != "phone_exists") throw;
        conflict = e.error();
    }
    CodeRequest confirmation{.user_id = "",
                             .purpose = CodePurpose::kConfirmation,
                             .channel = email ? messaging::Channel::kEmail : messaging::Channel::kSms,
                             .recipient = address,
                             .email = email ? address : "",
                             .redirect_to = redirect_target(req),
                             .pkce = email ? pkce : std::nullopt};
    if (conflict) {
        // GoTrue's rule: when a confirmation step follows, answer as if the sign-up worked so
        // the endpoint does not reveal which addresses have accounts; with autoconfirm the
        // client needs the truth to show "already registered".
        if (confirmed) throw ErrorException(auth_error(422, "user_already_exists", "User already registered"));
        // Still unconfirmed: a new confirmation (unless one went out within the send interval).
        auto existing = co_await store_.find_for_login(kind, address);
        if (existing && !(email ? existing->email_confirmed : existing->phone_confirmed)) {
            confirmation.user_id = existing->user_id;
            try {
                co_await send_code(confirmation);
            } catch (const ErrorException& e) {
                if (e.error().status != 429) throw;  // refused quietly: answered like any sign-up
            }
        }
        Json fake{{"id", crypto::random_uuid_v4()}, {"aud", settings_.jwt_aud}, {"role", "authenticated"},
                  {"email", email ? address : ""}, {"phone", phone ? address : ""},
                  {"app_metadata", {{"provider", provider}, {"providers", {provider}}}},
                  {"user_metadata", data.value_or(Json::object())}, {"identities", Json::array()},
                  {"is_anonymous", false}};
        co_return http::Response::json(200, fake);
    }
    if (!confirmed) {
        confirmation.user_id = created.value("id", "");
        co_await send_code(confirmation);
        auto sent = co_await store_.get_user_json(confirmation.user_id);  // with confirmation_sent_at
        co_return http::Response::json(200, sent ? *sent : created);
    }
    co_return co_await start_session(req, created.value("id", ""), "password", "login");
}

Awaitable<http::Response> AuthService::signup_anonymous(Request& req, const Json& body) {
    if (!settings_.anonymous_enabled)
        throw ErrorException(auth_error(422, "anonymous_provider_disabled", "Anonymous sign-ins are disabled"));
    if (settings_.disable_signup) throw ErrorException(auth_error(422, "signup_disabled", "Signups not allowed for this instance"));
    limit(sign_up_ip_.get(), req.client_ip);
    auto data = get(opt_object(body, "data"));
    NewUser user;
    user.id = crypto::random_uuid_v4();
    user.is_anonymous = true;
    user.app_metadata = Json{{"provider", "anonymous"}, {"providers", Json::array({"anonymous"})}};
    user.user_metadata = data.value_or(Json::object());
    user.ip = inet_or_null(req.client_ip);
    Json created = co_await store_.insert_user(std::move(user));
    co_return co_await start_session(req, created.value("id", ""), "anonymous", "login");
}

}  // namespace basalt::auth
