// Small crypto primitives over OpenSSL: base64url, HMAC-SHA256, SHA-256, random tokens,
// constant-time comparison. Everything that touches a secret goes through here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace basalt::crypto {

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string sha256(std::string_view data);                             // raw 32 bytes
std::string hex(std::string_view bytes);
std::string random_bytes(std::size_t n);        // CSPRNG; throws on failure
std::string random_token(std::size_t bytes);     // base64url of random bytes
std::string random_uuid_v4();
// Compares without an early exit so timing does not reveal the matching prefix.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace basalt::crypto
