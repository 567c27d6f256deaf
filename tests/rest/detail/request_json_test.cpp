// The direct JSON writers for request.headers / request.cookies / request.jwt.claims give the
// same JSON as building a Json object and dumping it.
#include "rest/detail/request_json.hpp"

#include <gtest/gtest.h>

namespace basalt::test {
namespace {

using rest::detail::compact_json;
using rest::detail::cookies_json;
using rest::detail::headers_json;

TEST(RequestJson, HeadersAreAnObjectOfStrings) {
    http::Headers h;
    h.add("Accept", "*/*");
    h.add("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig");
    h.add("X-Quote", R"(say "hi" \ bye)");
    h.add("X-Control", std::string("a\tb\x01", 4));
    const Json j = Json::parse(headers_json(h));
    EXPECT_EQ(j["accept"], "*/*");
    EXPECT_EQ(j["authorization"], "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig");
    EXPECT_EQ(j["x-quote"], R"(say "hi" \ bye)");
    EXPECT_EQ(j["x-control"], std::string("a\tb\x01", 4));
}

TEST(RequestJson, LastRepeatedHeaderWinsAndBadUtf8IsReplaced) {
    http::Headers h;
    h.add("X-A", "first");
    h.add("X-B", "caf\xc3\xa9");
    h.add("X-A", "second");
    h.add("X-Bad", "\xff\xfe");
    const std::string text = headers_json(h);
    const Json j = Json::parse(text);
    EXPECT_EQ(j.size(), 3u);
    EXPECT_EQ(j["x-a"], "second");
    EXPECT_EQ(j["x-b"], "caf\xc3\xa9");
    EXPECT_EQ(j["x-bad"], "\xef\xbf\xbd\xef\xbf\xbd");
    EXPECT_EQ(headers_json(http::Headers{}), "{}");
}

TEST(RequestJson, CookiesFromEveryCookieHeader) {
    http::Headers h;
    h.add("Cookie", "a=1; b=x=y;c=3");
    h.add("Cookie", "junk; a=4; \"q\"=\"v\"");
    const Json j = Json::parse(cookies_json(h));
    EXPECT_EQ(j, Json::parse(R"({"a":"4","b":"x=y","c":"3","\"q\"":"\"v\""})"));
    EXPECT_EQ(cookies_json(http::Headers{}), "{}");
}

TEST(RequestJson, StringsMatchDumpWhereverTheSpecialByteIs) {
    // The fast path checks eight bytes at a time: put each kind of byte in every lane.
    for (const char special : {'"', '\\', '\x1f', '\n', '\x7f', '\x80', '\xff', 'a', '/', '~'}) {
        for (std::size_t pos = 0; pos < 20; ++pos) {
            std::string s(20, 'x');
            s[pos] = special;
            std::string out;
            rest::detail::append_json_string(out, s);
            EXPECT_EQ(out, Json(s).dump(-1, ' ', false, Json::error_handler_t::replace))
                << int(static_cast<unsigned char>(special)) << " at " << pos;
        }
    }
    std::string out;
    rest::detail::append_json_string(out, "");
    EXPECT_EQ(out, "\"\"");
}

TEST(RequestJson, ClaimsMatchDump) {
    const Json claims = Json::parse(R"({"sub":"u1","role":"authenticated","exp":1700000000,
        "aal":"aal1","amr":[{"method":"password","timestamp":1}],"app_metadata":{"provider":"email"},
        "is_anonymous":false,"ratio":0.5,"name":"Zoë \"Z\" \\ O'Brien","nothing":null})");
    EXPECT_EQ(compact_json(claims), claims.dump());
    EXPECT_EQ(compact_json(Json::object()), "{}");
    EXPECT_EQ(compact_json(Json("x")), "\"x\"");
}

}  // namespace
}  // namespace basalt::test
