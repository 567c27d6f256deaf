// One-time codes: generation (length, digits, spread), keyed hashing with per-row salts,
// constant-time matching, link tokens, and which code purposes each /verify type accepts.
#include "auth/one_time_code.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

namespace basalt::auth {
namespace {

const std::string kSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

TEST(OneTimeCode, CodesHaveTheConfiguredLengthOfDigits) {
    for (std::size_t length : {6u, 8u, 10u}) {
        const std::string code = generate_code(length);
        EXPECT_EQ(code.size(), length);
        EXPECT_TRUE(std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) << code;
    }
}

TEST(OneTimeCode, DigitsAreSpreadEvenly) {
    // 6000 codes = 36000 digits, 3600 expected per digit; a biased generator (e.g. byte % 10
    // without rejection) would still pass this loosely, so the check is only a sanity bound
    // plus "codes differ".
    std::array<int, 10> counts{};
    std::set<std::string> seen;
    for (int i = 0; i < 6000; ++i) {
        const std::string code = generate_code(6);
        seen.insert(code);
        for (char c : code) ++counts[c - '0'];
    }
    for (int n : counts) {
        EXPECT_GT(n, 3200);
        EXPECT_LT(n, 4000);
    }
    EXPECT_GT(seen.size(), 5900u);
}

TEST(OneTimeCode, HashIsKeyedSaltedAndMatchesOnlyTheCode) {
    const std::string key = code_key(kSecret);
    const std::string salt = new_code_salt();
    const std::string hash = hash_code(key, salt, "123456");
    EXPECT_EQ(hash.size(), 64u);
    EXPECT_EQ(hash.find("123456"), std::string::npos);
    EXPECT_TRUE(code_matches(key, salt, "123456", hash));
    EXPECT_FALSE(code_matches(key, salt, "123457", hash));
    EXPECT_FALSE(code_matches(key, salt, "", hash));
    EXPECT_FALSE(code_matches(key, salt, "1234567", hash));
    // Another row's salt, or another server's secret, gives another hash.
    EXPECT_NE(hash_code(key, new_code_salt(), "123456"), hash);
    EXPECT_FALSE(code_matches(code_key("another-secret-of-at-least-thirty-two-chars"), salt, "123456", hash));
    // The derived key is not the secret itself.
    EXPECT_NE(key, kSecret);
    EXPECT_EQ(key.size(), 32u);
}

TEST(OneTimeCode, TypedCodesLoseSpacesAndDashes) {
    EXPECT_EQ(clean_code("123 456"), "123456");
    EXPECT_EQ(clean_code("123-456"), "123456");
    EXPECT_EQ(clean_code(" 1 2\t3-4-5 6 "), "123456");
}

TEST(OneTimeCode, LinkTokensAreLongHexAndStoredAsSha256) {
    const std::string a = new_link_token(), b = new_link_token();
    EXPECT_EQ(a.size(), 64u);
    EXPECT_NE(a, b);
    EXPECT_TRUE(std::all_of(a.begin(), a.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }));
    EXPECT_EQ(hash_link_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_NE(hash_link_token(a), a);
}

TEST(OneTimeCode, VerifyTypes) {
    struct Case {
        const char* type;
        messaging::Channel channel;
        std::vector<CodePurpose> purposes;
    };
    using P = CodePurpose;
    const std::vector<Case> cases{
        {"email", messaging::Channel::kEmail, {P::kConfirmation, P::kMagicLink}},
        {"signup", messaging::Channel::kEmail, {P::kConfirmation, P::kMagicLink}},
        {"magiclink", messaging::Channel::kEmail, {P::kConfirmation, P::kMagicLink}},
        {"recovery", messaging::Channel::kEmail, {P::kRecovery}},
        {"invite", messaging::Channel::kEmail, {P::kInvite}},
        {"email_change", messaging::Channel::kEmail, {P::kEmailChange}},
        {"sms", messaging::Channel::kSms, {P::kSms, P::kConfirmation}},
        {"phone_change", messaging::Channel::kSms, {P::kPhoneChange}},
    };
    for (const auto& c : cases) {
        auto t = parse_verify_type(c.type);
        ASSERT_TRUE(t) << c.type;
        EXPECT_EQ(t->name, c.type);
        EXPECT_EQ(t->channel, c.channel) << c.type;
        EXPECT_EQ(t->purposes, c.purposes) << c.type;
    }
    for (const char* bad : {"", "Email", "token", "email_change_new", "sms "}) EXPECT_FALSE(parse_verify_type(bad)) << bad;
}

TEST(OneTimeCode, PurposeNamesMatchTheMigrationAndLinkTypesTheVerifyTypes) {
    using P = CodePurpose;
    for (P p : {P::kConfirmation, P::kMagicLink, P::kSms, P::kRecovery, P::kInvite, P::kEmailChange, P::kPhoneChange}) {
        auto t = parse_verify_type(link_type(p));
        ASSERT_TRUE(t) << purpose_name(p);
        EXPECT_NE(std::find(t->purposes.begin(), t->purposes.end(), p), t->purposes.end()) << purpose_name(p);
    }
    EXPECT_EQ(purpose_name(P::kConfirmation), "confirmation");
    EXPECT_EQ(link_type(P::kConfirmation), "signup");
    EXPECT_EQ(purpose_name(P::kEmailChange), "email_change");
}

}  // namespace
}  // namespace basalt::auth
