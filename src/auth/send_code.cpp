// Sending a one-time code: a fresh code and link token, the message rendered from messaging's
// templates, and ONE transaction holding the recipient's send-limit check, the code row and the
// outbox row. A rollback sends nothing; a commit is delivered by the outbox sender later, so a
// slow or failing provider never holds up the request.
#include <chrono>

#include "auth/errors.hpp"
#include "auth/service.hpp"
#include "common/log.hpp"
#include "http/message.hpp"
#include "messaging/outbox.hpp"
#include "messaging/templates.hpp"

namespace basalt::auth {

namespace {

messaging::MessageKind kind_for(CodePurpose purpose) {
    using messaging::MessageKind;
    switch (purpose) {
        case CodePurpose::kConfirmation: return MessageKind::kConfirmation;
        case CodePurpose::kMagicLink: return MessageKind::kMagicLink;
        case CodePurpose::kSms: return MessageKind::kOtp;
        case CodePurpose::kRecovery: return MessageKind::kRecovery;
        case CodePurpose::kInvite: return MessageKind::kInvite;
        case CodePurpose::kEmailChange: return MessageKind::kEmailChange;
        case CodePurpose::kPhoneChange: return MessageKind::kPhoneChange;
    }
    return MessageKind::kOtp;
}

Error send_rate_limited(bool email, std::int64_t seconds) {
    return auth_error(429, email ? "over_email_send_rate_limit" : "over_sms_send_rate_limit",
                      "For security purposes, you can only request this after " + std::to_string(seconds) +
                          " seconds.");
}

}  // namespace

AuthService::NewLinkCode AuthService::make_code(const CodeRequest& r) const {
    const bool email = r.channel == messaging::Channel::kEmail;
    NewLinkCode out;
    out.code = generate_code(std::size_t(settings_.otp_length));
    out.link_token = r.pkce ? std::string(kPkceTokenPrefix) + new_link_token() : new_link_token();
    out.type = std::string(link_type(r.purpose));
    out.action_link = verify_url_ + "?token=" + out.link_token + "&type=" + out.type +
                      "&redirect_to=" + http::percent_encode(r.redirect_to);
    const std::string salt = new_code_salt();
    const bool change = r.purpose == CodePurpose::kEmailChange || r.purpose == CodePurpose::kPhoneChange;
    out.row = NewCode{.user_id = r.user_id,
                      .purpose = std::string(purpose_name(r.purpose)),
                      .channel = email ? "email" : "sms",
                      .recipient = r.recipient,
                      .code_salt = salt,
                      .code_hash = hash_code(code_key_, salt, out.code),
                      .link_hash = hash_link_token(out.link_token),
                      .lifetime_seconds = email ? settings_.otp_email_lifetime_seconds : settings_.otp_sms_lifetime_seconds,
                      .send_interval_seconds = email ? settings_.otp_email_send_interval_seconds
                                                     : settings_.otp_sms_send_interval_seconds,
                      .pending_change = change ? r.recipient : ""};
    return out;
}

Awaitable<std::int64_t> AuthService::send_code(const CodeRequest& r) {
    const bool email = r.channel == messaging::Channel::kEmail;
    NewLinkCode issued = make_code(r);
    const bool change = r.purpose == CodePurpose::kEmailChange;
    messaging::TemplateData data{
        .token = issued.code,
        .token_hash = issued.link_token,
        .confirmation_url = issued.action_link,
        .site_url = redirects_.site_url,
        .email = email && !change ? r.recipient : r.email,
        .new_email = change ? r.recipient : "",
        .redirect_to = r.redirect_to,
        .phone = email ? "" : "+" + r.recipient,
    };
    const messaging::MessageKind kind = kind_for(r.purpose);
    Result<messaging::Message> message = email ? messaging::compose_email(options_.smtp, kind, r.recipient, data)
                                               : messaging::compose_sms(options_.sms, kind, "+" + r.recipient, data);
    // Templates are validated at startup; an error here is the server's, not the client's.
    if (!message) throw ErrorException(Error::internal_error("auth: composing a message: " + message.error().message));
    message->user_id = r.user_id;
    message->expires_at = std::chrono::system_clock::now() + std::chrono::seconds(issued.row.lifetime_seconds);
    if (auto ok = messaging::validate_message(*message); !ok)
        throw ErrorException(validation_failed(email ? "Unable to send email to this address" : "Unable to send SMS to this number"));

    auto tx = co_await store_.begin();
    const std::optional<std::int64_t> wait = co_await store_.put_code(*tx, std::move(issued.row));
    if (wait) throw ErrorException(send_rate_limited(email, *wait));  // the transaction rolls back
    if (r.pkce && email) {
        NewFlowState flow{.user_id = r.user_id,
                          .code_challenge = r.pkce->challenge,
                          .code_challenge_method = r.pkce->method,
                          .authentication_method = pkce_authentication_method(issued.type),
                          .link_hash = hash_link_token(issued.link_token),
                          .auth_code_hash = hash_link_token(pkce_auth_code(code_key_, issued.link_token)),
                          .lifetime_seconds = settings_.otp_email_lifetime_seconds};
        co_await store_.put_flow_state(*tx, std::move(flow));
    }
    const std::int64_t outbox_id = co_await messaging::Outbox::enqueue(*tx, *message);
    co_await tx->commit();
    log::debug("auth: {} code for user {} queued as outbox message {}", issued.type, r.user_id, outbox_id);
    co_return outbox_id;
}

std::string AuthService::redirect_target(const Request& req) const {
    return redirects_.pick(req.query_param("redirect_to"));
}

}  // namespace basalt::auth
