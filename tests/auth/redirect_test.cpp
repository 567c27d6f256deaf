// Redirect targets of emailed links: same-origin and allow-listed URLs pass, anything else
// falls back to the site URL; glob semantics; fragments for sessions and errors.
#include "auth/redirect.hpp"

#include <gtest/gtest.h>

namespace basalt::auth {
namespace {

TEST(Redirect, GlobPatterns) {
    EXPECT_TRUE(glob_match("https://app.example.com/**", "https://app.example.com/a/b?c=d"));
    EXPECT_TRUE(glob_match("https://*.example.com/*", "https://preview.example.com/welcome"));
    EXPECT_FALSE(glob_match("https://*.example.com/*", "https://a.b.example.com/welcome"));  // * stops at '.'
    EXPECT_FALSE(glob_match("https://*.example.com/*", "https://preview.example.com/a/b"));  // and at '/'
    EXPECT_TRUE(glob_match("http://localhost:300?/**", "http://localhost:3001/x"));
    EXPECT_FALSE(glob_match("https://app.example.com/**", "https://app.example.com.evil.io/"));
    EXPECT_TRUE(glob_match("exact", "exact"));
    EXPECT_FALSE(glob_match("exact", "exactly"));
    EXPECT_TRUE(glob_match("**", "anything://at/all"));
}

TEST(Redirect, Origins) {
    EXPECT_EQ(url_origin("HTTPS://App.Example.com:8443/path?q#f"), "https://app.example.com:8443");
    EXPECT_EQ(url_origin("http://localhost:3000"), "http://localhost:3000");
    EXPECT_FALSE(url_origin("javascript:alert(1)"));
    EXPECT_FALSE(url_origin("https://user@evil.io/"));
    EXPECT_FALSE(url_origin("/relative/path"));
}

TEST(Redirect, PolicyAllowsSiteOriginAndListOnly) {
    RedirectPolicy p{.site_url = "https://app.example.com", .allow = {"myapp://callback", "https://*.preview.dev/**"}};
    EXPECT_EQ(p.pick(std::nullopt), "https://app.example.com");
    EXPECT_EQ(p.pick(""), "https://app.example.com");
    EXPECT_EQ(p.pick("https://app.example.com/welcome"), "https://app.example.com/welcome");
    EXPECT_EQ(p.pick("myapp://callback"), "myapp://callback");
    EXPECT_EQ(p.pick("https://pr-1.preview.dev/x/y"), "https://pr-1.preview.dev/x/y");
    for (const char* bad : {"https://evil.io/", "https://app.example.com.evil.io/", "https://app.example.com@evil.io/",
                            "https://app.example.com/\r\nSet-Cookie: x", "https://app.example.com\\@evil.io",
                            "javascript:alert(1)"})
        EXPECT_EQ(p.pick(bad), "https://app.example.com") << bad;
}

TEST(Redirect, FragmentsReplaceAnyExistingOne) {
    EXPECT_EQ(with_fragment("https://a.io/cb?x=1#old", {{"access_token", "a.b.c"}, {"type", "magiclink"}}),
              "https://a.io/cb?x=1#access_token=a.b.c&type=magiclink");
    EXPECT_EQ(with_fragment("https://a.io", {{"error_description", "Email link is invalid or has expired"}}),
              "https://a.io#error_description=Email%20link%20is%20invalid%20or%20has%20expired");
}

}  // namespace
}  // namespace basalt::auth
