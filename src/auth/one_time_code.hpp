// One-time codes (the digits a user types) and link tokens (the secret in an emailed link):
// generation, hashing and comparison, and which code purposes each /verify `type` may consume.
// Pure; the rows live in auth.one_time_codes (migration 0006), the flow in handle_otp.cpp and
// handle_verify.cpp.
//
//   const std::string key = code_key(server_secret);            // once, at startup
//   const std::string code = generate_code(6), salt = new_code_salt();
//   store(hash_code(key, salt, code), salt);                     // never the code itself
//   ...
//   if (code_matches(key, row.salt, clean_code(typed), row.hash)) ...  // constant time
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messaging/message.hpp"

namespace basalt::auth {

// Why a code was sent; stored as text in auth.one_time_codes.purpose.
enum class CodePurpose {
    kConfirmation,  // sign-up confirmation (email or SMS)
    kMagicLink,     // email sign-in (POST /otp with an email)
    kSms,           // phone sign-in (POST /otp with a phone)
    kRecovery,      // password reset
    kInvite,        // admin invitation
    kEmailChange,   // confirming a new email address
    kPhoneChange,   // confirming a new phone number
};

std::string_view purpose_name(CodePurpose purpose);
// The /verify `type` put into links for a purpose ("signup", "magiclink", ...).
std::string_view link_type(CodePurpose purpose);

// What a /verify `type` accepts. Email sign-in types are interchangeable (GoTrue's `email`
// covers signup and magiclink; older clients send `signup` or `magiclink` for either): every
// one of them proves control of the address.
struct VerifyType {
    std::string name;  // the type as given ("email", "sms", ...)
    messaging::Channel channel = messaging::Channel::kEmail;
    std::vector<CodePurpose> purposes;
};
std::optional<VerifyType> parse_verify_type(std::string_view type);

// `length` uniformly random decimal digits (rejection sampling, no modulo bias).
std::string generate_code(std::size_t length);
// 32 random bytes as 64 hex characters: safe in any URL, no '-' for clients to mangle.
std::string new_link_token();
std::string new_code_salt();
// Hex SHA-256: enough for a 256-bit random token (no offline guessing possible).
std::string hash_link_token(std::string_view token);

// Codes are short, so their hash is keyed: HMAC-SHA256 with a key derived from the server
// secret, over the row's random salt and the code. A stolen table alone does not reveal codes.
std::string code_key(std::string_view server_secret);
std::string hash_code(std::string_view key, std::string_view salt, std::string_view code);
bool code_matches(std::string_view key, std::string_view salt, std::string_view code, std::string_view stored_hash);

// What the user typed with spaces and dashes removed ("123 456", "123-456" -> "123456").
std::string clean_code(std::string_view typed);

}  // namespace basalt::auth
