// Pure token logic: access-token claims, the session response body, refresh-token generation
// and hashing, and the rotation/reuse decision. No I/O, so all of it is unit-tested directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/json.hpp"

namespace basalt::auth {

struct SessionClaims {
    std::string session_id;
    std::string aal = "aal1";
    std::string amr_method = "password";  // password | anonymous | otp | ...
    std::int64_t amr_timestamp = 0;       // when that method was used (session creation)
};

struct ClaimOptions {
    std::string issuer;
    std::string audience = "authenticated";
    std::int64_t now = 0;
    std::int64_t expiry_seconds = 3600;
};

// Supabase's access-token claims from a user object (as the API renders it) and the session:
// sub, aud, exp, iat, iss, email, phone, role, aal, amr, session_id, is_anonymous,
// app_metadata, user_metadata.
Json build_claims(const Json& user, const SessionClaims& session, const ClaimOptions& options);

// {access_token, token_type, expires_in, expires_at, refresh_token, user}.
Json session_body(std::string access_token, std::int64_t expires_in, std::int64_t expires_at,
                  std::string refresh_token, Json user);

// Refresh tokens are random; only their SHA-256 (hex) is stored. A rotated token's successor
// is derived from it with HMAC(secret), so a retry within the reuse interval can be answered
// with the same new token although the database never held it in clear.
std::string new_refresh_token();
std::string child_refresh_token(std::string_view secret, std::string_view parent);
std::string hash_refresh_token(std::string_view token);
// Walks parent -> child -> grandchild ... up to max_steps looking for the token whose hash is
// target_hash; returns it in clear.
std::optional<std::string> find_descendant(std::string_view secret, std::string_view token,
                                           std::string_view target_hash, int max_steps = 8);

struct SessionPolicy {
    std::int64_t timebox_seconds = 0;             // 0 = none
    std::int64_t inactivity_timeout_seconds = 0;  // 0 = none
    std::int64_t reuse_interval_seconds = 10;  // 0 = no grace: any reuse revokes the session
};

struct SessionTimes {
    std::int64_t created_at = 0;
    std::optional<std::int64_t> not_after;
    std::optional<std::int64_t> refreshed_at;
};

// Whether a session is past its timebox, not_after or inactivity limit at `now`.
bool session_expired(const SessionTimes& session, const SessionPolicy& policy, std::int64_t now);

// What the refresh grant found for the presented token.
struct RefreshTokenRow {
    bool revoked = false;
    std::int64_t updated_at = 0;  // for a revoked token: when it was rotated
    SessionTimes session;
    bool user_banned = false;
    bool user_deleted = false;
};

enum class RefreshAction {
    kRotate,          // issue a successor, revoke this one
    kReturnActive,    // rotated moments ago (client retry/race): answer with the successor
    kReuseDetected,   // rotated before the grace window: revoke the whole session
    kSessionExpired,  // timebox / inactivity / not_after passed
    kUserBanned,
};

RefreshAction decide_refresh(const RefreshTokenRow& row, const SessionPolicy& policy, std::int64_t now);

}  // namespace basalt::auth
