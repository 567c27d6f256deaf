// Auth options (config section "auth"): tokens and signing keys, sign-up and password policy,
// one-time codes and emailed links, sessions and refresh rotation, cookie mode with CSRF, and
// the auth-specific rate limits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/settings_field.hpp"

namespace basalt::auth {

struct Settings {
    // Tokens. HS256 with jwt_secret is the default; RS256/ES256 sign with a PEM private key
    // and publish the public half at /auth/v1/.well-known/jwks.json. HS256 tokens signed with
    // jwt_secret (the anon/service API keys) are always accepted.
    std::string jwt_secret;            // empty = generated on first run, kept in <data-dir>
    std::int64_t jwt_expiry_seconds = 3600;
    std::string jwt_issuer = "basalt";
    std::string jwt_aud = "authenticated";
    std::string jwt_algorithm = "HS256";
    std::string jwt_private_key_file;  // PEM (RSA for RS256, P-256 for ES256)
    std::string jwt_key_id;            // kid; empty = derived from the public key
    std::vector<std::string> jwt_verify_key_files;  // extra public PEMs still accepted (rotation)

    // Sign-up and identifiers.
    bool disable_signup = false;
    bool email_enabled = true;
    // Confirmation is only asked for when it can be delivered: without smtp.host (sms.provider
    // none) sign-ups are confirmed at once whatever these say.
    bool email_autoconfirm = false;
    bool phone_enabled = true;
    bool phone_autoconfirm = false;
    bool anonymous_enabled = false;
    bool username_enabled = true;      // Basalt extension: unique username usable to sign in

    // Emailed links: GET /auth/v1/verify redirects to redirect_to when it is allowed (same
    // origin as site_url, or matching redirect_urls), else to site_url.
    std::string site_url;                    // empty = server.public_url
    std::vector<std::string> redirect_urls;  // exact URLs or globs (* within a segment, ** any)

    // One-time codes (email OTP and magic links, SMS OTP, confirmations, recovery).
    std::int64_t otp_length = 6;
    std::int64_t otp_email_lifetime_seconds = 3600;
    std::int64_t otp_sms_lifetime_seconds = 300;
    std::int64_t otp_max_attempts = 5;                 // wrong codes before a code is dead
    std::int64_t otp_email_send_interval_seconds = 60;  // per recipient; 0 = no limit
    std::int64_t otp_sms_send_interval_seconds = 60;
    std::int64_t otp_cleanup_interval_seconds = 600;    // deleting expired codes
    // PKCE (supabase-js flowType 'pkce'): how long the auth code of an opened link can be
    // exchanged (POST /token?grant_type=pkce). GoTrue's default.
    std::int64_t flow_state_expiry_seconds = 300;

    // Passwords.
    std::int64_t password_min_length = 6;
    std::vector<std::string> password_required_characters;  // any of lower, upper, digit, symbol
    std::int64_t password_bcrypt_cost = 10;
    std::int64_t password_hash_threads = 0;  // 0 = one per core

    // Sessions and refresh tokens.
    std::int64_t sessions_timebox_seconds = 0;            // 0 = sessions never hit a hard limit
    std::int64_t sessions_inactivity_timeout_seconds = 0; // 0 = no inactivity limit
    std::int64_t refresh_token_reuse_interval_seconds = 10;

    // Cookie mode: token responses also set HttpOnly cookies; cookie-authenticated unsafe
    // requests must echo the readable CSRF cookie in the CSRF header (double submit).
    bool cookies_enabled = false;
    std::string cookies_name = "basalt";  // prefix: <name>-access-token, -refresh-token, -csrf-token
    std::string cookies_domain;
    std::string cookies_path = "/";
    bool cookies_secure = true;
    std::string cookies_same_site = "Lax";
    std::int64_t cookies_max_age_seconds = 30 * 24 * 3600;  // refresh and CSRF cookie lifetime
    std::string cookies_csrf_header = "X-CSRF-Token";

    // Abuse resistance (token buckets per minute; all off with rate_limits.enabled: false).
    std::int64_t rate_limit_sign_in_per_ip = 30;
    std::int64_t rate_limit_sign_in_per_identifier = 10;
    std::int64_t rate_limit_sign_up_per_ip = 30;
    std::int64_t rate_limit_token_refresh_per_ip = 150;
    std::int64_t rate_limit_send_per_ip = 30;    // /otp, /recover, /resend
    std::int64_t rate_limit_verify_per_ip = 30;  // /verify

