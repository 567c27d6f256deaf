// Requests that send a one-time code (and, by email, a link with it): POST /otp (sign in by
// email or SMS, creating the user unless create_user is false), /recover (password reset),
// /resend (sign-up and change confirmations) and the admin's /invite. Answers never depend on
// whether an address has an account where GoTrue's do not either (/recover, /resend).
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

http::Response sent(bool email, std::int64_t outbox_id) {
    // supabase-js reads an optional message_id after an SMS; emails answer {}.
    if (email) return http::Response::json(200, Json::object());
    return http::Response::json(200, Json{{"message_id", std::to_string(outbox_id)}});
}

}  // namespace

Awaitable<std::string> AuthService::create_passwordless_user(Request& req, IdentifierKind kind,
                                                             const std::string& address, const Json& metadata) {
    const bool email = kind == IdentifierKind::kEmail;
    NewUser user;
    user.id = crypto::random_uuid_v4();
    (email ? user.email : user.phone) = address;
    const std::string provider = email ? "email" : "phone";
    user.app_metadata = Json{{"provider", provider}, {"providers", Json::array({provider})}};
    user.user_metadata = metadata;
    user.ip = inet_or_null(req.client_ip);
    std::optional<Error> conflict;
    try {
        Json created = co_await store_.insert_user(std::move(user));
        co_return created.value("id", "");
    } catch (const ErrorException& e) {
        if (e.error().code != "email_exists" && e.error().code != "phone_exists") throw;
        conflict = e.error();
    }
    // A concurrent request created it a moment ago: use that one.
    auto row = co_await store_.find_for_login(kind, address);
    if (!row) throw ErrorException(*conflict);
    co_return row->user_id;
}

Awaitable<http::Response> AuthService::otp(Request& req) {
    const Json body = get(parse_body(req.body));
    auto email = non_empty(get(opt_string(body, "email")));
    auto phone = non_empty(get(opt_string(body, "phone")));
    auto data = get(opt_object(body, "data"));
    const bool create_user = get(opt_bool(body, "create_user")).value_or(true);
    const std::string channel = get(opt_string(body, "channel")).value_or("sms");
    const auto pkce = get(parse_pkce(body));
    if (email && phone) throw ErrorException(validation_failed("Only an email address or phone number should be provided"));
    if (!email && !phone) throw ErrorException(validation_failed("An email address or phone number is required"));
    if (phone && channel != "sms") throw ErrorException(validation_failed("Unsupported channel: only sms is available"));
    if (email && !settings_.email_enabled)
        throw ErrorException(auth_error(422, "email_provider_disabled", "Email logins are disabled"));
    if (phone && !settings_.phone_enabled)
        throw ErrorException(auth_error(422, "phone_provider_disabled", "Phone logins are disabled"));
    limit(send_ip_.get(), req.client_ip);

    const IdentifierKind kind = email ? IdentifierKind::kEmail : IdentifierKind::kPhone;
    const std::string address = email ? get(normalize_email(*email)) : get(phone_of(*phone));
    auto row = co_await store_.find_for_login(kind, address);
    std::string user_id;
    if (row) {
        user_id = row->user_id;
    } else {
        if (!create_user) throw ErrorException(auth_error(422, "otp_disabled", "Signups not allowed for otp"));
        if (settings_.disable_signup)
            throw ErrorException(auth_error(422, "signup_disabled", "Signups not allowed for this instance"));
        user_id = co_await create_passwordless_user(req, kind, address, data.value_or(Json::object()));
    }
    const CodeRequest request{.user_id = user_id,
                              .purpose = email ? CodePurpose::kMagicLink : CodePurpose::kSms,
                              .channel = email ? messaging::Channel::kEmail : messaging::Channel::kSms,
                              .recipient = address,
                              .email = email ? address : "",
                              .redirect_to = redirect_target(req),
                              .pkce = email ? pkce : std::nullopt};
    co_return sent(bool(email), co_await send_code(request));
}

