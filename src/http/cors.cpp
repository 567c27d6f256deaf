// CORS: origin matching and the headers of preflight and ordinary responses.
#include "http/cors.hpp"

#include <algorithm>
#include <cctype>

namespace basalt::http {

namespace {

// Header lists we echo back must be plain tokens: a crafted Access-Control-Request-Headers
// must not smuggle anything else into our response.
bool is_header_list(std::string_view s) {
    if (s.empty() || s.size() > 2048) return false;
    return std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == ',' || c == ' ' || c == '.';
    });
}

bool wildcard_match(std::string_view pattern, std::string_view origin) {
    auto star = pattern.find('*');
    if (star == std::string_view::npos) return pattern == origin;
    std::string_view prefix = pattern.substr(0, star), suffix = pattern.substr(star + 1);
    return origin.size() > prefix.size() + suffix.size() && origin.starts_with(prefix) &&
           origin.ends_with(suffix);
}

// Keeps a handler's own Vary values (e.g. "Accept") and adds Origin once.
void add_vary_origin(Response& response) {
    auto existing = response.headers.get("vary");
    if (!existing || existing->empty()) {
        response.headers.set("Vary", "Origin");
        return;
    }
    std::string_view v = *existing;
    for (std::size_t pos = 0; pos <= v.size();) {
        auto comma = v.find(',', pos);
        std::string_view item = v.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.size() == 6 && (item[0] == 'O' || item[0] == 'o') && item.substr(1) == "rigin") return;
        if (item == "*") return;
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    response.headers.set("Vary", std::string(v) + ", Origin");
}

}  // namespace

Cors::Cors(CorsSettings settings) : settings_(std::move(settings)) {
    any_origin_ = std::find(settings_.allowed_origins.begin(), settings_.allowed_origins.end(), "*") !=
                  settings_.allowed_origins.end();
    max_age_ = std::to_string(settings_.max_age_seconds);
}

bool Cors::origin_allowed(std::string_view origin) const {
    if (origin.empty()) return false;
    if (any_origin_) return true;
    return std::any_of(settings_.allowed_origins.begin(), settings_.allowed_origins.end(),
                       [&](const std::string& p) { return wildcard_match(p, origin); });
}

bool Cors::is_preflight(const Request& request) {
    return request.method == "OPTIONS" && request.headers.has("origin") &&
           request.headers.has("access-control-request-method");
}

void Cors::add_origin_headers(std::string_view origin, Response& response) const {
    // With credentials the wildcard is not allowed by browsers: echo the origin instead.
    if (any_origin_ && !settings_.allow_credentials) {
        response.headers.set("Access-Control-Allow-Origin", "*");
    } else {
        response.headers.set("Access-Control-Allow-Origin", origin);
    }
    if (settings_.allow_credentials) response.headers.set("Access-Control-Allow-Credentials", "true");
    add_vary_origin(response);
}

Response Cors::preflight(const Request& request) const {
    const std::string_view origin = request.headers.get("origin").value_or("");
    if (!origin_allowed(origin)) {
        Response r = Response::error(Error::forbidden("http.cors_origin_not_allowed", "Origin not allowed"),
                                     request.request_id);
        r.headers.set("Vary", "Origin");
        return r;
    }
    Response r = Response::empty(204);
    add_origin_headers(origin, r);
    r.headers.set("Access-Control-Allow-Methods", kCorsAllowMethods);
    auto requested = request.headers.get("access-control-request-headers");
    r.headers.set("Access-Control-Allow-Headers",
                  requested && is_header_list(*requested) ? *requested : kCorsDefaultAllowHeaders);
    r.headers.set("Access-Control-Max-Age", max_age_);
    return r;
}

void Cors::apply(const Request& request, Response& response) const {
    auto origin = request.headers.get("origin");
    if (!origin) return;
    if (!origin_allowed(*origin)) {
        add_vary_origin(response);
        return;
    }
    add_origin_headers(*origin, response);
    response.headers.set("Access-Control-Expose-Headers", kCorsExposeHeaders);
}

}  // namespace basalt::http
