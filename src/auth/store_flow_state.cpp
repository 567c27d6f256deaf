// auth.flow_state statements (migration 0010): a PKCE flow is stored with its link, gets its
// auth code when the link is opened, and is locked, checked and deleted by the exchange.
#include "auth/store.hpp"
#include "auth/store_sql.hpp"

namespace basalt::auth {

Awaitable<void> Store::put_flow_state(Tx& tx, NewFlowState f) {
    static const std::string kSql =
        "INSERT INTO auth.flow_state (user_id, auth_code, code_challenge_method, code_challenge, provider_type, "
        "authentication_method, link_hash, created_at, updated_at, expires_at) "
        "VALUES ($1::uuid, $2::text, $3::auth.code_challenge_method, $4::text, 'email', $5::text, $6::text, now(), "
        "now(), now() + $7::bigint * interval '1 second')";
    co_await tx.query(kSql, sql_params(std::move(f.user_id), std::move(f.auth_code_hash), std::move(f.code_challenge_method),
                                       std::move(f.code_challenge), std::move(f.authentication_method),
                                       std::move(f.link_hash), std::to_string(f.lifetime_seconds)));
}

Awaitable<bool> Store::issue_auth_code(Tx& tx, std::string link_hash, std::string user_id, std::int64_t expiry_seconds) {
    static const std::string kSql =
        "UPDATE auth.flow_state SET auth_code_issued_at = now(), updated_at = now(), "
        "expires_at = now() + $3::bigint * interval '1 second' "
        "WHERE link_hash = $1::text AND user_id = $2::uuid AND auth_code_issued_at IS NULL AND expires_at > now() "
        "RETURNING id";
    db::Rows rows =
        co_await tx.query(kSql, sql_params(std::move(link_hash), std::move(user_id), std::to_string(expiry_seconds)));
    co_return !rows.empty();
}

Awaitable<std::optional<FlowStateRow>> Store::lock_flow_state(Tx& tx, std::string auth_code_hash) {
    static const std::string kSql =
        "SELECT f.id::text, f.user_id::text, f.code_challenge, f.code_challenge_method::text, f.authentication_method, "
        "f.expires_at <= now(), coalesce(u.banned_until > now(), false) "
        "FROM auth.flow_state f JOIN auth.users u ON u.id = f.user_id "
        "WHERE f.auth_code = $1::text AND f.auth_code_issued_at IS NOT NULL AND f.expires_at IS NOT NULL "
        "AND u.deleted_at IS NULL FOR UPDATE OF f";
    db::Rows rows = co_await tx.query(kSql, sql_params(std::move(auth_code_hash)));
    if (rows.empty()) co_return std::nullopt;
    co_return FlowStateRow{.id = std::string(rows.get(0, 0)),
                           .user_id = std::string(rows.get(0, 1)),
                           .code_challenge = std::string(rows.get(0, 2)),
                           .code_challenge_method = std::string(rows.get(0, 3)),
                           .authentication_method = std::string(rows.get(0, 4)),
                           .expired = rows.get(0, 5) == "t",
                           .banned = rows.get(0, 6) == "t"};
}

Awaitable<void> Store::delete_flow_state(Tx& tx, std::string id) {
    co_await tx.query("DELETE FROM auth.flow_state WHERE id = $1::uuid", sql_params(std::move(id)));
}

}  // namespace basalt::auth
