// HS256 through common/jwt; RS256/ES256 through OpenSSL EVP. JWK thumbprints (RFC 7638)
// serve as default key ids so rotating the key file rotates the kid too.
#include "auth/signing_keys.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include "common/crypto.hpp"
#include "common/jwt.hpp"

namespace basalt::auth {

struct SigningKeys::PublicKey {
    std::string kid;
    std::string alg;  // RS256 | ES256
    EVP_PKEY* key = nullptr;
    Json jwk;
    ~PublicKey() { EVP_PKEY_free(key); }
};

namespace {

Error config_error(const std::string& message) { return Error::bad_request("config.invalid", message); }
Error bad_jwt(std::string message) { return Error::unauthorized("bad_jwt", std::move(message)); }

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Loads a private key, or (private_key=false) a public key; a private PEM is accepted as a
// verification key too.
EVP_PKEY* load_pem(const std::string& pem, bool private_key) {
    BIO* bio = BIO_new_mem_buf(pem.data(), int(pem.size()));
    if (!bio) return nullptr;
    EVP_PKEY* key = private_key ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr)
                                : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    if (!key && !private_key) {
        BIO_reset(bio);
        key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    }
    BIO_free(bio);
    return key;
}

std::string bn_param(EVP_PKEY* key, const char* name, int pad = 0) {
    BIGNUM* bn = nullptr;
    if (!EVP_PKEY_get_bn_param(key, name, &bn)) return {};
    std::string out(pad ? std::size_t(pad) : std::size_t(BN_num_bytes(bn)), '\0');
    if (pad) BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), pad);
    else BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return out;
}

// Algorithm for a key, "" when unsupported (RSA -> RS256, EC P-256 -> ES256).
std::string algorithm_of(EVP_PKEY* key) {
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) return "RS256";
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
        char group[64] = {0};
        std::size_t len = 0;
        if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) &&
            (std::string_view(group) == "prime256v1" || std::string_view(group) == "P-256"))
            return "ES256";
    }
    return {};
}

// Public JWK members in RFC 7638 order, so the thumbprint is the SHA-256 of their dump.
Json public_jwk(EVP_PKEY* key, const std::string& alg) {
    if (alg == "RS256")
        return Json{{"e", crypto::base64url_encode(bn_param(key, OSSL_PKEY_PARAM_RSA_E))},
                    {"kty", "RSA"},
                    {"n", crypto::base64url_encode(bn_param(key, OSSL_PKEY_PARAM_RSA_N))}};
    return Json{{"crv", "P-256"},
                {"kty", "EC"},
                {"x", crypto::base64url_encode(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, 32))},
                {"y", crypto::base64url_encode(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
}

Result<std::unique_ptr<SigningKeys::PublicKey>> make_public(EVP_PKEY* key, const std::string& path,
                                                            std::string kid) {
    auto pk = std::make_unique<SigningKeys::PublicKey>();
    pk->key = key;
    pk->alg = algorithm_of(key);
    if (pk->alg.empty()) return config_error(path + ": only RSA and EC P-256 keys are supported");
    Json jwk = public_jwk(key, pk->alg);
    pk->kid = kid.empty() ? crypto::base64url_encode(crypto::sha256(jwk.dump())) : std::move(kid);
    jwk["kid"] = pk->kid;
    jwk["alg"] = pk->alg;
    jwk["use"] = "sig";
    jwk["key_ops"] = Json::array({"verify"});
    pk->jwk = std::move(jwk);
    return pk;
}

// JOSE ES256 signatures are r||s (32 bytes each); OpenSSL speaks DER.
std::optional<std::string> der_to_jose(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, long(der.size()));
    if (!sig) return std::nullopt;
    const BIGNUM *r = nullptr, *s = nullptr;
    ECDSA_SIG_get0(sig, &r, &s);
    std::string out(64, '\0');
    BN_bn2binpad(r, reinterpret_cast<unsigned char*>(out.data()), 32);
    BN_bn2binpad(s, reinterpret_cast<unsigned char*>(out.data()) + 32, 32);
    ECDSA_SIG_free(sig);
    return out;
}

std::optional<std::string> jose_to_der(std::string_view jose) {
    if (jose.size() != 64) return std::nullopt;
    const auto* b = reinterpret_cast<const unsigned char*>(jose.data());
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(b, 32, nullptr), BN_bin2bn(b + 32, 32, nullptr));
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (len <= 0) return std::nullopt;
    std::string out(reinterpret_cast<char*>(der), std::size_t(len));
    OPENSSL_free(der);
    return out;
}

bool evp_verify(EVP_PKEY* key, std::string_view data, std::string_view signature) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
              EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                               signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                               data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

