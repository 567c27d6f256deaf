// The auth service behind /auth/v1 (GoTrue dialect, so supabase-js works unmodified): sign-up,
// password and refresh-token grants, the user endpoints, logout, settings, JWKS and the admin
// user API. Built once by app/ with its settings and the pool; other modules only get its
// Verifier / authenticate().
//
//   auth::AuthService auth(cfg.auth, pool, {.rate_limits = cfg.rate_limits,
//                                           .external_url = public_url});
//   auth.register_routes(router);
//   server_options.authenticate = [&](const http::Request& r) { return auth.authenticate(r); };
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "auth/authenticator.hpp"
#include "auth/password.hpp"
#include "auth/settings.hpp"
#include "auth/store.hpp"
#include "auth/verifier.hpp"
#include "db/pool.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"
#include "http/settings.hpp"

namespace basalt::auth {

class SigningKeys;

struct ServiceOptions {
    http::RateLimitSettings rate_limits;  // `enabled: false` turns the auth limiters off too
    std::string external_url;             // public base URL; access tokens get iss <url>/auth/v1
    AuthenticatorOptions authenticator;   // opaque API keys (sb_publishable_/sb_secret_)
};

class AuthService {
public:
    // Throws ErrorException (config.invalid) for unusable settings: short secret, unreadable or
    // mismatched key files, unknown password character classes.
    AuthService(const Settings& settings, db::Pool& pool, ServiceOptions options = {});
    ~AuthService();
    AuthService(const AuthService&) = delete;
    AuthService& operator=(const AuthService&) = delete;

    void register_routes(http::Router& router);

    [[nodiscard]] const Verifier& verifier() const { return verifier_; }
    // Bearer / cookie + CSRF identity of a request; the gateway's auth-context hook.
    [[nodiscard]] Result<http::AuthContext> authenticate(const http::Request& request) const {
        return authenticator_.authenticate(request);
    }

private:
    using Response = http::Response;
    using Request = http::Request;
    using Member = Awaitable<Response> (AuthService::*)(Request&);
    http::Handler wrap(Member member);

    // handle_signup.cpp
    Awaitable<Response> signup(Request& req);
    Awaitable<Response> signup_anonymous(Request& req, const Json& body);
    // handle_token.cpp
    Awaitable<Response> token(Request& req);
    Awaitable<Response> password_grant(Request& req, const Json& body);
    Awaitable<Response> refresh_grant(Request& req, const Json& body);
    // handle_user.cpp
    Awaitable<Response> get_user(Request& req);
    Awaitable<Response> put_user(Request& req);
    // handle_logout.cpp
    Awaitable<Response> logout(Request& req);
    // handle_settings.cpp
    Awaitable<Response> settings(Request& req);
    Awaitable<Response> health(Request& req);
    Awaitable<Response> jwks(Request& req);
    // handle_admin_users.cpp
    Awaitable<Response> admin_list_users(Request& req);
    Awaitable<Response> admin_create_user(Request& req);
    Awaitable<Response> admin_get_user(Request& req);
    Awaitable<Response> admin_update_user(Request& req);
    Awaitable<Response> admin_delete_user(Request& req);

    // session_issue.cpp: new session for a user and the response carrying it.
    Awaitable<Response> start_session(Request& req, const std::string& user_id, const std::string& amr_method,
                                      const std::string& audit_action);
    Response session_response(const Request& req, const SessionClaims& claims, const Json& user,
                              const std::string& refresh_token);

    // The caller's identity (gateway's, else resolved here); requires a user token.
    const http::AuthContext& caller(Request& req) const;
    struct CurrentUser {
        std::string id;
        std::string session_id;
    };
    CurrentUser require_user(Request& req) const;
    void require_admin(Request& req) const;
    // 429 when a limiter (if enabled) refuses `key`.
    void limit(http::RateLimiter* limiter, const std::string& key) const;

    Settings settings_;
    ServiceOptions options_;
    std::shared_ptr<const SigningKeys> keys_;
    Verifier verifier_;
    Authenticator authenticator_;
    PasswordPolicy policy_;
    std::unique_ptr<PasswordHasher> hasher_;
    Store store_;
    std::string issuer_;
    std::unique_ptr<http::RateLimiter> sign_in_ip_, sign_in_identifier_, sign_up_ip_, refresh_ip_;
};

}  // namespace basalt::auth
