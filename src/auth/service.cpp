// AuthService construction, route table and the helpers every handler shares (error shape,
// caller identity, admin check, rate limits).
#include "auth/service.hpp"

#include <algorithm>
#include <chrono>

#include "auth/code_janitor.hpp"
#include "auth/errors.hpp"
#include "auth/signing_keys.hpp"
#include "auth/validation.hpp"
#include "common/log.hpp"

namespace basalt::auth {

namespace {

std::shared_ptr<const SigningKeys> load_keys(const Settings& s) {
    auto keys = SigningKeys::load(s);
    if (!keys) throw ErrorException(keys.error());
    return *keys;
}

PasswordPolicy load_policy(const Settings& s) {
    auto policy = PasswordPolicy::from(s.password_min_length, s.password_required_characters);
    if (!policy) throw ErrorException(policy.error());
    return *policy;
}

std::unique_ptr<http::RateLimiter> per_minute(bool enabled, std::int64_t n) {
    if (!enabled) return nullptr;
    return std::make_unique<http::RateLimiter>(
        http::RateLimiter::Options{.per_second = double(n) / 60.0, .burst = n});
}

std::string without_trailing_slash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

std::string issuer_for(const Settings& s, const std::string& external_url) {
    if (external_url.empty()) return s.jwt_issuer;
    return without_trailing_slash(external_url) + "/auth/v1";
}

// Runs a handler, giving every response the API-version header and every failure the GoTrue
// error shape. A free coroutine (not a capturing lambda) so nothing it uses can dangle.
Awaitable<http::Response> run_handler(AuthService* self, Awaitable<http::Response> (AuthService::*member)(http::Request&),
                                      http::Request& req) {
    std::optional<Error> failure;
    try {
        http::Response res = co_await (self->*member)(req);
        res.headers.set(kApiVersionHeader, kApiVersion);
        co_return res;
    } catch (const ErrorException& e) {
        failure = e.error();
    } catch (const std::exception& e) {
        failure = Error::internal_error(e.what());
    }
    co_return error_response(*failure, req.request_id);
}

}  // namespace

AuthService::AuthService(const Settings& settings, db::Pool& pool, ServiceOptions options)
    : settings_(settings),
      options_(std::move(options)),
      keys_(load_keys(settings_)),
      verifier_(keys_),
      authenticator_(settings_, verifier_, options_.authenticator),
      policy_(load_policy(settings_)),
      hasher_(std::make_unique<PasswordHasher>(int(settings_.password_bcrypt_cost),
                                               std::size_t(settings_.password_hash_threads))),
      store_(pool),
      issuer_(issuer_for(settings_, options_.external_url)) {
    const bool on = options_.rate_limits.enabled;
    sign_in_ip_ = per_minute(on, settings_.rate_limit_sign_in_per_ip);
    sign_in_identifier_ = per_minute(on, settings_.rate_limit_sign_in_per_identifier);
    sign_up_ip_ = per_minute(on, settings_.rate_limit_sign_up_per_ip);
    refresh_ip_ = per_minute(on, settings_.rate_limit_token_refresh_per_ip);
    send_ip_ = per_minute(on, settings_.rate_limit_send_per_ip);
    verify_ip_ = per_minute(on, settings_.rate_limit_verify_per_ip);

    email_autoconfirm_ = settings_.email_autoconfirm || !messaging::email_configured(options_.smtp);
    phone_autoconfirm_ = settings_.phone_autoconfirm || !messaging::sms_configured(options_.sms);
    code_key_ = code_key(keys_->secret());
    const std::string base = without_trailing_slash(options_.external_url);
    redirects_ = RedirectPolicy{.site_url = settings_.site_url.empty() ? (base.empty() ? "/" : base) : settings_.site_url,
                                .allow = settings_.redirect_urls};
    verify_url_ = base + "/auth/v1/verify";
    janitor_ = std::make_unique<CodeJanitor>(CodeJanitor::Options{
        .conninfo = options_.conninfo,
        .interval = std::chrono::seconds(settings_.otp_cleanup_interval_seconds),
        .keep_seconds = std::max(settings_.otp_email_send_interval_seconds, settings_.otp_sms_send_interval_seconds)});
}

AuthService::~AuthService() { stop(); }

void AuthService::start() { janitor_->start(); }
void AuthService::stop() { janitor_->stop(); }

http::Handler AuthService::wrap(Member member) {
    return [this, member](http::Request& req) { return run_handler(this, member, req); };
}

void AuthService::register_routes(http::Router& router) {
    // Auth bodies are small JSON documents; a tight limit keeps abuse cheap.
    const http::RouteOptions keyed{.requires_apikey = true, .max_body_bytes = 256 * 1024};
    const http::RouteOptions open{.requires_apikey = false, .max_body_bytes = 1024};
    router.add("POST", "/auth/v1/signup", wrap(&AuthService::signup), keyed);
    router.add("POST", "/auth/v1/token", wrap(&AuthService::token), keyed);
    router.add("POST", "/auth/v1/otp", wrap(&AuthService::otp), keyed);
    router.add("POST", "/auth/v1/verify", wrap(&AuthService::verify), keyed);
    // Opened from an email: a browser sends no apikey.
    router.add("GET", "/auth/v1/verify", wrap(&AuthService::verify_link), open);
    router.add("POST", "/auth/v1/resend", wrap(&AuthService::resend), keyed);
    router.add("POST", "/auth/v1/recover", wrap(&AuthService::recover), keyed);
    router.add("POST", "/auth/v1/invite", wrap(&AuthService::invite), keyed);
    router.add("GET", "/auth/v1/user", wrap(&AuthService::get_user), keyed);
    router.add("PUT", "/auth/v1/user", wrap(&AuthService::put_user), keyed);
    router.add("POST", "/auth/v1/logout", wrap(&AuthService::logout), keyed);
    router.add("GET", "/auth/v1/settings", wrap(&AuthService::settings), keyed);
    router.add("GET", "/auth/v1/health", wrap(&AuthService::health), open);
    router.add("GET", "/auth/v1/.well-known/jwks.json", wrap(&AuthService::jwks), open);
    router.add("GET", "/auth/v1/admin/users", wrap(&AuthService::admin_list_users), keyed);
    router.add("POST", "/auth/v1/admin/users", wrap(&AuthService::admin_create_user), keyed);
    router.add("GET", "/auth/v1/admin/users/:id", wrap(&AuthService::admin_get_user), keyed);
    router.add("PUT", "/auth/v1/admin/users/:id", wrap(&AuthService::admin_update_user), keyed);
    router.add("DELETE", "/auth/v1/admin/users/:id", wrap(&AuthService::admin_delete_user), keyed);
    router.add("POST", "/auth/v1/admin/generate_link", wrap(&AuthService::admin_generate_link), keyed);
}

const http::AuthContext& AuthService::caller(Request& req) const {
    if (!req.auth.has_token) {
        // The gateway may run a bearer-only hook; resolve cookies (and CSRF) here too.
        auto ctx = authenticator_.authenticate(req);
        if (!ctx) throw ErrorException(ctx.error());
        req.auth = std::move(*ctx);
    }
    return req.auth;
}

AuthService::CurrentUser AuthService::require_user(Request& req) const {
    const http::AuthContext& ctx = caller(req);
    if (!ctx.has_token) throw ErrorException(no_authorization());
    CurrentUser out{ctx.user_id(), {}};
    if (out.id.empty() || !is_uuid(out.id))
        throw ErrorException(auth_error(403, "bad_jwt", "invalid claim: missing sub claim"));
    auto sid = ctx.claims.find("session_id");
    if (sid != ctx.claims.end() && sid->is_string()) out.session_id = sid->get<std::string>();
    if (!out.session_id.empty() && !is_uuid(out.session_id))
        throw ErrorException(auth_error(403, "bad_jwt", "invalid claim: session_id is not a UUID"));
    return out;
}

void AuthService::require_admin(Request& req) const {
    const http::AuthContext& ctx = caller(req);
    if (!ctx.has_token) throw ErrorException(no_authorization());
    if (ctx.role != "service_role" && ctx.role != "supabase_admin") throw ErrorException(not_admin());
}

Result<std::string> AuthService::phone_of(std::string_view text) const {
    return normalize_phone(text, options_.sms.default_country_code);
}

void AuthService::limit(http::RateLimiter* limiter, const std::string& key) const {
    if (limiter == nullptr) return;
    if (!limiter->consume(key, http::RateLimiter::Clock::now()).allowed) throw ErrorException(over_rate_limit());
}

}  // namespace basalt::auth
