// One-time codes through the auth service on a real database: sign-in codes by email and SMS,
// links (GET /verify redirects), single use, attempt limits, expiry, the per-recipient send
// limit, sign-up confirmation, recovery, email/phone change, resend, invite and the cleanup
// job. Messages are read back from the outbox rows the requests committed.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "auth/auth_fixture.hpp"
#include "auth/code_janitor.hpp"

namespace basalt::test {
namespace {

class OtpTest : public AuthTest {
protected:
    void SetUp() override {
        AuthTest::SetUp();
        if (IsSkipped()) return;
        // Delivery "configured" (nothing sends here: no outbox sender runs in these tests), so
        // confirmations are required as in production.
        options_.smtp.host = "smtp.invalid";
        options_.sms.provider = "webhook";
        options_.sms.webhook_url = "http://127.0.0.1:9/sms";
        settings_.site_url = "http://app.test";
        settings_.redirect_urls = {"myapp://auth/**"};
    }

    struct Sent {
        std::string kind, subject, text;
        std::string code() const { return match(R"((?:code: |code is )(\d+))"); }
        std::string link() const { return match(R"((http://localhost:8080/auth/v1/verify\?\S+))"); }
        std::string match(const char* re) const {
            std::smatch m;
            if (!std::regex_search(text, m, std::regex(re))) return "";
            return m[1];
        }
    };
    // The newest outbox message to a recipient.
    std::optional<Sent> last_sent(const std::string& to) {
        auto rows = sql("SELECT kind, coalesce(subject, ''), text_body FROM basalt.outbox WHERE recipient = $1 "
                        "ORDER BY id DESC LIMIT 1",
                        {to});
        if (rows.empty()) return std::nullopt;
        return Sent{std::string(rows.get(0, 0)), std::string(rows.get(0, 1)), std::string(rows.get(0, 2))};
    }
    int sent_count(const std::string& to) {
        return std::stoi(std::string(sql("SELECT count(*) FROM basalt.outbox WHERE recipient = $1", {to}).get(0, 0)));
    }

