// E.164 normalisation: strip separators, resolve the international or trunk prefix, check the
// digit count. No per-country numbering plans: providers reject numbers that do not exist.
#include "messaging/phone.hpp"

#include <cctype>

namespace basalt::messaging {

namespace {

constexpr std::size_t kMinDigits = 8;   // shortest plausible country code + subscriber number
constexpr std::size_t kMaxDigits = 15;  // ITU-T E.164

Error bad(std::string message) { return Error::bad_request("validation_failed", std::move(message)); }

bool is_separator(char c) { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t'; }

}  // namespace

Result<std::string> normalise_phone(std::string_view text, std::string_view default_country_code) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    if (text.empty()) return bad("Phone number is required");

    bool plus = false;
    std::string digits;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            digits.push_back(c);
        } else if (c == '+') {
            if (plus || !digits.empty()) return bad("Invalid phone number format (E.164 required)");
            plus = true;
        } else if (!is_separator(c)) {
            return bad("Invalid phone number format (E.164 required)");
        }
    }
    if (digits.empty()) return bad("Invalid phone number format (E.164 required)");

    if (!plus && digits.rfind("00", 0) == 0) {
        digits.erase(0, 2);  // international call prefix used in most of the world
    } else if (!plus && digits[0] == '0') {
        std::string_view cc = default_country_code;
        if (!cc.empty() && cc.front() == '+') cc.remove_prefix(1);
        if (cc.empty()) return bad("Phone number needs a country code (e.g. +233...)");
        if (cc.size() > 3 || cc[0] == '0')
            return bad("Invalid default country code");
        for (char c : cc)
            if (c < '0' || c > '9') return bad("Invalid default country code");
        digits = std::string(cc) + digits.substr(1);
    }

    if (digits.empty() || digits[0] == '0') return bad("Invalid phone number format (E.164 required)");
    if (digits.size() < kMinDigits || digits.size() > kMaxDigits)
        return bad("Invalid phone number format (E.164 required)");
    return "+" + digits;
}

}  // namespace basalt::messaging
