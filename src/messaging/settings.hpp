// Messaging options: config sections "smtp" (email transport and templates), "sms" (provider)
// and "outbox" (the durable queue's retry policy). Empty smtp.host / sms.provider none keep
// messages in the development mailbox (`basalt mail list`) instead of sending them.
#pragma once

#include <cstdint>
#include <string>

#include "common/settings_field.hpp"

namespace basalt::messaging {

// One email template. Empty fields fall back to the built-in default for the message kind,
// so the example config stays short and defaults can improve without editing user files.
// Placeholders use GoTrue's names: {{ .Token }}, {{ .TokenHash }}, {{ .ConfirmationURL }},
// {{ .SiteURL }}, {{ .Email }}, {{ .NewEmail }}, {{ .RedirectTo }}, {{ .Phone }}.
struct EmailTemplate {
    std::string subject;
    std::string text;  // text/plain part
    std::string html;  // text/html part (values are HTML-escaped when inserted)
};

struct EmailTemplates {
    EmailTemplate confirmation;      // sign-up confirmation
    EmailTemplate invite;
    EmailTemplate magic_link;        // link and code in one message
    EmailTemplate recovery;          // password reset
    EmailTemplate email_change;
    EmailTemplate reauthentication;  // nonce before a sensitive change
    EmailTemplate otp;               // code only
};

struct SmtpSettings {
    std::string host;                 // empty = no SMTP: emails go to the development mailbox
    std::int64_t port = 0;            // 0 = by tls mode: none 25, starttls 587, tls 465
    std::string user;
    std::string password;
    std::string sender = "noreply@localhost";  // envelope and From address (GoTrue SMTP_ADMIN_EMAIL)
    std::string sender_name = "Basalt";
    std::string tls = "starttls";     // none | starttls (required) | tls (implicit, smtps://)
    bool tls_verify = true;           // verify the server certificate and host name
    std::int64_t timeout_ms = 30000;  // whole SMTP conversation for one message
    EmailTemplates templates;

    template <typename V>
    static void visit(SmtpSettings& s, V&& v) {
        v("host", s.host, {.help = "SMTP server; empty = keep emails in the development mailbox (basalt mail list)"});
        v("port", s.port, {.min = 0, .max = 65535, .help = "SMTP port; 0 = 25 (none), 587 (starttls), 465 (tls)"});
        v("user", s.user, {.help = "SMTP AUTH user; empty = no authentication"});
        v("password", s.password, {.secret = true, .help = "SMTP AUTH password"});
        v("sender", s.sender, {.help = "From address of every email"});
        v("sender_name", s.sender_name, {.help = "From display name"});
        v("tls", s.tls, {.one_of = {"none", "starttls", "tls"}, .help = "transport security: plain, STARTTLS (required) or implicit TLS"});
        v("tls_verify", s.tls_verify, {.help = "verify the SMTP server certificate (disable only for development)"});
        v("timeout_ms", s.timeout_ms, {.min = 1000, .max = 600000, .help = "deadline for sending one email"});
        visit_template(v, "confirmation", s.templates.confirmation);
        visit_template(v, "invite", s.templates.invite);
        visit_template(v, "magic_link", s.templates.magic_link);
        visit_template(v, "recovery", s.templates.recovery);
        visit_template(v, "email_change", s.templates.email_change);
        visit_template(v, "reauthentication", s.templates.reauthentication);
        visit_template(v, "otp", s.templates.otp);
    }

private:
    // Keys like templates.magic_link.subject; visitors copy the name during the call.
    template <typename V>
    static void visit_template(V& v, const char* kind, EmailTemplate& t) {
        const std::string base = std::string("templates.") + kind;
        v((base + ".subject").c_str(), t.subject, {.help = "subject; empty = built-in default"});
        v((base + ".text").c_str(), t.text, {.help = "text part; empty = built-in default"});
        v((base + ".html").c_str(), t.html, {.help = "HTML part; empty = built-in default"});
    }
};

struct SmsSettings {
    std::string provider = "none";     // none = SMS kept in the development mailbox
    // Prepended to national numbers written with a trunk 0 ("0241234567" -> +233241234567).
    // Empty = every number must be international (+233..., 233...).
    std::string default_country_code;
    std::string template_text = "Your code is {{ .Code }}";  // GoTrue's sms.template
    std::int64_t timeout_ms = 15000;

