// CORS decisions: wildcard vs list, credentials echo the origin, preflight headers, expose list.
#include "http/cors.hpp"

#include <gtest/gtest.h>

namespace basalt::http {
namespace {

Request with_origin(std::string method, std::string origin) {
    Request r;
    r.method = std::move(method);
    if (!origin.empty()) r.headers.add("Origin", origin);
    return r;
}

TEST(HttpCors, WildcardAllowsAnyOrigin) {
    Cors cors(CorsSettings{});
    EXPECT_TRUE(cors.origin_allowed("http://example.test"));
    Response resp = Response::empty(200);
    cors.apply(with_origin("GET", "http://example.test"), resp);
    EXPECT_EQ(resp.headers.get("access-control-allow-origin"), "*");
    EXPECT_EQ(resp.headers.get("vary"), "Origin");
    EXPECT_NE(resp.headers.get("access-control-expose-headers")->find("Content-Range"), std::string_view::npos);
    EXPECT_NE(resp.headers.get("access-control-expose-headers")->find("X-Request-Id"), std::string_view::npos);
    EXPECT_FALSE(resp.headers.has("access-control-allow-credentials"));
}

TEST(HttpCors, NoOriginNoHeaders) {
    Cors cors(CorsSettings{});
    Response resp = Response::empty(200);
    cors.apply(with_origin("GET", ""), resp);
    EXPECT_TRUE(resp.headers.items().empty());
}

TEST(HttpCors, ListAndWildcardSubdomain) {
    Cors cors(CorsSettings{.allowed_origins = {"https://app.example.com", "https://*.preview.dev"}});
    EXPECT_TRUE(cors.origin_allowed("https://app.example.com"));
    EXPECT_TRUE(cors.origin_allowed("https://pr-1.preview.dev"));
    EXPECT_FALSE(cors.origin_allowed("https://preview.dev"));
    EXPECT_FALSE(cors.origin_allowed("https://evil.example.com"));
    EXPECT_FALSE(cors.origin_allowed("http://app.example.com"));

    Response ok = Response::empty(200);
    cors.apply(with_origin("GET", "https://app.example.com"), ok);
    EXPECT_EQ(ok.headers.get("access-control-allow-origin"), "https://app.example.com");

    Response denied = Response::empty(200);
    cors.apply(with_origin("GET", "https://evil.example.com"), denied);
    EXPECT_FALSE(denied.headers.has("access-control-allow-origin"));
    EXPECT_EQ(denied.headers.get("vary"), "Origin");
}

TEST(HttpCors, VaryKeepsHandlerValues) {
    Cors cors(CorsSettings{});
    Response resp = Response::empty(200);
    resp.headers.set("Vary", "Accept");
    cors.apply(with_origin("GET", "http://example.test"), resp);
    EXPECT_EQ(resp.headers.get("vary"), "Accept, Origin");
    cors.apply(with_origin("GET", "http://example.test"), resp);
    EXPECT_EQ(resp.headers.get("vary"), "Accept, Origin");
}

TEST(HttpCors, CredentialsEchoOrigin) {
    Cors cors(CorsSettings{.allowed_origins = {"*"}, .allow_credentials = true});
    Response resp = Response::empty(200);
    cors.apply(with_origin("GET", "http://localhost:3000"), resp);
    EXPECT_EQ(resp.headers.get("access-control-allow-origin"), "http://localhost:3000");
    EXPECT_EQ(resp.headers.get("access-control-allow-credentials"), "true");
}

TEST(HttpCors, PreflightEchoesRequestedHeaders) {
    Cors cors(CorsSettings{.max_age_seconds = 600});
    Request r = with_origin("OPTIONS", "http://example.test");
    r.headers.add("Access-Control-Request-Method", "PATCH");
    r.headers.add("Access-Control-Request-Headers", "authorization,apikey,content-type,prefer");
    ASSERT_TRUE(Cors::is_preflight(r));
    Response p = cors.preflight(r);
    EXPECT_EQ(p.status, 204);
    EXPECT_EQ(p.headers.get("access-control-allow-origin"), "*");
    EXPECT_EQ(p.headers.get("access-control-allow-methods"), "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS");
    EXPECT_EQ(p.headers.get("access-control-allow-headers"), "authorization,apikey,content-type,prefer");
    EXPECT_EQ(p.headers.get("access-control-max-age"), "600");
    EXPECT_EQ(p.headers.get("vary"), "Origin");
}

TEST(HttpCors, PreflightDefaultsAndRejectsJunk) {
    Cors cors(CorsSettings{});
    Request r = with_origin("OPTIONS", "http://example.test");
    r.headers.add("Access-Control-Request-Method", "GET");
    Response p = cors.preflight(r);
    EXPECT_NE(p.headers.get("access-control-allow-headers")->find("x-client-info"), std::string_view::npos);
    r.headers.add("Access-Control-Request-Headers", "x-evil\r\nSet-Cookie: a=b");
    Response q = cors.preflight(r);
    EXPECT_EQ(q.headers.get("access-control-allow-headers"), kCorsDefaultAllowHeaders);
}

TEST(HttpCors, PreflightFromDisallowedOrigin) {
    Cors cors(CorsSettings{.allowed_origins = {"https://app.example.com"}});
    Request r = with_origin("OPTIONS", "https://evil.test");
    r.headers.add("Access-Control-Request-Method", "GET");
    Response p = cors.preflight(r);
    EXPECT_EQ(p.status, 403);
    EXPECT_FALSE(p.headers.has("access-control-allow-origin"));
}

TEST(HttpCors, PlainOptionsIsNotPreflight) {
    EXPECT_FALSE(Cors::is_preflight(with_origin("OPTIONS", "http://x")));
    Request r = with_origin("GET", "http://x");
    r.headers.add("Access-Control-Request-Method", "GET");
    EXPECT_FALSE(Cors::is_preflight(r));
}

}  // namespace
}  // namespace basalt::http
