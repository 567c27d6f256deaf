// Bearer/apikey extraction and the default JWT-based authenticator.
#include "http/auth_context.hpp"

#include <cctype>

namespace basalt::http {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<std::string_view> bearer(const Request& request) {
    auto auth = request.headers.get("authorization");
    if (!auth) return std::nullopt;
    std::string_view v = trim(*auth);
    constexpr std::string_view kScheme = "bearer ";
    if (v.size() <= kScheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(v[i])) != kScheme[i]) return std::nullopt;
    }
    std::string_view token = trim(v.substr(kScheme.size()));
    if (token.empty()) return std::nullopt;
    return token;
}

}  // namespace

std::optional<std::string_view> presented_token(const Request& request) {
    if (auto t = bearer(request)) return t;
    if (auto key = request.headers.get("apikey")) {
        std::string_view k = trim(*key);
        if (!k.empty()) return k;
    }
    return std::nullopt;
}

bool has_api_key(const Request& request) { return presented_token(request).has_value(); }

Authenticator make_bearer_authenticator(TokenVerifier verify) {
    return [verify = std::move(verify)](const Request& request) -> Result<AuthContext> {
        AuthContext ctx;
        auto token = presented_token(request);
        if (!token) return ctx;  // anonymous
        Result<Json> claims = verify(*token);
        if (!claims) return claims.error();
        ctx.claims = std::move(claims).value();
        if (!ctx.claims.is_object()) ctx.claims = Json::object();
        if (auto it = ctx.claims.find("role"); it != ctx.claims.end() && it->is_string()) {
            ctx.role = it->get<std::string>();
        }
        ctx.token = std::string(*token);
        ctx.has_token = true;
        return ctx;
    };
}

}  // namespace basalt::http
