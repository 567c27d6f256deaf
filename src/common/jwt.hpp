// JSON Web Tokens, HS256 (RFC 7519 / RFC 7515). The one place that signs and verifies
// symmetric tokens; auth adds asymmetric keys on top and every module verifies through it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/json.hpp"

namespace basalt::jwt {

std::string sign_hs256(const Json& claims, std::string_view secret);

struct VerifyOptions {
    std::int64_t now = 0;        // unix seconds; 0 = current time
    std::int64_t leeway = 30;    // clock skew tolerated on exp/nbf
    bool require_exp = false;
};

// Verifies header alg (HS256 only: "none" and every other alg are rejected), signature in
// constant time, exp and nbf. Errors are 401 with codes auth.bad_jwt / auth.token_expired.
Result<Json> verify_hs256(std::string_view token, std::string_view secret, VerifyOptions opts = {});

// Splits and decodes without verifying (for tokens whose header picks the key).
Result<Json> decode_header(std::string_view token);

std::int64_t unix_now();

}  // namespace basalt::jwt