Awaitable<http::Response> AuthService::recover(Request& req) {
    const Json body = get(parse_body(req.body));
    auto email = non_empty(get(opt_string(body, "email")));
    if (!email) throw ErrorException(validation_failed("Password recovery requires an email"));
    const auto pkce = get(parse_pkce(body));
    limit(send_ip_.get(), req.client_ip);
    const std::string address = get(normalize_email(*email));
    // Unknown addresses get the same answer: the endpoint does not reveal who has an account.
    if (auto row = co_await store_.find_for_login(IdentifierKind::kEmail, address)) {
        const CodeRequest request{.user_id = row->user_id,
                                  .purpose = CodePurpose::kRecovery,
                                  .channel = messaging::Channel::kEmail,
                                  .recipient = address,
                                  .email = address,
                                  .redirect_to = redirect_target(req),
                                  .pkce = pkce};
        co_await send_code(request);
    }
    co_return http::Response::json(200, Json::object());
}

Awaitable<http::Response> AuthService::resend(Request& req) {
    const Json body = get(parse_body(req.body));
    const std::string type = get(opt_string(body, "type")).value_or("");
    auto email = non_empty(get(opt_string(body, "email")));
    auto phone = non_empty(get(opt_string(body, "phone")));
    const auto pkce = get(parse_pkce(body));
    const bool by_email = type == "signup" || type == "email_change";
    if (!by_email && type != "sms" && type != "phone_change")
        throw ErrorException(validation_failed("Missing one of these types: signup, email_change, sms, phone_change"));
    if (by_email ? !email : !phone)
        throw ErrorException(validation_failed(by_email ? "Type provided requires an email address"
                                                        : "Type provided requires a phone number"));
    limit(send_ip_.get(), req.client_ip);

    const IdentifierKind kind = by_email ? IdentifierKind::kEmail : IdentifierKind::kPhone;
    const std::string address = by_email ? get(normalize_email(*email)) : get(phone_of(*phone));
    const auto found = co_await store_.find_by_address(kind, address);
    const bool change = type == "email_change" || type == "phone_change";
    // Nothing pending (no account, already confirmed, no change requested): nothing to send,
    // and the same answer as when something was sent.
    if (!found || (change ? found->pending.empty() : (found->confirmed || found->current != address)))
        co_return sent(by_email, 0);
    const CodeRequest request{
        .user_id = found->user_id,
        .purpose = change ? (by_email ? CodePurpose::kEmailChange : CodePurpose::kPhoneChange) : CodePurpose::kConfirmation,
        .channel = by_email ? messaging::Channel::kEmail : messaging::Channel::kSms,
        .recipient = change ? found->pending : found->current,
        .email = by_email ? found->current : "",
        .redirect_to = redirect_target(req),
        .pkce = by_email ? pkce : std::nullopt};
    co_return sent(by_email, co_await send_code(request));
}

Awaitable<http::Response> AuthService::invite(Request& req) {
    require_admin(req);
    const Json body = get(parse_body(req.body));
    auto email = non_empty(get(opt_string(body, "email")));
    auto data = get(opt_object(body, "data"));
    if (!email) throw ErrorException(validation_failed("An email address is required"));
    const std::string address = get(normalize_email(*email));
    auto row = co_await store_.find_for_login(IdentifierKind::kEmail, address);
    if (row && row->email_confirmed)
        throw ErrorException(
            auth_error(422, "email_exists", "A user with this email address has already been registered"));
    std::string user_id;
    if (row) user_id = row->user_id;
    else user_id = co_await create_passwordless_user(req, IdentifierKind::kEmail, address, data.value_or(Json::object()));
    const CodeRequest request{.user_id = user_id,
                              .purpose = CodePurpose::kInvite,
                              .channel = messaging::Channel::kEmail,
                              .recipient = address,
                              .email = address,
                              .redirect_to = redirect_target(req)};
    co_await send_code(request);
    auto user = co_await store_.get_user_json(user_id);
    if (!user) throw ErrorException(user_not_found());
    co_return http::Response::json(200, *user);
}

}  // namespace basalt::auth