    template <typename V>
    static void visit(Settings& s, V&& v) {
        v("jwt_secret", s.jwt_secret, {.secret = true, .help = "HS256 secret for API keys and access tokens (>= 32 chars)"});
        v("jwt_expiry_seconds", s.jwt_expiry_seconds, {.min = 30, .max = 604800, .help = "access token lifetime"});
        v("jwt_issuer", s.jwt_issuer, {.help = "iss claim of API keys (access tokens use <public_url>/auth/v1 when known)"});
        v("jwt_aud", s.jwt_aud, {.help = "aud claim of access tokens"});
        v("jwt_algorithm", s.jwt_algorithm, {.one_of = {"HS256", "RS256", "ES256"}, .help = "access token signing algorithm"});
        v("jwt_private_key_file", s.jwt_private_key_file, {.help = "PEM private key for RS256/ES256"});
        v("jwt_key_id", s.jwt_key_id, {.help = "kid of the signing key; empty = derived from the key"});
        v("jwt_verify_key_files", s.jwt_verify_key_files, {.help = "extra PEM public keys still accepted (key rotation)"});

        v("disable_signup", s.disable_signup, {.help = "refuse new sign-ups (admin API still creates users)"});
        v("email.enabled", s.email_enabled, {.help = "allow email + password sign-up and sign-in"});
        v("email.autoconfirm", s.email_autoconfirm, {.help = "treat new emails as confirmed (no confirmation mail); always so without smtp.host"});
        v("phone.enabled", s.phone_enabled, {.help = "allow phone + password sign-up and sign-in"});
        v("phone.autoconfirm", s.phone_autoconfirm, {.help = "treat new phone numbers as confirmed (no SMS); always so with sms.provider none"});
        v("anonymous.enabled", s.anonymous_enabled, {.help = "allow anonymous sign-ins"});
        v("username.enabled", s.username_enabled, {.help = "allow a unique username per user and signing in with it"});

        v("site_url", s.site_url, {.help = "where emailed links land by default; empty = server.public_url"});
        v("redirect_urls", s.redirect_urls, {.help = "other allowed redirect_to targets: URLs or globs (* within a segment, ** anything)"});

        v("otp.length", s.otp_length, {.min = 6, .max = 10, .help = "digits in a one-time code"});
        v("otp.email_lifetime_seconds", s.otp_email_lifetime_seconds, {.min = 1, .max = 86400, .help = "how long emailed codes and links stay valid"});
        v("otp.sms_lifetime_seconds", s.otp_sms_lifetime_seconds, {.min = 1, .max = 86400, .help = "how long SMS codes stay valid"});
        v("otp.max_attempts", s.otp_max_attempts, {.min = 1, .max = 100, .help = "wrong guesses before a code (and its link) stops working"});
        v("otp.email_send_interval_seconds", s.otp_email_send_interval_seconds, {.min = 0, .max = 86400, .help = "minimum time between two emails with a code to one address; 0 = no limit"});
        v("otp.sms_send_interval_seconds", s.otp_sms_send_interval_seconds, {.min = 0, .max = 86400, .help = "minimum time between two SMS with a code to one number; 0 = no limit"});
        v("otp.cleanup_interval_seconds", s.otp_cleanup_interval_seconds, {.min = 1, .max = 86400, .help = "how often expired codes are deleted"});
        v("flow_state_expiry_seconds", s.flow_state_expiry_seconds, {.min = 1, .max = 86400, .help = "how long the auth code of an opened PKCE link can be exchanged for a session"});

        v("password.min_length", s.password_min_length, {.min = 1, .max = 72, .help = "minimum password length"});
        v("password.required_characters", s.password_required_characters, {.help = "classes every password needs: lower, upper, digit, symbol"});
        v("password.bcrypt_cost", s.password_bcrypt_cost, {.min = 4, .max = 16, .help = "bcrypt cost of new hashes"});
        v("password.hash_threads", s.password_hash_threads, {.min = 0, .max = 256, .help = "password hashing workers; 0 = one per core"});

        v("sessions.timebox_seconds", s.sessions_timebox_seconds, {.min = 0, .max = 31622400, .help = "hard session lifetime; 0 = unlimited"});
        v("sessions.inactivity_timeout_seconds", s.sessions_inactivity_timeout_seconds, {.min = 0, .max = 31622400, .help = "end sessions not refreshed for this long; 0 = never"});
        v("refresh_token_reuse_interval_seconds", s.refresh_token_reuse_interval_seconds, {.min = 0, .max = 3600, .help = "grace window in which a just-rotated refresh token still returns the new pair"});

        v("cookies.enabled", s.cookies_enabled, {.help = "also deliver sessions as HttpOnly cookies (CSRF-protected)"});
        v("cookies.name", s.cookies_name, {.help = "cookie name prefix"});
        v("cookies.domain", s.cookies_domain, {.help = "cookie Domain attribute; empty = host only"});
        v("cookies.path", s.cookies_path, {.help = "cookie Path attribute"});
        v("cookies.secure", s.cookies_secure, {.help = "cookie Secure attribute (disable only for plain-HTTP development)"});
        v("cookies.same_site", s.cookies_same_site, {.one_of = {"Strict", "Lax", "None"}, .help = "cookie SameSite attribute"});
        v("cookies.max_age_seconds", s.cookies_max_age_seconds, {.min = 60, .max = 34560000, .help = "lifetime of the refresh and CSRF cookies"});
        v("cookies.csrf_header", s.cookies_csrf_header, {.help = "header that must echo the CSRF cookie"});

        v("rate_limit.sign_in_per_ip", s.rate_limit_sign_in_per_ip, {.min = 1, .max = 1000000000, .help = "password sign-ins per minute per client IP"});
        v("rate_limit.sign_in_per_identifier", s.rate_limit_sign_in_per_identifier, {.min = 1, .max = 1000000000, .help = "password sign-ins per minute per email/phone/username"});
        v("rate_limit.sign_up_per_ip", s.rate_limit_sign_up_per_ip, {.min = 1, .max = 1000000000, .help = "sign-ups per minute per client IP"});
        v("rate_limit.token_refresh_per_ip", s.rate_limit_token_refresh_per_ip, {.min = 1, .max = 1000000000, .help = "refresh-token grants per minute per client IP"});
        v("rate_limit.send_per_ip", s.rate_limit_send_per_ip, {.min = 1, .max = 1000000000, .help = "code/link requests (otp, recover, resend) per minute per client IP"});
        v("rate_limit.verify_per_ip", s.rate_limit_verify_per_ip, {.min = 1, .max = 1000000000, .help = "code/link verifications per minute per client IP"});
    }
};

}  // namespace basalt::auth
