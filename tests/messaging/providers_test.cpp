// SMS request shapes (Arkesel API v2, webhook), reply classification, SMTP URLs, message
// validation, the outbox INSERT and the retry schedule. Pure: no network, no database.
#include <gtest/gtest.h>

#include "common/json.hpp"
#include "messaging/outbox.hpp"
#include "messaging/outbox_sender.hpp"
#include "messaging/smtp_client.hpp"
#include "messaging/sms_provider.hpp"

namespace basalt::messaging {
namespace {

using Kind = DeliveryOutcome::Kind;

std::string header(const detail::HttpCall& c, std::string_view name) {
    for (const auto& [k, v] : c.headers)
        if (k == name) return v;
    return "<absent>";
}

TEST(Arkesel, RequestFollowsSmsApiV2) {
    SmsSettings s;
    s.arkesel_api_key = "key-123";
    s.arkesel_sender_id = "Basalt";
    s.arkesel_base_url = "http://127.0.0.1:9999/";
    const auto call = arkesel_request(s, "+233241234567", "Your code is 123456");
    EXPECT_EQ(call.url, "http://127.0.0.1:9999/api/v2/sms/send");
    EXPECT_EQ(header(call, "api-key"), "key-123");
    EXPECT_EQ(header(call, "Content-Type"), "application/json");
    EXPECT_EQ(Json::parse(call.body),
              (Json{{"sender", "Basalt"}, {"message", "Your code is 123456"}, {"recipients", {"233241234567"}}}));
    EXPECT_EQ(arkesel_request(SmsSettings{}, "+1", "x").url, "https://sms.arkesel.com/api/v2/sms/send");
}

TEST(Arkesel, RepliesAreClassified) {
    auto ok = arkesel_outcome(200, R"({"status":"success","data":[{"recipient":"233241234567","id":"9b75-41"}]})");
    EXPECT_EQ(ok.kind, Kind::kSent);
    EXPECT_EQ(ok.provider, "arkesel");
    EXPECT_EQ(ok.provider_message_id, "9b75-41");

    auto invalid = arkesel_outcome(200, R"({"status":"success","data":[{"invalid numbers":["0241"]}]})");
    EXPECT_EQ(invalid.kind, Kind::kFailed);

    EXPECT_EQ(arkesel_outcome(422, R"({"status":"error","message":"The sender field is required."})").kind, Kind::kFailed);
    auto unauth = arkesel_outcome(401, R"({"code":"102","message":"Authentication Failed"})");
    EXPECT_EQ(unauth.kind, Kind::kRetry);  // a fixed key should let queued codes through
    EXPECT_NE(unauth.error.find("Authentication Failed"), std::string::npos);
    EXPECT_EQ(arkesel_outcome(500, "<html>oops</html>").kind, Kind::kRetry);
    EXPECT_EQ(arkesel_outcome(429, "").kind, Kind::kRetry);
    EXPECT_EQ(arkesel_outcome(200, R"({"status":"error","message":"Insufficient balance"})").kind, Kind::kRetry);
    EXPECT_EQ(arkesel_outcome(200, "not json").kind, Kind::kRetry);
}

TEST(Webhook, RequestCarriesToMessageTypeAndBearer) {
    SmsSettings s;
    s.webhook_url = "http://127.0.0.1:1/sms";
    auto call = webhook_request(s, "+233241234567", "Your code is 1", "otp");
    EXPECT_EQ(call.url, "http://127.0.0.1:1/sms");
    EXPECT_EQ(Json::parse(call.body), (Json{{"to", "+233241234567"}, {"message", "Your code is 1"}, {"type", "otp"}}));
    EXPECT_EQ(header(call, "Authorization"), "<absent>");
    s.webhook_secret = "s3cret";
    call = webhook_request(s, "+233241234567", "x", "otp");
    EXPECT_EQ(header(call, "Authorization"), "Bearer s3cret");
}

TEST(Webhook, RepliesAreClassified) {
    EXPECT_EQ(webhook_outcome(204, "").kind, Kind::kSent);
    EXPECT_EQ(webhook_outcome(200, R"({"id":"m1"})").provider_message_id, "m1");
    EXPECT_EQ(webhook_outcome(422, "bad number").kind, Kind::kFailed);
    EXPECT_EQ(webhook_outcome(503, "").kind, Kind::kRetry);
}

TEST(Smtp, UrlFromTlsModeAndPort) {
    SmtpSettings s;
    s.host = "mail.test";
    s.tls = "starttls";
    EXPECT_EQ(smtp_url(s), "smtp://mail.test:587");
    s.tls = "tls";
    EXPECT_EQ(smtp_url(s), "smtps://mail.test:465");
    s.tls = "none";
    EXPECT_EQ(smtp_url(s), "smtp://mail.test:25");
    s.port = 2525;
    EXPECT_EQ(smtp_url(s), "smtp://mail.test:2525");
    s.host = "::1";
    EXPECT_EQ(smtp_url(s), "smtp://[::1]:2525");
}

Message make(Channel channel, std::string to, std::string subject, std::string text, std::string html = {}) {
    Message m;
    m.channel = channel;
    m.kind = "otp";
    m.to = std::move(to);
    m.subject = std::move(subject);
    m.text = std::move(text);
    m.html = std::move(html);
    return m;
}

TEST(Validate, EmailAndSmsMessages) {
    Message m = make(Channel::kEmail, "user@example.com", "s", "t");
    EXPECT_TRUE(validate_message(m).ok());
    for (const char* bad : {"", "user", "@x.test", "user@", "a b@x.test", "<a@x.test>", "a@x.test\r\nRCPT TO:<b@y>",
                            "a@@x.test", "a@x..test"}) {
        m.to = bad;
        auto r = validate_message(m);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, "messaging.invalid_message");
        }
    }
    m.to = "user@example.com";
    m.subject = "two\nlines";
    EXPECT_FALSE(validate_message(m).ok());
    m.subject = "s";
    m.text.clear();
    EXPECT_FALSE(validate_message(m).ok());
    m.html = "<p>x</p>";
    EXPECT_TRUE(validate_message(m).ok());

