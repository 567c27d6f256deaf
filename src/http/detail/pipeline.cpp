// Middleware stages as named steps; see pipeline.hpp for the order and why it is fixed.
#include "http/detail/pipeline.hpp"

#include "common/log.hpp"
#include "http/access_log.hpp"
#include "http/request_id.hpp"

namespace basalt::http::detail {

void split_target(Request& request) {
    std::string_view target = request.target;
    // Absolute-form (RFC 9112 §3.2.2): drop scheme and authority.
    if (target.starts_with("http://") || target.starts_with("https://")) {
        auto authority = target.find("//") + 2;
        auto slash = target.find('/', authority);
        auto q = target.find('?', authority);
        if (slash == std::string_view::npos || (q != std::string_view::npos && q < slash)) {
            target = q == std::string_view::npos ? std::string_view("/") : target.substr(q);
            request.path = "/";
            if (target.starts_with("?")) {
                request.raw_query = std::string(target.substr(1));
                request.query = parse_query(request.raw_query);
            }
            return;
        }
        target = target.substr(slash);
    }
    auto hash = target.find('#');
    if (hash != std::string_view::npos) target = target.substr(0, hash);
    auto q = target.find('?');
    std::string_view path = target.substr(0, q);
    request.path = percent_decode(path, false);
    if (q != std::string_view::npos) {
        request.raw_query = std::string(target.substr(q + 1));
        request.query = parse_query(request.raw_query);
    }
}

Pipeline::Pipeline(PipelineConfig config)
    : config_(std::move(config)),
      cors_(config_.cors),
      ip_limiter_({.per_second = config_.rate_limits.ip_per_second, .burst = config_.rate_limits.ip_burst}),
      user_limiter_({.per_second = config_.rate_limits.user_per_second, .burst = config_.rate_limits.user_burst}) {}

void Pipeline::begin(Request& request) const {
    if (!request.target.empty()) split_target(request);
    request.request_id = request_id_for(request.headers.get("x-request-id"));
}

Router::Match Pipeline::route(Request& request, bool websocket) const {
    Router::Match match;
    if (config_.router != nullptr) {
        match = config_.router->match(request.method, request.path, websocket);
        request.route = match.pattern;
        request.path_params = std::move(match.params);  // nothing reads them from the match
    }
    return match;
}

std::size_t Pipeline::body_limit(const Router::Match& match) const {
    if (match.options != nullptr && match.options->max_body_bytes > 0) return match.options->max_body_bytes;
    return static_cast<std::size_t>(config_.settings.max_body_bytes);
}

void Pipeline::add_rate_headers(const RateOutcome& rate, Response& response) {
    if (!rate.limited) return;
    const RateLimitDecision& d = rate.decision;
    response.headers.set("RateLimit-Limit", std::to_string(d.limit));
    response.headers.set("RateLimit-Remaining", std::to_string(d.remaining));
    response.headers.set("RateLimit-Reset", std::to_string(d.reset_seconds));
    if (!d.allowed) response.headers.set("Retry-After", std::to_string(d.retry_after_seconds));
}

std::optional<Response> Pipeline::check(Request& request, const RouteOptions& options, RateOutcome& rate) {
    if (options.requires_apikey && !has_api_key(request)) {
        return Response::error(Error::unauthorized("no_api_key", "No API key found in request"),
                               request.request_id);
    }
    if (config_.authenticate) {
        Result<AuthContext> auth = config_.authenticate(request);
        if (!auth) return error_response(request, auth.error());
        request.auth = std::move(auth).value();
    }
    // service_role is the project's own backend (server-to-server): it is never throttled.
    if (options.rate_limited && config_.rate_limits.enabled && !request.auth.is_service_role()) {
        const auto now = RateLimiter::Clock::now();
        rate.limited = true;
        rate.decision = ip_limiter_.consume(request.client_ip, now);
        const std::string user = request.auth.user_id();
        if (rate.decision.allowed && !user.empty()) {
            RateLimitDecision d = user_limiter_.consume(user, now);
            if (!d.allowed || d.remaining < rate.decision.remaining) rate.decision = d;
        }
        if (!rate.decision.allowed) {
            Error e;
            e.status = 429;
            e.code = "http.rate_limited";
            e.message = "Too many requests, retry later";
            Response r = Response::error(e, request.request_id);
            add_rate_headers(rate, r);
            return r;
        }
    }
    return std::nullopt;
}

Awaitable<Response> Pipeline::handle(Request& request, const Router::Match& match) {
    std::optional<Error> failure;
    try {
        if (Cors::is_preflight(request)) co_return cors_.preflight(request);
        const RouteOptions& options = match.options != nullptr ? *match.options : default_route_options_;
        RateOutcome rate;
        if (auto early = check(request, options, rate)) co_return std::move(*early);
        Response response;
        if (match.handler == nullptr) {
            Error e = Error::not_found("http.not_found", "No route matches this path");
            if (match.method_not_allowed) {
                e.status = 405;
                e.code = "http.method_not_allowed";
                e.message = "Method not allowed for this route";
            }
            response = Response::error(e, request.request_id);
        } else {
            response = co_await (*match.handler)(request);
        }
        add_rate_headers(rate, response);
        co_return response;
    } catch (const ErrorException& e) {
        failure = e.error();
    } catch (const std::exception& e) {
        failure = Error::internal_error(e.what());
    } catch (...) {
        failure = Error::internal_error("unknown exception");
    }
    co_return error_response(request, *failure);
}

std::optional<Response> Pipeline::admit_websocket(Request& request, const Router::Match& match) {
    try {
        const RouteOptions& options = match.options != nullptr ? *match.options : default_route_options_;
        RateOutcome rate;
        return check(request, options, rate);
    } catch (const ErrorException& e) {
        return error_response(request, e.error());
    } catch (const std::exception& e) {
        return error_response(request, Error::internal_error(e.what()));
    }
}

Response Pipeline::error_response(const Request& request, const Error& error) const {
    if (error.status >= 500) {
        log::error("request {} failed: {} {}", request.request_id, error.code,
                   error.internal.empty() ? error.message : error.internal);
    } else if (!error.internal.empty()) {
        log::debug("request {}: {} ({})", request.request_id, error.code, error.internal);
    }
    return Response::error(error, request.request_id);
}

void Pipeline::finish(const Request& request, Response& response) const {
    if (!Cors::is_preflight(request)) cors_.apply(request, response);
}

void Pipeline::record(const Request& request, int status, std::size_t body_bytes, Clock::time_point start) const {
    const auto elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (config_.metrics != nullptr) config_.metrics->observe_request(request.route, request.method, status, elapsed);
    // Check the level first: formatting the line costs more than the rest of a /health request.
    if (config_.settings.access_log && spdlog::should_log(spdlog::level::info)) {
        log::info("{}", format_access_log({.method = request.method,
                                           .target = request.target,
                                           .status = status,
                                           .bytes = body_bytes,
                                           .duration_ms = elapsed * 1000,
                                           .request_id = request.request_id,
                                           .client_ip = request.client_ip},
                                          config_.json_access_log));
    }
}

}  // namespace basalt::http::detail
