// Cookie parsing and attributes, and the CSRF double-submit decision.
#include "auth/cookies.hpp"

#include <gtest/gtest.h>

namespace basalt::auth {
namespace {

TEST(Cookies, FindsByNameAcrossHeaders) {
    http::Headers h;
    h.add("Cookie", "a=1; basalt-access-token=tok; other=x");
    h.add("Cookie", "basalt-csrf-token=\"c\"");
    EXPECT_EQ(find_cookie(h, "basalt-access-token"), "tok");
    EXPECT_EQ(find_cookie(h, "basalt-csrf-token"), "c");
    EXPECT_EQ(find_cookie(h, "a"), "1");
    EXPECT_EQ(find_cookie(h, "basalt-access"), std::nullopt);
    EXPECT_EQ(find_cookie(http::Headers{}, "a"), std::nullopt);
}

TEST(Cookies, AttributesFollowSettings) {
    Settings s;
    s.cookies_domain = "example.com";
    s.cookies_path = "/app";
    s.cookies_same_site = "Strict";
    EXPECT_EQ(set_cookie_header(s, "n", "v", 60, true),
              "n=v; Path=/app; Domain=example.com; Max-Age=60; HttpOnly; Secure; SameSite=Strict");
    s.cookies_secure = false;
    s.cookies_domain.clear();
    s.cookies_same_site = "Lax";
    EXPECT_EQ(set_cookie_header(s, "n", "", 0, false),
              "n=; Path=/app; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax");
    s.cookies_same_site = "None";  // browsers need Secure with None
    EXPECT_NE(set_cookie_header(s, "n", "v", 1, true).find("; Secure"), std::string::npos);
}

TEST(Cookies, SessionCookiesHttpOnlyExceptCsrf) {
    Settings s;
    auto cookies = session_cookies(s, "access", 3600, "refresh", "csrf");
    ASSERT_EQ(cookies.size(), 3u);
    EXPECT_TRUE(cookies[0].starts_with("basalt-access-token=access;"));
    EXPECT_NE(cookies[0].find("Max-Age=3600"), std::string::npos);
    EXPECT_NE(cookies[0].find("HttpOnly"), std::string::npos);
    EXPECT_TRUE(cookies[1].starts_with("basalt-refresh-token=refresh;"));
    EXPECT_NE(cookies[1].find("HttpOnly"), std::string::npos);
    EXPECT_TRUE(cookies[2].starts_with("basalt-csrf-token=csrf;"));
    EXPECT_EQ(cookies[2].find("HttpOnly"), std::string::npos);
    for (const auto& c : clear_session_cookies(s)) EXPECT_NE(c.find("Max-Age=0"), std::string::npos);
}

TEST(Csrf, DecisionTable) {
    const std::optional<std::string> cookie = "tok";
    EXPECT_EQ(check_csrf("GET", true, std::nullopt, std::nullopt), CsrfDecision::kNotRequired);
    EXPECT_EQ(check_csrf("HEAD", true, std::nullopt, std::nullopt), CsrfDecision::kNotRequired);
    EXPECT_EQ(check_csrf("POST", false, std::nullopt, std::nullopt), CsrfDecision::kNotRequired);
    EXPECT_EQ(check_csrf("POST", true, cookie, std::string_view("tok")), CsrfDecision::kOk);
    EXPECT_EQ(check_csrf("DELETE", true, cookie, std::string_view("tok")), CsrfDecision::kOk);
    EXPECT_EQ(check_csrf("POST", true, cookie, std::nullopt), CsrfDecision::kMissing);
    EXPECT_EQ(check_csrf("PATCH", true, std::nullopt, std::string_view("tok")), CsrfDecision::kMissing);
    EXPECT_EQ(check_csrf("PUT", true, std::string(""), std::string_view("")), CsrfDecision::kMissing);
    EXPECT_EQ(check_csrf("POST", true, cookie, std::string_view("tok2")), CsrfDecision::kMismatch);
}

}  // namespace
}  // namespace basalt::auth
