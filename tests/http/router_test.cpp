// Router matching: literal beats :param beats *rest, 405 vs 404, HEAD -> GET fallback.
#include "http/router.hpp"

#include <gtest/gtest.h>

namespace basalt::http {
namespace {

Handler stub() {
    return [](Request&) -> Awaitable<Response> { co_return Response::empty(200); };
}

class HttpRouterTest : public ::testing::Test {
protected:
    void SetUp() override {
        router.add("GET", "/health", stub());
        router.add("GET", "/rest/v1/:table", stub());
        router.add("POST", "/rest/v1/:table", stub());
        router.add("GET", "/rest/v1/rpc/:fn", stub());
        router.add("POST", "/rest/v1/rpc/:fn", stub());
        router.add("GET", "/rest/v1/", stub());
        router.add("GET", "/storage/v1/object/:bucket/*path", stub());
        router.add("GET", "/storage/v1/object/list/:bucket", stub());
        router.add("GET", "/storage/v1/object/public/:bucket/*path", stub());
        router.add("GET", "/", stub());
        router.add_websocket("/realtime/v1/websocket", [](Request&, std::shared_ptr<WebSocket>) -> Awaitable<void> {
            co_return;
        });
    }
    Router router;
};

TEST_F(HttpRouterTest, LiteralRoute) {
    auto m = router.match("GET", "/health");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.pattern, "/health");
    EXPECT_TRUE(m.params.empty());
}

TEST_F(HttpRouterTest, ParamCaptured) {
    auto m = router.match("GET", "/rest/v1/todos");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.pattern, "/rest/v1/:table");
    EXPECT_EQ(m.params.at("table"), "todos");
}

TEST_F(HttpRouterTest, ExactSegmentBeatsParam) {
    auto m = router.match("POST", "/rest/v1/rpc/add");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.pattern, "/rest/v1/rpc/:fn");
    EXPECT_EQ(m.params.at("fn"), "add");
    auto list = router.match("GET", "/storage/v1/object/list/avatars");
    EXPECT_EQ(list.pattern, "/storage/v1/object/list/:bucket");
    auto pub = router.match("GET", "/storage/v1/object/public/avatars/a/b.png");
    EXPECT_EQ(pub.pattern, "/storage/v1/object/public/:bucket/*path");
    EXPECT_EQ(pub.params.at("path"), "a/b.png");
}

TEST_F(HttpRouterTest, RestCapturesRemainingSegments) {
    auto m = router.match("GET", "/storage/v1/object/avatars/folder/sub/file name.png");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.pattern, "/storage/v1/object/:bucket/*path");
    EXPECT_EQ(m.params.at("bucket"), "avatars");
    EXPECT_EQ(m.params.at("path"), "folder/sub/file name.png");
    // "*rest" needs at least one segment.
    EXPECT_EQ(router.match("GET", "/storage/v1/object/avatars").handler, nullptr);
}

TEST_F(HttpRouterTest, TrailingSlashIsNotSignificant) {
    EXPECT_EQ(router.match("GET", "/rest/v1").pattern, "/rest/v1/");
    EXPECT_EQ(router.match("GET", "/rest/v1/").pattern, "/rest/v1/");
    EXPECT_EQ(router.match("GET", "/health/").pattern, "/health");
    EXPECT_EQ(router.match("GET", "/").pattern, "/");
}

TEST_F(HttpRouterTest, MethodNotAllowedVsNotFound) {
    auto m = router.match("DELETE", "/health");
    EXPECT_EQ(m.handler, nullptr);
    EXPECT_TRUE(m.method_not_allowed);
    auto n = router.match("GET", "/nope/nothing");
    EXPECT_EQ(n.handler, nullptr);
    EXPECT_FALSE(n.method_not_allowed);
}

TEST_F(HttpRouterTest, HeadFallsBackToGet) {
    auto m = router.match("HEAD", "/rest/v1/todos");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.pattern, "/rest/v1/:table");
    Router r2;
    r2.add("HEAD", "/x", stub());
    r2.add("GET", "/x", stub());
    auto h = r2.match("HEAD", "/x");
    ASSERT_NE(h.handler, nullptr);
}

TEST_F(HttpRouterTest, WebSocketRoutesAreSeparate) {
    auto ws = router.match("GET", "/realtime/v1/websocket", true);
    ASSERT_NE(ws.ws_handler, nullptr);
    EXPECT_EQ(ws.handler, nullptr);
    EXPECT_EQ(router.match("GET", "/realtime/v1/websocket").handler, nullptr);
    EXPECT_EQ(router.match("GET", "/health", true).ws_handler, nullptr);
}

TEST_F(HttpRouterTest, EmptyParamSegmentDoesNotMatch) {
    EXPECT_EQ(router.match("GET", "/rest/v1//x").handler, nullptr);
}

TEST(HttpRouterTies, FirstRegisteredWinsAcrossIndexBuckets) {
    Router r;
    r.add("GET", "/:a/x", stub());
    r.add("GET", "/:b/x", stub());
    r.add("GET", "/lit/:c", stub());
    EXPECT_EQ(r.match("GET", "/q/x").pattern, "/:a/x");
    EXPECT_EQ(r.match("GET", "/lit/x").pattern, "/lit/:c");  // literal first segment wins
    r.add("GET", "/*all", stub());
    EXPECT_EQ(r.match("GET", "/anything/else/here").pattern, "/*all");
    EXPECT_EQ(r.match("GET", "/lit/y").pattern, "/lit/:c");
}

TEST(HttpRouterLongPath, ManySegments) {
    Router r;
    r.add("GET", "/a/*rest", stub());
    std::string path = "/a";
    for (int i = 0; i < 40; ++i) path += "/s" + std::to_string(i);
    auto m = r.match("GET", path);
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.params.at("rest"), path.substr(3));
}

}  // namespace
}  // namespace basalt::http
