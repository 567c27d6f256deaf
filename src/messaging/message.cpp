// Message kinds and the checks every outbox row passes before it is written.
#include "messaging/message.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace basalt::messaging {

namespace {

constexpr std::array<std::pair<MessageKind, std::string_view>, 9> kKinds{{
    {MessageKind::kConfirmation, "confirmation"},
    {MessageKind::kInvite, "invite"},
    {MessageKind::kMagicLink, "magic_link"},
    {MessageKind::kRecovery, "recovery"},
    {MessageKind::kEmailChange, "email_change"},
    {MessageKind::kReauthentication, "reauthentication"},
    {MessageKind::kOtp, "otp"},
    {MessageKind::kPhoneChange, "phone_change"},
    {MessageKind::kCustom, "custom"},
}};

Error invalid(std::string message) { return Error::bad_request("messaging.invalid_message", std::move(message)); }

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool is_e164(std::string_view s) {
    if (s.size() < 9 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
    return std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view channel_name(Channel c) { return c == Channel::kEmail ? "email" : "sms"; }

std::string_view kind_name(MessageKind k) {
    for (const auto& [kind, name] : kKinds)
        if (kind == k) return name;
    return "custom";
}

std::optional<MessageKind> parse_kind(std::string_view name) {
    if (name == "signup") return MessageKind::kConfirmation;  // GoTrue's name for it
    for (const auto& [kind, n] : kKinds)
        if (n == name) return kind;
    return std::nullopt;
}

bool is_plausible_email(std::string_view a) {
    if (a.empty() || a.size() > 254) return false;
    const auto at = a.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= a.size() || at > 64) return false;
    if (a.find('@') != at) return false;
    for (unsigned char c : a) {
        // Anything that could end the address inside "<...>" or start a new SMTP line.
        if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '(' || c == ')' ||
            c == ',' || c == ';' || c == ':' || c == '\\' || c == '[' || c == ']')
            return false;
    }
    const std::string_view domain = a.substr(at + 1);
    if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos) return false;
    return true;
}

Result<void> validate_message(const Message& m) {
    if (m.kind.empty() || m.kind.size() > 64) return invalid("message kind must be 1..64 characters");
    if (m.channel == Channel::kEmail) {
        if (!is_plausible_email(m.to)) return invalid("invalid email recipient");
        if (m.subject.empty()) return invalid("email subject is empty");
        if (has_line_break(m.subject)) return invalid("email subject contains a line break");
        if (m.text.empty() && m.html.empty()) return invalid("email body is empty");
    } else {
        if (!is_e164(m.to)) return invalid("SMS recipient must be an E.164 number (+<country><number>)");
        if (m.text.empty()) return invalid("SMS text is empty");
    }
    return {};
}

}  // namespace basalt::messaging
