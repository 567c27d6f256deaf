// POST /auth/v1/token: grant_type=password (email, phone or Basalt username) and
// grant_type=refresh_token (rotation with reuse detection). In cookie mode the refresh token
// may come from its HttpOnly cookie, which then needs the CSRF header. grant_type=pkce is
// dispatched to handle_pkce.cpp.
#include "auth/cookies.hpp"
#include "auth/errors.hpp"
#include "auth/service.hpp"
#include "auth/signing_keys.hpp"
#include "auth/validation.hpp"
#include "common/jwt.hpp"
#include "common/log.hpp"

namespace basalt::auth {

namespace {

template <typename T>
T get(Result<T> r) {
    return std::move(r).unwrap();
}

struct LoginIdentifier {
    IdentifierKind kind = IdentifierKind::kEmail;
    std::optional<std::string> value;  // nullopt: malformed (answered like an unknown account)
};

Error refresh_not_found() {
    return auth_error(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
}
Error refresh_already_used() {
    return auth_error(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used");
}

}  // namespace

Awaitable<http::Response> AuthService::token(Request& req) {
    const Json body = get(parse_body(req.body));
    const std::string grant(req.query_param("grant_type").value_or(""));
    if (grant == "password") co_return co_await password_grant(req, body);
    if (grant == "refresh_token") co_return co_await refresh_grant(req, body);
    if (grant == "pkce") co_return co_await pkce_grant(req, body);
    throw ErrorException(auth_error(400, "validation_failed", "unsupported_grant_type"));
}

Awaitable<http::Response> AuthService::password_grant(Request& req, const Json& body) {
    limit(sign_in_ip_.get(), req.client_ip);
    auto email = get(opt_string(body, "email"));
    auto phone = get(opt_string(body, "phone"));
    auto username = get(opt_string(body, "username"));
    auto password = get(opt_string(body, "password"));

    // Basalt extension: a username, given as "username" or in "email" (supabase-js sends what
    // the app passes; valid emails always contain '@', usernames never do).
    LoginIdentifier id;
    if (username || (email && email->find('@') == std::string::npos && !email->empty())) {
        if (!settings_.username_enabled) throw ErrorException(invalid_credentials());
        id.kind = IdentifierKind::kUsername;
        auto v = validate_username(username ? *username : *email);
        if (v) id.value = *v;
    } else if (email && !email->empty()) {
        if (!settings_.email_enabled)
            throw ErrorException(auth_error(400, "email_provider_disabled", "Email logins are disabled"));
        auto v = normalize_email(*email);
        if (v) id.value = *v;
    } else if (phone && !phone->empty()) {
        if (!settings_.phone_enabled)
            throw ErrorException(auth_error(400, "phone_provider_disabled", "Phone logins are disabled"));
        id.kind = IdentifierKind::kPhone;
        auto v = phone_of(*phone);
        if (v) id.value = *v;
    } else {
        throw ErrorException(validation_failed("missing email or phone"));
    }
    if (!password || password->empty()) throw ErrorException(invalid_credentials());

    const std::string limit_key = std::to_string(int(id.kind)) + ":" + id.value.value_or("");
    limit(sign_in_identifier_.get(), limit_key);
    std::optional<LoginRow> row;
    if (id.value) row = co_await store_.find_for_login(id.kind, *id.value);
    // Same work whether or not the account exists: unknown accounts and accounts without a
    // password still pay one bcrypt verification, so timing does not reveal which exist.
    bool ok = false;
    if (row && !row->encrypted_password.empty())
        ok = co_await hasher_->verify(*password, row->encrypted_password);
    else
        co_await hasher_->verify_dummy(*password);
    if (!ok) throw ErrorException(invalid_credentials());

    if (row->banned) throw ErrorException(auth_error(400, "user_banned", "User is banned"));
    if (id.kind == IdentifierKind::kEmail && !row->email_confirmed)
        throw ErrorException(auth_error(400, "email_not_confirmed", "Email not confirmed"));
    if (id.kind == IdentifierKind::kPhone && !row->phone_confirmed)
        throw ErrorException(auth_error(400, "phone_not_confirmed", "Phone not confirmed"));
    if (id.kind == IdentifierKind::kUsername && !row->email_confirmed && !row->phone_confirmed)
        throw ErrorException(auth_error(400, "email_not_confirmed", "Email not confirmed"));
    if (sign_in_identifier_) sign_in_identifier_->reset(limit_key);
    co_return co_await start_session(req, row->user_id, "password", "login");
}

Awaitable<http::Response> AuthService::refresh_grant(Request& req, const Json& body) {
    limit(refresh_ip_.get(), req.client_ip);
    auto token = get(opt_string(body, "refresh_token"));
    if ((!token || token->empty()) && settings_.cookies_enabled) {
        const CookieNames names = CookieNames::from(settings_);
        token = find_cookie(req.headers, names.refresh);
        if (token && !token->empty()) {
            auto decision = check_csrf(req.method, true, find_cookie(req.headers, names.csrf),
                                       req.headers.get(settings_.cookies_csrf_header));
            if (decision != CsrfDecision::kOk && decision != CsrfDecision::kNotRequired)
                throw ErrorException(auth_error(403, "csrf_failed", "CSRF token missing or invalid"));
        }
    }
    if (!token || token->empty()) throw ErrorException(validation_failed("refresh_token required"));

    const std::string hash = hash_refresh_token(*token);
    // Stored values are 64-char hashes; only shorter (imported, unhashed) tokens may match as is.
    const std::string plain = token->size() == 64 ? hash : *token;
    const SessionPolicy policy{.timebox_seconds = settings_.sessions_timebox_seconds,
                               .inactivity_timeout_seconds = settings_.sessions_inactivity_timeout_seconds,
                               .reuse_interval_seconds = settings_.refresh_token_reuse_interval_seconds};
    const std::string child = child_refresh_token(keys_->secret(), *token);
    const std::string child_hash = hash_refresh_token(child);
    const std::optional<std::string> ip = inet_or_null(req.client_ip);
    Store::Rotation rotation{.token_hash = hash,
                             .plain = plain,
                             .child_hash = child_hash,
                             .timebox_seconds = policy.timebox_seconds,
                             .inactivity_seconds = policy.inactivity_timeout_seconds,
                             .ip = ip};
    auto first = co_await store_.refresh_and_rotate(std::move(rotation));
    if (!first) throw ErrorException(refresh_not_found());
    if (first->rotated) co_return session_response(req, first->lookup.claims, first->lookup.user, child);

    // Not rotated: the rules decide why. A second look (fresh snapshot) follows a lost race,
    // where a concurrent refresh rotated the token a moment ago: a retry within the interval.
    std::optional<RefreshLookup> found = std::move(first->lookup);
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (attempt > 0) found = co_await store_.find_refresh_token(hash, plain);
        if (!found) throw ErrorException(refresh_not_found());
        switch (decide_refresh(found->row, policy, jwt::unix_now())) {
            case RefreshAction::kUserBanned:
                throw ErrorException(found->row.user_deleted ? refresh_not_found()
                                                             : auth_error(400, "user_banned", "Invalid Refresh Token: User Banned"));
            case RefreshAction::kSessionExpired:
                co_await store_.revoke_session(found->claims.session_id, found->user_id, "session_expired");
                throw ErrorException(auth_error(400, "session_expired", "Invalid Refresh Token: Session Expired"));
            case RefreshAction::kReuseDetected:
                log::warn("auth: refresh token reuse detected; revoking session {}", found->claims.session_id);
                co_await store_.revoke_session(found->claims.session_id, found->user_id, "refresh_token_reuse");
                throw ErrorException(refresh_already_used());
            case RefreshAction::kReturnActive: {
                std::optional<std::string> active;
                if (found->active_hash) active = find_descendant(keys_->secret(), *token, *found->active_hash);
                if (active) co_return session_response(req, found->claims, found->user, *active);
                break;  // the successor is not visible yet: look again
            }
            case RefreshAction::kRotate: {
                // The statement's view and the rules disagreed at a boundary (a clock tick):
                // rotate with compare-and-swap.
                const bool rotated = co_await store_.rotate_refresh_token(
                    found->token_id, found->user_id, found->claims.session_id, hash, child_hash, ip);
                if (rotated) co_return session_response(req, found->claims, found->user, child);
                break;  // lost the race: look again
            }
        }
    }
    throw ErrorException(refresh_already_used());
}

}  // namespace basalt::auth
