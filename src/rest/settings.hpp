// REST options (config section "rest").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/settings_field.hpp"

namespace basalt::rest {

struct Settings {
    std::vector<std::string> schemas = {"public"};
    std::int64_t max_rows = 0;  // 0 = no cap

    template <typename V>
    static void visit(Settings& s, V&& v) {
        v("schemas", s.schemas, {.help = "schemas exposed by /rest/v1 (first = default)"});
        v("max_rows", s.max_rows, {.min = 0, .max = 1000000000, .help = "cap on rows returned per request; 0 = none"});
    }
};

}  // namespace basalt::rest
