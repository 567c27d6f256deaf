// Bearer / cookie / CSRF resolution of the caller's identity.
#include "auth/authenticator.hpp"

#include "auth/errors.hpp"
#include "http/auth_context.hpp"

namespace basalt::auth {

namespace {
bool looks_like_jwt(std::string_view token) {
    auto d1 = token.find('.');
    return d1 != std::string_view::npos && token.find('.', d1 + 1) != std::string_view::npos;
}

std::string role_of(const Json& claims) {
    auto it = claims.find("role");
    // PostgREST's rule: a token without a role claim runs as the anonymous role.
    return it != claims.end() && it->is_string() && !it->get_ref<const std::string&>().empty()
               ? it->get<std::string>()
               : std::string("anon");
}

bool carries_user(const http::AuthContext& ctx) {
    return !ctx.user_id().empty() || (ctx.role != "anon" && ctx.has_token);
}
}  // namespace

Authenticator::Authenticator(const Settings& settings, Verifier verifier, AuthenticatorOptions options)
    : verifier_(std::move(verifier)),
      options_(std::move(options)),
      cookies_enabled_(settings.cookies_enabled),
      cookie_names_(CookieNames::from(settings)),
      csrf_header_(settings.cookies_csrf_header) {}

Result<http::AuthContext> Authenticator::from_bearer(std::string_view token) const {
    http::AuthContext ctx;
    if (looks_like_jwt(token)) {
        auto claims = verifier_.verify(token);
        if (!claims) return claims.error();
        ctx.role = role_of(*claims);
        ctx.claims = std::move(*claims);
    } else {
        std::optional<std::string> role;
        if (options_.api_key_role) role = options_.api_key_role(token);
        if (!role) return Error::unauthorized("bad_jwt", "Invalid API key or token");
        ctx.role = *role;
        ctx.claims = Json{{"role", *role}};
    }
    ctx.token = std::string(token);
    ctx.has_token = true;
    return ctx;
}

Result<http::AuthContext> Authenticator::authenticate(const http::Request& request) const {
    http::AuthContext ctx;
    if (auto bearer = http::presented_token(request)) {
        auto from = from_bearer(*bearer);
        if (!from) return from.error();
        ctx = std::move(*from);
        if (carries_user(ctx)) return ctx;
    }
    if (!cookies_enabled_) return ctx;
    auto cookie = find_cookie(request.headers, cookie_names_.access);
    if (!cookie || cookie->empty()) return ctx;
    auto claims = verifier_.verify(*cookie);
    if (!claims) return ctx;  // stale cookie: behave as if absent
    const auto decision = check_csrf(request.method, true, find_cookie(request.headers, cookie_names_.csrf),
                                     request.headers.get(csrf_header_));
    if (decision == CsrfDecision::kMissing || decision == CsrfDecision::kMismatch)
        return auth_error(403, "csrf_failed",
                          decision == CsrfDecision::kMissing ? "CSRF token missing: send the CSRF cookie's value in the " + csrf_header_ + " header"
                                                             : "CSRF token mismatch");
    http::AuthContext cookie_ctx;
    cookie_ctx.role = role_of(*claims);
    cookie_ctx.claims = std::move(*claims);
    cookie_ctx.token = std::move(*cookie);
    cookie_ctx.has_token = true;
    cookie_ctx.via_cookie = true;
    return cookie_ctx;
}

}  // namespace basalt::auth
