// What each module's Settings::visit says about a field: used by config/ to map YAML keys and
// BASALT_* env names, validate values and mask secrets. Modules stay ignorant of config/.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace basalt {

struct FieldInfo {
    bool secret = false;                  // masked by `config check`, never logged
    std::optional<double> min;            // numeric bounds (inclusive)
    std::optional<double> max;
    std::vector<std::string> one_of;      // allowed values for strings
    const char* help = "";
};

}  // namespace basalt
