// Access-token claims, the session body, refresh-token derivation and the rotation/reuse
// decision table.
#include "auth/tokens.hpp"

#include <gtest/gtest.h>

namespace basalt::auth {
namespace {

const std::string kSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

Json sample_user() {
    return Json{{"id", "2b0f4c52-6d1e-4d0e-9f61-3c8b7ad1f7a1"},
                {"aud", "authenticated"},
                {"role", "authenticated"},
                {"email", "a@b.co"},
                {"phone", ""},
                {"app_metadata", {{"provider", "email"}, {"providers", {"email"}}}},
                {"user_metadata", {{"name", "Ada"}}},
                {"is_anonymous", false}};
}

TEST(Claims, HasSupabaseClaims) {
    SessionClaims s{.session_id = "11111111-2222-3333-4444-555555555555", .amr_method = "password", .amr_timestamp = 99};
    Json c = build_claims(sample_user(), s, {.issuer = "http://h/auth/v1", .now = 1000, .expiry_seconds = 3600});
    EXPECT_EQ(c["sub"], "2b0f4c52-6d1e-4d0e-9f61-3c8b7ad1f7a1");
    EXPECT_EQ(c["aud"], "authenticated");
    EXPECT_EQ(c["iss"], "http://h/auth/v1");
    EXPECT_EQ(c["iat"], 1000);
    EXPECT_EQ(c["exp"], 4600);
    EXPECT_EQ(c["email"], "a@b.co");
    EXPECT_EQ(c["phone"], "");
    EXPECT_EQ(c["role"], "authenticated");
    EXPECT_EQ(c["aal"], "aal1");
    EXPECT_EQ(c["session_id"], "11111111-2222-3333-4444-555555555555");
    EXPECT_EQ(c["is_anonymous"], false);
    EXPECT_EQ(c["app_metadata"]["provider"], "email");
    EXPECT_EQ(c["user_metadata"]["name"], "Ada");
    EXPECT_EQ(c["amr"], (Json::array({{{"method", "password"}, {"timestamp", 99}}})));
}

TEST(Claims, AnonymousAndCustomRole) {
    Json u = sample_user();
    u["role"] = "";
    u["is_anonymous"] = true;
    u["email"] = "";
    Json c = build_claims(u, {.session_id = "s", .amr_method = "anonymous"}, {.now = 1});
    EXPECT_EQ(c["role"], "authenticated");  // empty role column -> default group
    EXPECT_EQ(c["is_anonymous"], true);
    u["role"] = "editor";
    EXPECT_EQ(build_claims(u, {}, {})["role"], "editor");
}

TEST(SessionBody, ShapeTheClientAccepts) {
    Json b = session_body("at", 3600, 5000, "rt", sample_user());
    EXPECT_EQ(b["access_token"], "at");
    EXPECT_EQ(b["token_type"], "bearer");
    EXPECT_EQ(b["expires_in"], 3600);
    EXPECT_EQ(b["expires_at"], 5000);
    EXPECT_EQ(b["refresh_token"], "rt");
    EXPECT_EQ(b["user"]["email"], "a@b.co");
}

TEST(RefreshTokens, RandomHashedAndDerivable) {
    const std::string a = new_refresh_token(), b = new_refresh_token();
    EXPECT_NE(a, b);
    EXPECT_EQ(a.size(), 32u);
    EXPECT_EQ(hash_refresh_token(a).size(), 64u);
    EXPECT_EQ(hash_refresh_token(a), hash_refresh_token(a));
    const std::string child = child_refresh_token(kSecret, a);
    EXPECT_EQ(child, child_refresh_token(kSecret, a));
    EXPECT_NE(child, child_refresh_token("another-secret-another-secret-another", a));
    EXPECT_NE(child, a);
    EXPECT_EQ(child.size(), 32u);
    const std::string grandchild = child_refresh_token(kSecret, child);
    EXPECT_EQ(find_descendant(kSecret, a, hash_refresh_token(child)), child);
    EXPECT_EQ(find_descendant(kSecret, a, hash_refresh_token(grandchild)), grandchild);
    EXPECT_EQ(find_descendant(kSecret, a, hash_refresh_token(b)), std::nullopt);
    EXPECT_EQ(find_descendant(kSecret, child, hash_refresh_token(a)), std::nullopt);  // never upwards
}

struct RefreshCase {
    const char* name;
    RefreshTokenRow row;
    SessionPolicy policy;
    std::int64_t now;
    RefreshAction expected;
};

TEST(DecideRefresh, Table) {
    const SessionPolicy plain{.reuse_interval_seconds = 10};
    const RefreshCase cases[] = {
        {"fresh token rotates", {.revoked = false, .updated_at = 100, .session = {.created_at = 100}}, plain, 200,
         RefreshAction::kRotate},
        {"retry inside reuse interval", {.revoked = true, .updated_at = 195, .session = {.created_at = 100}}, plain, 200,
         RefreshAction::kReturnActive},
        {"reuse at interval edge", {.revoked = true, .updated_at = 190, .session = {.created_at = 100}}, plain, 200,
         RefreshAction::kReturnActive},
        {"reuse after interval", {.revoked = true, .updated_at = 189, .session = {.created_at = 100}}, plain, 200,
         RefreshAction::kReuseDetected},
        {"zero interval: any reuse is theft", {.revoked = true, .updated_at = 200, .session = {.created_at = 100}},
         {.reuse_interval_seconds = 0}, 200, RefreshAction::kReuseDetected},
        {"banned user", {.revoked = false, .session = {.created_at = 100}, .user_banned = true}, plain, 200,
         RefreshAction::kUserBanned},
        {"deleted user", {.revoked = false, .session = {.created_at = 100}, .user_deleted = true}, plain, 200,
         RefreshAction::kUserBanned},
        {"not_after passed", {.revoked = false, .session = {.created_at = 100, .not_after = 150}}, plain, 200,
         RefreshAction::kSessionExpired},
        {"timebox passed", {.revoked = false, .session = {.created_at = 100}},
         {.timebox_seconds = 50, .reuse_interval_seconds = 10}, 200, RefreshAction::kSessionExpired},
        {"timebox not yet", {.revoked = false, .session = {.created_at = 100}},
         {.timebox_seconds = 500, .reuse_interval_seconds = 10}, 200, RefreshAction::kRotate},
        {"inactive since creation", {.revoked = false, .session = {.created_at = 100}},
         {.inactivity_timeout_seconds = 60, .reuse_interval_seconds = 10}, 200, RefreshAction::kSessionExpired},
        {"recently refreshed is active", {.revoked = false, .session = {.created_at = 100, .refreshed_at = 180}},
         {.inactivity_timeout_seconds = 60, .reuse_interval_seconds = 10}, 200, RefreshAction::kRotate},
        {"retry on an expired session", {.revoked = true, .updated_at = 199, .session = {.created_at = 100, .not_after = 150}},
         plain, 200, RefreshAction::kSessionExpired},
    };
    for (const auto& c : cases) EXPECT_EQ(decide_refresh(c.row, c.policy, c.now), c.expected) << c.name;
}

}  // namespace
}  // namespace basalt::auth
