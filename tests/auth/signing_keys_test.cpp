// Token signing and verification: HS256 by default, RS256/ES256 from PEM files with kid and
// JWKS, and the attacks every verifier must refuse (alg=none, tampering, expiry, wrong key).
#include "auth/signing_keys.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "auth/verifier.hpp"
#include "common/crypto.hpp"
#include "common/jwt.hpp"

namespace basalt::auth {
namespace {

const std::string kSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

// Writes a fresh key pair ("RSA" or "EC") to temp PEM files; returns {private, public} paths.
std::pair<std::string, std::string> make_key(const char* type) {
    EVP_PKEY* key = std::string(type) == "RSA" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t(2048))
                                               : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    static int n = 0;
    auto dir = std::filesystem::temp_directory_path();
    std::string base = (dir / ("basalt_key_" + std::to_string(::getpid()) + "_" + std::to_string(n++))).string();
    FILE* f = std::fopen((base + ".pem").c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    f = std::fopen((base + ".pub.pem").c_str(), "w");
    PEM_write_PUBKEY(f, key);
    std::fclose(f);
    EVP_PKEY_free(key);
    return {base + ".pem", base + ".pub.pem"};
}

std::shared_ptr<const SigningKeys> load(const Settings& s) {
    auto k = SigningKeys::load(s);
    EXPECT_TRUE(k.ok()) << (k.ok() ? "" : k.error().message);
    return k.ok() ? *k : nullptr;
}

Settings hs256() {
    Settings s;
    s.jwt_secret = kSecret;
    return s;
}

Json claims(std::int64_t exp_offset = 60) {
    return Json{{"sub", "u1"}, {"role", "authenticated"}, {"exp", jwt::unix_now() + exp_offset}};
}

std::string header_of(const std::string& token) {
    return *crypto::base64url_decode(token.substr(0, token.find('.')));
}

TEST(SigningKeys, Hs256RoundTripAndNoPublishedKeys) {
    auto keys = load(hs256());
    std::string token = keys->sign(claims());
    EXPECT_EQ(Json::parse(header_of(token))["alg"], "HS256");
    auto c = keys->verify(token);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ((*c)["sub"], "u1");
    EXPECT_EQ(keys->jwks(), (Json{{"keys", Json::array()}}));
}

TEST(SigningKeys, RefusesAlgNoneTamperingExpiryAndMissingExp) {
    auto keys = load(hs256());
    Verifier verifier(keys);
    const std::string none = crypto::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
                             crypto::base64url_encode(claims().dump()) + ".";
    EXPECT_EQ(verifier.verify(none).error().status, 401);

    std::string token = keys->sign(claims());
    auto dot = token.find('.');
    Json forged = claims();
    forged["role"] = "service_role";
    std::string tampered = token.substr(0, dot + 1) + crypto::base64url_encode(forged.dump()) +
                           token.substr(token.rfind('.'));
    EXPECT_EQ(verifier.verify(tampered).error().code, "bad_jwt");

    auto expired = verifier.verify(keys->sign(claims(-3600)));
    EXPECT_EQ(expired.error().code, "token_expired");
    EXPECT_EQ(expired.error().status, 401);

    EXPECT_EQ(verifier.verify(jwt::sign_hs256(Json{{"role", "anon"}}, kSecret)).error().code, "bad_jwt");
    EXPECT_FALSE(verifier.verify("not-a-token").ok());
    EXPECT_FALSE(verifier.verify("a.b.c").ok());
    EXPECT_FALSE(verifier.verify(jwt::sign_hs256(claims(), "another-secret-another-secret-another-secret")).ok());
}

TEST(SigningKeys, Rs256WithKidAndJwks) {
    auto [priv, pub] = make_key("RSA");
    Settings s = hs256();
    s.jwt_algorithm = "RS256";
    s.jwt_private_key_file = priv;
    auto keys = load(s);
    ASSERT_TRUE(keys);
    std::string token = keys->sign(claims());
    Json header = Json::parse(header_of(token));
    EXPECT_EQ(header["alg"], "RS256");
    ASSERT_TRUE(header.contains("kid"));
    ASSERT_TRUE(keys->verify(token).ok());
    Json jwks = keys->jwks();
    ASSERT_EQ(jwks["keys"].size(), 1u);
    EXPECT_EQ(jwks["keys"][0]["kty"], "RSA");
    EXPECT_EQ(jwks["keys"][0]["kid"], header["kid"]);
    EXPECT_EQ(jwks["keys"][0]["alg"], "RS256");
    EXPECT_EQ(jwks["keys"][0]["e"], "AQAB");
    EXPECT_FALSE(jwks["keys"][0].contains("d"));  // never the private part
    // API keys stay HS256 with the project secret.
    EXPECT_TRUE(keys->verify(jwt::sign_hs256(claims(), kSecret)).ok());
    // Algorithm confusion: an HS256 token keyed with the public PEM is refused.
    std::ifstream in(pub);
    std::string pem((std::istreambuf_iterator<char>(in)), {});
    EXPECT_FALSE(keys->verify(jwt::sign_hs256(claims(), pem)).ok());
}

TEST(SigningKeys, Es256RoundTripAndForeignKeyRefused) {
    auto [priv, pub] = make_key("EC");
    Settings s = hs256();
    s.jwt_algorithm = "ES256";
    s.jwt_private_key_file = priv;
    s.jwt_key_id = "key-1";
    auto keys = load(s);
    ASSERT_TRUE(keys);
    std::string token = keys->sign(claims());
    EXPECT_EQ(crypto::base64url_decode(token.substr(token.rfind('.') + 1))->size(), 64u);  // JOSE r||s
    EXPECT_EQ(Json::parse(header_of(token))["kid"], "key-1");
    ASSERT_TRUE(keys->verify(token).ok());
    EXPECT_EQ(keys->jwks()["keys"][0]["crv"], "P-256");

    auto [other_priv, other_pub] = make_key("EC");
    Settings o = s;
    o.jwt_private_key_file = other_priv;
    auto other = load(o);
    EXPECT_EQ(keys->verify(other->sign(claims())).error().code, "bad_jwt");  // same kid, wrong key
}

TEST(SigningKeys, RotationKeepsOldKeyForVerification) {
    auto [old_priv, old_pub] = make_key("RSA");
    auto [new_priv, new_pub] = make_key("EC");
    Settings old_s = hs256();
    old_s.jwt_algorithm = "RS256";
    old_s.jwt_private_key_file = old_priv;
    std::string old_token = load(old_s)->sign(claims());
    Settings new_s = hs256();
    new_s.jwt_algorithm = "ES256";
    new_s.jwt_private_key_file = new_priv;
    EXPECT_FALSE(load(new_s)->verify(old_token).ok());
    new_s.jwt_verify_key_files = {old_pub};
    auto rotated = load(new_s);
    EXPECT_TRUE(rotated->verify(old_token).ok());
    EXPECT_EQ(rotated->jwks()["keys"].size(), 2u);
}

TEST(SigningKeys, ConfigErrors) {
    Settings s;
    s.jwt_secret = "short";
    EXPECT_FALSE(SigningKeys::load(s).ok());
    s = hs256();
    s.jwt_algorithm = "RS256";
    EXPECT_FALSE(SigningKeys::load(s).ok());  // no key file
    s.jwt_private_key_file = "/nonexistent/key.pem";
    EXPECT_FALSE(SigningKeys::load(s).ok());
    auto [ec_priv, ec_pub] = make_key("EC");
    s.jwt_private_key_file = ec_priv;  // EC key for RS256
    auto r = SigningKeys::load(s);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("does not match"), std::string::npos);
}

}  // namespace
}  // namespace basalt::auth

