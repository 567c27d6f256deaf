// POST /auth/v1/admin/generate_link on a real database: each link type, the three ways to
// redeem what it returns (action link, email_otp, hashed_token), nothing sent, service_role
// only, redirect_to checked like /verify's.
#include <gtest/gtest.h>

#include "auth/auth_fixture.hpp"

namespace basalt::test {
namespace {

class GenerateLinkTest : public AuthTest {
protected:
    void SetUp() override {
        AuthTest::SetUp();
        if (IsSkipped()) return;
        options_.smtp.host = "smtp.invalid";  // confirmations required, as in production
        settings_.site_url = "http://app.test";
        settings_.redirect_urls = {"myapp://auth/**"};
    }
    Reply generate(const Json& body, const std::string& query = "") {
        return call("POST", "/auth/v1/admin/generate_link" + query, body, {bearer(service_key())});
    }
    Reply verify(const Json& body) { return call("POST", "/auth/v1/verify", body, {bearer(anon_key())}); }
    static std::string location(const Reply& r) { return std::string(r.headers.get("location").value_or("")); }
    static std::string target_of(const std::string& link) { return link.substr(link.find("/auth/v1/verify")); }
    int outbox_count() { return std::stoi(std::string(sql("SELECT count(*) FROM basalt.outbox").get(0, 0))); }
};

TEST_F(GenerateLinkTest, SignupCreatesTheUserAndTheLinkConfirmsIt) {
    start();
    auto r = generate({{"type", "signup"}, {"email", "New@Example.com"}, {"password", "password1"},
                       {"data", {{"plan", "pro"}}}, {"redirectTo", "myapp://auth/done"}},
                      "?redirect_to=myapp%3A%2F%2Fauth%2Fdone");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body["email"], "new@example.com");
    EXPECT_TRUE(r.body["email_confirmed_at"].is_null());
    EXPECT_EQ(r.body["user_metadata"]["plan"], "pro");
    EXPECT_EQ(r.body["verification_type"], "signup");
    EXPECT_EQ(r.body["redirect_to"], "myapp://auth/done");
    EXPECT_EQ(r.body["email_otp"].get<std::string>().size(), 6u);
    const std::string link = r.body["action_link"];
    EXPECT_EQ(link.rfind("http://localhost:8080/auth/v1/verify?token=" + r.body["hashed_token"].get<std::string>() +
                             "&type=signup&redirect_to=myapp%3A%2F%2Fauth%2Fdone",
                         0),
              0u)
        << link;
    EXPECT_EQ(outbox_count(), 0) << "generate_link sends nothing";
    EXPECT_EQ(login({{"email", "new@example.com"}, {"password", "password1"}}).body["code"], "email_not_confirmed");

    auto opened = call("GET", target_of(link));
    ASSERT_EQ(opened.status, 303);
    EXPECT_EQ(location(opened).rfind("myapp://auth/done#access_token=", 0), 0u) << location(opened);
    EXPECT_EQ(login({{"email", "new@example.com"}, {"password", "password1"}}).status, 200);

    auto again = generate({{"type", "signup"}, {"email", "new@example.com"}, {"password", "password1"}});
    EXPECT_EQ(again.status, 422);
    EXPECT_EQ(again.body["code"], "email_exists");
}

TEST_F(GenerateLinkTest, MagicLinkCodeAndTokenHashEachSignIn) {
    start();
    // Unknown address: a magic link signs up (GoTrue's rule), verification_type says so.
    auto first = generate({{"type", "magiclink"}, {"email", "ml@example.com"}});
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.body["verification_type"], "signup");
    EXPECT_EQ(first.body["redirect_to"], "http://app.test");
    auto s = verify({{"email", "ml@example.com"}, {"token", first.body["email_otp"]}, {"type", "email"}});
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_FALSE(s.body["user"]["email_confirmed_at"].is_null());

