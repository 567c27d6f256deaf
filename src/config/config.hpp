// The whole effective configuration: each module's Settings, filled from defaults, then
// basalt.yaml, then BASALT_* environment variables, then validated. Only app/ and main read it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/settings.hpp"
#include "common/error.hpp"
#include "common/settings.hpp"
#include "db/settings.hpp"
#include "http/settings.hpp"
#include "messaging/settings.hpp"
#include "migrate/settings.hpp"
#include "rest/settings.hpp"

namespace basalt::config {

struct Config {
    LogSettings log;
    http::Settings server;
    http::CorsSettings cors;
    http::RateLimitSettings rate_limits;
    db::Settings database;
    auth::Settings auth;
    rest::Settings rest;
    migrate::Settings migrations;
    messaging::SmtpSettings smtp;
    messaging::SmsSettings sms;
    messaging::OutboxSettings outbox;
};

struct LoadOptions {
    std::optional<std::string> file;  // --config; else ./basalt.yaml if present
    // Environment as name=value pairs (tests pass their own; main passes environ).
    std::vector<std::pair<std::string, std::string>> env;
};

// Defaults < file < env. Errors name the key and the reason:
//   server.port: must be 1..65535, got "abc"
Result<Config> load(const LoadOptions& options);

// Effective configuration as YAML-ish "key: value" lines, secrets masked.
std::string describe(Config& config);

// A documented basalt.yaml with every key at its default (secrets left empty), generated from
// the same field list the loader uses, so the example can never drift from the code.
std::string example_yaml();

// All known keys ("server.port", ...), for docs and env-name resolution.
std::vector<std::string> known_keys();

// The env variable name for a key: "rate_limits.enabled" -> "BASALT_RATE_LIMITS_ENABLED".
std::string env_name(std::string_view key);

std::vector<std::pair<std::string, std::string>> process_environment();

}  // namespace basalt::config
