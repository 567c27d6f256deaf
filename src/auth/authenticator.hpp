// Request -> AuthContext for the HTTP gateway: the Bearer header, or in cookie mode the
// session cookie (dual mode), with the CSRF rule for cookie-authenticated unsafe requests.
// The lead wires `authenticate` into the gateway's auth-context hook.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "auth/cookies.hpp"
#include "auth/settings.hpp"
#include "auth/verifier.hpp"
#include "common/error.hpp"
#include "http/message.hpp"

namespace basalt::auth {

struct AuthenticatorOptions {
    // Maps an opaque (non-JWT) bearer such as an sb_publishable_/sb_secret_ key to its role;
    // nullopt = unknown key (401). Unset = opaque bearers are refused.
    std::function<std::optional<std::string>(std::string_view)> api_key_role;
};

class Authenticator {
public:
    Authenticator(const Settings& settings, Verifier verifier, AuthenticatorOptions options = {});

    // Rules, in order:
    //  1. The presented token (Bearer header, else the apikey header): a JWT carrying a user
    //     (`sub`) or a non-anon role wins; headers cannot be forged cross-site, so no CSRF.
    //  2. Cookie mode: otherwise a valid access-token cookie authenticates the request
    //     (via_cookie = true) and unsafe methods must echo the CSRF cookie in the CSRF header
    //     (403 csrf_failed). An invalid or expired cookie is ignored, not an error, so a stale
    //     cookie never breaks anonymous calls or the refresh endpoint.
    //  3. Otherwise the Bearer key's role (anon), or anon without a token.
    // A Bearer that fails verification is 401 (bad_jwt / token_expired).
    [[nodiscard]] Result<http::AuthContext> authenticate(const http::Request& request) const;

    [[nodiscard]] const Verifier& verifier() const { return verifier_; }

private:
    Result<http::AuthContext> from_bearer(std::string_view token) const;

    Verifier verifier_;
    AuthenticatorOptions options_;
    bool cookies_enabled_;
    CookieNames cookie_names_;
    std::string csrf_header_;
};

}  // namespace basalt::auth
