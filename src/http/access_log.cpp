// Access-log formatting: control characters in the path are escaped so a crafted request line
// cannot forge log lines.
#include "http/access_log.hpp"

#include <cmath>

#include <fmt/format.h>

#include "common/json.hpp"

namespace basalt::http {

namespace {

std::string_view path_only(std::string_view target) {
    auto q = target.find_first_of("?#");
    return q == std::string_view::npos ? target : target.substr(0, q);
}

std::string printable(std::string_view s, std::size_t max = 512) {
    std::string out;
    out.reserve(std::min(s.size(), max));
    for (unsigned char c : s.substr(0, max)) {
        if (c < 0x20 || c == 0x7f || c == ' ') {
            out += fmt::format("%{:02X}", c);
        } else {
            out.push_back(char(c));
        }
    }
    if (s.size() > max) out += "...";
    return out;
}

}  // namespace

std::string format_access_log(const AccessLogEntry& e, bool json) {
    const std::string path = printable(path_only(e.target));
    const std::string method = printable(e.method, 32);
    if (json) {
        Json j = {{"type", "access"},
                  {"method", method},
                  {"path", path},
                  {"status", e.status},
                  {"bytes", e.bytes},
                  {"duration_ms", std::round(e.duration_ms * 1000) / 1000},
                  {"request_id", e.request_id},
                  {"client_ip", e.client_ip}};
        return j.dump(-1, ' ', false, Json::error_handler_t::replace);
    }
    return fmt::format("{} {} {} {}B {:.2f}ms rid={} ip={}", method, path, e.status, e.bytes, e.duration_ms,
                       e.request_id, e.client_ip);
}

}  // namespace basalt::http
