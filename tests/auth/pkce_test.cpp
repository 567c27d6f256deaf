// PKCE pieces: request parameter validation (GoTrue's rules), the RFC 7636 verifier check, the
// link token marker, and the ?code= redirect URL.
#include "auth/pkce.hpp"

#include <gtest/gtest.h>

#include "auth/one_time_code.hpp"
#include "auth/redirect.hpp"
#include "common/crypto.hpp"

namespace basalt::auth {
namespace {

// RFC 7636 Appendix B.
const std::string kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

TEST(Pkce, ParsesChallengeAndMethod) {
    auto implicit = parse_pkce(Json{{"code_challenge", nullptr}, {"code_challenge_method", nullptr}});
    ASSERT_TRUE(implicit);
    EXPECT_FALSE(*implicit);
    EXPECT_FALSE(*parse_pkce(Json::object()));

    auto s256 = parse_pkce(Json{{"code_challenge", kChallenge}, {"code_challenge_method", "S256"}});
    ASSERT_TRUE(s256 && *s256);
    EXPECT_EQ((*s256)->challenge, kChallenge);
    EXPECT_EQ((*s256)->method, "s256");

    EXPECT_EQ(parse_pkce(Json{{"code_challenge", kChallenge}}).error().message,
              "PKCE flow requires code_challenge_method and code_challenge");
    EXPECT_EQ(parse_pkce(Json{{"code_challenge_method", "s256"}}).error().code, "validation_failed");
    EXPECT_FALSE(parse_pkce(Json{{"code_challenge", "short"}, {"code_challenge_method", "s256"}}));
    EXPECT_FALSE(parse_pkce(Json{{"code_challenge", std::string(129, 'a')}, {"code_challenge_method", "plain"}}));
    EXPECT_FALSE(parse_pkce(Json{{"code_challenge", std::string(43, '+')}, {"code_challenge_method", "plain"}}));
    EXPECT_FALSE(parse_pkce(Json{{"code_challenge", kChallenge}, {"code_challenge_method", "s512"}}));
    EXPECT_FALSE(parse_pkce(Json{{"code_challenge", 7}, {"code_challenge_method", "s256"}}));
}

TEST(Pkce, VerifierMatchesItsChallengeOnly) {
    EXPECT_TRUE(pkce_verifier_matches(kChallenge, "s256", kVerifier));
    EXPECT_FALSE(pkce_verifier_matches(kChallenge, "s256", kVerifier + "x"));
    EXPECT_FALSE(pkce_verifier_matches(kChallenge, "plain", kVerifier));
    EXPECT_TRUE(pkce_verifier_matches(kVerifier, "plain", kVerifier));
    EXPECT_FALSE(pkce_verifier_matches(kChallenge, "other", kVerifier));
}

TEST(Pkce, TokensAndCodes) {
    EXPECT_TRUE(is_pkce_token("pkce_abc"));
    EXPECT_FALSE(is_pkce_token("abc"));
    const std::string key = code_key("server-secret-server-secret-server-secret");
    EXPECT_EQ(pkce_auth_code(key, "pkce_a"), pkce_auth_code(key, "pkce_a"));
    EXPECT_NE(pkce_auth_code(key, "pkce_a"), pkce_auth_code(key, "pkce_b"));
    EXPECT_EQ(pkce_auth_code(key, "pkce_a").size(), 64u);
    EXPECT_EQ(pkce_authentication_method("signup"), "email/signup");
    EXPECT_EQ(pkce_authentication_method("magiclink"), "magiclink");
}

TEST(Pkce, CodeGoesIntoTheQuery) {
    EXPECT_EQ(with_query("http://app.test", {{"code", "c1"}}), "http://app.test?code=c1");
    EXPECT_EQ(with_query("http://app.test/cb?sb_flow_id=f", {{"code", "c1"}}), "http://app.test/cb?sb_flow_id=f&code=c1");
    EXPECT_EQ(with_query("http://app.test/cb?#keep", {{"code", "a b"}}), "http://app.test/cb?code=a%20b#keep");
}

}  // namespace
}  // namespace basalt::auth
