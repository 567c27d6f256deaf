// Logger setup: stderr sink, text or JSON-lines pattern.
#include "common/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "common/json.hpp"

namespace basalt::log {

namespace {
// %* in JSON mode: a message that is already a JSON object (the access log) is embedded as is,
// any other message becomes a JSON string, so every line stays valid JSON.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        std::string_view text(msg.payload.data(), msg.payload.size());
        std::string out = (!text.empty() && text.front() == '{')
                              ? std::string(text)
                              : Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
        dest.append(out.data(), out.data() + out.size());
    }
    [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<JsonMessageFlag>();
    }
};
}  // namespace

void init(std::string_view level, Format format) {
    auto logger = spdlog::stderr_color_mt("basalt");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(std::string(level)));
    if (format == Format::kJson) {
        auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
        formatter->add_flag<JsonMessageFlag>('*').set_pattern(
            R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":%*})");
        spdlog::set_formatter(std::move(formatter));
    } else {
        spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    }
}

}  // namespace basalt::log
