// GET/PUT /user and logout scopes.
#include <gtest/gtest.h>

#include "auth/auth_fixture.hpp"

namespace basalt::test {
namespace {

TEST_F(AuthTest, GetUserNeedsAUserToken) {
    start();
    auto a = signup("me@example.com");
    auto me = get_user(a.body["access_token"]);
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.body["email"], "me@example.com");
    EXPECT_EQ(me.body["id"], a.body["user"]["id"]);
    EXPECT_EQ(call("GET", "/auth/v1/user").status, 401);
    EXPECT_EQ(get_user(anon_key()).status, 403);
    EXPECT_EQ(get_user("garbage.token.here").status, 401);
}

TEST_F(AuthTest, UpdateUserMetadataEmailAndUsername) {
    start();
    auto a = signup("upd@example.com", "password1", {{"data", {{"a", 1}, {"b", 2}}}});
    const std::string at = a.body["access_token"];
    auto r = call("PUT", "/auth/v1/user", Json{{"data", {{"b", nullptr}, {"c", 3}}}, {"code_challenge", nullptr}},
                  {bearer(at)});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body["user_metadata"], (Json{{"a", 1}, {"c", 3}}));
    r = call("PUT", "/auth/v1/user", Json{{"email", "New@Example.com"}, {"username", "newbie"}}, {bearer(at)});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body["email"], "new@example.com");
    EXPECT_EQ(r.body["username"], "newbie");
    EXPECT_EQ(r.body["identities"][0]["identity_data"]["email"], "new@example.com");
    EXPECT_EQ(login({{"email", "new@example.com"}, {"password", "password1"}}).status, 200);
    EXPECT_EQ(login({{"username", "newbie"}, {"password", "password1"}}).status, 200);
    // Taken identifiers.
    ASSERT_EQ(signup("other@example.com").status, 200);
    auto taken = call("PUT", "/auth/v1/user", Json{{"email", "other@example.com"}}, {bearer(at)});
    EXPECT_EQ(taken.status, 422);
    EXPECT_EQ(taken.body["code"], "email_exists");
}

TEST_F(AuthTest, PasswordChangeEndsOtherSessions) {
    start();
    auto a = signup("pw@example.com", "password1");
    auto other = login({{"email", "pw@example.com"}, {"password", "password1"}});
    const std::string at = a.body["access_token"];
    auto same = call("PUT", "/auth/v1/user", Json{{"password", "password1"}}, {bearer(at)});
    EXPECT_EQ(same.status, 422);
    EXPECT_EQ(same.body["code"], "same_password");
    auto weak = call("PUT", "/auth/v1/user", Json{{"password", "x"}}, {bearer(at)});
    EXPECT_EQ(weak.body["code"], "weak_password");
    auto ok = call("PUT", "/auth/v1/user", Json{{"password", "password2"}}, {bearer(at)});
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(login({{"email", "pw@example.com"}, {"password", "password1"}}).status, 400);
    EXPECT_EQ(login({{"email", "pw@example.com"}, {"password", "password2"}}).status, 200);
    EXPECT_EQ(get_user(at).status, 200);                                   // this session lives
    EXPECT_EQ(get_user(other.body["access_token"]).body["code"], "session_not_found");  // the other does not
}

TEST_F(AuthTest, LogoutScopes) {
    start();
    auto s1 = signup("out@example.com");
    auto s2 = login({{"email", "out@example.com"}, {"password", "password1"}});
    auto s3 = login({{"email", "out@example.com"}, {"password", "password1"}});
    auto count = [&] { return std::string(sql("select count(*) from auth.sessions").get(0, 0)); };
    ASSERT_EQ(count(), "3");

    auto local = call("POST", "/auth/v1/logout?scope=local", nullptr, {bearer(s1.body["access_token"])});
    EXPECT_EQ(local.status, 204);
    EXPECT_EQ(count(), "2");
    EXPECT_EQ(get_user(s1.body["access_token"]).body["code"], "session_not_found");
    EXPECT_EQ(refresh(s1.body["refresh_token"]).body["code"], "refresh_token_not_found");

    EXPECT_EQ(call("POST", "/auth/v1/logout?scope=others", nullptr, {bearer(s2.body["access_token"])}).status, 204);
    EXPECT_EQ(count(), "1");
    EXPECT_EQ(get_user(s2.body["access_token"]).status, 200);

    login({{"email", "out@example.com"}, {"password", "password1"}});
    EXPECT_EQ(call("POST", "/auth/v1/logout", nullptr, {bearer(s2.body["access_token"])}).status, 204);  // global
    EXPECT_EQ(count(), "0");
    // Logging out again is harmless.
    EXPECT_EQ(call("POST", "/auth/v1/logout", nullptr, {bearer(s3.body["access_token"])}).status, 204);
    EXPECT_EQ(call("POST", "/auth/v1/logout?scope=everything", nullptr, {bearer(s3.body["access_token"])}).status, 400);
    EXPECT_EQ(call("POST", "/auth/v1/logout").status, 401);
}

}  // namespace
}  // namespace basalt::test
