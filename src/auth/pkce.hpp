// PKCE for emailed links (RFC 7636 as GoTrue applies it): the code_challenge a request brings,
// the marker on the link token that says the link belongs to a PKCE flow, the auth code the
// opened link hands out, and the verifier check of POST /token?grant_type=pkce. Pure; the rows
// live in auth.flow_state (migration 0010), the flow in send_code.cpp, handle_verify.cpp and
// handle_pkce.cpp.
//
//   auto challenge = get(parse_pkce(body));   // nullopt: implicit flow
//   link_token = kPkceTokenPrefix + new_link_token();
//   ... GET /verify: code = pkce_auth_code(key, link_token) -> redirect ?code=
//   ... grant: if (!pkce_verifier_matches(row.challenge, row.method, verifier)) 400 bad_code_verifier
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/json.hpp"
#include "common/error.hpp"

namespace basalt::auth {

struct PkceChallenge {
    std::string challenge;
    std::string method;  // "s256" | "plain" (lower case, as stored)
};

// code_challenge + code_challenge_method from a request body: both absent (or null/"") is the
// implicit flow (nullopt); one without the other, a challenge outside 43..128 characters of
// [A-Za-z0-9._~-], or a method other than s256/plain (any case) is validation_failed.
Result<std::optional<PkceChallenge>> parse_pkce(const Json& body);

// Link tokens of PKCE flows start with this (GoTrue's marker), so GET /verify knows the flow
// from the link alone, errors included.
inline constexpr std::string_view kPkceTokenPrefix = "pkce_";
inline bool is_pkce_token(std::string_view token) { return token.starts_with(kPkceTokenPrefix); }

// The auth code an opened PKCE link hands out: derived (HMAC with the one-time code key) from
// the link token, so only its hash needs storing and nothing readable sits in the table.
std::string pkce_auth_code(std::string_view key, std::string_view link_token);

// RFC 7636 §4.6 in constant time: s256 compares BASE64URL(SHA256(verifier)) with the challenge.
bool pkce_verifier_matches(std::string_view challenge, std::string_view method, std::string_view verifier);

// GoTrue's flow_state.authentication_method for a link type ("signup" -> "email/signup").
std::string pkce_authentication_method(std::string_view link_type);

}  // namespace basalt::auth
