// Issuing a session: the auth.sessions row (with its first refresh token), the signed access
// token, the GoTrue session body and, in cookie mode, the session cookies with a fresh CSRF
// token (it rotates with every issued session and refresh).
#include <algorithm>

#include "auth/cookies.hpp"
#include "auth/service.hpp"
#include "auth/signing_keys.hpp"
#include "auth/validation.hpp"
#include "common/crypto.hpp"
#include "common/jwt.hpp"

namespace basalt::auth {

Awaitable<http::Response> AuthService::start_session(Request& req, const std::string& user_id,
                                                     const std::string& amr_method, const std::string& audit_action) {
    const std::string refresh = new_refresh_token();
    std::string agent(req.headers.get("user-agent").value_or(""));
    agent.resize(std::min<std::size_t>(agent.size(), 512));
    NewSession session{.user_id = user_id,
                       .amr_method = amr_method,
                       .audit_action = audit_action,
                       .user_agent = std::move(agent),
                       .ip = inet_or_null(req.client_ip),
                       .timebox_seconds = settings_.sessions_timebox_seconds,
                       .refresh_token_hash = hash_refresh_token(refresh)};
    CreatedSession created = co_await store_.create_session(std::move(session));
    co_return session_response(req, created.claims, created.user, refresh);
}

http::Response AuthService::session_response(const Request& req, const SessionClaims& claims, const Json& user,
                                             const std::string& refresh_token) {
    const std::int64_t now = jwt::unix_now();
    const std::int64_t expiry = settings_.jwt_expiry_seconds;
    const Json access_claims = build_claims(
        user, claims, {.issuer = issuer_, .audience = settings_.jwt_aud, .now = now, .expiry_seconds = expiry});
    std::string access = keys_->sign(access_claims);
    http::Response res = http::Response::json(200, session_body(access, expiry, now + expiry, refresh_token, user));
    res.headers.set("Cache-Control", "no-store");
    if (settings_.cookies_enabled)
        for (const auto& cookie : session_cookies(settings_, access, expiry, refresh_token, crypto::random_token(32)))
            res.headers.add("Set-Cookie", cookie);
    return res;
}

}  // namespace basalt::auth
