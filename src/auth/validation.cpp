// Implementation of identifier validation and body parsing.
#include "auth/validation.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "auth/errors.hpp"
#include "messaging/phone.hpp"

namespace basalt::auth {

namespace {
std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}
Error unprocessable(std::string code, std::string message) { return auth_error(422, std::move(code), std::move(message)); }
}  // namespace

Result<std::string> normalize_email(std::string_view raw) {
    std::string email(trim(raw));
    std::transform(email.begin(), email.end(), email.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    const auto at = email.find('@');
    const bool shape_ok = email.size() <= 255 && at != std::string::npos && at > 0 &&
                          email.find('@', at + 1) == std::string::npos && at + 1 < email.size() &&
                          email.find('.', at + 2) != std::string::npos && email.back() != '.';
    const bool chars_ok = std::none_of(email.begin(), email.end(), [](unsigned char c) {
        return std::isspace(c) || std::iscntrl(c) || c == ',' || c == '<' || c == '>' || c == '"';
    });
    if (!shape_ok || !chars_ok)
        return unprocessable("email_address_invalid", "Unable to validate email address: invalid format");
    return email;
}

Result<std::string> normalize_phone(std::string_view raw, std::string_view default_country_code) {
    // One E.164 rule for the whole server (messaging's); GoTrue stores the digits without '+'.
    auto e164 = messaging::normalise_phone(raw, default_country_code);
    if (!e164) return auth_error(400, "validation_failed", e164.error().message);
    return e164->substr(1);
}

Result<std::string> validate_username(std::string_view raw) {
    std::string_view name = trim(raw);
    const bool ok = name.size() >= 3 && name.size() <= 32 &&
                    std::all_of(name.begin(), name.end(), [](unsigned char c) {
                        return std::isalnum(c) || c == '_' || c == '.' || c == '-';
                    }) &&
                    std::isalpha(static_cast<unsigned char>(name.front()));
    if (!ok)
        return unprocessable("validation_failed",
                             "Username must be 3-32 characters of letters, digits, '_', '.' or '-', "
                             "starting with a letter");
    return std::string(name);
}

std::optional<std::int64_t> parse_go_duration(std::string_view text) {
    if (text.empty()) return std::nullopt;
    double total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        if (start == i) return std::nullopt;
        double value = 0;
        try {
            value = std::stod(std::string(text.substr(start, i - start)));
        } catch (...) {
            return std::nullopt;
        }
        std::size_t ustart = i;
        while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
        std::string_view unit = text.substr(ustart, i - ustart);
        double scale;
        if (unit == "h") scale = 3600;
        else if (unit == "m") scale = 60;
        else if (unit == "s") scale = 1;
        else if (unit == "ms") scale = 1e-3;
        else if (unit == "us" || unit == "\xC2\xB5s") scale = 1e-6;
        else if (unit == "ns") scale = 1e-9;
        else return std::nullopt;
        total += value * scale;
    }
    if (total > 1e11) return std::nullopt;
    return static_cast<std::int64_t>(total);
}

Result<Json> parse_body(std::string_view body) {
    if (trim(body).empty()) return Json::object();
    Json j = parse_json_or_discarded(body);
    if (j.is_discarded()) return bad_json("invalid JSON");
    if (!j.is_object()) return bad_json("expected a JSON object");
    return j;
}

Result<std::optional<std::string>> opt_string(const Json& body, const char* key) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return std::optional<std::string>{};
    if (!it->is_string()) return validation_failed(std::string(key) + " must be a string");
    return std::optional<std::string>(it->get<std::string>());
}

std::optional<std::string> non_empty(std::optional<std::string> s) {
    if (s && s->empty()) s.reset();
    return s;
}

Result<std::optional<bool>> opt_bool(const Json& body, const char* key) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return std::optional<bool>{};
    if (!it->is_boolean()) return validation_failed(std::string(key) + " must be a boolean");
    return std::optional<bool>(it->get<bool>());
}

Result<std::optional<Json>> opt_object(const Json& body, const char* key) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return std::optional<Json>{};
    if (!it->is_object()) return validation_failed(std::string(key) + " must be an object");
    return std::optional<Json>(*it);
}

bool is_uuid(std::string_view t) {
    if (t.size() != 36) return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (t[i] != '-') return false;
        } else if (!std::isxdigit(static_cast<unsigned char>(t[i]))) {
            return false;
        }
    }
    return true;
}

std::optional<std::string> inet_or_null(std::string_view ip) {
    std::string s(ip);
    unsigned char buf[16];
    if (inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1) return s;
    return std::nullopt;
}

}  // namespace basalt::auth
