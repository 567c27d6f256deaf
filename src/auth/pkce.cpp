// PKCE parameter validation, the auth code derivation and the verifier check.
#include "auth/pkce.hpp"

#include <algorithm>
#include <cctype>

#include "auth/errors.hpp"
#include "auth/validation.hpp"
#include "common/crypto.hpp"

namespace basalt::auth {

Result<std::optional<PkceChallenge>> parse_pkce(const Json& body) {
    auto challenge = opt_string(body, "code_challenge");
    if (!challenge) return challenge.error();
    auto method = opt_string(body, "code_challenge_method");
    if (!method) return method.error();
    const std::string c = non_empty(*challenge).value_or("");
    std::string m = non_empty(*method).value_or("");
    if (c.empty() && m.empty()) return std::optional<PkceChallenge>{};
    if (c.empty() || m.empty()) return validation_failed("PKCE flow requires code_challenge_method and code_challenge");
    if (c.size() < 43 || c.size() > 128)
        return validation_failed("code challenge has to be between 43 and 128 characters");
    const bool charset = std::all_of(c.begin(), c.end(), [](unsigned char ch) {
        return std::isalnum(ch) || ch == '.' || ch == '_' || ch == '~' || ch == '-';
    });
    if (!charset)
        return validation_failed(
            "code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes");
    std::transform(m.begin(), m.end(), m.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
    if (m != "s256" && m != "plain") return validation_failed("unsupported code_challenge method \"" + m + "\"");
    return std::optional<PkceChallenge>(PkceChallenge{.challenge = c, .method = m});
}

std::string pkce_auth_code(std::string_view key, std::string_view link_token) {
    std::string data = "pkce auth code:";
    data += link_token;
    return crypto::hex(crypto::hmac_sha256(key, data));
}

bool pkce_verifier_matches(std::string_view challenge, std::string_view method, std::string_view verifier) {
    if (method == "s256") return crypto::constant_time_equal(crypto::base64url_encode(crypto::sha256(verifier)), challenge);
    if (method == "plain") return crypto::constant_time_equal(verifier, challenge);
    return false;
}

std::string pkce_authentication_method(std::string_view link_type) {
    if (link_type == "signup") return "email/signup";
    return std::string(link_type);
}

}  // namespace basalt::auth
