// The auth-context hook: turns a request into an AuthContext before the handler runs. The app
// injects the authenticator (JWT verifier today; cookie sessions + CSRF later use the same hook).
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "common/error.hpp"
#include "common/json.hpp"
#include "http/message.hpp"

namespace basalt::http {

// Returns the caller's identity, or an Error (401 JSON) for a bad credential.
using Authenticator = std::function<Result<AuthContext>(const Request&)>;
// Verifies a token and returns its claims (bad signature, alg=none, expired, malformed -> Error).
using TokenVerifier = std::function<Result<Json>(std::string_view token)>;

// The token a request presents: `Authorization: Bearer <t>` if present, else the `apikey` header.
[[nodiscard]] std::optional<std::string_view> presented_token(const Request& request);
// True when the request carries an `apikey` header or a bearer token.
[[nodiscard]] bool has_api_key(const Request& request);

// Default authenticator: verifies presented_token() with `verify`; role = claims.role (string)
// or "anon". No token -> anonymous context (has_token = false). Verifier errors pass through.
//
//   options.authenticate = make_bearer_authenticator(
//       [&](std::string_view t) { return jwt::verify_hs256(t, secret); });
[[nodiscard]] Authenticator make_bearer_authenticator(TokenVerifier verify);

}  // namespace basalt::http
