// POST /auth/v1/token?grant_type=pkce (supabase-js exchangeCodeForSession): the auth code an
// opened PKCE link redirected with, plus the code_verifier the client kept, for a session.
// The code is single use (its flow row is locked and deleted) and expires
// auth.flow_state_expiry_seconds after the link was opened. GoTrue's answers: 404
// flow_state_not_found, 422 flow_state_expired, 400 bad_code_verifier (the flow survives a
// wrong verifier, as in GoTrue: guessing a verifier for a 256-bit challenge is hopeless).
#include "auth/errors.hpp"
#include "auth/service.hpp"
#include "auth/validation.hpp"

namespace basalt::auth {

Awaitable<http::Response> AuthService::pkce_grant(Request& req, const Json& body) {
    limit(verify_ip_.get(), req.client_ip);
    const std::string code = non_empty(opt_string(body, "auth_code").unwrap()).value_or("");
    const std::string verifier = non_empty(opt_string(body, "code_verifier").unwrap()).value_or("");
    if (code.empty() || verifier.empty())
        throw ErrorException(validation_failed("invalid request: both auth code and code verifier should be non-empty"));

    std::optional<FlowStateRow> flow;
    {
        auto tx = co_await store_.begin();
        flow = co_await store_.lock_flow_state(*tx, hash_link_token(code));
        if (!flow)
            throw ErrorException(auth_error(404, "flow_state_not_found", "invalid flow state, no valid flow state found"));
        if (flow->expired) {
            co_await store_.delete_flow_state(*tx, flow->id);
            co_await tx->commit();
            throw ErrorException(auth_error(422, "flow_state_expired", "invalid flow state, flow state has expired"));
        }
        if (!pkce_verifier_matches(flow->code_challenge, flow->code_challenge_method, verifier))
            throw ErrorException(auth_error(400, "bad_code_verifier",
                                            "code challenge does not match previously saved code verifier"));
        if (flow->banned) throw ErrorException(auth_error(400, "user_banned", "User is banned"));
        co_await store_.delete_flow_state(*tx, flow->id);
        co_await tx->commit();
    }
    co_return co_await start_session(req, flow->user_id, flow->authentication_method, "login");
}

}  // namespace basalt::auth
