// The middleware pipeline between the transport (session.cpp) and the handlers, in the fixed
// order request id -> access log -> CORS -> body limit -> auth context -> rate limit -> handler.
// Beast-free, so it compiles fast and is testable without sockets.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

#include "http/auth_context.hpp"
#include "http/cors.hpp"
#include "http/message.hpp"
#include "http/metrics.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"
#include "http/settings.hpp"

namespace basalt::http::detail {

struct PipelineConfig {
    Settings settings;
    CorsSettings cors;
    RateLimitSettings rate_limits;
    bool json_access_log = false;
    const Router* router = nullptr;
    Metrics* metrics = nullptr;       // optional
    Authenticator authenticate;       // empty = every request is anonymous
};

// Fills path (percent-decoded), raw_query and query from request.target. Accepts origin-form
// ("/a?b") and absolute-form ("http://host/a?b").
void split_target(Request& request);

class Pipeline {
public:
    using Clock = std::chrono::steady_clock;

    explicit Pipeline(PipelineConfig config);

    // Once the header is read: target split and request id.
    void begin(Request& request) const;
    // Route match; fills request.route and request.path_params. websocket=true looks only at
    // WebSocket routes.
    [[nodiscard]] Router::Match route(Request& request, bool websocket) const;
    // Body limit for the matched route (server default when the route sets none or none matched).
    [[nodiscard]] std::size_t body_limit(const Router::Match& match) const;
    // Everything after the body is read: CORS preflight, apikey requirement, auth, rate limit,
    // 404/405, the handler, and error mapping. Never throws.
    Awaitable<Response> handle(Request& request, const Router::Match& match);
    // Before a WebSocket handshake: the same checks as handle() minus the handler; a response
    // means "refuse the upgrade with this".
    std::optional<Response> admit_websocket(Request& request, const Router::Match& match);
    // Adds the CORS headers; call on every response, including transport errors. (X-Request-Id
    // is written by the session while serialising, from request.request_id.)
    void finish(const Request& request, Response& response) const;
    // Metrics and the access-log line, after the response was written.
    void record(const Request& request, int status, std::size_t body_bytes, Clock::time_point start) const;
    // JSON error response for failures outside handlers (400/408/413/431).
    [[nodiscard]] Response error_response(const Request& request, const Error& error) const;

    [[nodiscard]] const Settings& settings() const { return config_.settings; }

private:
    struct RateOutcome {
        bool limited = false;
        RateLimitDecision decision;
    };
    std::optional<Response> check(Request& request, const RouteOptions& options, RateOutcome& rate);
    static void add_rate_headers(const RateOutcome& rate, Response& response);

    PipelineConfig config_;
    Cors cors_;
    RateLimiter ip_limiter_;
    RateLimiter user_limiter_;
    RouteOptions default_route_options_;
};

}  // namespace basalt::http::detail
