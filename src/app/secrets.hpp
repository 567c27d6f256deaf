// The project JWT secret and the API keys minted from it (`basalt keys`). With no
// auth.jwt_secret configured, a secret is generated on first run and kept in the data dir.
#pragma once

#include <string>

#include "common/error.hpp"

namespace basalt::app {

// Returns the configured secret, else the one stored in <data_dir>/jwt_secret (mode 0600),
// generating and storing it first if needed (written to a temp file then renamed, so a crash
// never leaves a half-written secret).
Result<std::string> resolve_jwt_secret(const std::string& configured, const std::string& data_dir);

struct ApiKeys {
    std::string anon;
    std::string service_role;
};

// HS256 JWTs with role/iss/iat/exp (exp ten years ahead), like Supabase's legacy keys.
ApiKeys mint_api_keys(const std::string& secret, const std::string& issuer);

}  // namespace basalt::app
