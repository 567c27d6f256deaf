// Cookie parsing/serialisation and the CSRF decision.
#include "auth/cookies.hpp"

#include "common/crypto.hpp"

namespace basalt::auth {

namespace {
std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}
}  // namespace

CookieNames CookieNames::from(const Settings& s) {
    return CookieNames{s.cookies_name + "-access-token", s.cookies_name + "-refresh-token",
                       s.cookies_name + "-csrf-token"};
}

std::optional<std::string> find_cookie(const http::Headers& headers, std::string_view name) {
    for (std::string_view header : headers.get_all("cookie")) {
        while (!header.empty()) {
            auto semi = header.find(';');
            std::string_view pair = trim(header.substr(0, semi));
            header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
            auto eq = pair.find('=');
            if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
            std::string_view value = trim(pair.substr(eq + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
            return std::string(value);
        }
    }
    return std::nullopt;
}

std::string set_cookie_header(const Settings& s, std::string_view name, std::string_view value,
                              std::int64_t max_age_seconds, bool http_only) {
    std::string out;
    out.reserve(name.size() + value.size() + 96);
    out.append(name).append("=").append(value);
    out.append("; Path=").append(s.cookies_path.empty() ? "/" : s.cookies_path);
    if (!s.cookies_domain.empty()) out.append("; Domain=").append(s.cookies_domain);
    out.append("; Max-Age=").append(std::to_string(max_age_seconds));
    if (max_age_seconds == 0) out.append("; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    if (http_only) out.append("; HttpOnly");
    // Browsers drop SameSite=None cookies that are not Secure, so None forces Secure.
    if (s.cookies_secure || s.cookies_same_site == "None") out.append("; Secure");
    out.append("; SameSite=").append(s.cookies_same_site.empty() ? "Lax" : s.cookies_same_site);
    return out;
}

std::vector<std::string> session_cookies(const Settings& s, std::string_view access_token, std::int64_t expires_in,
                                         std::string_view refresh_token, std::string_view csrf_token) {
    const CookieNames names = CookieNames::from(s);
    return {set_cookie_header(s, names.access, access_token, expires_in, true),
            set_cookie_header(s, names.refresh, refresh_token, s.cookies_max_age_seconds, true),
            // Readable by the page's script on purpose: it must copy it into the header.
            set_cookie_header(s, names.csrf, csrf_token, s.cookies_max_age_seconds, false)};
}

std::vector<std::string> clear_session_cookies(const Settings& s) {
    const CookieNames names = CookieNames::from(s);
    return {set_cookie_header(s, names.access, "", 0, true), set_cookie_header(s, names.refresh, "", 0, true),
            set_cookie_header(s, names.csrf, "", 0, false)};
}

bool is_safe_method(std::string_view m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

CsrfDecision check_csrf(std::string_view method, bool via_cookie, const std::optional<std::string>& cookie_token,
                        std::optional<std::string_view> header_token) {
    if (!via_cookie || is_safe_method(method)) return CsrfDecision::kNotRequired;
    if (!cookie_token || cookie_token->empty() || !header_token || header_token->empty())
        return CsrfDecision::kMissing;
    return crypto::constant_time_equal(*cookie_token, *header_token) ? CsrfDecision::kOk : CsrfDecision::kMismatch;
}

}  // namespace basalt::auth
