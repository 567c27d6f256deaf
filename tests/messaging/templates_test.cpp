// Template rendering ({{ .Var }} only, HTML escaping) and composing messages from settings.
#include <gtest/gtest.h>

#include "messaging/templates.hpp"

namespace basalt::messaging {
namespace {

TemplateData sample() {
    return TemplateData{.token = "123456",
                        .token_hash = "abc",
                        .confirmation_url = "https://app.test/auth/v1/verify?token=abc&type=magiclink",
                        .site_url = "https://app.test",
                        .email = "a<b>@example.com",
                        .new_email = "new@example.com",
                        .redirect_to = "https://app.test/home",
                        .phone = "+233241234567"};
}

TEST(RenderTemplate, ReplacesGoTrueVariablesWithOrWithoutSpaces) {
    auto r = render_template("Code {{ .Token }} / {{.Token}} / {{  .SiteURL  }} / {{ .Code }}", sample(), false);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, "Code 123456 / 123456 / https://app.test / 123456");
}

TEST(RenderTemplate, EveryVariable) {
    auto r = render_template(
        "{{ .TokenHash }}|{{ .ConfirmationURL }}|{{ .Email }}|{{ .NewEmail }}|{{ .RedirectTo }}|{{ .Phone }}",
        sample(), false);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, "abc|https://app.test/auth/v1/verify?token=abc&type=magiclink|a<b>@example.com|new@example.com|"
                  "https://app.test/home|+233241234567");
}

TEST(RenderTemplate, HtmlEscapesValuesButNotTheTemplate) {
    auto r = render_template("<a href=\"{{ .ConfirmationURL }}\">{{ .Email }}</a>", sample(), true);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, "<a href=\"https://app.test/auth/v1/verify?token=abc&amp;type=magiclink\">a&lt;b&gt;@example.com</a>");
}

TEST(RenderTemplate, ValuesAreNotReinterpreted) {
    TemplateData d;
    d.email = "{{ .Token }}";
    d.token = "secret";
    auto r = render_template("{{ .Email }}", d, false);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, "{{ .Token }}");
}

TEST(RenderTemplate, RejectsUnknownVariablesActionsAndUnclosedTags) {
    for (const char* bad : {"{{ .Tokn }}", "{{ if .Token }}x{{ end }}", "{{ Token }}", "hello {{ .Token", "{{ . }}",
                            "{{ .Data.name }}"}) {
        auto r = render_template(bad, sample(), false);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, "messaging.template");
    }
}

TEST(RenderTemplate, PlainTextPassesThrough) {
    auto r = render_template("no placeholders { } }} here", sample(), false);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, "no placeholders { } }} here");
}

TEST(ComposeEmail, DefaultsForEveryKindMentionTheCodeAndLink) {
    SmtpSettings s;
    for (MessageKind kind : {MessageKind::kConfirmation, MessageKind::kInvite, MessageKind::kMagicLink,
                             MessageKind::kRecovery, MessageKind::kEmailChange}) {
        auto m = compose_email(s, kind, "user@example.com", sample());
        ASSERT_TRUE(m.ok()) << kind_name(kind) << ": " << m.error().message;
        EXPECT_EQ(m->channel, Channel::kEmail);
        EXPECT_EQ(m->kind, kind_name(kind));
        EXPECT_EQ(m->to, "user@example.com");
        EXPECT_FALSE(m->subject.empty());
        EXPECT_NE(m->text.find("123456"), std::string::npos) << kind_name(kind);
        EXPECT_NE(m->text.find("https://app.test/auth/v1/verify?token=abc&type=magiclink"), std::string::npos);
        EXPECT_NE(m->html.find("https://app.test/auth/v1/verify?token=abc&amp;type=magiclink"), std::string::npos);
        EXPECT_NE(m->html.find("123456"), std::string::npos);
        EXPECT_TRUE(validate_message(*m).ok());
    }
    for (MessageKind kind : {MessageKind::kOtp, MessageKind::kReauthentication}) {
        auto m = compose_email(s, kind, "user@example.com", sample());
        ASSERT_TRUE(m.ok());
        EXPECT_NE(m->text.find("123456"), std::string::npos);
    }
}

TEST(ComposeEmail, ConfiguredFieldsOverrideDefaultsOneByOne) {
    SmtpSettings s;
    s.templates.magic_link.subject = "Sign in to {{ .SiteURL }}\nnow";
    s.templates.magic_link.html = "<p>{{ .Token }}</p>";
    auto m = compose_email(s, MessageKind::kMagicLink, "user@example.com", sample());
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->subject, "Sign in to https://app.test now");  // one header line
    EXPECT_EQ(m->html, "<p>123456</p>");
    // The text part was not configured: the built-in default is used.
    const std::string default_text = email_template(SmtpSettings{}, MessageKind::kMagicLink).text;
    EXPECT_EQ(m->text, render_template(default_text, sample(), false).value());
}

TEST(ComposeEmail, BrokenTemplateIsAnError) {
    SmtpSettings s;
    s.templates.recovery.text = "{{ .Nope }}";
    auto m = compose_email(s, MessageKind::kRecovery, "user@example.com", sample());
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().code, "messaging.template");
}

TEST(ComposeSms, UsesTheSmsTemplate) {
    SmsSettings s;
    auto m = compose_sms(s, MessageKind::kOtp, "+233241234567", sample());
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->channel, Channel::kSms);
    EXPECT_EQ(m->text, "Your code is 123456");
    EXPECT_EQ(m->kind, "otp");
    s.template_text = "{{ .Token }} is your Basalt code";
    EXPECT_EQ(compose_sms(s, MessageKind::kPhoneChange, "+233241234567", sample())->text, "123456 is your Basalt code");
}

TEST(ValidateTemplates, NamesTheBrokenSetting) {
    SmtpSettings smtp;
    SmsSettings sms;
    EXPECT_TRUE(validate_templates(smtp, sms).ok());
    smtp.templates.email_change.html = "{{ .NewEmial }}";
    auto r = validate_templates(smtp, sms);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("smtp.templates.email_change.html"), std::string::npos) << r.error().message;
    smtp = {};
    sms.template_text = "{{ .Code";
    r = validate_templates(smtp, sms);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("sms.template"), std::string::npos);
}

TEST(Kinds, RoundTripAndGoTrueAlias) {
    for (MessageKind k : {MessageKind::kConfirmation, MessageKind::kInvite, MessageKind::kMagicLink,
                          MessageKind::kRecovery, MessageKind::kEmailChange, MessageKind::kReauthentication,
                          MessageKind::kOtp, MessageKind::kPhoneChange, MessageKind::kCustom})
        EXPECT_EQ(parse_kind(kind_name(k)), k);
    EXPECT_EQ(parse_kind("signup"), MessageKind::kConfirmation);
    EXPECT_FALSE(parse_kind("nope").has_value());
}

}  // namespace
}  // namespace basalt::messaging
