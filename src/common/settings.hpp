// Process-wide options that belong to no single module (config section "log").
#pragma once

#include <string>

#include "common/settings_field.hpp"

namespace basalt {

struct LogSettings {
    std::string level = "info";
    std::string format = "text";

    template <typename V>
    static void visit(LogSettings& s, V&& v) {
        v("level", s.level, {.one_of = {"trace", "debug", "info", "warn", "error", "off"}, .help = "log level"});
        v("format", s.format, {.one_of = {"text", "json"}, .help = "log line format (json = JSON lines)"});
    }
};

}  // namespace basalt