    Reply post(const std::string& path, const Json& body) { return call("POST", path, body, {bearer(anon_key())}); }
    Reply verify(const Json& body) { return post("/auth/v1/verify", body); }
    static std::string location(const Reply& r) { return std::string(r.headers.get("location").value_or("")); }
    // The link's path and query, as the fixture's router takes them.
    static std::string target_of(const std::string& link) { return link.substr(link.find("/auth/v1/verify")); }
};

TEST_F(OtpTest, EmailCodeSignsInANewUserOnce) {
    start();
    auto r = post("/auth/v1/otp", Json{{"email", "Otp@Example.com"}, {"data", {{"plan", "pro"}}}, {"create_user", true}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, Json::object());
    auto mail = last_sent("otp@example.com");
    ASSERT_TRUE(mail);
    EXPECT_EQ(mail->kind, "magic_link");
    const std::string code = mail->code();
    ASSERT_EQ(code.size(), 6u) << mail->text;
    EXPECT_FALSE(mail->link().empty()) << mail->text;
    // Nothing readable is stored: only salted, keyed hashes.
    auto stored = sql("SELECT code_hash, link_hash, purpose FROM auth.one_time_codes");
    ASSERT_EQ(stored.size(), 1);
    EXPECT_EQ(stored.get(0, 2), "magiclink");
    EXPECT_EQ(mail->text.find(std::string(stored.get(0, 0))), std::string::npos);

    auto s = verify({{"email", "otp@example.com"}, {"token", code}, {"type", "email"}});
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_TRUE(s.body.contains("access_token"));
    EXPECT_EQ(s.body["user"]["email"], "otp@example.com");
    EXPECT_FALSE(s.body["user"]["email_confirmed_at"].is_null());
    EXPECT_EQ(s.body["user"]["user_metadata"]["plan"], "pro");
    EXPECT_EQ(get_user(s.body["access_token"]).status, 200);
    // Single use.
    auto again = verify({{"email", "otp@example.com"}, {"token", code}, {"type", "email"}});
    EXPECT_EQ(again.status, 403);
    EXPECT_EQ(again.body["code"], "otp_expired");
    EXPECT_EQ(sql("SELECT count(*) FROM auth.one_time_codes").get(0, 0), "0");
}

TEST_F(OtpTest, CreateUserFalseRefusesUnknownAddresses) {
    start();
    auto r = post("/auth/v1/otp", Json{{"email", "nobody@example.com"}, {"create_user", false}});
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.body["code"], "otp_disabled");
    EXPECT_EQ(r.body["message"], "Signups not allowed for otp");
    EXPECT_EQ(sent_count("nobody@example.com"), 0);
    ASSERT_EQ(signup("known@example.com").status, 200);
    EXPECT_EQ(post("/auth/v1/otp", Json{{"email", "known@example.com"}, {"create_user", false}}).status, 429)
        << "the sign-up's confirmation went out a moment ago";
    ASSERT_EQ(verify({{"email", "known@example.com"}, {"token", last_sent("known@example.com")->code()}, {"type", "signup"}})
                  .status,
              200);
    EXPECT_EQ(post("/auth/v1/otp", Json{{"email", "known@example.com"}, {"create_user", false}}).status, 200);
    EXPECT_EQ(last_sent("known@example.com")->kind, "magic_link");
}

TEST_F(OtpTest, WrongCodesSpendAttemptsUntilTheCodeIsDead) {
    settings_.otp_max_attempts = 3;
    start();
    ASSERT_EQ(post("/auth/v1/otp", Json{{"email", "guess@example.com"}}).status, 200);
    const std::string code = last_sent("guess@example.com")->code();
    const std::string wrong = code == "000000" ? "111111" : "000000";
    for (int i = 0; i < 3; ++i) {
        auto r = verify({{"email", "guess@example.com"}, {"token", wrong}, {"type", "email"}});
        EXPECT_EQ(r.status, 403);
        EXPECT_EQ(r.body["code"], "otp_expired");
        EXPECT_EQ(r.body["message"], "Token has expired or is invalid");
    }
    auto dead = verify({{"email", "guess@example.com"}, {"token", code}, {"type", "email"}});
    EXPECT_EQ(dead.status, 403) << "the right code after the attempt limit";
    // Its link died with it.
    auto link = call("GET", target_of(last_sent("guess@example.com")->link()));
    EXPECT_NE(location(link).find("error_code=otp_expired"), std::string::npos) << location(link);
}

TEST_F(OtpTest, ExpiredCodesFailAndTheJanitorDeletesThem) {
    settings_.otp_email_send_interval_seconds = 0;
    start();
    ASSERT_EQ(post("/auth/v1/otp", Json{{"email", "late@example.com"}}).status, 200);
    const std::string code = last_sent("late@example.com")->code();
    sql("UPDATE auth.one_time_codes SET expires_at = now() - interval '1 second', sent_at = now() - interval '2 seconds'");
    auto r = verify({{"email", "late@example.com"}, {"token", code}, {"type", "email"}});
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body["code"], "otp_expired");

