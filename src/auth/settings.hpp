// Auth options (config section "auth"). The auth issue extends this struct.
#pragma once

#include <cstdint>
#include <string>

#include "common/settings_field.hpp"

namespace basalt::auth {

struct Settings {
    std::string jwt_secret;            // empty = generated on first run, kept in <data-dir>
    std::int64_t jwt_expiry_seconds = 3600;
    std::string jwt_issuer = "basalt";

    template <typename V>
    static void visit(Settings& s, V&& v) {
        v("jwt_secret", s.jwt_secret, {.secret = true, .help = "HS256 secret for API keys and access tokens (>= 32 chars)"});
        v("jwt_expiry_seconds", s.jwt_expiry_seconds, {.min = 30, .max = 604800, .help = "access token lifetime"});
        v("jwt_issuer", s.jwt_issuer, {.help = "iss claim of API keys"});
    }
};

}  // namespace basalt::auth
