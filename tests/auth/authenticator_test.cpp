// Request -> AuthContext: bearer, apikey, opaque keys, and cookie mode with the CSRF rule
// (dual mode: a user bearer wins; a cookie beats the anon key; stale cookies are ignored).
#include "auth/authenticator.hpp"

#include <gtest/gtest.h>

#include "auth/signing_keys.hpp"
#include "common/jwt.hpp"

namespace basalt::auth {
namespace {

const std::string kSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

class AuthenticatorTest : public ::testing::Test {
protected:
    Settings settings() const {
        Settings s;
        s.jwt_secret = kSecret;
        return s;
    }
    Authenticator make(Settings s, AuthenticatorOptions o = {}) {
        return Authenticator(s, Verifier(*SigningKeys::load(s)), std::move(o));
    }
    static std::string user_token(std::int64_t exp_offset = 600) {
        return jwt::sign_hs256({{"sub", "11111111-1111-1111-1111-111111111111"},
                                {"role", "authenticated"},
                                {"session_id", "22222222-2222-2222-2222-222222222222"},
                                {"exp", jwt::unix_now() + exp_offset}},
                               kSecret);
    }
    static std::string anon_key() {
        return jwt::sign_hs256({{"role", "anon"}, {"iss", "basalt"}, {"exp", jwt::unix_now() + 86400}}, kSecret);
    }
    static http::Request request(std::string method = "GET") {
        http::Request r;
        r.method = std::move(method);
        return r;
    }
};

TEST_F(AuthenticatorTest, NoTokenIsAnonymous) {
    auto ctx = make(settings()).authenticate(request());
    ASSERT_TRUE(ctx.ok());
    EXPECT_EQ(ctx->role, "anon");
    EXPECT_FALSE(ctx->has_token);
}

TEST_F(AuthenticatorTest, BearerUserAndApiKey) {
    auto auth = make(settings());
    auto r = request();
    r.headers.add("Authorization", "Bearer " + user_token());
    auto ctx = auth.authenticate(r);
    ASSERT_TRUE(ctx.ok());
    EXPECT_EQ(ctx->role, "authenticated");
    EXPECT_EQ(ctx->user_id(), "11111111-1111-1111-1111-111111111111");
    EXPECT_FALSE(ctx->via_cookie);

    auto k = request();
    k.headers.add("apikey", anon_key());
    ctx = auth.authenticate(k);
    ASSERT_TRUE(ctx.ok());
    EXPECT_EQ(ctx->role, "anon");
    EXPECT_TRUE(ctx->has_token);
}

TEST_F(AuthenticatorTest, BadBearerIs401) {
    auto auth = make(settings());
    auto r = request();
    r.headers.add("Authorization", "Bearer " + user_token(-3600));
    EXPECT_EQ(auth.authenticate(r).error().status, 401);
    r.headers.set("Authorization", "Bearer opaque-key");
    EXPECT_EQ(auth.authenticate(r).error().status, 401);
}

TEST_F(AuthenticatorTest, OpaqueKeysMapThroughOption) {
    auto auth = make(settings(), {.api_key_role = [](std::string_view key) -> std::optional<std::string> {
                                      if (key == "sb_secret_abc") return "service_role";
                                      return std::nullopt;
                                  }});
    auto r = request();
    r.headers.add("Authorization", "Bearer sb_secret_abc");
    auto ctx = auth.authenticate(r);
    ASSERT_TRUE(ctx.ok());
    EXPECT_TRUE(ctx->is_service_role());
}

TEST_F(AuthenticatorTest, CookieIgnoredUnlessEnabled) {
    auto r = request();
    r.headers.add("Cookie", "basalt-access-token=" + user_token());
    auto ctx = make(settings()).authenticate(r);
    ASSERT_TRUE(ctx.ok());
    EXPECT_EQ(ctx->role, "anon");
}

TEST_F(AuthenticatorTest, CookieModeWithCsrf) {
    Settings s = settings();
    s.cookies_enabled = true;
    auto auth = make(s);
    const std::string cookies = "basalt-access-token=" + user_token() + "; basalt-csrf-token=csrf123";

    auto get = request("GET");
    get.headers.add("Cookie", cookies);
    get.headers.add("apikey", anon_key());
    get.headers.add("Authorization", "Bearer " + anon_key());  // what supabase-js sends signed out
    auto ctx = auth.authenticate(get);
    ASSERT_TRUE(ctx.ok());
    EXPECT_TRUE(ctx->via_cookie);
    EXPECT_EQ(ctx->role, "authenticated");

    auto post = request("POST");
    post.headers.add("Cookie", cookies);
    auto denied = auth.authenticate(post);
    ASSERT_FALSE(denied.ok());
    EXPECT_EQ(denied.error().status, 403);
    EXPECT_EQ(denied.error().code, "csrf_failed");

    post.headers.add("X-CSRF-Token", "wrong");
    EXPECT_EQ(auth.authenticate(post).error().code, "csrf_failed");
    post.headers.set("X-CSRF-Token", "csrf123");
    ctx = auth.authenticate(post);
    ASSERT_TRUE(ctx.ok());
    EXPECT_TRUE(ctx->via_cookie);
}

TEST_F(AuthenticatorTest, UserBearerBeatsCookieAndNeedsNoCsrf) {
    Settings s = settings();
    s.cookies_enabled = true;
    auto post = request("POST");
    post.headers.add("Cookie", "basalt-access-token=" + user_token());
    post.headers.add("Authorization", "Bearer " + user_token());
    auto ctx = make(s).authenticate(post);
    ASSERT_TRUE(ctx.ok());
    EXPECT_FALSE(ctx->via_cookie);
}

TEST_F(AuthenticatorTest, StaleCookieIsIgnored) {
    Settings s = settings();
    s.cookies_enabled = true;
    auto post = request("POST");
    post.headers.add("Cookie", "basalt-access-token=" + user_token(-3600));
    auto ctx = make(s).authenticate(post);
    ASSERT_TRUE(ctx.ok());
    EXPECT_EQ(ctx->role, "anon");
    EXPECT_FALSE(ctx->via_cookie);
}

}  // namespace
}  // namespace basalt::auth
