// The one token verifier every module uses: a JWT in, its verified claims out. Other modules
// (http gateway, rest, realtime, storage) depend on this header only, never on auth internals.
#pragma once

#include <memory>
#include <string_view>

#include "common/error.hpp"
#include "common/json.hpp"

namespace basalt::auth {

class SigningKeys;

class Verifier {
public:
    explicit Verifier(std::shared_ptr<const SigningKeys> keys) : keys_(std::move(keys)) {}

    // Verified claims, or 401 (code bad_jwt / token_expired). HS256 with the project secret
    // and, when configured, RS256/ES256 by kid. Requires exp.
    //   auto claims = verifier.verify(token);
    //   if (!claims) return Response::error(claims.error());
    [[nodiscard]] Result<Json> verify(std::string_view token) const;

private:
    std::shared_ptr<const SigningKeys> keys_;
};

}  // namespace basalt::auth
