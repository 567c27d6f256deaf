// Logging: spdlog behind a tiny facade so modules never configure sinks themselves.
// Secrets (tokens, passwords, hashes, keys) must never be passed to these functions.
#pragma once

#include <string_view>

#include <spdlog/spdlog.h>

namespace basalt::log {

enum class Format { kText, kJson };

// Called once by main; level is "trace|debug|info|warn|error|off".
void init(std::string_view level, Format format);

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::warn;

}  // namespace basalt::log
