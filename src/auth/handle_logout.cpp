// POST /auth/v1/logout?scope=global|local|others: deletes sessions (their refresh tokens go
// with them). Cookie mode also clears the session cookies; CSRF was checked when the cookie
// authenticated the request.
#include "auth/cookies.hpp"
#include "auth/errors.hpp"
#include "auth/service.hpp"

namespace basalt::auth {

Awaitable<http::Response> AuthService::logout(Request& req) {
    const std::string scope(req.query_param("scope").value_or("global"));
    Store::LogoutScope which;
    if (scope == "global" || scope.empty()) which = Store::LogoutScope::kGlobal;
    else if (scope == "local") which = Store::LogoutScope::kLocal;
    else if (scope == "others") which = Store::LogoutScope::kOthers;
    else throw ErrorException(validation_failed("Unsupported logout scope \"" + scope + "\""));

    const CurrentUser me = require_user(req);
    if (!me.session_id.empty() || which == Store::LogoutScope::kGlobal)
        co_await store_.logout(me.id, me.session_id, which);
    http::Response res = http::Response::empty(204);
    if (settings_.cookies_enabled && which != Store::LogoutScope::kOthers)
        for (const auto& cookie : clear_session_cookies(settings_)) res.headers.add("Set-Cookie", cookie);
    co_return res;
}

}  // namespace basalt::auth
