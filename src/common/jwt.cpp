// HS256 signing and verification.
#include "common/jwt.hpp"

#include <chrono>

#include "common/crypto.hpp"

namespace basalt::jwt {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string sign_hs256(const Json& claims, std::string_view secret) {
    static const std::string kHeader = crypto::base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
    std::string signing_input = kHeader + "." + crypto::base64url_encode(claims.dump());
    return signing_input + "." + crypto::base64url_encode(crypto::hmac_sha256(secret, signing_input));
}

namespace {
Error bad_jwt(std::string message) { return Error::unauthorized("bad_jwt", std::move(message)); }

struct Parts {
    std::string_view header, payload, signature, signing_input;
};

Result<Parts> split(std::string_view token) {
    auto d1 = token.find('.');
    if (d1 == std::string_view::npos) return bad_jwt("invalid JWT: unable to parse or verify signature, token is malformed");
    auto d2 = token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
        return bad_jwt("invalid JWT: unable to parse or verify signature, token is malformed");
    return Parts{token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1), token.substr(d2 + 1),
                 token.substr(0, d2)};
}

Result<Json> decode_object(std::string_view part) {
    auto raw = crypto::base64url_decode(part);
    if (!raw) return bad_jwt("invalid JWT: token is malformed");
    Json j = parse_json_or_discarded(*raw);
    if (!j.is_object()) return bad_jwt("invalid JWT: token is malformed");
    return j;
}
}  // namespace

Result<Json> decode_header(std::string_view token) {
    auto parts = split(token);
    if (!parts) return parts.error();
    return decode_object(parts->header);
}

Result<Json> verify_hs256(std::string_view token, std::string_view secret, VerifyOptions opts) {
    auto parts = split(token);
    if (!parts) return parts.error();
    auto header = decode_object(parts->header);
    if (!header) return header.error();
    // Only HS256: alg=none and algorithm confusion (RS256 with the secret as key) are refused.
    if (!header->contains("alg") || (*header)["alg"] != "HS256")
        return bad_jwt("invalid JWT: unsupported signing algorithm");
    auto sig = crypto::base64url_decode(parts->signature);
    std::string expected = crypto::hmac_sha256(secret, parts->signing_input);
    if (!sig || !crypto::constant_time_equal(*sig, expected))
        return bad_jwt("invalid JWT: unable to verify signature");
    auto claims = decode_object(parts->payload);
    if (!claims) return claims.error();
    const std::int64_t now = opts.now ? opts.now : unix_now();
    if (claims->contains("exp")) {
        const auto& exp = (*claims)["exp"];
        if (!exp.is_number()) return bad_jwt("invalid JWT: exp claim is not a number");
        if (exp.get<double>() + double(opts.leeway) < double(now))
            return Error::unauthorized("token_expired", "JWT expired");
    } else if (opts.require_exp) {
        return bad_jwt("invalid JWT: missing exp claim");
    }
    if (claims->contains("nbf")) {
        const auto& nbf = (*claims)["nbf"];
        if (!nbf.is_number() || nbf.get<double>() > double(now + opts.leeway))
            return bad_jwt("invalid JWT: token not valid yet");
    }
    return claims;
}

}  // namespace basalt::jwt
