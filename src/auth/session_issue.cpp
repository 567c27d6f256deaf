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

Awaitable<AuthService::IssuedSession> AuthService::issue_session(Request& req, const std::string& user_id,
                                                                 const std::string& amr_method,
                                                                 const std::string& audit_action) {
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
    co_return make_session(created.claims, created.user, refresh);
}

AuthService::IssuedSession AuthService::make_session(const SessionClaims& claims, const Json& user,
                                                     const std::string& refresh_token) {
    const std::int64_t now = jwt::unix_now();
    const std::int64_t expiry = settings_.jwt_expiry_seconds;
    const Json access_claims = build_claims(
        user, claims, {.issuer = issuer_, .audience = settings_.jwt_aud, .now = now, .expiry_seconds = expiry});
    std::string access = keys_->sign(access_claims);
    IssuedSession out;
    if (settings_.cookies_enabled)
        out.cookies = session_cookies(settings_, access, expiry, refresh_token, crypto::random_token(32));
    out.body = session_body(std::move(access), expiry, now + expiry, refresh_token, user);
    return out;
}

http::Response AuthService::session_json(const IssuedSession& issued) {
    http::Response res = http::Response::json(200, issued.body);
    res.headers.set("Cache-Control", "no-store");
    for (const auto& cookie : issued.cookies) res.headers.add("Set-Cookie", cookie);
    return res;
}

Awaitable<http::Response> AuthService::start_session(Request& req, const std::string& user_id,
                                                     const std::string& amr_method, const std::string& audit_action) {
    co_return session_json(co_await issue_session(req, user_id, amr_method, audit_action));
}

http::Response AuthService::session_response(const Request&, const SessionClaims& claims, const Json& user,
                                             const std::string& refresh_token) {
    return session_json(make_session(claims, user, refresh_token));
}

}  // namespace basalt::auth
