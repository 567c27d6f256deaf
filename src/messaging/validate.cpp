// Cross-field checks of smtp / sms / outbox (see validate.hpp).
#include "messaging/validate.hpp"

#include "messaging/message.hpp"
#include "messaging/templates.hpp"

namespace basalt::messaging {

namespace {

Error invalid(const std::string& key, const std::string& reason) {
    return Error::bad_request("config.invalid", key + ": " + reason);
}

bool is_http_url(const std::string& url) {
    return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

bool has_line_break(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

}  // namespace

Result<void> validate_settings(const SmtpSettings& smtp, const SmsSettings& sms, const OutboxSettings& outbox) {
    if (!is_plausible_email(smtp.sender)) return invalid("smtp.sender", "must be an email address, got \"" + smtp.sender + "\"");
    if (has_line_break(smtp.sender_name)) return invalid("smtp.sender_name", "must be one line");
    if (!smtp.host.empty() && smtp.host.find_first_of(" /\r\n") != std::string::npos)
        return invalid("smtp.host", "must be a host name or address, got \"" + smtp.host + "\"");

    if (sms.provider == "arkesel") {
        if (sms.arkesel_api_key.empty()) return invalid("sms.arkesel.api_key", "required when sms.provider is arkesel");
        if (sms.arkesel_sender_id.empty() || sms.arkesel_sender_id.size() > 11)
            return invalid("sms.arkesel.sender_id", "required when sms.provider is arkesel (1..11 characters)");
        if (!is_http_url(sms.arkesel_base_url)) return invalid("sms.arkesel.base_url", "must be an http(s) URL");
    } else if (sms.provider == "webhook") {
        if (!is_http_url(sms.webhook_url)) return invalid("sms.webhook.url", "required http(s) URL when sms.provider is webhook");
    }
    if (!sms.default_country_code.empty()) {
        std::string cc = sms.default_country_code;
        if (cc.front() == '+') cc.erase(0, 1);
        const bool digits = !cc.empty() && cc.size() <= 3 && cc.front() != '0' &&
                            cc.find_first_not_of("0123456789") == std::string::npos;
        if (!digits) return invalid("sms.default_country_code", "must be a country calling code like 233 or +1");
    }
    if (outbox.retry_max_ms < outbox.retry_base_ms)
        return invalid("outbox.retry_max_ms", "must not be smaller than outbox.retry_base_ms");
    if (auto r = validate_templates(smtp, sms); !r) return Error::bad_request("config.invalid", r.error().message);
    return {};
}

}  // namespace basalt::messaging
