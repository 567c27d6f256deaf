// CORS decisions (Fetch standard): which origins may read responses, preflight answers, and the
// headers added to every response for an allowed Origin. Pure: no I/O, unit-tested.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "http/settings.hpp"

namespace basalt::http {

class Cors {
public:
    explicit Cors(CorsSettings settings);

    // Exact match, "*" (any origin), or a wildcard entry like "https://*.example.com".
    [[nodiscard]] bool origin_allowed(std::string_view origin) const;
    // OPTIONS with Origin and Access-Control-Request-Method.
    [[nodiscard]] static bool is_preflight(const Request& request);
    // 204 with the allow-* headers, or 403 JSON when the origin is not allowed.
    [[nodiscard]] Response preflight(const Request& request) const;
    // Adds Access-Control-Allow-Origin/-Credentials/Expose-Headers and Vary for an allowed Origin.
    void apply(const Request& request, Response& response) const;

private:
    void add_origin_headers(std::string_view origin, Response& response) const;

    CorsSettings settings_;
    bool any_origin_ = false;
    std::string max_age_;
};

// Request headers supabase-js and browsers send (supabase-compat.md §1.2); used when the
// preflight does not list any.
inline constexpr std::string_view kCorsDefaultAllowHeaders =
    "authorization, apikey, x-client-info, content-type, accept, accept-profile, content-profile, "
    "prefer, range, x-supabase-api-version, x-retry-count, x-upsert, cache-control, "
    "content-encoding, x-metadata, x-region, traceparent, tracestate, baggage, x-request-id";
inline constexpr std::string_view kCorsAllowMethods = "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS";
inline constexpr std::string_view kCorsExposeHeaders =
    "Content-Range, X-Total-Count, Link, X-Supabase-Api-Version, Content-Type, Content-Length, "
    "ETag, Last-Modified, Preference-Applied, X-Request-Id";

}  // namespace basalt::http
