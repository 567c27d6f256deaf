// The middleware pipeline without sockets: auth hook, apikey requirement, rate limits, errors,
// 404/405, CORS preflight, metrics, and the built-in health routes.
#include "http/detail/pipeline.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "http/health.hpp"
#include "http/request_id.hpp"

namespace basalt::http {
namespace {

namespace asio = boost::asio;

class HttpPipelineTest : public ::testing::Test {
protected:
    void SetUp() override {
        router.add("GET", "/ok", [](Request& r) -> Awaitable<Response> {
            co_return Response::json(200, Json{{"role", r.auth.role}, {"user", r.auth.user_id()}});
        });
        router.add("GET", "/boom", [](Request&) -> Awaitable<Response> {
            throw std::runtime_error("database exploded at 10.0.0.3");
            co_return Response::empty(200);
        });
        router.add("GET", "/conflict", [](Request&) -> Awaitable<Response> {
            throw ErrorException(Error::conflict("rest.conflict", "duplicate key"));
            co_return Response::empty(200);
        });
        router.add("GET", "/keyed", [](Request&) -> Awaitable<Response> { co_return Response::empty(204); },
                   {.requires_apikey = true});
        router.add("GET", "/free", [](Request&) -> Awaitable<Response> { co_return Response::empty(204); },
                   {.rate_limited = false});
        add_health_routes(router, {.version = "1.2.3",
                                   .ready_check = [this]() -> Awaitable<bool> { co_return ready; },
                                   .metrics = &metrics});
    }

    detail::Pipeline make(RateLimitSettings rl = {.enabled = false}) {
        detail::PipelineConfig cfg;
        cfg.settings.access_log = false;
        cfg.rate_limits = rl;
        cfg.router = &router;
        cfg.metrics = &metrics;
        cfg.authenticate = make_bearer_authenticator([](std::string_view token) -> Result<Json> {
            if (token == "good-user") return Json{{"role", "authenticated"}, {"sub", "u1"}};
            if (token == "good-service") return Json{{"role", "service_role"}};
            if (token == "no-role") return Json{{"sub", "u2"}};
            return Error::unauthorized("auth.bad_jwt", "invalid JWT");
        });
        return detail::Pipeline(std::move(cfg));
    }

    Response run(detail::Pipeline& p, std::string method, std::string target,
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
        Request req;
        req.method = std::move(method);
        req.target = std::move(target);
        req.client_ip = "10.1.2.3";
        for (auto& [k, v] : headers) req.headers.add(k, v);
        p.begin(req);
        auto match = p.route(req, false);
        auto fut = asio::co_spawn(io, p.handle(req, match), asio::use_future);
        io.restart();
        io.run();
        Response resp = fut.get();
        p.finish(req, resp);
        p.record(req, resp.status, resp.body.size(), detail::Pipeline::Clock::now());
        last_request = std::move(req);
        return resp;
    }