    std::string arkesel_api_key;
    std::string arkesel_sender_id;     // approved sender ID, at most 11 characters
    std::string arkesel_base_url = "https://sms.arkesel.com";

    std::string webhook_url;           // receives POST {"to","message","type"}
    std::string webhook_secret;        // sent as Authorization: Bearer <secret> when set

    template <typename V>
    static void visit(SmsSettings& s, V&& v) {
        v("provider", s.provider, {.one_of = {"none", "arkesel", "webhook"}, .help = "SMS provider; none = keep SMS in the development mailbox"});
        v("default_country_code", s.default_country_code, {.help = "country calling code for numbers written with a leading 0, e.g. 233; empty = require international numbers"});
        v("template", s.template_text, {.help = "SMS text; {{ .Code }} is the one-time code"});
        v("timeout_ms", s.timeout_ms, {.min = 1000, .max = 600000, .help = "deadline for one provider request"});
        v("arkesel.api_key", s.arkesel_api_key, {.secret = true, .help = "Arkesel SMS API key (api-key header)"});
        v("arkesel.sender_id", s.arkesel_sender_id, {.help = "Arkesel sender ID (at most 11 characters)"});
        v("arkesel.base_url", s.arkesel_base_url, {.help = "Arkesel API base URL (tests point it at a local server)"});
        v("webhook.url", s.webhook_url, {.help = "URL receiving POST {\"to\",\"message\",\"type\"} for each SMS"});
        v("webhook.secret", s.webhook_secret, {.secret = true, .help = "bearer token sent to the webhook"});
    }
};

// Whether messages of a channel leave the server (else they are captured in the development
// mailbox). Auth asks this to decide whether a confirmation step can be required at all.
inline bool email_configured(const SmtpSettings& s) { return !s.host.empty(); }
inline bool sms_configured(const SmsSettings& s) { return !s.provider.empty() && s.provider != "none"; }

struct OutboxSettings {
    std::int64_t max_attempts = 8;          // then the row is marked failed
    std::int64_t retry_base_ms = 2000;      // first retry delay; doubles per attempt (+-20% jitter)
    std::int64_t retry_max_ms = 300000;     // cap of one retry delay
    std::int64_t poll_interval_ms = 500;    // claim due rows at least this often
    std::int64_t workers = 2;               // concurrent deliveries (blocking curl calls)
    std::int64_t lease_seconds = 600;       // a live sender's claim older than this is taken over
    std::int64_t retention_hours = 168;     // delete finished rows older than this; 0 = keep
    bool redact_sent = true;                // drop bodies (codes, links) once delivered
    bool listen = true;                     // LISTEN basalt_outbox for instant wake-ups

    template <typename V>
    static void visit(OutboxSettings& s, V&& v) {
        v("max_attempts", s.max_attempts, {.min = 1, .max = 100, .help = "delivery attempts before a message is marked failed"});
        v("retry_base_ms", s.retry_base_ms, {.min = 10, .max = 3600000, .help = "delay before the first retry; doubles per attempt"});
        v("retry_max_ms", s.retry_max_ms, {.min = 10, .max = 86400000, .help = "longest delay between two attempts"});
        v("poll_interval_ms", s.poll_interval_ms, {.min = 10, .max = 60000, .help = "how often the sender looks for due messages"});
        v("workers", s.workers, {.min = 1, .max = 64, .help = "messages delivered concurrently"});
        v("lease_seconds", s.lease_seconds, {.min = 10, .max = 86400, .help = "take over a live sender's claim older than this"});
        v("retention_hours", s.retention_hours, {.min = 0, .max = 87600, .help = "delete sent/failed/captured messages older than this; 0 = keep"});
        v("redact_sent", s.redact_sent, {.help = "erase bodies (codes, links) once a message is sent"});
        v("listen", s.listen, {.help = "wake the sender with LISTEN/NOTIFY instead of waiting for the next poll"});
    }
};

}  // namespace basalt::messaging