std::string evp_sign(EVP_PKEY* key, std::string_view data) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    std::string sig;
    if (ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1) {
        sig.resize(len);
        if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1)
            sig.resize(len);
        else
            sig.clear();
    }
    EVP_MD_CTX_free(ctx);
    if (sig.empty()) throw std::runtime_error("JWT signing failed");
    return sig;
}

// Clock skew tolerated on exp/nbf, as in common/jwt.
constexpr std::int64_t kLeeway = 30;

// exp/nbf; exp is required of every token we accept.
Result<void> check_times(const Json& claims) {
    const std::int64_t now = jwt::unix_now();
    if (!claims.contains("exp")) return bad_jwt("invalid JWT: missing exp claim");
    const auto& exp = claims["exp"];
    if (!exp.is_number()) return bad_jwt("invalid JWT: exp claim is not a number");
    if (exp.get<double>() + double(kLeeway) < double(now))
        return Error::unauthorized("token_expired", "JWT expired");
    if (claims.contains("nbf")) {
        const auto& nbf = claims["nbf"];
        if (!nbf.is_number() || nbf.get<double>() > double(now + kLeeway))
            return bad_jwt("invalid JWT: token not valid yet");
    }
    return {};
}

EVP_MAC_CTX* new_hmac_template(const std::string& key) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!mac) return nullptr;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);  // the context keeps its own reference
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    if (!ctx || EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return nullptr;
    }
    return ctx;
}

// HMAC-SHA256 from the keyed template; empty on failure.
std::string hmac_with(const EVP_MAC_CTX* tmpl, std::string_view data) {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(tmpl);
    unsigned char out[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    const bool ok = ctx && EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
                    EVP_MAC_final(ctx, out, &len, sizeof out) == 1;
    EVP_MAC_CTX_free(ctx);
    return ok ? std::string(reinterpret_cast<char*>(out), len) : std::string();
}

// base64url of {"alg":"HS256","typ":"JWT"}, the header almost every token carries: matching
// it as text skips a JSON parse on the hot path.
const std::string& standard_hs256_header() {
    static const std::string h = crypto::base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
    return h;
}

}  // namespace

SigningKeys::~SigningKeys() {
    EVP_PKEY_free(static_cast<EVP_PKEY*>(signing_key_));
    EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(hmac_template_));
}

Result<std::shared_ptr<const SigningKeys>> SigningKeys::load(const Settings& settings) {
    if (settings.jwt_secret.size() < 32) return config_error("auth.jwt_secret: must be at least 32 characters");
    std::shared_ptr<SigningKeys> keys(new SigningKeys());
    keys->algorithm_ = settings.jwt_algorithm.empty() ? "HS256" : settings.jwt_algorithm;
    keys->secret_ = settings.jwt_secret;
    keys->hmac_template_ = new_hmac_template(keys->secret_);
    if (!keys->hmac_template_) return config_error("auth.jwt_secret: HMAC-SHA256 unavailable");
    if (keys->algorithm_ != "HS256") {
        if (settings.jwt_private_key_file.empty())
            return config_error("auth.jwt_private_key_file: required for jwt_algorithm " + keys->algorithm_);
        auto pem = read_file(settings.jwt_private_key_file);
        if (!pem) return config_error("auth.jwt_private_key_file: cannot read " + settings.jwt_private_key_file);
        EVP_PKEY* priv = load_pem(*pem, true);
        if (!priv) return config_error("auth.jwt_private_key_file: not a PEM private key");
        keys->signing_key_ = priv;
        if (algorithm_of(priv) != keys->algorithm_)
            return config_error("auth.jwt_private_key_file: key type does not match jwt_algorithm " + keys->algorithm_);
        EVP_PKEY_up_ref(priv);  // the public entry shares the key
        auto pub = make_public(priv, settings.jwt_private_key_file, settings.jwt_key_id);
        if (!pub) return pub.error();
        keys->signing_kid_ = (*pub)->kid;
        keys->public_keys_.push_back(std::move(*pub));
    }
    for (const auto& path : settings.jwt_verify_key_files) {
        auto pem = read_file(path);
        if (!pem) return config_error("auth.jwt_verify_key_files: cannot read " + path);
        EVP_PKEY* key = load_pem(*pem, false);
        if (!key) return config_error("auth.jwt_verify_key_files: " + path + " is not a PEM key");
        auto pub = make_public(key, path, "");
        if (!pub) return pub.error();
        keys->public_keys_.push_back(std::move(*pub));
    }
    Json header{{"alg", keys->algorithm_}, {"typ", "JWT"}};
    if (!keys->signing_kid_.empty()) header["kid"] = keys->signing_kid_;
    keys->header_b64_ = crypto::base64url_encode(header.dump());
    return std::shared_ptr<const SigningKeys>(std::move(keys));
}

