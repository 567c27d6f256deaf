// One access-log line per request. Only method, path (never the query: it can carry apikeys and
// tokens), status, size, duration, request id and client IP are logged; never headers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace basalt::http {

struct AccessLogEntry {
    std::string_view method;
    std::string_view target;  // raw request target; the query is cut off here
    int status = 0;
    std::size_t bytes = 0;    // response body bytes
    double duration_ms = 0;
    std::string_view request_id;
    std::string_view client_ip;
};

// Text: `GET /rest/v1/todos 200 123B 1.42ms rid=… ip=…`; JSON: one object per line.
[[nodiscard]] std::string format_access_log(const AccessLogEntry& entry, bool json);

}  // namespace basalt::http
