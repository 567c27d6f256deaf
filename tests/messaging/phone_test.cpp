// E.164 normalisation: the forms users type, and the garbage that must be refused.
#include <gtest/gtest.h>

#include "messaging/phone.hpp"

namespace basalt::messaging {
namespace {

struct Case {
    const char* name;
    const char* input;
    const char* country;
    const char* expected;  // nullptr = rejected
};

class PhoneTest : public ::testing::TestWithParam<Case> {};

TEST_P(PhoneTest, Normalises) {
    const Case& c = GetParam();
    auto r = normalise_phone(c.input, c.country);
    if (c.expected == nullptr) {
        ASSERT_FALSE(r.ok()) << c.input << " gave " << *r;
        EXPECT_EQ(r.error().code, "validation_failed");
        EXPECT_EQ(r.error().status, 400);
    } else {
        ASSERT_TRUE(r.ok()) << c.input << ": " << r.error().message;
        EXPECT_EQ(*r, c.expected);
    }
}

const Case kCases[] = {
    {"plus_spaces", "+233 24 123 4567", "", "+233241234567"},
    {"plus_compact", "+233241234567", "", "+233241234567"},
    {"digits_international", "233241234567", "", "+233241234567"},
    {"double_zero_prefix", "00233241234567", "", "+233241234567"},
    {"trunk_zero_default", "0241234567", "233", "+233241234567"},
    {"trunk_zero_default_plus", "024 123 4567", "+233", "+233241234567"},
    {"dashes_parens", "+1 (415) 555-0100", "", "+14155550100"},
    {"dots", "+44.20.7946.0958", "", "+442079460958"},
    {"surrounding_space", "  +233241234567 \t", "", "+233241234567"},
    {"international_ignores_default", "+4420794609580", "233", "+4420794609580"},
    {"digits_ignore_default", "14155550100", "233", "+14155550100"},
    {"max_15_digits", "+123456789012345", "", "+123456789012345"},
    {"empty", "", "", nullptr},
    {"blank", "   ", "233", nullptr},
    {"letters", "+233 24 ABC 4567", "", nullptr},
    {"plus_in_middle", "233+241234567", "", nullptr},
    {"two_plus", "++233241234567", "", nullptr},
    {"trunk_zero_without_default", "0241234567", "", nullptr},
    {"too_short", "+23324", "", nullptr},
    {"too_long", "+1234567890123456", "", nullptr},
    {"country_code_zero", "+0241234567", "", nullptr},
    {"only_plus", "+", "", nullptr},
    {"bad_default", "0241234567", "23a", nullptr},
    {"default_too_long", "0241234567", "2333", nullptr},
    {"sql_garbage", "1'; drop table users;--", "", nullptr},
    {"unicode_digits", "+233\xd9\xa2\xd9\xa4", "", nullptr},
};

INSTANTIATE_TEST_SUITE_P(Cases, PhoneTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace basalt::messaging
