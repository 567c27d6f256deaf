// The auth service behind /auth/v1 (GoTrue dialect, so supabase-js works unmodified): sign-up,
// password and refresh-token grants, one-time codes and emailed links (otp, verify, resend,
// recover, invite, confirmations), the user endpoints, logout, settings, JWKS and the admin
// user API. Built once by app/ with its settings and the pool; other modules only get its
// Verifier / authenticate(). Messages go out through messaging's outbox (public API only).
//
//   auth::AuthService auth(cfg.auth, pool, {.rate_limits = cfg.rate_limits,
//                                           .external_url = public_url,
//                                           .smtp = cfg.smtp, .sms = cfg.sms, .conninfo = conninfo});
//   auth.register_routes(router);
//   auth.start();  // the expired-code cleanup; auth.stop() before the pool goes
//   server_options.authenticate = [&](const http::Request& r) { return auth.authenticate(r); };
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "auth/authenticator.hpp"
#include "auth/one_time_code.hpp"
#include "auth/password.hpp"
#include "auth/pkce.hpp"
#include "auth/redirect.hpp"
#include "auth/settings.hpp"
#include "auth/store.hpp"
#include "auth/verifier.hpp"
#include "db/pool.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"
#include "http/settings.hpp"
#include "messaging/settings.hpp"

namespace basalt::auth {

class SigningKeys;
class CodeJanitor;

struct ServiceOptions {
    http::RateLimitSettings rate_limits;  // `enabled: false` turns the auth limiters off too
    std::string external_url;             // public base URL; access tokens get iss <url>/auth/v1
    AuthenticatorOptions authenticator;   // opaque API keys (sb_publishable_/sb_secret_)
    // Message transport settings: templates, and whether email / SMS can be delivered at all
    // (if not, confirmation is skipped and codes land in the development mailbox).
    messaging::SmtpSettings smtp;
    messaging::SmsSettings sms;
    std::string conninfo;  // for the expired-code cleanup; empty = no cleanup job
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
    // Background work (expired one-time code cleanup). stop() joins it; call before the pool
    // is closed. Both are idempotent.
    void start();
    void stop();

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
    // handle_pkce.cpp
    Awaitable<Response> pkce_grant(Request& req, const Json& body);
    // handle_otp.cpp: requests that send a code (and link)
    Awaitable<Response> otp(Request& req);
    Awaitable<Response> recover(Request& req);
    Awaitable<Response> resend(Request& req);
    Awaitable<Response> invite(Request& req);
    // handle_verify.cpp: redeeming a code (POST) or a link (GET, redirects)
    Awaitable<Response> verify(Request& req);
    Awaitable<Response> verify_link(Request& req);
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
    // handle_admin_generate_link.cpp
    Awaitable<Response> admin_generate_link(Request& req);

    // session_issue.cpp: new session for a user and the response carrying it.
    struct IssuedSession {
        Json body;                         // GoTrue's session object
        std::vector<std::string> cookies;  // Set-Cookie values in cookie mode
    };
    Awaitable<IssuedSession> issue_session(Request& req, const std::string& user_id, const std::string& amr_method,
                                           const std::string& audit_action);
    IssuedSession make_session(const SessionClaims& claims, const Json& user, const std::string& refresh_token);
    static Response session_json(const IssuedSession& issued);  // 200, no-store, cookies
    Awaitable<Response> start_session(Request& req, const std::string& user_id, const std::string& amr_method,
                                      const std::string& audit_action);
    Response session_response(const Request& req, const SessionClaims& claims, const Json& user,
                              const std::string& refresh_token);

    // send_code.cpp: a new code (and link) for a user, committed with its message.
    struct CodeRequest {
        std::string user_id;
        CodePurpose purpose = CodePurpose::kMagicLink;
        messaging::Channel channel = messaging::Channel::kEmail;
        std::string recipient;     // normalised email, or phone digits
        std::string email;         // the user's current email (templates' .Email)
        std::string redirect_to;   // already validated
        std::optional<PkceChallenge> pkce;  // emailed link of a PKCE flow: opening it gives ?code=
    };
    // A fresh code and link token for a request (nothing stored yet): what a message carries
    // and the row put_code stores. Shared by send_code and the admin's generate_link.
    struct NewLinkCode {
        std::string code;         // the digits a user types (email_otp)
        std::string link_token;   // the link's secret (token_hash; only its hash is stored)
        std::string type;         // the /verify type of the link
        std::string action_link;  // <verify url>?token=...&type=...&redirect_to=...
        NewCode row;
    };
    NewLinkCode make_code(const CodeRequest& request) const;
    // Returns the outbox id. Throws 429 over_email_send_rate_limit / over_sms_send_rate_limit
    // while the recipient's send interval runs.
    Awaitable<std::int64_t> send_code(const CodeRequest& request);
    // The redirect target a request asks for (?redirect_to=), if allowed, else the site URL.
    std::string redirect_target(const Request& req) const;
    // handle_verify.cpp: consumes a code (by address) or link token; returns the user id. With
    // pkce (a link only), the link's PKCE flow gets its auth code in the same transaction
    // (400 flow_state_not_found, nothing consumed, when it has none).
    Awaitable<std::string> redeem(const VerifyType& type, const std::string& address, const std::string& secret,
                                  bool link, bool pkce = false);
    // Phones as auth.users stores them (E.164 digits, no '+'), sms.default_country_code applied.
    Result<std::string> phone_of(std::string_view text) const;
    // A user for a first sign-in by code: unconfirmed, no password. Returns its id (also when
    // a concurrent request created it first).
    Awaitable<std::string> create_passwordless_user(Request& req, IdentifierKind kind, const std::string& address,
                                                    const Json& metadata);

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
    std::unique_ptr<http::RateLimiter> send_ip_, verify_ip_;
    // Confirmation is required only when it can be delivered (see Settings::email_autoconfirm).
    bool email_autoconfirm_ = true, phone_autoconfirm_ = true;
    std::string code_key_;     // HMAC key for one-time codes (derived from the server secret)
    RedirectPolicy redirects_;
    std::string verify_url_;   // <public url>/auth/v1/verify, the base of emailed links
    std::unique_ptr<CodeJanitor> janitor_;
};

}  // namespace basalt::auth
