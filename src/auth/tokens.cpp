// Implementation of claims, session bodies and refresh-token rules.
#include "auth/tokens.hpp"

#include "common/crypto.hpp"

namespace basalt::auth {

namespace {
std::string string_or_empty(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}
Json object_or_empty(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_object() ? *it : Json::object();
}
}  // namespace

Json build_claims(const Json& user, const SessionClaims& session, const ClaimOptions& options) {
    std::string role = string_or_empty(user, "role");
    if (role.empty()) role = "authenticated";
    auto anon = user.find("is_anonymous");
    Json claims{
        {"iss", options.issuer},
        {"sub", string_or_empty(user, "id")},
        {"aud", options.audience},
        {"exp", options.now + options.expiry_seconds},
        {"iat", options.now},
        {"email", string_or_empty(user, "email")},
        {"phone", string_or_empty(user, "phone")},
        {"app_metadata", object_or_empty(user, "app_metadata")},
        {"user_metadata", object_or_empty(user, "user_metadata")},
        {"role", role},
        {"aal", session.aal},
        {"amr", Json::array({Json{{"method", session.amr_method}, {"timestamp", session.amr_timestamp}}})},
        {"session_id", session.session_id},
        {"is_anonymous", anon != user.end() && anon->is_boolean() && anon->get<bool>()},
    };
    return claims;
}

Json session_body(std::string access_token, std::int64_t expires_in, std::int64_t expires_at,
                  std::string refresh_token, Json user) {
    return Json{{"access_token", std::move(access_token)},
                {"token_type", "bearer"},
                {"expires_in", expires_in},
                {"expires_at", expires_at},
                {"refresh_token", std::move(refresh_token)},
                {"user", std::move(user)}};
}

std::string new_refresh_token() { return crypto::random_token(24); }

std::string child_refresh_token(std::string_view secret, std::string_view parent) {
    // Domain-separated so the value can never collide with another HMAC use of the secret.
    return crypto::base64url_encode(
        crypto::hmac_sha256(secret, std::string("basalt.refresh_token.v1:") + std::string(parent)).substr(0, 24));
}

std::string hash_refresh_token(std::string_view token) { return crypto::hex(crypto::sha256(token)); }

std::optional<std::string> find_descendant(std::string_view secret, std::string_view token,
                                           std::string_view target_hash, int max_steps) {
    std::string current(token);
    for (int i = 0; i < max_steps; ++i) {
        current = child_refresh_token(secret, current);
        if (crypto::constant_time_equal(hash_refresh_token(current), target_hash)) return current;
    }
    return std::nullopt;
}

bool session_expired(const SessionTimes& s, const SessionPolicy& policy, std::int64_t now) {
    if (s.not_after && *s.not_after <= now) return true;
    if (policy.timebox_seconds > 0 && s.created_at + policy.timebox_seconds <= now) return true;
    if (policy.inactivity_timeout_seconds > 0) {
        const std::int64_t last = s.refreshed_at.value_or(s.created_at);
        if (last + policy.inactivity_timeout_seconds <= now) return true;
    }
    return false;
}

RefreshAction decide_refresh(const RefreshTokenRow& row, const SessionPolicy& policy, std::int64_t now) {
    if (row.user_banned || row.user_deleted) return RefreshAction::kUserBanned;
    if (row.revoked) {
        // A rotated token coming back: a client retry or two tabs racing if it is within the
        // reuse interval; otherwise a sign of theft (RFC 6819 §5.2.2.3), so end the session.
        if (policy.reuse_interval_seconds > 0 && now - row.updated_at <= policy.reuse_interval_seconds) {
            if (session_expired(row.session, policy, now)) return RefreshAction::kSessionExpired;
            return RefreshAction::kReturnActive;
        }
        return RefreshAction::kReuseDetected;
    }
    if (session_expired(row.session, policy, now)) return RefreshAction::kSessionExpired;
    return RefreshAction::kRotate;
}

}  // namespace basalt::auth
