// HTTP gateway options: config sections "server", "cors", "rate_limits".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/settings_field.hpp"

namespace basalt::http {

struct Settings {
    std::string host = "127.0.0.1";
    std::int64_t port = 8080;
    std::int64_t threads = 0;                 // 0 = one I/O thread per core
    std::int64_t max_header_bytes = 16384;
    std::int64_t max_body_bytes = 10 * 1024 * 1024;
    std::int64_t request_timeout_ms = 30000;  // whole request read + handled
    std::int64_t idle_timeout_ms = 60000;     // keep-alive idle
    std::int64_t shutdown_grace_ms = 10000;   // drain in-flight requests on SIGTERM
    bool access_log = true;
    std::string public_url = "";              // external base URL; default http://host:port

    template <typename V>
    static void visit(Settings& s, V&& v) {
        v("host", s.host, {.help = "listen address"});
        v("port", s.port, {.min = 1, .max = 65535, .help = "listen port"});
        v("threads", s.threads, {.min = 0, .max = 256, .help = "I/O threads; 0 = one per core"});
        v("max_header_bytes", s.max_header_bytes, {.min = 1024, .max = 1048576, .help = "request header limit"});
        v("max_body_bytes", s.max_body_bytes, {.min = 0, .max = 1099511627776.0, .help = "request body limit (413 beyond)"});
        v("request_timeout_ms", s.request_timeout_ms, {.min = 100, .max = 3600000, .help = "deadline to read a request"});
        v("idle_timeout_ms", s.idle_timeout_ms, {.min = 100, .max = 3600000, .help = "keep-alive idle timeout"});
        v("shutdown_grace_ms", s.shutdown_grace_ms, {.min = 0, .max = 600000, .help = "drain time on SIGTERM"});
        v("access_log", s.access_log, {.help = "log one line per request"});
        v("public_url", s.public_url, {.help = "external base URL used in links"});
    }
};

struct CorsSettings {
    std::vector<std::string> allowed_origins = {"*"};
    bool allow_credentials = false;
    std::int64_t max_age_seconds = 86400;

    template <typename V>
    static void visit(CorsSettings& s, V&& v) {
        v("allowed_origins", s.allowed_origins, {.help = "origins allowed by CORS; [\"*\"] = any"});
        v("allow_credentials", s.allow_credentials, {.help = "send Access-Control-Allow-Credentials"});
        v("max_age_seconds", s.max_age_seconds, {.min = 0, .max = 604800, .help = "preflight cache lifetime"});
    }
};

// Token buckets; `enabled: false` turns every limiter in Basalt off (benchmarks, test rigs).
struct RateLimitSettings {
    bool enabled = true;
    double ip_per_second = 50;
    std::int64_t ip_burst = 200;
    double user_per_second = 50;
    std::int64_t user_burst = 200;

    template <typename V>
    static void visit(RateLimitSettings& s, V&& v) {
        v("enabled", s.enabled, {.help = "master switch for every rate limiter"});
        v("ip_per_second", s.ip_per_second, {.min = 0.001, .max = 1e9, .help = "sustained requests/s per client IP"});
        v("ip_burst", s.ip_burst, {.min = 1, .max = 1000000000, .help = "bucket size per client IP"});
        v("user_per_second", s.user_per_second, {.min = 0.001, .max = 1e9, .help = "sustained requests/s per authenticated user"});
        v("user_burst", s.user_burst, {.min = 1, .max = 1000000000, .help = "bucket size per user"});
    }
};

}  // namespace basalt::http
