// JWT HS256: round trip, alg=none, wrong key, expired, tampered, malformed.
#include "common/jwt.hpp"

#include <gtest/gtest.h>

#include "common/crypto.hpp"

namespace basalt::jwt {
namespace {

const std::string kSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

TEST(Jwt, SignVerifyRoundTrip) {
    auto token = sign_hs256({{"role", "anon"}, {"exp", unix_now() + 60}}, kSecret);
    auto claims = verify_hs256(token, kSecret);
    ASSERT_TRUE(claims.ok()) << claims.error().message;
    EXPECT_EQ((*claims)["role"], "anon");
}

TEST(Jwt, RejectsAlgNone) {
    std::string header = crypto::base64url_encode(R"({"alg":"none","typ":"JWT"})");
    std::string payload = crypto::base64url_encode(R"({"role":"service_role"})");
    auto r = verify_hs256(header + "." + payload + ".", kSecret);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 401);
}

TEST(Jwt, RejectsWrongKey) {
    auto token = sign_hs256({{"role", "anon"}}, "another-secret-another-secret-another-secret");
    auto r = verify_hs256(token, kSecret);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 401);
}

TEST(Jwt, RejectsExpired) {
    auto token = sign_hs256({{"role", "anon"}, {"exp", unix_now() - 3600}}, kSecret);
    auto r = verify_hs256(token, kSecret);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "token_expired");
}

TEST(Jwt, RejectsTamperedPayload) {
    auto token = sign_hs256({{"role", "anon"}}, kSecret);
    auto d1 = token.find('.'), d2 = token.rfind('.');
    std::string forged = token.substr(0, d1 + 1) + crypto::base64url_encode(R"({"role":"service_role"})") +
                         token.substr(d2);
    EXPECT_FALSE(verify_hs256(forged, kSecret).ok());
}

TEST(Jwt, RejectsMalformed) {
    EXPECT_FALSE(verify_hs256("", kSecret).ok());
    EXPECT_FALSE(verify_hs256("abc", kSecret).ok());
    EXPECT_FALSE(verify_hs256("a.b.c.d", kSecret).ok());
    EXPECT_FALSE(verify_hs256("!!.??.**", kSecret).ok());
}

TEST(Crypto, Base64UrlRoundTrip) {
    for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\xfe\x00z"}) {
        auto d = crypto::base64url_decode(crypto::base64url_encode(s));
        ASSERT_TRUE(d.has_value());
        EXPECT_EQ(*d, s);
    }
}

TEST(Crypto, ConstantTimeEqual) {
    EXPECT_TRUE(crypto::constant_time_equal("abc", "abc"));
    EXPECT_FALSE(crypto::constant_time_equal("abc", "abd"));
    EXPECT_FALSE(crypto::constant_time_equal("abc", "abcd"));
}

}  // namespace
}  // namespace basalt::jwt