    Router router;
    Metrics metrics;
    asio::io_context io;
    Request last_request;
    bool ready = true;
};

TEST_F(HttpPipelineTest, AnonymousWithoutToken) {
    auto p = make();
    Response r = run(p, "GET", "/ok");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(Json::parse(r.body)["role"], "anon");
    EXPECT_FALSE(last_request.auth.has_token);
    EXPECT_TRUE(is_valid_request_id(last_request.request_id));
}

TEST_F(HttpPipelineTest, BearerWinsOverApikey) {
    auto p = make();
    Response r = run(p, "GET", "/ok", {{"Authorization", "Bearer good-user"}, {"apikey", "good-service"}});
    EXPECT_EQ(Json::parse(r.body)["role"], "authenticated");
    EXPECT_EQ(Json::parse(r.body)["user"], "u1");
    EXPECT_TRUE(last_request.auth.has_token);
    EXPECT_EQ(last_request.auth.token, "good-user");
    Response k = run(p, "GET", "/ok", {{"apikey", "good-service"}});
    EXPECT_EQ(Json::parse(k.body)["role"], "service_role");
    Response nr = run(p, "GET", "/ok", {{"authorization", "bearer no-role"}});
    EXPECT_EQ(Json::parse(nr.body)["role"], "anon");
}

TEST_F(HttpPipelineTest, BadTokenIs401Json) {
    auto p = make();
    Response r = run(p, "GET", "/health", {{"Authorization", "Bearer forged"}, {"X-Request-Id", "rid-9"}});
    EXPECT_EQ(r.status, 401);
    Json body = Json::parse(r.body);
    EXPECT_EQ(body["code"], "auth.bad_jwt");
    EXPECT_EQ(body["request_id"], "rid-9");
    EXPECT_EQ(last_request.request_id, "rid-9");
}

TEST_F(HttpPipelineTest, RequiresApikey) {
    auto p = make();
    Response r = run(p, "GET", "/keyed");
    EXPECT_EQ(r.status, 401);
    Json body = Json::parse(r.body);
    EXPECT_EQ(body["code"], "no_api_key");
    EXPECT_EQ(body["message"], "No API key found in request");
    EXPECT_EQ(run(p, "GET", "/keyed", {{"apikey", "good-user"}}).status, 204);
}

TEST_F(HttpPipelineTest, HandlerErrors) {
    auto p = make();
    Response conflict = run(p, "GET", "/conflict");
    EXPECT_EQ(conflict.status, 409);
    EXPECT_EQ(Json::parse(conflict.body)["code"], "rest.conflict");
    Response boom = run(p, "GET", "/boom");
    EXPECT_EQ(boom.status, 500);
    EXPECT_EQ(boom.body.find("10.0.0.3"), std::string::npos);  // the cause stays in the log
    EXPECT_FALSE(Json::parse(boom.body)["request_id"].get<std::string>().empty());
}

TEST_F(HttpPipelineTest, NotFoundAndMethodNotAllowed) {
    auto p = make();
    Response nf = run(p, "GET", "/nope/nothing");
    EXPECT_EQ(nf.status, 404);
    EXPECT_EQ(Json::parse(nf.body)["code"], "http.not_found");
    Response na = run(p, "DELETE", "/ok");
    EXPECT_EQ(na.status, 405);
}

TEST_F(HttpPipelineTest, PreflightSkipsAuthAndRouting) {
    auto p = make();
    Response r = run(p, "OPTIONS", "/rest/v1/todos",
                     {{"Origin", "http://example.test"}, {"Access-Control-Request-Method", "PATCH"},
                      {"Authorization", "Bearer forged"}});
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(r.headers.get("access-control-allow-origin"), "*");
}

TEST_F(HttpPipelineTest, RateLimitPerIpWithHeaders) {
    auto p = make({.enabled = true, .ip_per_second = 0.001, .ip_burst = 2, .user_per_second = 100, .user_burst = 100});
    Response a = run(p, "GET", "/ok");
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.headers.get("ratelimit-limit"), "2");
    EXPECT_EQ(a.headers.get("ratelimit-remaining"), "1");
    EXPECT_EQ(run(p, "GET", "/nope").status, 404);  // unmatched routes count too
    Response limited = run(p, "GET", "/ok");
    EXPECT_EQ(limited.status, 429);
    EXPECT_GE(std::stoi(std::string(*limited.headers.get("retry-after"))), 1);
    EXPECT_EQ(limited.headers.get("ratelimit-remaining"), "0");
    EXPECT_EQ(Json::parse(limited.body)["code"], "http.rate_limited");
    // Unlimited routes, health probes and service_role are never throttled.
    EXPECT_EQ(run(p, "GET", "/free").status, 204);
    EXPECT_EQ(run(p, "GET", "/health").status, 200);
    EXPECT_EQ(run(p, "GET", "/ok", {{"apikey", "good-service"}}).status, 200);
}

TEST_F(HttpPipelineTest, RateLimitPerUser) {
    auto p = make({.enabled = true, .ip_per_second = 100, .ip_burst = 100, .user_per_second = 0.001, .user_burst = 1});
    EXPECT_EQ(run(p, "GET", "/ok", {{"Authorization", "Bearer good-user"}}).status, 200);
    EXPECT_EQ(run(p, "GET", "/ok", {{"Authorization", "Bearer good-user"}}).status, 429);
    EXPECT_EQ(run(p, "GET", "/ok").status, 200);  // same IP, anonymous: only the IP bucket
}

TEST_F(HttpPipelineTest, HealthReadyMetrics) {
    auto p = make();
    Response h = run(p, "GET", "/health");
    EXPECT_EQ(h.status, 200);
    EXPECT_EQ(Json::parse(h.body), (Json{{"status", "ok"}, {"version", "1.2.3"}, {"name", "basalt"}}));
    EXPECT_EQ(run(p, "GET", "/ready").status, 200);
    ready = false;
    Response nr = run(p, "GET", "/ready");
    EXPECT_EQ(nr.status, 503);
    metrics.add_gauge("pg_up", "database reachable", [] { return 1.0; });
    Response m = run(p, "GET", "/metrics");
    EXPECT_EQ(m.status, 200);
    EXPECT_EQ(m.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(m.body.find("http_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} 1"), std::string::npos)
        << m.body;
    EXPECT_NE(m.body.find("http_request_duration_seconds_bucket{route=\"/ready\",method=\"GET\",le=\"+Inf\"} 2"),
              std::string::npos);
    EXPECT_NE(m.body.find("pg_up 1\n"), std::string::npos);
}

}  // namespace
}  // namespace basalt::http
