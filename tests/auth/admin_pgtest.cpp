// Admin user API: service_role only; list/paginate, create (password, imported hash,
// unconfirmed), get, update (ban, metadata, password), delete (hard, soft).
#include <gtest/gtest.h>

#include "auth/auth_fixture.hpp"

namespace basalt::test {
namespace {

class AdminTest : public AuthTest {
protected:
    Reply admin(std::string method, const std::string& path, const Json& body = nullptr) {
        return call(std::move(method), "/auth/v1/admin/users" + path, body, {bearer(service_key())});
    }
};

TEST_F(AdminTest, RefusedWithoutServiceRole) {
    start();
    auto a = signup("user@example.com");
    for (const std::string& token : {anon_key(), a.body["access_token"].get<std::string>()}) {
        auto r = call("GET", "/auth/v1/admin/users", nullptr, {bearer(token)});
        EXPECT_EQ(r.status, 403);
        EXPECT_EQ(r.body["code"], "not_admin");
        EXPECT_EQ(call("POST", "/auth/v1/admin/users", Json{{"email", "x@example.com"}}, {bearer(token)}).status, 403);
    }
    EXPECT_EQ(call("GET", "/auth/v1/admin/users").status, 401);
}

TEST_F(AdminTest, CreateGetUpdateDelete) {
    start();
    auto created = admin("POST", "", Json{{"email", "made@example.com"}, {"password", "password1"}, {"email_confirm", true},
                                          {"user_metadata", {{"plan", "pro"}}}, {"app_metadata", {{"tier", 2}}}});
    ASSERT_EQ(created.status, 200) << created.body;
    const std::string id = created.body["id"];
    EXPECT_EQ(created.body["user_metadata"]["plan"], "pro");
    EXPECT_EQ(created.body["app_metadata"]["tier"], 2);
    EXPECT_EQ(created.body["app_metadata"]["provider"], "email");
    EXPECT_EQ(login({{"email", "made@example.com"}, {"password", "password1"}}).status, 200);

    auto got = admin("GET", "/" + id);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.body["email"], "made@example.com");
    EXPECT_EQ(admin("GET", "/00000000-0000-0000-0000-000000000001").body["code"], "user_not_found");
    EXPECT_EQ(admin("GET", "/not-a-uuid").status, 404);

    auto banned = admin("PUT", "/" + id, Json{{"ban_duration", "24h"}, {"user_metadata", {{"plan", "free"}}}});
    ASSERT_EQ(banned.status, 200) << banned.body;
    EXPECT_FALSE(banned.body["banned_until"].is_null());
    EXPECT_EQ(banned.body["user_metadata"]["plan"], "free");
    EXPECT_EQ(login({{"email", "made@example.com"}, {"password", "password1"}}).body["code"], "user_banned");
    auto unbanned = admin("PUT", "/" + id, Json{{"ban_duration", "none"}, {"password", "password2"}});
    EXPECT_TRUE(unbanned.body["banned_until"].is_null());
    EXPECT_EQ(login({{"email", "made@example.com"}, {"password", "password2"}}).status, 200);
    EXPECT_EQ(admin("PUT", "/" + id, Json{{"ban_duration", "forever"}}).status, 400);

    EXPECT_EQ(admin("DELETE", "/" + id, Json{{"should_soft_delete", false}}).status, 200);
    EXPECT_EQ(admin("GET", "/" + id).status, 404);
    EXPECT_EQ(admin("DELETE", "/" + id).status, 404);
}

TEST_F(AdminTest, UnconfirmedPasswordlessAndImportedHash) {
    start();
    auto plain = admin("POST", "", Json{{"email", "nopw@example.com"}});
    ASSERT_EQ(plain.status, 200);
    EXPECT_TRUE(plain.body["email_confirmed_at"].is_null());
    EXPECT_EQ(login({{"email", "nopw@example.com"}, {"password", "anything"}}).body["code"], "invalid_credentials");

    // A user moved from Supabase keeps the password its $2a$ hash encodes ("U*U").
    auto imported = admin("POST", "", Json{{"email", "moved@example.com"}, {"email_confirm", true},
                                           {"password_hash", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"}});
    ASSERT_EQ(imported.status, 200) << imported.body;
    EXPECT_EQ(login({{"email", "moved@example.com"}, {"password", "U*U"}}).status, 200);
    EXPECT_EQ(admin("POST", "", Json{{"email", "bad@example.com"}, {"password_hash", "md5:abc"}}).status, 400);

    auto unconfirmed = admin("POST", "", Json{{"email", "unc@example.com"}, {"password", "password1"}});
    EXPECT_EQ(login({{"email", "unc@example.com"}, {"password", "password1"}}).body["code"], "email_not_confirmed");
    auto dup = admin("POST", "", Json{{"email", "unc@example.com"}});
    EXPECT_EQ(dup.status, 422);
    EXPECT_EQ(dup.body["code"], "email_exists");
}

TEST_F(AdminTest, ListPaginates) {
    start();
    for (int i = 0; i < 5; ++i) ASSERT_EQ(admin("POST", "", Json{{"email", "u" + std::to_string(i) + "@example.com"}}).status, 200);
    auto page1 = call("GET", "/auth/v1/admin/users?page=1&per_page=2", nullptr, {bearer(service_key())});
    ASSERT_EQ(page1.status, 200);
    EXPECT_EQ(page1.body["aud"], "authenticated");
    EXPECT_EQ(page1.body["users"].size(), 2u);
    EXPECT_EQ(page1.headers.get("X-Total-Count"), "5");
    EXPECT_EQ(page1.headers.get("Link"),
              "</admin/users?page=2&per_page=2>; rel=\"next\", </admin/users?page=3&per_page=2>; rel=\"last\"");
    auto page3 = call("GET", "/auth/v1/admin/users?page=3&per_page=2", nullptr, {bearer(service_key())});
    EXPECT_EQ(page3.body["users"].size(), 1u);
    auto defaults = call("GET", "/auth/v1/admin/users?page=&per_page=", nullptr, {bearer(service_key())});
    EXPECT_EQ(defaults.body["users"].size(), 5u);
    EXPECT_EQ(call("GET", "/auth/v1/admin/users?page=0", nullptr, {bearer(service_key())}).status, 400);
}

TEST_F(AdminTest, SoftDeleteFreesTheEmailAndEndsSessions) {
    start();
    auto a = signup("soft@example.com");
    const std::string id = a.body["user"]["id"];
    ASSERT_EQ(admin("DELETE", "/" + id, Json{{"should_soft_delete", true}}).status, 200);
    EXPECT_FALSE(admin("GET", "/" + id).body["deleted_at"].is_null());
    EXPECT_EQ(get_user(a.body["access_token"]).status, 404);
    EXPECT_EQ(refresh(a.body["refresh_token"]).body["code"], "refresh_token_not_found");
    EXPECT_EQ(signup("soft@example.com").status, 200);
}

}  // namespace
}  // namespace basalt::test
