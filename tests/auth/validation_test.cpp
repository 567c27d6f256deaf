// Identifier normalisation, Go durations, body parsing and the GoTrue error body.
#include "auth/validation.hpp"

#include <gtest/gtest.h>

#include "auth/errors.hpp"

namespace basalt::auth {
namespace {

TEST(Validation, Emails) {
    EXPECT_EQ(*normalize_email("  Ada@Example.COM "), "ada@example.com");
    for (const char* bad : {"", "ada", "@x.io", "ada@", "ada@x", "a b@x.io", "a@b@c.io", "ada@x.io."}) {
        auto r = normalize_email(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, "email_address_invalid");
        EXPECT_EQ(r.error().status, 422);
    }
}

TEST(Validation, PhonesBecomeE164Digits) {
    EXPECT_EQ(*normalize_phone("+1 (555) 010-2030"), "15550102030");
    EXPECT_EQ(*normalize_phone("233201234567"), "233201234567");
    for (const char* bad : {"", "+", "12345", "0555123456", "+1555abc1234", "1234567890123456"})
        EXPECT_FALSE(normalize_phone(bad).ok()) << bad;
}

TEST(Validation, Usernames) {
    EXPECT_EQ(*validate_username("Ada_Lovelace.1"), "Ada_Lovelace.1");
    for (const char* bad : {"ab", "1ada", "ada@x", "a da", std::string(33, 'a').c_str()})
        EXPECT_FALSE(validate_username(bad).ok()) << bad;
}

TEST(Validation, GoDurations) {
    EXPECT_EQ(parse_go_duration("24h"), 86400);
    EXPECT_EQ(parse_go_duration("1h30m"), 5400);
    EXPECT_EQ(parse_go_duration("90s"), 90);
    EXPECT_EQ(parse_go_duration("876000h"), 876000LL * 3600);
    EXPECT_EQ(parse_go_duration("1.5h"), 5400);
    EXPECT_EQ(parse_go_duration("1500ms"), 1);
    EXPECT_EQ(parse_go_duration(""), std::nullopt);
    EXPECT_EQ(parse_go_duration("1d"), std::nullopt);
    EXPECT_EQ(parse_go_duration("h"), std::nullopt);
    EXPECT_EQ(parse_go_duration("10"), std::nullopt);
}

TEST(Validation, Bodies) {
    EXPECT_EQ(*parse_body(""), Json::object());
    EXPECT_EQ((*parse_body(R"({"a":1})"))["a"], 1);
    EXPECT_EQ(parse_body("{nope").error().code, "bad_json");
    EXPECT_EQ(parse_body("{nope").error().status, 400);
    EXPECT_EQ(parse_body("[1]").error().code, "bad_json");
    Json b{{"s", "x"}, {"n", 1}, {"z", nullptr}, {"o", {{"k", 1}}}};
    EXPECT_EQ(*opt_string(b, "s"), "x");
    EXPECT_EQ(*opt_string(b, "z"), std::nullopt);
    EXPECT_EQ(*opt_string(b, "missing"), std::nullopt);
    EXPECT_EQ(opt_string(b, "n").error().code, "validation_failed");
    EXPECT_EQ(opt_object(b, "s").error().code, "validation_failed");
    EXPECT_TRUE(opt_object(b, "o")->has_value());
}

TEST(Validation, UuidsAndIps) {
    EXPECT_TRUE(is_uuid("2b0f4c52-6d1e-4d0e-9f61-3c8b7ad1f7a1"));
    EXPECT_FALSE(is_uuid("2b0f4c52-6d1e-4d0e-9f61-3c8b7ad1f7a"));
    EXPECT_FALSE(is_uuid("2b0f4c52x6d1e-4d0e-9f61-3c8b7ad1f7a1"));
    EXPECT_EQ(inet_or_null("127.0.0.1"), "127.0.0.1");
    EXPECT_EQ(inet_or_null("::1"), "::1");
    EXPECT_EQ(inet_or_null("unix"), std::nullopt);
    EXPECT_EQ(inet_or_null(""), std::nullopt);
}

TEST(ErrorBody, BothShapesAndApiVersionHeader) {
    auto res = error_response(invalid_credentials(), "req-1");
    EXPECT_EQ(res.status, 400);
    Json body = Json::parse(res.body);
    EXPECT_EQ(body["code"], "invalid_credentials");
    EXPECT_EQ(body["error_code"], "invalid_credentials");
    EXPECT_EQ(body["message"], "Invalid login credentials");
    EXPECT_EQ(body["msg"], "Invalid login credentials");
    EXPECT_EQ(res.headers.get("X-Supabase-Api-Version"), "2024-01-01");

    Error weak = auth_error(422, "weak_password", "too short");
    weak.details = Json{{"reasons", {"length"}}};
    EXPECT_EQ(Json::parse(error_response(weak, "").body)["weak_password"]["reasons"][0], "length");

    Error internal = Error::internal_error("SELECT secret FROM x failed");
    body = Json::parse(error_response(internal, "").body);
    EXPECT_EQ(body["code"], "unexpected_failure");
    EXPECT_EQ(body["message"].get<std::string>().find("SELECT"), std::string::npos);
}

}  // namespace
}  // namespace basalt::auth
