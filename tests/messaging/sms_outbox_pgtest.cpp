// SMS through the outbox to a local HTTP server standing in for Arkesel (exact request: method,
// path, api-key header, JSON body) and for a webhook; retries, permanent failures, stop() while
// a slow provider is answering, and capture without a provider.
#include "messaging/outbox_fixture.hpp"
#include "messaging/phone.hpp"

namespace basalt::test {
namespace {

using messaging::MessageKind;
using messaging::OutboxSender;

const char* kArkeselOk = R"({"status":"success","data":[{"recipient":"233241234567","id":"9b752841-7ee7"}]})";

class SmsOutbox : public OutboxTest {
protected:
    static messaging::SmsSettings arkesel(const HttpSink& sink) {
        messaging::SmsSettings s;
        s.provider = "arkesel";
        s.arkesel_api_key = "test-api-key";
        s.arkesel_sender_id = "Basalt";
        s.arkesel_base_url = sink.url();
        s.default_country_code = "233";
        return s;
    }

    std::int64_t enqueue_sms(const messaging::SmsSettings& s, std::string_view typed_phone, const std::string& code) {
        const std::string phone = messaging::normalise_phone(typed_phone, s.default_country_code).value();
        messaging::TemplateData data;
        data.token = code;
        auto m = messaging::compose_sms(s, MessageKind::kOtp, phone, data).value();
        return enqueue(m);
    }
};

TEST_F(SmsOutbox, ArkeselReceivesTheDocumentedRequest) {
    HttpSink sink(Json::array({{{"status", 200}, {"body", kArkeselOk}}}));
    const auto s = arkesel(sink);
    const auto id = enqueue_sms(s, "024 123 4567", "918273");
    OutboxSender sender({}, s, fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(id) == "sent"; })) << row(id).dump();
    const auto requests = sink.requests();
    ASSERT_EQ(requests.size(), 1u);
    const Json& r = requests[0];
    EXPECT_EQ(r["method"], "POST");
    EXPECT_EQ(r["path"], "/api/v2/sms/send");
    EXPECT_EQ(r["headers"]["api-key"], "test-api-key");
    EXPECT_EQ(r["headers"]["content-type"], "application/json");
    EXPECT_EQ(Json::parse(r["body"].get<std::string>()),
              (Json{{"sender", "Basalt"}, {"message", "Your code is 918273"}, {"recipients", {"233241234567"}}}));
    const Json row_json = row(id);
    EXPECT_EQ(row_json["recipient"], "+233241234567");
    EXPECT_EQ(row_json["provider"], "arkesel");
    EXPECT_EQ(row_json["provider_message_id"], "9b752841-7ee7");
    EXPECT_TRUE(row_json["text_body"].is_null());
    EXPECT_EQ(counter(sender, "sms", "sent"), 1u);
}

TEST_F(SmsOutbox, ProviderErrorsAreRetriedThenFailed) {
    HttpSink sink(Json::array({{{"status", 500}, {"body", R"({"message":"Internal error"})"}}}));
    const auto id = enqueue_sms(arkesel(sink), "+233241234567", "111222");
    OutboxSender sender({}, arkesel(sink), fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(id) == "failed"; })) << row(id).dump();
    const Json r = row(id);
    EXPECT_EQ(r["attempts"], 3);
    EXPECT_NE(r["last_error"].get<std::string>().find("HTTP 500: Internal error"), std::string::npos) << r.dump();
    EXPECT_EQ(sink.requests().size(), 3u);
    EXPECT_EQ(counter(sender, "sms", "retried"), 2u);
    EXPECT_EQ(counter(sender, "sms", "failed"), 1u);
}

TEST_F(SmsOutbox, ProviderRecoversBeforeMaxAttempts) {
    HttpSink sink(Json::array({{{"status", 503}, {"body", ""}},
                               {{"status", 200}, {"body", R"({"status":"error","message":"try later"})"}},
                               {{"status", 200}, {"body", kArkeselOk}}}));
    const auto id = enqueue_sms(arkesel(sink), "+233241234567", "111222");
    OutboxSender sender({}, arkesel(sink), fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(id) == "sent"; })) << row(id).dump();
    EXPECT_EQ(row(id)["attempts"], 3);
    const auto requests = sink.requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0]["body"], requests[2]["body"]);  // every retry sends the same message
}

TEST_F(SmsOutbox, InvalidNumberFailsAtOnce) {
    HttpSink sink(Json::array({{{"status", 200}, {"body", R"({"status":"success","data":[{"invalid numbers":["233241234567"]}]})"}}}));
    const auto id = enqueue_sms(arkesel(sink), "+233241234567", "111222");
    OutboxSender sender({}, arkesel(sink), fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(id) == "failed"; })) << row(id).dump();
    EXPECT_EQ(row(id)["attempts"], 1);
}

TEST_F(SmsOutbox, WebhookGetsToMessageTypeAndBearer) {
    HttpSink sink(Json::array({{{"status", 202}, {"body", R"({"id":"hook-1"})"}}}));
    messaging::SmsSettings s;
    s.provider = "webhook";
    s.webhook_url = sink.url() + "/hooks/sms";
    s.webhook_secret = "hook-secret";
    const auto id = enqueue_sms(s, "+14155550100", "555000");
    OutboxSender sender({}, s, fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(id) == "sent"; })) << row(id).dump();
    const auto requests = sink.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0]["path"], "/hooks/sms");
    EXPECT_EQ(requests[0]["headers"]["authorization"], "Bearer hook-secret");
    EXPECT_EQ(Json::parse(requests[0]["body"].get<std::string>()),
              (Json{{"to", "+14155550100"}, {"message", "Your code is 555000"}, {"type", "otp"}}));
    EXPECT_EQ(row(id)["provider_message_id"], "hook-1");
}

TEST_F(SmsOutbox, StopDuringASlowDeliveryHandsTheRowBack) {
    HttpSink sink(Json::array({{{"status", 200}, {"body", kArkeselOk}, {"delay_ms", 20000}}}));
    const auto id = enqueue_sms(arkesel(sink), "+233241234567", "111222");
    auto sender = std::make_unique<OutboxSender>(messaging::SmtpSettings{}, arkesel(sink), fast(), conninfo_);
    sender->start();
    ASSERT_TRUE(eventually([&] { return sink.requests().size() == 1; }));
    EXPECT_EQ(status(id), "sending");
    const auto t0 = std::chrono::steady_clock::now();
    sender->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5)) << "stop must not wait for the provider";
    const Json r = row(id);
    EXPECT_EQ(r["status"], "pending");
    EXPECT_EQ(r["attempts"], 0) << "an attempt cut short by shutdown is not counted";
}

TEST_F(SmsOutbox, WithoutAProviderSmsIsCaptured) {
    messaging::SmsSettings s;  // provider none
    s.default_country_code = "233";
    const auto id = enqueue_sms(s, "0241234567", "333444");
    OutboxSender sender({}, s, fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(id) == "captured"; })) << row(id).dump();
    EXPECT_EQ(row(id)["text_body"], "Your code is 333444");
    EXPECT_EQ(counter(sender, "sms", "captured"), 1u);
}

}  // namespace
}  // namespace basalt::test