    Message sms = make(Channel::kSms, "+233241234567", "", "code");
    EXPECT_TRUE(validate_message(sms).ok());
    sms.to = "0241234567";
    EXPECT_FALSE(validate_message(sms).ok());
}

TEST(OutboxInsert, ParametersAndNotify) {
    Message m = make(Channel::kSms, "+233241234567", "ignored", "code 1", "ignored");
    m.user_id = "00000000-0000-0000-0000-000000000001";
    m.expires_at = std::chrono::system_clock::time_point(std::chrono::microseconds(1700000000123456));
    auto st = Outbox::insert_statement(m);
    ASSERT_TRUE(st.ok());
    EXPECT_NE(st->sql.find("pg_notify('basalt_outbox'"), std::string::npos);
    ASSERT_EQ(st->params.size(), 8u);
    EXPECT_EQ(st->params[0], "sms");
    EXPECT_EQ(st->params[1], "otp");
    EXPECT_EQ(st->params[2], "+233241234567");
    EXPECT_EQ(st->params[3], std::nullopt);  // SMS has no subject or HTML part
    EXPECT_EQ(st->params[4], "code 1");
    EXPECT_EQ(st->params[5], std::nullopt);
    EXPECT_EQ(st->params[6], "00000000-0000-0000-0000-000000000001");
    EXPECT_EQ(st->params[7], "1700000000.123456");
    m.to = "not a phone";
    EXPECT_FALSE(Outbox::insert_statement(m).ok());
}

TEST(RetryDelay, DoublesFromBaseUpToTheCap) {
    OutboxSettings s;
    s.retry_base_ms = 1000;
    s.retry_max_ms = 10000;
    EXPECT_EQ(retry_delay(1, s).count(), 1000);
    EXPECT_EQ(retry_delay(2, s).count(), 2000);
    EXPECT_EQ(retry_delay(3, s).count(), 4000);
    EXPECT_EQ(retry_delay(4, s).count(), 8000);
    EXPECT_EQ(retry_delay(5, s).count(), 10000);
    EXPECT_EQ(retry_delay(60, s).count(), 10000);
    EXPECT_EQ(retry_delay(2, s, 0.8).count(), 1600);
    EXPECT_EQ(retry_delay(2, s, 1.2).count(), 2400);
}

}  // namespace
}  // namespace basalt::messaging
