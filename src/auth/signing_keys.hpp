// The keys that sign and verify access tokens: the HS256 project secret (always, since the
// API keys use it) plus an optional RS256/ES256 key pair from PEM files, published as JWKS.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/claims_cache.hpp"
#include "auth/settings.hpp"
#include "common/error.hpp"
#include "common/json.hpp"

namespace basalt::auth {

class SigningKeys {
public:
    // Loads PEM files named in settings. Returns config errors (unreadable file, key type not
    // matching jwt_algorithm, secret shorter than 32 chars) instead of throwing.
    static Result<std::shared_ptr<const SigningKeys>> load(const Settings& settings);
    ~SigningKeys();

    // Signs with jwt_algorithm (RS256/ES256 add "kid" to the header).
    [[nodiscard]] std::string sign(const Json& claims) const;

    // Signature, alg and exp/nbf checks. HS256 uses the secret; RS256/ES256 pick the public
    // key by kid (or try each key of that type when kid is absent). alg=none and anything
    // else is refused. Errors are 401 bad_jwt / token_expired.
    // Repeat presentations of a token are answered from a bounded cache (claims_cache.hpp).
    [[nodiscard]] Result<Json> verify(std::string_view token) const;
    // The full check every time (tests, and the cold-path benchmark).
    [[nodiscard]] Result<Json> verify_uncached(std::string_view token) const;

    // {"keys":[...]} public JWKs (empty list with HS256 only: the secret is never published).
    [[nodiscard]] Json jwks() const;

    [[nodiscard]] const std::string& algorithm() const { return algorithm_; }
    [[nodiscard]] const std::string& secret() const { return secret_; }

    struct PublicKey;

private:
    SigningKeys() = default;
    Result<Json> verify_hs256(std::string_view signing_input, std::string_view signature,
                              std::string_view payload) const;
    Result<Json> verify_asymmetric(const Json& header, std::string_view token) const;

    std::string algorithm_;
    std::string secret_;
    std::string signing_kid_;
    void* signing_key_ = nullptr;  // EVP_PKEY*
    std::vector<std::unique_ptr<PublicKey>> public_keys_;
    std::string header_b64_;  // precomputed header of tokens we sign
    // HMAC keyed once (EVP_MAC_CTX*); each verification duplicates it instead of re-deriving
    // the key pads, the dominant cost of a one-shot HMAC() call.
    void* hmac_template_ = nullptr;
    std::unique_ptr<ClaimsCache> cache_ = std::make_unique<ClaimsCache>();
};

}  // namespace basalt::auth