    // Back-to-back links need no send interval; the new one replaces the old.
    auto a = generate({{"type", "magiclink"}, {"email", "ml@example.com"}});
    auto b = generate({{"type", "magiclink"}, {"email", "ml@example.com"}});
    ASSERT_EQ(b.status, 200) << b.body;
    EXPECT_EQ(b.body["verification_type"], "magiclink");
    EXPECT_EQ(verify({{"token_hash", a.body["hashed_token"]}, {"type", "magiclink"}}).status, 403);
    auto th = verify({{"token_hash", b.body["hashed_token"]}, {"type", "magiclink"}});
    ASSERT_EQ(th.status, 200) << th.body;
    EXPECT_EQ(get_user(th.body["access_token"]).body["email"], "ml@example.com");
    EXPECT_EQ(outbox_count(), 0);
}

TEST_F(GenerateLinkTest, RecoveryInviteAndEmailChange) {
    start();
    auto missing = generate({{"type", "recovery"}, {"email", "ghost@example.com"}});
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.body["code"], "user_not_found");

    auto inv = generate({{"type", "invite"}, {"email", "inv@example.com"}, {"data", {{"team", "a"}}}});
    ASSERT_EQ(inv.status, 200) << inv.body;
    EXPECT_FALSE(inv.body["invited_at"].is_null());
    EXPECT_EQ(inv.body["user_metadata"]["team"], "a");
    auto joined = call("GET", target_of(inv.body["action_link"]));
    EXPECT_NE(location(joined).find("#access_token="), std::string::npos) << location(joined);

    auto rec = generate({{"type", "recovery"}, {"email", "inv@example.com"}});
    ASSERT_EQ(rec.status, 200) << rec.body;
    EXPECT_NE(rec.body["action_link"].get<std::string>().find("&type=recovery&"), std::string::npos);
    EXPECT_EQ(verify({{"email", "inv@example.com"}, {"token", rec.body["email_otp"]}, {"type", "recovery"}}).status, 200);

    ASSERT_EQ(generate({{"type", "invite"}, {"email", "taken@example.com"}}).status, 200);
    auto dup = generate({{"type", "email_change_new"}, {"email", "inv@example.com"}, {"new_email", "taken@example.com"}});
    EXPECT_EQ(dup.body["code"], "email_exists");
    EXPECT_EQ(generate({{"type", "email_change_new"}, {"email", "inv@example.com"}}).status, 400);

    for (const char* type : {"email_change_current", "email_change_new"}) {
        const std::string to = std::string(type) + "@example.com";
        const std::string from = std::string(type) == "email_change_new" ? "email_change_current@example.com" : "inv@example.com";
        auto ch = generate({{"type", type}, {"email", from}, {"new_email", to}});
        ASSERT_EQ(ch.status, 200) << ch.body;
        EXPECT_EQ(ch.body["new_email"], to);
        EXPECT_EQ(ch.body["verification_type"], type);
        EXPECT_NE(ch.body["action_link"].get<std::string>().find("&type=email_change&"), std::string::npos);
        auto done = call("GET", target_of(ch.body["action_link"]));
        ASSERT_NE(location(done).find("#access_token="), std::string::npos) << location(done);
        EXPECT_EQ(sql("SELECT email FROM auth.users WHERE id = $1", {ch.body["id"].get<std::string>()}).get(0, 0), to);
    }
}

TEST_F(GenerateLinkTest, AdminOnlyAndValidated) {
    start();
    auto anon = call("POST", "/auth/v1/admin/generate_link", Json{{"type", "magiclink"}, {"email", "a@example.com"}},
                     {bearer(anon_key())});
    EXPECT_EQ(anon.status, 403);
    EXPECT_EQ(anon.body["code"], "not_admin");
    EXPECT_EQ(generate({{"type", "bogus"}, {"email", "a@example.com"}}).status, 400);
    EXPECT_EQ(generate({{"type", "signup"}, {"email", "a@example.com"}}).status, 422) << "signup needs a password";
    EXPECT_EQ(generate({{"type", "signup"}, {"email", "a@example.com"}, {"password", "x"}}).body["code"], "weak_password");
    // A redirect_to off the allow-list falls back to the site URL.
    auto r = generate({{"type", "magiclink"}, {"email", "b@example.com"}}, "?redirect_to=https%3A%2F%2Fevil.test");
    EXPECT_EQ(r.body["redirect_to"], "http://app.test");
    EXPECT_EQ(sql("SELECT count(*) FROM auth.users WHERE email = 'a@example.com'").get(0, 0), "0");
}

}  // namespace
}  // namespace basalt::test