    ASSERT_EQ(post("/auth/v1/otp", Json{{"email", "fresh@example.com"}}).status, 200);
    auth::CodeJanitor janitor({.conninfo = conninfo_, .interval = std::chrono::seconds(1), .keep_seconds = 0});
    EXPECT_EQ(janitor.run_once(), 1);
    EXPECT_EQ(sql("SELECT recipient FROM auth.one_time_codes").get(0, 0), "fresh@example.com");
    // The timer runs it too.
    sql("UPDATE auth.one_time_codes SET expires_at = now() - interval '1 second', sent_at = now() - interval '2 seconds'");
    janitor.start();
    for (int i = 0; i < 100 && sql("SELECT count(*) FROM auth.one_time_codes").get(0, 0) != "0"; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    janitor.stop();
    EXPECT_EQ(sql("SELECT count(*) FROM auth.one_time_codes").get(0, 0), "0");
}

TEST_F(OtpTest, OneMessagePerRecipientPerInterval) {
    start();
    ASSERT_EQ(post("/auth/v1/otp", Json{{"email", "rate@example.com"}}).status, 200);
    auto second = post("/auth/v1/otp", Json{{"email", "rate@example.com"}});
    EXPECT_EQ(second.status, 429);
    EXPECT_EQ(second.body["code"], "over_email_send_rate_limit");
    EXPECT_TRUE(std::regex_match(second.body["message"].get<std::string>(),
                                 std::regex(R"(For security purposes, you can only request this after \d+ seconds\.)")))
        << second.body;
    EXPECT_EQ(sent_count("rate@example.com"), 1);
    // Recovery to the same address waits too (per recipient, not per kind) ...
    EXPECT_EQ(post("/auth/v1/recover", Json{{"email", "rate@example.com"}}).status, 429);
    // ... until the pending code is used.
    auto s = verify({{"email", "rate@example.com"}, {"token", last_sent("rate@example.com")->code()}, {"type", "magiclink"}});
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_EQ(post("/auth/v1/recover", Json{{"email", "rate@example.com"}}).status, 200);
    EXPECT_EQ(sent_count("rate@example.com"), 2);
}

TEST_F(OtpTest, PerIpSendLimitHonoursTheGlobalSwitch) {
    options_.rate_limits.enabled = true;
    settings_.rate_limit_send_per_ip = 2;
    start();
    EXPECT_EQ(post("/auth/v1/otp", Json{{"email", "ip1@example.com"}}).status, 200);
    EXPECT_EQ(post("/auth/v1/otp", Json{{"email", "ip2@example.com"}}).status, 200);
    auto third = post("/auth/v1/otp", Json{{"email", "ip3@example.com"}});
    EXPECT_EQ(third.status, 429);
    EXPECT_EQ(third.body["code"], "over_request_rate_limit");
}

TEST_F(OtpTest, MagicLinkRedirectsWithTheSessionInTheFragment) {
    start();
    ASSERT_EQ(call("POST", "/auth/v1/otp?redirect_to=myapp%3A%2F%2Fauth%2Fcallback", Json{{"email", "link@example.com"}},
                   {bearer(anon_key())})
                  .status,
              200);
    const std::string link = last_sent("link@example.com")->link();
    ASSERT_NE(link.find("type=magiclink"), std::string::npos) << link;
    ASSERT_NE(link.find("redirect_to=myapp%3A%2F%2Fauth%2Fcallback"), std::string::npos) << link;
    auto r = call("GET", target_of(link));
    EXPECT_EQ(r.status, 303);
    const std::string to = location(r);
    ASSERT_EQ(to.rfind("myapp://auth/callback#access_token=", 0), 0u) << to;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(to, m, std::regex("access_token=([^&]+)")));
    EXPECT_EQ(get_user(m[1]).status, 200);
    for (const char* part : {"&expires_at=", "&expires_in=3600", "&refresh_token=", "&token_type=bearer", "&type=magiclink"})
        EXPECT_NE(to.find(part), std::string::npos) << part << " in " << to;
    // Used: the same link now redirects with an error.
    auto used = call("GET", target_of(link));
    EXPECT_EQ(used.status, 303);
    EXPECT_EQ(location(used),
              "myapp://auth/callback#error=access_denied&error_code=otp_expired&error_description=Email%20link%20is%20"
              "invalid%20or%20has%20expired");
    // A redirect target that is not allowed becomes the site URL.
    auto evil = call("GET", "/auth/v1/verify?token=abc&type=magiclink&redirect_to=https%3A%2F%2Fevil.io%2F");
    EXPECT_EQ(location(evil).rfind("http://app.test#error=", 0), 0u) << location(evil);
    auto bad_type = call("GET", "/auth/v1/verify?token=abc&type=sms");
    EXPECT_NE(location(bad_type).find("error_code=validation_failed"), std::string::npos) << location(bad_type);
}

TEST_F(OtpTest, TokenHashVerifiesLikeTheLink) {
    start();
    ASSERT_EQ(post("/auth/v1/otp", Json{{"email", "hash@example.com"}}).status, 200);
    std::smatch m;
    const std::string link = last_sent("hash@example.com")->link();
    ASSERT_TRUE(std::regex_search(link, m, std::regex("token=([0-9a-f]+)")));
    const std::string token_hash = m[1];
    EXPECT_EQ(verify({{"token_hash", token_hash}, {"type", "recovery"}}).status, 403) << "wrong type";
    auto s = verify({{"token_hash", token_hash}, {"type", "email"}});
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_EQ(verify({{"token_hash", token_hash}, {"type", "email"}}).status, 403);
}

TEST_F(OtpTest, SignUpWaitsForConfirmation) {
    start();
    auto r = signup("confirm@example.com");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.body.contains("access_token"));
    EXPECT_TRUE(r.body["email_confirmed_at"].is_null());
    EXPECT_FALSE(r.body["confirmation_sent_at"].is_null());
    auto mail = last_sent("confirm@example.com");
    ASSERT_TRUE(mail);
    EXPECT_EQ(mail->kind, "confirmation");
    EXPECT_NE(mail->link().find("type=signup"), std::string::npos);
    auto early = login({{"email", "confirm@example.com"}, {"password", "password1"}});
    EXPECT_EQ(early.status, 400);
    EXPECT_EQ(early.body["code"], "email_not_confirmed");
    // Signing up again neither reveals the account nor mails again within the interval.
    auto again = signup("confirm@example.com");
    EXPECT_EQ(again.status, 200);
    EXPECT_NE(again.body["id"], r.body["id"]);
    EXPECT_EQ(sent_count("confirm@example.com"), 1);

