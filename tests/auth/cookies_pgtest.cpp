// Cookie mode end to end at service level: sessions delivered as cookies, cookie-only
// requests, the CSRF rule on unsafe requests, refresh and logout through cookies.
#include <gtest/gtest.h>

#include "auth/auth_fixture.hpp"

namespace basalt::test {
namespace {

// name=value pairs from Set-Cookie headers, as a browser would send them back.
std::map<std::string, std::string> jar(const std::vector<std::string>& set_cookies) {
    std::map<std::string, std::string> out;
    for (const auto& c : set_cookies) {
        auto eq = c.find('='), semi = c.find(';');
        out[c.substr(0, eq)] = c.substr(eq + 1, semi - eq - 1);
    }
    return out;
}

std::string cookie_header(const std::map<std::string, std::string>& j) {
    std::string out;
    for (const auto& [k, v] : j) out += (out.empty() ? "" : "; ") + k + "=" + v;
    return out;
}

TEST_F(AuthTest, CookieModeSessionCsrfRefreshLogout) {
    settings_.cookies_enabled = true;
    settings_.cookies_secure = false;
    start();
    auto s = signup("cookie@example.com");
    ASSERT_EQ(s.status, 200);
    auto set = s.cookies();
    ASSERT_EQ(set.size(), 3u);
    for (const auto& c : set) EXPECT_NE(c.find("SameSite=Lax"), std::string::npos);
    auto cookies = jar(set);
    EXPECT_EQ(cookies["basalt-access-token"], s.body["access_token"]);
    EXPECT_EQ(cookies["basalt-refresh-token"], s.body["refresh_token"]);
    const std::string csrf = cookies["basalt-csrf-token"];
    ASSERT_FALSE(csrf.empty());

    // Cookie only (plus the anon key supabase-js would send): reads need no CSRF header.
    auto me = call("GET", "/auth/v1/user", nullptr, {{"Cookie", cookie_header(cookies)}, bearer(anon_key())});
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(me.body["email"], "cookie@example.com");

    // State-changing requests authenticated by cookie need the CSRF header.
    Json change{{"data", {{"x", 1}}}};
    auto no_csrf = call("PUT", "/auth/v1/user", change, {{"Cookie", cookie_header(cookies)}});
    EXPECT_EQ(no_csrf.status, 403);
    EXPECT_EQ(no_csrf.body["code"], "csrf_failed");
    auto wrong = call("PUT", "/auth/v1/user", change, {{"Cookie", cookie_header(cookies)}, {"X-CSRF-Token", "nope"}});
    EXPECT_EQ(wrong.status, 403);
    auto ok = call("PUT", "/auth/v1/user", change, {{"Cookie", cookie_header(cookies)}, {"X-CSRF-Token", csrf}});
    ASSERT_EQ(ok.status, 200) << ok.body;

    // Refresh from the cookie: CSRF needed, and the CSRF token rotates with the session.
    auto refused = call("POST", "/auth/v1/token?grant_type=refresh_token", nullptr, {{"Cookie", cookie_header(cookies)}});
    EXPECT_EQ(refused.status, 403);
    auto refreshed = call("POST", "/auth/v1/token?grant_type=refresh_token", nullptr,
                          {{"Cookie", cookie_header(cookies)}, {"X-CSRF-Token", csrf}});
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    auto next = jar(refreshed.cookies());
    EXPECT_NE(next["basalt-refresh-token"], cookies["basalt-refresh-token"]);
    EXPECT_NE(next["basalt-csrf-token"], csrf);

    // Logout through cookies clears them and ends the session.
    auto out = call("POST", "/auth/v1/logout", nullptr, {{"Cookie", cookie_header(next)}, {"X-CSRF-Token", next["basalt-csrf-token"]}});
    EXPECT_EQ(out.status, 204);
    for (const auto& c : out.cookies()) EXPECT_NE(c.find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(sql("select count(*) from auth.sessions").get(0, 0), "0");

    // Bearer clients are unaffected in cookie mode: no CSRF header needed.
    auto b = login({{"email", "cookie@example.com"}, {"password", "password1"}});
    EXPECT_EQ(call("PUT", "/auth/v1/user", change, {bearer(b.body["access_token"])}).status, 200);
}

TEST_F(AuthTest, NoCookiesUnlessEnabled) {
    start();
    EXPECT_TRUE(signup("plain@example.com").cookies().empty());
}

}  // namespace
}  // namespace basalt::test
