// Built-in operational routes: GET /health (liveness), GET /ready (readiness: the app's check,
// e.g. the database answers), GET /metrics (Prometheus text). None of them is rate limited,
// so probes and scrapers never get a 429.
#pragma once

#include <functional>
#include <string>

#include "http/metrics.hpp"
#include "http/router.hpp"

namespace basalt::http {

struct HealthOptions {
    std::string version;                             // reported by /health
    std::function<Awaitable<bool>()> ready_check;    // empty = always ready; a throw = not ready
    Metrics* metrics = nullptr;                      // nullptr = no /metrics route
};

//   add_health_routes(router, {.version = BASALT_VERSION,
//                              .ready_check = [&]() -> Awaitable<bool> { co_return co_await pool.ping(); },
//                              .metrics = &metrics});
void add_health_routes(Router& router, HealthOptions options);

}  // namespace basalt::http
