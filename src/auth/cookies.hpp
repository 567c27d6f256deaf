// Cookie mode (requirements 8.1-8.7): the session as HttpOnly cookies next to the JSON body,
// and the double-submit CSRF rule for requests that authenticate with those cookies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/settings.hpp"
#include "http/message.hpp"

namespace basalt::auth {

struct CookieNames {
    std::string access, refresh, csrf;
    static CookieNames from(const Settings& settings);
};

// Value of cookie `name` across every Cookie header, or nullopt.
std::optional<std::string> find_cookie(const http::Headers& headers, std::string_view name);

// One Set-Cookie value with the configured Domain/Path/Secure/SameSite. max_age 0 deletes.
std::string set_cookie_header(const Settings& settings, std::string_view name, std::string_view value,
                              std::int64_t max_age_seconds, bool http_only);

// Set-Cookie values for a fresh session (access, refresh, CSRF) or for signing out.
std::vector<std::string> session_cookies(const Settings& settings, std::string_view access_token,
                                         std::int64_t expires_in, std::string_view refresh_token,
                                         std::string_view csrf_token);
std::vector<std::string> clear_session_cookies(const Settings& settings);

enum class CsrfDecision {
    kNotRequired,  // safe method, or not authenticated by cookie
    kOk,           // header echoes the CSRF cookie
    kMissing,      // unsafe cookie-authenticated request without header or cookie
    kMismatch,     // both present but different
};

// Double submit: a cross-site page can make the browser send cookies but cannot read the
// CSRF cookie to copy it into a header. Compared in constant time.
CsrfDecision check_csrf(std::string_view method, bool via_cookie, const std::optional<std::string>& cookie_token,
                        std::optional<std::string_view> header_token);

bool is_safe_method(std::string_view method);

}  // namespace basalt::auth
