// JSON helpers shared by every module (nlohmann::json is the one JSON library).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace basalt {

using Json = nlohmann::json;

// Parses text, returning nullopt-like discarded value on malformed input instead of throwing.
inline Json parse_json_or_discarded(std::string_view text) {
    return Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

}  // namespace basalt
