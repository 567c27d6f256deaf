// Logger setup: stderr sink, text or JSON-lines pattern.
#include "common/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace basalt::log {

void init(std::string_view level, Format format) {
    auto logger = spdlog::stderr_color_mt("basalt");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(std::string(level)));
    if (format == Format::kJson) {
        // Messages that are already JSON objects (the access log) are emitted as the payload.
        spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":%v})",
                            spdlog::pattern_time_type::utc);
    } else {
        spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    }
}

}  // namespace basalt::log
