// Sign-up and password sign-in at service level: sessions, claims, identifiers (email, phone,
// username), uniform failures, confirmation, anonymous users, rate limits, the stored rows.
#include <gtest/gtest.h>

#include "auth/auth_fixture.hpp"

namespace basalt::test {
namespace {

Json claims_of(const std::string& token) {
    auto c = jwt::verify_hs256(token, kAuthSecret);
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : Json();
}

TEST_F(AuthTest, SignupReturnsSessionWithSupabaseClaims) {
    start();
    auto r = signup("Ada@Example.com", "password1", {{"data", {{"name", "Ada"}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.get("X-Supabase-Api-Version"), "2024-01-01");
    EXPECT_EQ(r.body["token_type"], "bearer");
    EXPECT_EQ(r.body["expires_in"], 3600);
    EXPECT_FALSE(r.body["refresh_token"].get<std::string>().empty());
    const Json& user = r.body["user"];
    EXPECT_EQ(user["email"], "ada@example.com");
    EXPECT_EQ(user["aud"], "authenticated");
    EXPECT_EQ(user["user_metadata"]["name"], "Ada");
    EXPECT_EQ(user["app_metadata"]["provider"], "email");
    EXPECT_FALSE(user["email_confirmed_at"].is_null());
    EXPECT_FALSE(user["last_sign_in_at"].is_null());
    ASSERT_EQ(user["identities"].size(), 1u);
    EXPECT_EQ(user["identities"][0]["provider"], "email");
    EXPECT_EQ(user["identities"][0]["identity_data"]["email"], "ada@example.com");

    Json c = claims_of(r.body["access_token"]);
    EXPECT_EQ(c["sub"], user["id"]);
    EXPECT_EQ(c["role"], "authenticated");
    EXPECT_EQ(c["aud"], "authenticated");
    EXPECT_EQ(c["iss"], "http://localhost:8080/auth/v1");
    EXPECT_EQ(c["email"], "ada@example.com");
    EXPECT_EQ(c["aal"], "aal1");
    EXPECT_EQ(c["amr"][0]["method"], "password");
    EXPECT_EQ(c["is_anonymous"], false);
    EXPECT_EQ(c["user_metadata"]["name"], "Ada");
    auto session = sql("select user_id::text from auth.sessions where id = $1::uuid", {c["session_id"].get<std::string>()});
    ASSERT_EQ(session.size(), 1);
    EXPECT_EQ(session.get(0, 0), user["id"].get<std::string>());

    // bcrypt in the row; the refresh token only as its hash.
    auto row = sql("select encrypted_password from auth.users where email = 'ada@example.com'");
    EXPECT_TRUE(std::string(row.get(0, 0)).starts_with("$2b$04$"));
    auto tokens = sql("select token from auth.refresh_tokens");
    ASSERT_EQ(tokens.size(), 1);
    EXPECT_NE(tokens.get(0, 0), r.body["refresh_token"].get<std::string>());
    EXPECT_EQ(tokens.get(0, 0).size(), 64u);
    EXPECT_EQ(sql("select count(*) from auth.audit_log_entries").get(0, 0), "2");  // signed up + login
}

TEST_F(AuthTest, SignupErrors) {
    start();
    ASSERT_EQ(signup("dup@example.com").status, 200);
    auto dup = signup("DUP@example.com");
    EXPECT_EQ(dup.status, 422);
    EXPECT_EQ(dup.body["code"], "user_already_exists");
    EXPECT_EQ(dup.body["error_code"], "user_already_exists");
    EXPECT_EQ(dup.body["msg"], dup.body["message"]);

    auto weak = signup("weak@example.com", "123");
    EXPECT_EQ(weak.status, 422);
    EXPECT_EQ(weak.body["code"], "weak_password");
    EXPECT_EQ(weak.body["weak_password"]["reasons"][0], "length");

    EXPECT_EQ(signup("not-an-email").body["code"], "email_address_invalid");
    auto bad_json = call("POST", "/auth/v1/signup", Json("{\"email\":"), {bearer(anon_key())});
    EXPECT_EQ(bad_json.status, 400);
    EXPECT_EQ(bad_json.body["code"], "bad_json");
}

TEST_F(AuthTest, PasswordSignInByEmailPhoneAndUsername) {
    start();
    ASSERT_EQ(signup("ada@example.com", "password1", {{"username", "ada_l"}}).status, 200);
    auto phone = call("POST", "/auth/v1/signup", Json{{"phone", "+1 555 010 2030"}, {"password", "password2"}},
                      {bearer(anon_key())});
    ASSERT_EQ(phone.status, 200) << phone.body;
    EXPECT_EQ(phone.body["user"]["phone"], "15550102030");

    EXPECT_EQ(login({{"email", "ADA@example.com"}, {"password", "password1"}}).status, 200);
    auto by_phone = login({{"phone", "+15550102030"}, {"password", "password2"}});
    ASSERT_EQ(by_phone.status, 200);
    EXPECT_EQ(claims_of(by_phone.body["access_token"])["phone"], "15550102030");
    EXPECT_EQ(login({{"username", "ADA_L"}, {"password", "password1"}}).status, 200);
    EXPECT_EQ(login({{"email", "ada_l"}, {"password", "password1"}}).status, 200);  // supabase-js path

    // Wrong password and unknown account: the same answer.
    auto wrong = login({{"email", "ada@example.com"}, {"password", "nope-nope"}});
    auto unknown = login({{"email", "nobody@example.com"}, {"password", "nope-nope"}});
    EXPECT_EQ(wrong.status, 400);
    EXPECT_EQ(wrong.body["code"], "invalid_credentials");
    EXPECT_EQ(wrong.body["message"], "Invalid login credentials");
    EXPECT_EQ(unknown.status, wrong.status);
    EXPECT_EQ(unknown.body["code"], wrong.body["code"]);
    EXPECT_EQ(unknown.body["message"], wrong.body["message"]);
    EXPECT_EQ(login({{"email", "bad-format@"}, {"password", "x"}}).body["code"], "invalid_credentials");
}

TEST_F(AuthTest, UnconfirmedEmailGetsBareUserAndCannotSignIn) {
    settings_.email_autoconfirm = false;
    options_.smtp.host = "smtp.invalid";  // confirmation is only asked for when it can be mailed
    start();
    auto r = signup("wait@example.com");
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(r.body.contains("access_token"));
    EXPECT_EQ(r.body["email"], "wait@example.com");
    EXPECT_TRUE(r.body["email_confirmed_at"].is_null());
    auto login_r = login({{"email", "wait@example.com"}, {"password", "password1"}});
    EXPECT_EQ(login_r.body["code"], "email_not_confirmed");
    // A second sign-up for the same address does not reveal that it exists.
    auto again = signup("wait@example.com");
    EXPECT_EQ(again.status, 200);
    EXPECT_NE(again.body["id"], r.body["id"]);
}

TEST_F(AuthTest, AnonymousSignInAndUpgrade) {
    start();
    auto anon = call("POST", "/auth/v1/signup", Json{{"data", {{"theme", "dark"}}}, {"gotrue_meta_security", Json::object()}},
                     {bearer(anon_key())});
    ASSERT_EQ(anon.status, 200) << anon.body;
    EXPECT_EQ(anon.body["user"]["is_anonymous"], true);
    Json c = claims_of(anon.body["access_token"]);
    EXPECT_EQ(c["is_anonymous"], true);
    EXPECT_EQ(c["amr"][0]["method"], "anonymous");
    EXPECT_EQ(c["role"], "authenticated");

    auto up = call("PUT", "/auth/v1/user", Json{{"email", "anon@example.com"}, {"password", "password9"}},
                   {bearer(anon.body["access_token"])});
    ASSERT_EQ(up.status, 200) << up.body;
    EXPECT_EQ(up.body["is_anonymous"], false);
    EXPECT_EQ(up.body["email"], "anon@example.com");
    EXPECT_EQ(up.body["app_metadata"]["provider"], "email");
    EXPECT_EQ(login({{"email", "anon@example.com"}, {"password", "password9"}}).status, 200);
}

TEST_F(AuthTest, AnonymousDisabled) {
    settings_.anonymous_enabled = false;
    start();
    auto r = call("POST", "/auth/v1/signup", Json{{"data", Json::object()}}, {bearer(anon_key())});
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.body["code"], "anonymous_provider_disabled");
}

TEST_F(AuthTest, SignInRateLimitedPerIdentifier) {
    options_.rate_limits.enabled = true;
    settings_.rate_limit_sign_in_per_identifier = 2;
    start();
    ASSERT_EQ(signup("rl@example.com").status, 200);
    Json bad{{"email", "rl@example.com"}, {"password", "wrong-one"}};
    EXPECT_EQ(login(bad).status, 400);
    EXPECT_EQ(login(bad).status, 400);
    auto limited = login(bad);
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.body["code"], "over_request_rate_limit");
    // Another identifier from the same IP is unaffected.
    EXPECT_EQ(login({{"email", "other@example.com"}, {"password", "x"}}).status, 400);
}

TEST_F(AuthTest, SettingsHealthAndJwks) {
    start();
    auto s = call("GET", "/auth/v1/settings", nullptr, {bearer(anon_key())});
    ASSERT_EQ(s.status, 200);
    EXPECT_EQ(s.body["external"]["email"], true);
    EXPECT_EQ(s.body["external"]["anonymous_users"], true);
    EXPECT_EQ(s.body["mailer_autoconfirm"], true);
    auto h = call("GET", "/auth/v1/health");
    EXPECT_EQ(h.body["name"], "GoTrue");
    auto k = call("GET", "/auth/v1/.well-known/jwks.json");
    EXPECT_EQ(k.body["keys"], Json::array());
}

}  // namespace
}  // namespace basalt::test
