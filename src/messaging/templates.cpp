// Template rendering ({{ .Var }} substitution only: no logic, so a template can never run code
// or loop) and the built-in default wording of each email kind.
#include "messaging/templates.hpp"

#include <array>
#include <tuple>
#include <utility>

namespace basalt::messaging {

namespace {

Error template_error(std::string message) {
    return Error::bad_request("messaging.template", std::move(message));
}

const std::string* lookup(std::string_view name, const TemplateData& d) {
    if (name == "Token" || name == "Code") return &d.token;
    if (name == "TokenHash") return &d.token_hash;
    if (name == "ConfirmationURL") return &d.confirmation_url;
    if (name == "SiteURL") return &d.site_url;
    if (name == "Email") return &d.email;
    if (name == "NewEmail") return &d.new_email;
    if (name == "RedirectTo") return &d.redirect_to;
    if (name == "Phone") return &d.phone;
    return nullptr;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Built-in wording. Every link is also given as a code, so a user whose mail client mangles
// links (or who reads mail on another device) can still finish signing in.
struct Default {
    const char* subject;
    const char* text;
    const char* html;
};

const Default& default_for(MessageKind kind) {
    static const Default kConfirmation{
        "Confirm your email",
        "Confirm your email address for {{ .SiteURL }} by opening this link:\n\n{{ .ConfirmationURL }}\n\n"
        "Or enter this code: {{ .Token }}\n\nIf you did not sign up, you can ignore this email.\n",
        "<h2>Confirm your email</h2>\n<p>Follow this link to confirm your email address:</p>\n"
        "<p><a href=\"{{ .ConfirmationURL }}\">Confirm your email address</a></p>\n"
        "<p>Or enter this code: <strong>{{ .Token }}</strong></p>\n"
        "<p>If you did not sign up, you can ignore this email.</p>\n"};
    static const Default kInvite{
        "You have been invited",
        "You have been invited to create an account on {{ .SiteURL }}. Accept the invitation here:\n\n"
        "{{ .ConfirmationURL }}\n\nOr enter this code: {{ .Token }}\n",
        "<h2>You have been invited</h2>\n<p>You have been invited to create an account on {{ .SiteURL }}.</p>\n"
        "<p><a href=\"{{ .ConfirmationURL }}\">Accept the invitation</a></p>\n"
        "<p>Or enter this code: <strong>{{ .Token }}</strong></p>\n"};
    static const Default kMagicLink{
        "Your sign-in link",
        "Sign in to {{ .SiteURL }} with this link:\n\n{{ .ConfirmationURL }}\n\n"
        "Or enter this code: {{ .Token }}\n\nIf you did not ask to sign in, you can ignore this email.\n",
        "<h2>Sign in</h2>\n<p>Follow this link to sign in:</p>\n"
        "<p><a href=\"{{ .ConfirmationURL }}\">Sign in</a></p>\n"
        "<p>Or enter this code: <strong>{{ .Token }}</strong></p>\n"
        "<p>If you did not ask to sign in, you can ignore this email.</p>\n"};
    static const Default kRecovery{
        "Reset your password",
        "Reset your password for {{ .SiteURL }} with this link:\n\n{{ .ConfirmationURL }}\n\n"
        "Or enter this code: {{ .Token }}\n\nIf you did not ask for this, you can ignore this email.\n",
        "<h2>Reset your password</h2>\n<p>Follow this link to reset your password:</p>\n"
        "<p><a href=\"{{ .ConfirmationURL }}\">Reset password</a></p>\n"
        "<p>Or enter this code: <strong>{{ .Token }}</strong></p>\n"
        "<p>If you did not ask for this, you can ignore this email.</p>\n"};
    static const Default kEmailChange{
        "Confirm your new email address",
        "Confirm changing your email address from {{ .Email }} to {{ .NewEmail }} with this link:\n\n"
        "{{ .ConfirmationURL }}\n\nOr enter this code: {{ .Token }}\n",
        "<h2>Confirm your new email address</h2>\n"
        "<p>Follow this link to confirm changing your email address from {{ .Email }} to {{ .NewEmail }}:</p>\n"
        "<p><a href=\"{{ .ConfirmationURL }}\">Change email address</a></p>\n"
        "<p>Or enter this code: <strong>{{ .Token }}</strong></p>\n"};
    static const Default kReauthentication{
        "Confirm it is you",
        "Enter this code to confirm it is you: {{ .Token }}\n",
        "<h2>Confirm it is you</h2>\n<p>Enter this code: <strong>{{ .Token }}</strong></p>\n"};
    static const Default kOtp{
        "Your verification code",
        "Your verification code is {{ .Token }}\n",
        "<h2>Your verification code</h2>\n<p><strong>{{ .Token }}</strong></p>\n"};
    switch (kind) {
        case MessageKind::kConfirmation: return kConfirmation;
        case MessageKind::kInvite: return kInvite;
        case MessageKind::kMagicLink: return kMagicLink;
        case MessageKind::kRecovery: return kRecovery;
        case MessageKind::kEmailChange: return kEmailChange;
        case MessageKind::kReauthentication: return kReauthentication;
        default: return kOtp;
    }
}

const EmailTemplate& configured(const SmtpSettings& s, MessageKind kind) {
    static const EmailTemplate kNone;
    switch (kind) {
        case MessageKind::kConfirmation: return s.templates.confirmation;
        case MessageKind::kInvite: return s.templates.invite;
        case MessageKind::kMagicLink: return s.templates.magic_link;
        case MessageKind::kRecovery: return s.templates.recovery;
        case MessageKind::kEmailChange: return s.templates.email_change;
        case MessageKind::kReauthentication: return s.templates.reauthentication;
        case MessageKind::kOtp: return s.templates.otp;
        default: return kNone;
    }
}

// A subject is one header line: template line breaks become spaces.
std::string one_line(std::string s) {
    for (auto& c : s)
        if (c == '\r' || c == '\n' || c == '\t') c = ' ';
    return s;
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

Result<std::string> render_template(std::string_view tpl, const TemplateData& data, bool html) {
    std::string out;
    out.reserve(tpl.size() + 64);
    std::size_t pos = 0;
    while (pos < tpl.size()) {
        const auto open = tpl.find("{{", pos);
        if (open == std::string_view::npos) {
            out.append(tpl.substr(pos));
            break;
        }
        out.append(tpl.substr(pos, open - pos));
        const auto close = tpl.find("}}", open + 2);
        if (close == std::string_view::npos) return template_error("unclosed {{ in template");
        std::string_view action = trim(tpl.substr(open + 2, close - open - 2));
        if (action.size() < 2 || action.front() != '.')
            return template_error("unsupported template action {{ " + std::string(action) + " }} (only {{ .Name }})");
        const std::string* value = lookup(action.substr(1), data);
        if (value == nullptr) return template_error("unknown template variable " + std::string(action));
        out += html ? html_escape(*value) : *value;
        pos = close + 2;
    }
    return out;
}

EmailTemplate email_template(const SmtpSettings& settings, MessageKind kind) {
    const EmailTemplate& c = configured(settings, kind);
    const Default& d = default_for(kind);
    return EmailTemplate{
        .subject = c.subject.empty() ? d.subject : c.subject,
        .text = c.text.empty() ? d.text : c.text,
        .html = c.html.empty() ? d.html : c.html,
    };
}

Result<Message> compose_email(const SmtpSettings& settings, MessageKind kind, std::string to,
                              const TemplateData& data) {
    const EmailTemplate t = email_template(settings, kind);
    auto subject = render_template(t.subject, data, false);
    if (!subject) return subject.error();
    auto text = render_template(t.text, data, false);
    if (!text) return text.error();
    auto html = render_template(t.html, data, true);
    if (!html) return html.error();
    Message m;
    m.channel = Channel::kEmail;
    m.kind = std::string(kind_name(kind));
    m.to = std::move(to);
    m.subject = one_line(std::move(*subject));
    m.text = std::move(*text);
    m.html = std::move(*html);
    return m;
}

Result<Message> compose_sms(const SmsSettings& settings, MessageKind kind, std::string to_e164,
                            const TemplateData& data) {
    auto text = render_template(settings.template_text, data, false);
    if (!text) return text.error();
    Message m;
    m.channel = Channel::kSms;
    m.kind = std::string(kind_name(kind));
    m.to = std::move(to_e164);
    m.text = std::move(*text);
    return m;
}

Result<void> validate_templates(const SmtpSettings& smtp, const SmsSettings& sms) {
    const TemplateData sample{.token = "123456",
                              .token_hash = "hash",
                              .confirmation_url = "https://example.com/verify",
                              .site_url = "https://example.com",
                              .email = "user@example.com",
                              .new_email = "new@example.com",
                              .redirect_to = "https://example.com/home",
                              .phone = "+233241234567"};
    constexpr std::array kinds{MessageKind::kConfirmation, MessageKind::kInvite, MessageKind::kMagicLink,
                               MessageKind::kRecovery, MessageKind::kEmailChange,
                               MessageKind::kReauthentication, MessageKind::kOtp};
    for (MessageKind kind : kinds) {
        const EmailTemplate t = email_template(smtp, kind);
        const std::string key = "smtp.templates." + std::string(kind_name(kind));
        for (auto [field, text, html] : {std::tuple{"subject", &t.subject, false},
                                         std::tuple{"text", &t.text, false}, std::tuple{"html", &t.html, true}}) {
            auto r = render_template(*text, sample, html);
            if (!r) return template_error(key + "." + field + ": " + r.error().message);
        }
    }
    if (auto r = render_template(sms.template_text, sample, false); !r)
        return template_error("sms.template: " + r.error().message);
    return {};
}

}  // namespace basalt::messaging
