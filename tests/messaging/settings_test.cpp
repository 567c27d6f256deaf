// Messaging settings as the config loader sees them (keys, secrets) and the startup checks.
#include <gtest/gtest.h>

#include <map>

#include "messaging/validate.hpp"

namespace basalt::messaging {
namespace {

struct Keys {
    std::map<std::string, FieldInfo>* out;
    template <typename T>
    void operator()(const char* name, T&, const FieldInfo& info) {
        (*out)[name] = info;
    }
};

TEST(MessagingSettings, KeysFollowTheDocumentedNames) {
    std::map<std::string, FieldInfo> smtp, sms, outbox;
    SmtpSettings a;
    SmsSettings b;
    OutboxSettings c;
    SmtpSettings::visit(a, Keys{&smtp});
    SmsSettings::visit(b, Keys{&sms});
    OutboxSettings::visit(c, Keys{&outbox});
    for (const char* k : {"host", "port", "user", "password", "sender", "sender_name", "tls", "tls_verify",
                          "templates.magic_link.subject", "templates.magic_link.text", "templates.magic_link.html",
                          "templates.confirmation.subject", "templates.recovery.html", "templates.email_change.text",
                          "templates.invite.subject", "templates.otp.subject", "templates.reauthentication.html"})
        EXPECT_TRUE(smtp.count(k)) << k;
    EXPECT_TRUE(smtp["password"].secret);
    EXPECT_FALSE(smtp["user"].secret);
    EXPECT_EQ(smtp["tls"].one_of, (std::vector<std::string>{"none", "starttls", "tls"}));
    for (const char* k : {"provider", "default_country_code", "template", "arkesel.api_key", "arkesel.sender_id",
                          "arkesel.base_url", "webhook.url", "webhook.secret"})
        EXPECT_TRUE(sms.count(k)) << k;
    EXPECT_TRUE(sms["arkesel.api_key"].secret);
    EXPECT_TRUE(sms["webhook.secret"].secret);
    EXPECT_EQ(sms["provider"].one_of, (std::vector<std::string>{"none", "arkesel", "webhook"}));
    for (const char* k : {"max_attempts", "retry_base_ms", "retry_max_ms", "poll_interval_ms", "workers"})
        EXPECT_TRUE(outbox.count(k)) << k;
}

TEST(MessagingSettings, DefaultsAreValid) { EXPECT_TRUE(validate_settings({}, {}, {}).ok()); }

TEST(MessagingSettings, ProviderNeedsItsSettings) {
    SmsSettings sms;
    sms.provider = "arkesel";
    auto r = validate_settings({}, sms, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "config.invalid");
    EXPECT_EQ(r.error().message, "sms.arkesel.api_key: required when sms.provider is arkesel");
    sms.arkesel_api_key = "k";
    EXPECT_NE(validate_settings({}, sms, {}).error().message.find("sms.arkesel.sender_id"), std::string::npos);
    sms.arkesel_sender_id = "TwelveChars!";
    EXPECT_FALSE(validate_settings({}, sms, {}).ok());
    sms.arkesel_sender_id = "Basalt";
    EXPECT_TRUE(validate_settings({}, sms, {}).ok());

    SmsSettings hook;
    hook.provider = "webhook";
    EXPECT_NE(validate_settings({}, hook, {}).error().message.find("sms.webhook.url"), std::string::npos);
    hook.webhook_url = "https://hooks.test/sms";
    EXPECT_TRUE(validate_settings({}, hook, {}).ok());
}

TEST(MessagingSettings, AddressesCountryCodeAndTemplates) {
    SmtpSettings smtp;
    smtp.sender = "not an address";
    EXPECT_NE(validate_settings(smtp, {}, {}).error().message.find("smtp.sender"), std::string::npos);
    smtp = {};
    smtp.templates.recovery.html = "{{ .Tokn }}";
    EXPECT_NE(validate_settings(smtp, {}, {}).error().message.find("smtp.templates.recovery.html"), std::string::npos);
    SmsSettings sms;
    for (const char* bad : {"0", "abc", "2333", "+"}) {
        sms.default_country_code = bad;
        EXPECT_FALSE(validate_settings({}, sms, {}).ok()) << bad;
    }
    for (const char* good : {"233", "+1", "44"}) {
        sms.default_country_code = good;
        EXPECT_TRUE(validate_settings({}, sms, {}).ok()) << good;
    }
}

}  // namespace
}  // namespace basalt::messaging