namespace basalt::auth {
namespace {

TEST(ClaimsCache, HitsOnlyForTheSameTokenWithinExpiry) {
    ClaimsCache cache;
    const std::int64_t now = 1000;
    cache.put("a.b.c", Json{{"sub", "u"}, {"exp", now + 60}});
    auto hit = cache.get("a.b.c", now, 30);
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ((*hit)["sub"], "u");
    EXPECT_FALSE(cache.get("a.b.d", now, 30).has_value());
    EXPECT_FALSE(cache.get("a.b.c", now + 91, 30).has_value());  // past exp + leeway
    EXPECT_FALSE(cache.get("a.b.c", now, 30).has_value());       // and evicted
    cache.put("no.exp.here", Json{{"sub", "u"}});
    EXPECT_FALSE(cache.get("no.exp.here", now, 30).has_value());
    cache.put("x.y.z", Json{{"exp", now + 60}, {"nbf", now + 100}});
    EXPECT_FALSE(cache.get("x.y.z", now, 30).has_value());
}

TEST(ClaimsCache, StaysBounded) {
    ClaimsCache cache;
    for (int i = 0; i < 10000; ++i) cache.put("tok" + std::to_string(i), Json{{"exp", 1e10}});
    EXPECT_LE(cache.size(), ClaimsCache::kShards * ClaimsCache::kPerShard);
}

TEST(SigningKeys, CachedVerificationStillRefusesExpiredAndForged) {
    Settings s = hs256();
    auto keys = load(s);
    std::string token = keys->sign(claims(60));
    ASSERT_TRUE(keys->verify(token).ok());
    ASSERT_TRUE(keys->verify(token).ok());  // from the cache
    std::string forged = token;
    forged[token.find('.') + 5] ^= 1;  // payload changed, signature reused
    EXPECT_FALSE(keys->verify(forged).ok());
    std::string expired = keys->sign(claims(-60));
    EXPECT_EQ(keys->verify(expired).error().code, "token_expired");
    EXPECT_EQ(keys->verify(expired).error().code, "token_expired");  // failures are never cached
}

}  // namespace
}  // namespace basalt::auth