    auto s = verify({{"email", "confirm@example.com"}, {"token", mail->code()}, {"type", "signup"}});
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_FALSE(s.body["user"]["email_confirmed_at"].is_null());
    EXPECT_EQ(login({{"email", "confirm@example.com"}, {"password", "password1"}}).status, 200);
    // Confirmed: resend has nothing to send, and says so the same way.
    EXPECT_EQ(post("/auth/v1/resend", Json{{"type", "signup"}, {"email", "confirm@example.com"}}).status, 200);
    EXPECT_EQ(sent_count("confirm@example.com"), 1);
}

TEST_F(OtpTest, ResendSendsANewCodeAndTheOldOneDies) {
    settings_.otp_email_send_interval_seconds = 0;
    start();
    ASSERT_EQ(signup("resend@example.com").status, 200);
    const std::string first = last_sent("resend@example.com")->code();
    auto r = post("/auth/v1/resend", Json{{"type", "signup"}, {"email", "resend@example.com"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(sent_count("resend@example.com"), 2);
    const std::string second = last_sent("resend@example.com")->code();
    if (first != second)
        EXPECT_EQ(verify({{"email", "resend@example.com"}, {"token", first}, {"type", "signup"}}).status, 403);
    EXPECT_EQ(verify({{"email", "resend@example.com"}, {"token", second}, {"type", "signup"}}).status, 200);
    EXPECT_EQ(post("/auth/v1/resend", Json{{"type", "nope"}, {"email", "resend@example.com"}}).body["code"],
              "validation_failed");
    EXPECT_EQ(post("/auth/v1/resend", Json{{"type", "sms"}, {"email", "resend@example.com"}}).status, 400);
}

TEST_F(OtpTest, RecoveryThenNewPassword) {
    start();
    ASSERT_EQ(signup("reset@example.com").status, 200);
    ASSERT_EQ(verify({{"email", "reset@example.com"}, {"token", last_sent("reset@example.com")->code()}, {"type", "email"}})
                  .status,
              200);
    auto unknown = post("/auth/v1/recover", Json{{"email", "ghost@example.com"}});
    EXPECT_EQ(unknown.status, 200);
    EXPECT_EQ(unknown.body, Json::object());
    EXPECT_EQ(sent_count("ghost@example.com"), 0);

    auto r = post("/auth/v1/recover", Json{{"email", "reset@example.com"}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, Json::object());
    auto mail = last_sent("reset@example.com");
    EXPECT_EQ(mail->kind, "recovery");
    EXPECT_EQ(verify({{"email", "reset@example.com"}, {"token", mail->code()}, {"type", "email"}}).status, 403)
        << "a recovery code is not a sign-in code";
    auto s = verify({{"email", "reset@example.com"}, {"token", mail->code()}, {"type", "recovery"}});
    ASSERT_EQ(s.status, 200) << s.body;
    auto up = call("PUT", "/auth/v1/user", Json{{"password", "brand-new-pass"}}, {bearer(s.body["access_token"])});
    ASSERT_EQ(up.status, 200) << up.body;
    EXPECT_EQ(login({{"email", "reset@example.com"}, {"password", "brand-new-pass"}}).status, 200);
    EXPECT_EQ(login({{"email", "reset@example.com"}, {"password", "password1"}}).status, 400);
}

TEST_F(OtpTest, EmailChangeIsAppliedByTheCodeSentToTheNewAddress) {
    start();
    ASSERT_EQ(post("/auth/v1/otp", Json{{"email", "old@example.com"}}).status, 200);
    auto s = verify({{"email", "old@example.com"}, {"token", last_sent("old@example.com")->code()}, {"type", "email"}});
    ASSERT_EQ(s.status, 200);
    const std::string at = s.body["access_token"];
    auto r = call("PUT", "/auth/v1/user", Json{{"email", "New@Example.com"}}, {bearer(at)});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body["email"], "old@example.com");
    EXPECT_EQ(r.body["new_email"], "new@example.com");
    EXPECT_FALSE(r.body["email_change_sent_at"].is_null());
    auto mail = last_sent("new@example.com");
    ASSERT_TRUE(mail);
    EXPECT_EQ(mail->kind, "email_change");
    EXPECT_NE(mail->text.find("old@example.com"), std::string::npos);
    // Someone else's address cannot be claimed.
    ASSERT_EQ(post("/auth/v1/otp", Json{{"email", "taken@example.com"}}).status, 200);
    auto taken = call("PUT", "/auth/v1/user", Json{{"email", "taken@example.com"}}, {bearer(at)});
    EXPECT_EQ(taken.status, 422);
    EXPECT_EQ(taken.body["code"], "email_exists");

    auto done = verify({{"email", "new@example.com"}, {"token", mail->code()}, {"type", "email_change"}});
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(done.body["user"]["email"], "new@example.com");
    EXPECT_TRUE(done.body["user"]["new_email"].is_null());
    EXPECT_EQ(get_user(done.body["access_token"]).body["email"], "new@example.com");
}

TEST_F(OtpTest, PhoneCodeAndPhoneChange) {
    options_.sms.default_country_code = "233";
    start();
    auto r = post("/auth/v1/otp", Json{{"phone", "024 123 4567"}, {"channel", "sms"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.body["message_id"].is_string());
    auto sms = last_sent("+233241234567");
    ASSERT_TRUE(sms);
    EXPECT_EQ(sms->kind, "otp");
    EXPECT_TRUE(std::regex_match(sms->text, std::regex(R"(Your code is \d{6})"))) << sms->text;
    EXPECT_EQ(post("/auth/v1/otp", Json{{"phone", "+233241234567"}, {"channel", "whatsapp"}}).status, 400);
    auto s = verify({{"phone", "+233241234567"}, {"token", sms->code()}, {"type", "sms"}});
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_EQ(s.body["user"]["phone"], "233241234567");
    EXPECT_FALSE(s.body["user"]["phone_confirmed_at"].is_null());

    auto c = call("PUT", "/auth/v1/user", Json{{"phone", "+233501112222"}}, {bearer(s.body["access_token"])});
    ASSERT_EQ(c.status, 200) << c.body;
    EXPECT_EQ(c.body["new_phone"], "233501112222");
    auto change = last_sent("+233501112222");
    ASSERT_TRUE(change);
    EXPECT_EQ(change->kind, "phone_change");
    EXPECT_EQ(verify({{"phone", "+233501112222"}, {"token", change->code()}, {"type", "sms"}}).status, 403);
    auto done = verify({{"phone", "+233501112222"}, {"token", change->code()}, {"type", "phone_change"}});
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(done.body["user"]["phone"], "233501112222");
}

TEST_F(OtpTest, PhoneSignUpConfirmedBySms) {
    start();
    auto r = call("POST", "/auth/v1/signup", Json{{"phone", "+15550109999"}, {"password", "password1"}, {"channel", "sms"}},
                  {bearer(anon_key())});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.body.contains("access_token"));
    auto sms = last_sent("+15550109999");
    ASSERT_TRUE(sms);
    EXPECT_EQ(sms->kind, "confirmation");
    EXPECT_EQ(login({{"phone", "+15550109999"}, {"password", "password1"}}).body["code"], "phone_not_confirmed");
    ASSERT_EQ(verify({{"phone", "15550109999"}, {"token", sms->code()}, {"type", "sms"}}).status, 200);
    EXPECT_EQ(login({{"phone", "+15550109999"}, {"password", "password1"}}).status, 200);
}

TEST_F(OtpTest, InviteByAdmin) {
    start();
    auto denied = call("POST", "/auth/v1/invite", Json{{"email", "guest@example.com"}}, {bearer(anon_key())});
    EXPECT_EQ(denied.status, 403);
    auto r = call("POST", "/auth/v1/invite", Json{{"email", "guest@example.com"}, {"data", {{"team", "a"}}}},
                  {bearer(service_key())});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.body["invited_at"].is_null());
    EXPECT_EQ(r.body["user_metadata"]["team"], "a");
    auto mail = last_sent("guest@example.com");
    EXPECT_EQ(mail->kind, "invite");
    auto s = verify({{"email", "guest@example.com"}, {"token", mail->code()}, {"type", "invite"}});
    ASSERT_EQ(s.status, 200) << s.body;
    auto again = call("POST", "/auth/v1/invite", Json{{"email", "guest@example.com"}}, {bearer(service_key())});
    EXPECT_EQ(again.body["code"], "email_exists");
}

TEST_F(OtpTest, BadInputIsAClientError) {
    start();
    const std::vector<std::pair<Json, std::string>> cases{
        {Json{{"token", "123456"}, {"email", "a@b.co"}}, "validation_failed"},
        {Json{{"type", "bogus"}, {"token", "123456"}, {"email", "a@b.co"}}, "validation_failed"},
        {Json{{"type", "email"}, {"email", "a@b.co"}}, "validation_failed"},
        {Json{{"type", "email"}, {"token", "123456"}}, "validation_failed"},
        {Json{{"type", "sms"}, {"token", "123456"}, {"email", "a@b.co"}}, "validation_failed"},
        {Json{{"type", "email"}, {"token", 123456}, {"email", "a@b.co"}}, "validation_failed"},
        {Json{{"type", "email"}, {"token", "123456"}, {"email", "not-an-email"}}, "email_address_invalid"},
        {Json{{"type", "sms"}, {"token", "123456"}, {"phone", "abc"}}, "validation_failed"},
        {Json{{"type", "email"}, {"token", "12'; drop table x"}, {"email", "a@b.co"}}, "otp_expired"},
    };
    for (const auto& [body, code] : cases) {
        auto r = verify(body);
        EXPECT_GE(r.status, 400) << body;
        EXPECT_LT(r.status, 500) << body;
        EXPECT_EQ(r.body["code"], code) << body;
    }
    EXPECT_EQ(post("/auth/v1/otp", Json::object()).body["code"], "validation_failed");
    EXPECT_EQ(post("/auth/v1/otp", Json{{"email", "a@b.co"}, {"phone", "+15550100000"}}).body["code"], "validation_failed");
    EXPECT_EQ(post("/auth/v1/otp", Json{{"email", "bad@"}}).status, 422);
    EXPECT_EQ(post("/auth/v1/otp", "[1,2]").body["code"], "bad_json");
    EXPECT_EQ(post("/auth/v1/recover", Json::object()).body["code"], "validation_failed");
}

TEST_F(AuthTest, WithoutDeliveryConfiguredSignUpIsConfirmedAtOnce) {
    settings_.email_autoconfirm = false;  // asked for, but no SMTP to deliver it
    start();
    auto r = signup("dev@example.com");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.body.contains("access_token"));
    auto s = call("GET", "/auth/v1/settings", nullptr, {bearer(anon_key())});
    EXPECT_EQ(s.body["mailer_autoconfirm"], true);
    EXPECT_EQ(s.body["phone_autoconfirm"], true);
    // Codes still work: they go to the development mailbox (captured by the outbox sender).
    auto otp = call("POST", "/auth/v1/otp", Json{{"email", "dev@example.com"}}, {bearer(anon_key())});
    EXPECT_EQ(otp.status, 200) << otp.body;
    EXPECT_EQ(sql("SELECT count(*) FROM basalt.outbox WHERE recipient = 'dev@example.com'").get(0, 0), "1");
}

}  // namespace
}  // namespace basalt::test
