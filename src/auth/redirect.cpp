// Redirect target validation and fragment building for emailed links.
#include "auth/redirect.hpp"

#include <algorithm>
#include <cctype>

#include "http/message.hpp"

namespace basalt::auth {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

// A target that could smuggle a header or confuse a browser's URL parser is never allowed.
bool plain_url(std::string_view url) {
    return !url.empty() && url.size() <= 2048 && std::none_of(url.begin(), url.end(), [](unsigned char c) {
        return c <= 0x20 || c == 0x7f || c == '\\';
    });
}

}  // namespace

bool glob_match(std::string_view p, std::string_view t) {
    // Iterative matcher with backtracking to the last star (two kinds of star).
    std::size_t pi = 0, ti = 0;
    std::size_t star_p = std::string_view::npos, star_t = 0;
    bool star_any = false;
    while (ti < t.size()) {
        if (pi + 1 < p.size() && p[pi] == '*' && p[pi + 1] == '*') {
            star_p = pi + 2;
            star_t = ti;
            star_any = true;
            pi += 2;
        } else if (pi < p.size() && p[pi] == '*') {
            star_p = pi + 1;
            star_t = ti;
            star_any = false;
            pi += 1;
        } else if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
            ++pi;
            ++ti;
        } else if (star_p != std::string_view::npos && (star_any || (t[star_t] != '/' && t[star_t] != '.'))) {
            // Let the last star swallow one more character and retry from there.
            ++star_t;
            ti = star_t;
            pi = star_p;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

std::optional<std::string> url_origin(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    const std::string scheme = lower(url.substr(0, scheme_end));
    if (scheme != "http" && scheme != "https") return std::nullopt;
    std::string_view rest = url.substr(scheme_end + 3);
    const auto end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end);
    if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
    return scheme + "://" + lower(authority);
}

bool RedirectPolicy::allowed(std::string_view url) const {
    if (!plain_url(url)) return false;
    if (url == site_url) return true;
    const auto origin = url_origin(url);
    if (origin && origin == url_origin(site_url)) return true;
    return std::any_of(allow.begin(), allow.end(),
                       [&](const std::string& pattern) { return pattern == url || glob_match(pattern, url); });
}

std::string RedirectPolicy::pick(std::optional<std::string_view> requested) const {
    if (requested && !requested->empty() && allowed(*requested)) return std::string(*requested);
    return site_url;
}

namespace {
void append_form(std::string& out, const std::vector<std::pair<std::string, std::string>>& params, bool first) {
    for (const auto& [key, value] : params) {
        if (!first) out += '&';
        first = false;
        out += http::percent_encode(key);
        out += '=';
        out += http::percent_encode(value);
    }
}
}  // namespace

std::string with_fragment(std::string_view url, const std::vector<std::pair<std::string, std::string>>& params) {
    std::string out(url.substr(0, url.find('#')));
    out += '#';
    append_form(out, params, true);
    return out;
}

std::string with_query(std::string_view url, const std::vector<std::pair<std::string, std::string>>& params) {
    const std::size_t hash = url.find('#');
    std::string out(url.substr(0, hash));
    const std::size_t q = out.find('?');
    if (q == std::string::npos) out += '?';
    else if (q + 1 != out.size() && out.back() != '&') out += '&';
    append_form(out, params, true);
    if (hash != std::string_view::npos) out += url.substr(hash);
    return out;
}

}  // namespace basalt::auth
