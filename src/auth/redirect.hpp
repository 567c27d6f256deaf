// Where emailed links send the browser: redirect_to validation against the site URL and the
// allow-list (auth.site_url, auth.redirect_urls), and the URLs GET /auth/v1/verify redirects to
// with the session or the error in the fragment (compat reference §2.6). Pure.
//
//   RedirectPolicy policy{.site_url = "https://app.example", .allow = {"https://*.example/**"}};
//   std::string target = policy.pick(req.query_param("redirect_to"));  // site URL if not allowed
//   location = with_fragment(target, {{"access_token", at}, {"type", "magiclink"}});
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace basalt::auth {

// GoTrue-style allow-list patterns: `*` matches within one host label or path segment (not '.'
// or '/'), `**` matches anything, `?` one character; everything else literally.
bool glob_match(std::string_view pattern, std::string_view text);

struct RedirectPolicy {
    std::string site_url;            // default target; same-origin URLs are always allowed
    std::vector<std::string> allow;  // extra allowed targets (exact or glob)

    [[nodiscard]] bool allowed(std::string_view url) const;
    // The requested URL when allowed, else site_url.
    [[nodiscard]] std::string pick(std::optional<std::string_view> requested) const;
};

// "scheme://host[:port]" of an absolute http(s) URL, lower-cased; nullopt otherwise.
std::optional<std::string> url_origin(std::string_view url);

// url with its fragment replaced by the form-encoded params (keys in the given order).
std::string with_fragment(std::string_view url, const std::vector<std::pair<std::string, std::string>>& params);
// url with the form-encoded params appended to its query (before any fragment, which is kept).
std::string with_query(std::string_view url, const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace basalt::auth
