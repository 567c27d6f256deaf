// Email and SMS templates: GoTrue-style {{ .Var }} placeholders, built-in defaults per message
// kind, overrides from smtp.templates.<kind>.* / sms.template. Pure; the auth module composes a
// Message here and hands it to Outbox::enqueue in the same transaction as its token row.
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"
#include "messaging/message.hpp"
#include "messaging/settings.hpp"

namespace basalt::messaging {

// Values a template may use. Names follow GoTrue's mail templates so Supabase templates can be
// pasted unchanged; .Code is GoTrue's SMS name for the one-time code (same as .Token).
struct TemplateData {
    std::string token;             // {{ .Token }} / {{ .Code }}: the one-time code
    std::string token_hash;        // {{ .TokenHash }}: for links built by the app
    std::string confirmation_url;  // {{ .ConfirmationURL }}: <site>/auth/v1/verify?token=...
    std::string site_url;          // {{ .SiteURL }}
    std::string email;             // {{ .Email }}: the user's (current) address
    std::string new_email;         // {{ .NewEmail }}: email_change target
    std::string redirect_to;       // {{ .RedirectTo }}
    std::string phone;             // {{ .Phone }}
};

// Replaces each {{ .Name }} (spaces optional) with its value, HTML-escaped when html is true.
// Anything else between {{ }} (Go template actions, unknown names) or an unclosed {{ is an
// error (messaging.template), so a typo is found at startup, not in a user's inbox.
Result<std::string> render_template(std::string_view tpl, const TemplateData& data, bool html);

// The configured template for a kind with empty fields filled from the built-in defaults.
EmailTemplate email_template(const SmtpSettings& settings, MessageKind kind);

// Renders subject (single line), text and HTML parts into an email Message for `to`.
//
//   auto msg = messaging::compose_email(config.smtp, MessageKind::kMagicLink, user.email,
//                                       {.token = otp, .confirmation_url = link, .site_url = site,
//                                        .email = user.email});
//   if (!msg) return msg.error();
//   co_await messaging::Outbox::enqueue(*tx, *msg);
Result<Message> compose_email(const SmtpSettings& settings, MessageKind kind, std::string to,
                              const TemplateData& data);

// Renders sms.template for an E.164 recipient.
Result<Message> compose_sms(const SmsSettings& settings, MessageKind kind, std::string to_e164,
                            const TemplateData& data);

// Renders every configured template with sample data; the first error names the setting
// ("smtp.templates.recovery.html: unknown template variable .Tokn"). Call at startup.
Result<void> validate_templates(const SmtpSettings& smtp, const SmsSettings& sms);

// "&<>\"'" -> entities.
std::string html_escape(std::string_view text);

}  // namespace basalt::messaging
