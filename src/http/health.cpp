// /health, /ready and /metrics handlers.
#include "http/health.hpp"

#include <memory>

#include "common/log.hpp"

namespace basalt::http {

void add_health_routes(Router& router, HealthOptions options) {
    const RouteOptions unlimited{.rate_limited = false};
    // The body never changes: serialise once, so the hot probe path only copies a string.
    auto health_body = std::make_shared<const std::string>(
        Json{{"status", "ok"}, {"version", options.version}, {"name", "basalt"}}.dump());
    router.add(
        "GET", "/health",
        [health_body](Request&) -> Awaitable<Response> { co_return Response::json_text(200, *health_body); },
        unlimited);

    router.add(
        "GET", "/ready",
        [check = options.ready_check](Request& request) -> Awaitable<Response> {
            bool ready = true;
            if (check) {
                try {
                    ready = co_await check();
                } catch (const std::exception& e) {
                    log::warn("readiness check failed: {}", e.what());
                    ready = false;
                }
            }
            if (ready) co_return Response::json(200, Json{{"status", "ready"}});
            Response r = Response::error(Error::unavailable("http.not_ready", "Service is not ready"),
                                         request.request_id);
            co_return r;
        },
        unlimited);

    if (options.metrics != nullptr) {
        router.add(
            "GET", "/metrics",
            [metrics = options.metrics](Request&) -> Awaitable<Response> {
                co_return Response::text(200, metrics->render(), "text/plain; version=0.0.4; charset=utf-8");
            },
            unlimited);
    }
}

}  // namespace basalt::http
