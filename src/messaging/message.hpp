// What goes into the outbox: a fully rendered email or SMS (templates are applied before the
// row is written, so the row is exactly what will be delivered and what the mailbox shows).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace basalt::messaging {

enum class Channel { kEmail, kSms };

// Why a message is sent; selects the template and is stored as text in outbox.kind.
enum class MessageKind {
    kConfirmation,      // "signup" in GoTrue's mailer
    kInvite,
    kMagicLink,
    kRecovery,
    kEmailChange,
    kReauthentication,
    kOtp,               // a bare one-time code (email or SMS)
    kPhoneChange,       // SMS code confirming a new phone number
    kCustom,
};

std::string_view channel_name(Channel c);          // "email" | "sms"
std::string_view kind_name(MessageKind k);         // "confirmation", "magic_link", ...
std::optional<MessageKind> parse_kind(std::string_view name);

struct Message {
    Channel channel = Channel::kEmail;
    std::string kind = "custom";       // kind_name(...) for the built-in kinds
    std::string to;                    // email address, or E.164 phone ("+233241234567")
    std::string subject;               // email only
    std::string text;                  // email text part, or the SMS text
    std::string html;                  // email only; empty = text-only email
    std::optional<std::string> user_id;  // uuid of the user it concerns, for audit
    // Not delivered after this instant (an OTP past its expiry); nullopt = no limit.
    std::optional<std::chrono::system_clock::time_point> expires_at;
};

// Checks what the sender relies on: a plausible address (no spaces, CR/LF or angle brackets,
// one @), a subject without line breaks, a body, an E.164 phone for SMS. Error code
// messaging.invalid_message (400); callers normally validated the address long before.
Result<void> validate_message(const Message& m);

// A plain addr-spec check (local@domain, printable ASCII or UTF-8, no spaces, brackets or
// control characters). Not a full RFC 5322 parser: the SMTP server has the final word.
bool is_plausible_email(std::string_view address);

}  // namespace basalt::messaging