std::string SigningKeys::sign(const Json& claims) const {
    if (algorithm_ == "HS256") return jwt::sign_hs256(claims, secret_);
    std::string input = header_b64_ + "." + crypto::base64url_encode(claims.dump());
    std::string sig = evp_sign(static_cast<EVP_PKEY*>(signing_key_), input);
    if (algorithm_ == "ES256") {
        auto jose = der_to_jose(sig);
        if (!jose) throw std::runtime_error("ES256 signature conversion failed");
        sig = std::move(*jose);
    }
    return input + "." + crypto::base64url_encode(sig);
}

Result<Json> SigningKeys::verify(std::string_view token) const {
    if (auto hit = cache_->get(token, jwt::unix_now(), kLeeway)) return std::move(*hit);
    auto claims = verify_uncached(token);
    if (claims) cache_->put(token, *claims);
    return claims;
}

Result<Json> SigningKeys::verify_uncached(std::string_view token) const {
    const auto d1 = token.find('.');
    const auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
        return bad_jwt("invalid JWT: unable to parse or verify signature, token is malformed");
    const std::string_view header_b64 = token.substr(0, d1);
    const std::string_view payload = token.substr(d1 + 1, d2 - d1 - 1);
    const std::string_view signature = token.substr(d2 + 1);
    if (header_b64 == standard_hs256_header()) return verify_hs256(token.substr(0, d2), signature, payload);

    auto raw = crypto::base64url_decode(header_b64);
    Json header = raw ? parse_json_or_discarded(*raw) : Json();
    if (!header.is_object()) return bad_jwt("invalid JWT: token is malformed");
    const auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string()) return bad_jwt("invalid JWT: missing alg");
    if (*alg == "HS256") return verify_hs256(token.substr(0, d2), signature, payload);
    // Only the algorithms we issue: alg=none and anything else is refused here.
    if (*alg != "RS256" && *alg != "ES256") return bad_jwt("invalid JWT: unsupported signing algorithm");
    return verify_asymmetric(header, token);
}

Result<Json> SigningKeys::verify_hs256(std::string_view signing_input, std::string_view signature,
                                       std::string_view payload) const {
    auto sig = crypto::base64url_decode(signature);
    const std::string expected = hmac_with(static_cast<const EVP_MAC_CTX*>(hmac_template_), signing_input);
    if (!sig || expected.empty() || !crypto::constant_time_equal(*sig, expected))
        return bad_jwt("invalid JWT: unable to verify signature");
    auto body = crypto::base64url_decode(payload);
    if (!body) return bad_jwt("invalid JWT: token is malformed");
    Json claims = parse_json_or_discarded(*body);
    if (!claims.is_object()) return bad_jwt("invalid JWT: token is malformed");
    if (auto t = check_times(claims); !t) return t.error();
    return claims;
}

Result<Json> SigningKeys::verify_asymmetric(const Json& header, std::string_view token) const {
    const std::string alg = header.value("alg", std::string{});
    const auto d1 = token.find('.');
    const auto d2 = token.rfind('.');
    auto sig = crypto::base64url_decode(token.substr(d2 + 1));
    if (!sig) return bad_jwt("invalid JWT: token is malformed");
    std::string signature = std::move(*sig);
    if (alg == "ES256") {
        auto der = jose_to_der(signature);
        if (!der) return bad_jwt("invalid JWT: unable to verify signature");
        signature = std::move(*der);
    }
    const std::string kid = header.contains("kid") && header["kid"].is_string() ? header["kid"].get<std::string>() : "";
    bool verified = false;
    for (const auto& key : public_keys_) {
        if (key->alg != alg || (!kid.empty() && key->kid != kid)) continue;
        if (evp_verify(key->key, token.substr(0, d2), signature)) {
            verified = true;
            break;
        }
    }
    if (!verified) return bad_jwt("invalid JWT: unable to verify signature");
    auto payload = crypto::base64url_decode(token.substr(d1 + 1, d2 - d1 - 1));
    if (!payload) return bad_jwt("invalid JWT: token is malformed");
    Json claims = parse_json_or_discarded(*payload);
    if (!claims.is_object()) return bad_jwt("invalid JWT: token is malformed");
    if (auto t = check_times(claims); !t) return t.error();
    return claims;
}

Json SigningKeys::jwks() const {
    Json keys = Json::array();
    for (const auto& key : public_keys_) keys.push_back(key->jwk);
    return Json{{"keys", keys}};
}

}  // namespace basalt::auth
