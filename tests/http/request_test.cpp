// Request ids, target splitting / percent decoding / query parsing, access-log lines.
#include <gtest/gtest.h>

#include "http/access_log.hpp"
#include "http/detail/pipeline.hpp"
#include "http/request_id.hpp"

namespace basalt::http {
namespace {

TEST(HttpRequestId, SaneIncomingIdIsKept) {
    EXPECT_EQ(request_id_for(std::string_view("abc-123")), "abc-123");
    EXPECT_EQ(request_id_for(std::string_view("A.b_c-9")), "A.b_c-9");
    EXPECT_EQ(request_id_for(std::string_view(std::string(128, 'x'))), std::string(128, 'x'));
}

TEST(HttpRequestId, InsaneIncomingIdIsReplaced) {
    for (std::string bad : {std::string(""), std::string(129, 'x'), std::string("a b"), std::string("a\nb"),
                            std::string("<script>"), std::string("id;drop")}) {
        std::string id = request_id_for(std::string_view(bad));
        EXPECT_NE(id, bad);
        EXPECT_TRUE(is_valid_request_id(id)) << id;
    }
    EXPECT_TRUE(is_valid_request_id(request_id_for(std::nullopt)));
}

TEST(HttpRequestId, GeneratedIdsAreUuidShapedAndDistinct) {
    std::string a = generate_request_id(), b = generate_request_id();
    EXPECT_NE(a, b);
    ASSERT_EQ(a.size(), 36u);
    EXPECT_EQ(a[8], '-');
    EXPECT_EQ(a[13], '-');
    EXPECT_EQ(a[14], '4');
    EXPECT_EQ(a[18], '-');
    EXPECT_TRUE(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b');
    EXPECT_EQ(a[23], '-');
}

Request split(std::string target) {
    Request r;
    r.target = std::move(target);
    detail::split_target(r);
    return r;
}

TEST(HttpSplitTarget, PathAndQuery) {
    Request r = split("/rest/v1/todos?select=id,title&id=eq.1");
    EXPECT_EQ(r.path, "/rest/v1/todos");
    EXPECT_EQ(r.raw_query, "select=id,title&id=eq.1");
    ASSERT_EQ(r.query.size(), 2u);
    EXPECT_EQ(r.query[0].first, "select");
    EXPECT_EQ(r.query[0].second, "id,title");
    EXPECT_EQ(r.query_param("id"), "eq.1");
}

TEST(HttpSplitTarget, PercentDecoding) {
    Request r = split("/storage/v1/object/b/my%20file%C3%A9.png?name=a%2Bb+c&x=%ZZ");
    EXPECT_EQ(r.path, "/storage/v1/object/b/my file\xC3\xA9.png");
    EXPECT_EQ(r.query_param("name"), "a+b c");
    EXPECT_EQ(r.query_param("x"), "%ZZ");  // invalid escapes stay as they are
    // '+' in the path is literal.
    EXPECT_EQ(split("/a+b").path, "/a+b");
}

TEST(HttpSplitTarget, RepeatedKeysAndEmptyValues) {
    Request r = split("/t?a=1&a=2&flag&&b=");
    ASSERT_EQ(r.query.size(), 4u);
    EXPECT_EQ(r.query[0], (std::pair<std::string, std::string>{"a", "1"}));
    EXPECT_EQ(r.query[1], (std::pair<std::string, std::string>{"a", "2"}));
    EXPECT_EQ(r.query[2], (std::pair<std::string, std::string>{"flag", ""}));
    EXPECT_EQ(r.query[3], (std::pair<std::string, std::string>{"b", ""}));
}

TEST(HttpSplitTarget, AbsoluteFormAndFragment) {
    Request r = split("http://example.com:8080/health?x=1");
    EXPECT_EQ(r.path, "/health");
    EXPECT_EQ(r.raw_query, "x=1");
    EXPECT_EQ(split("http://example.com").path, "/");
    EXPECT_EQ(split("/p#frag").path, "/p");
}

TEST(HttpAccessLog, TextLineHasNoQuery) {
    std::string line = format_access_log({.method = "GET",
                                          .target = "/rest/v1/todos?apikey=secret&select=*",
                                          .status = 200,
                                          .bytes = 42,
                                          .duration_ms = 1.5,
                                          .request_id = "rid-1",
                                          .client_ip = "127.0.0.1"},
                                         false);
    EXPECT_EQ(line, "GET /rest/v1/todos 200 42B 1.50ms rid=rid-1 ip=127.0.0.1");
    EXPECT_EQ(line.find("secret"), std::string::npos);
}

TEST(HttpAccessLog, JsonLineAndEscaping) {
    std::string line = format_access_log({.method = "POST",
                                          .target = "/a\nb?token=x",
                                          .status = 401,
                                          .bytes = 0,
                                          .duration_ms = 0.25,
                                          .request_id = "r",
                                          .client_ip = "::1"},
                                         true);
    Json j = Json::parse(line);
    EXPECT_EQ(j["method"], "POST");
    EXPECT_EQ(j["path"], "/a%0Ab");
    EXPECT_EQ(j["status"], 401);
    EXPECT_EQ(j["request_id"], "r");
    EXPECT_EQ(j["client_ip"], "::1");
    EXPECT_EQ(line.find("token"), std::string::npos);
}

}  // namespace
}  // namespace basalt::http
