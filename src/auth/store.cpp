// Sign-in, session and refresh-token statements (the hot paths: one round trip each).
#include "auth/store.hpp"

#include <charconv>

#include "auth/store_sql.hpp"

namespace basalt::auth {

namespace {

bool as_bool(std::string_view v) { return v == "t" || v == "true"; }

std::int64_t as_int(std::string_view v) {
    std::int64_t out = 0;
    std::from_chars(v.data(), v.data() + v.size(), out);
    return out;
}

std::optional<std::int64_t> opt_int(const db::Rows& rows, int row, int col) {
    if (rows.is_null(row, col)) return std::nullopt;
    return as_int(rows.get(row, col));
}

Json as_json(std::string_view text) {
    Json j = parse_json_or_discarded(text);
    return j.is_discarded() ? Json::object() : j;
}

}  // namespace

Awaitable<std::optional<LoginRow>> Store::find_for_login(IdentifierKind kind, std::string identifier) {
    static const std::string kByEmail = std::string(sql::kLoginSelect) +
                                        "u.email = $1 AND u.is_sso_user = false AND u.deleted_at IS NULL LIMIT 1";
    static const std::string kByPhone = std::string(sql::kLoginSelect) + "u.phone = $1 AND u.deleted_at IS NULL LIMIT 1";
    static const std::string kByUsername =
        std::string(sql::kLoginSelect) + "lower(u.username) = lower($1) AND u.deleted_at IS NULL LIMIT 1";
    const std::string& text = kind == IdentifierKind::kEmail   ? kByEmail
                              : kind == IdentifierKind::kPhone ? kByPhone
                                                               : kByUsername;
    db::Rows rows = co_await pool_.query(text, sql_params(std::move(identifier)));
    if (rows.empty()) co_return std::nullopt;
    co_return LoginRow{.user_id = std::string(rows.get(0, 0)),
                       .encrypted_password = std::string(rows.get(0, 1)),
                       .banned = as_bool(rows.get(0, 2)),
                       .email_confirmed = as_bool(rows.get(0, 3)),
                       .phone_confirmed = as_bool(rows.get(0, 4))};
}

Awaitable<std::optional<LoginRow>> Store::find_by_id(std::string user_id) {
    static const std::string kById = std::string(sql::kLoginSelect) + "u.id = $1::uuid LIMIT 1";
    db::Rows rows = co_await pool_.query(kById, sql_params(std::move(user_id)));
    if (rows.empty()) co_return std::nullopt;
    co_return LoginRow{.user_id = std::string(rows.get(0, 0)),
                       .encrypted_password = std::string(rows.get(0, 1)),
                       .banned = as_bool(rows.get(0, 2)),
                       .email_confirmed = as_bool(rows.get(0, 3)),
                       .phone_confirmed = as_bool(rows.get(0, 4))};
}

Awaitable<CreatedSession> Store::create_session(NewSession s) {
    static const std::string kSql = sql::create_session();
    db::Rows rows = co_await pool_.query(
        kSql, sql_params(s.user_id, std::to_string(s.timebox_seconds), s.user_agent, s.ip, s.amr_method,
               s.refresh_token_hash, s.audit_action));
    if (rows.empty()) throw ErrorException(Error::internal_error("create_session: user vanished"));
    CreatedSession out;
    out.claims.session_id = std::string(rows.get(0, 0));
    out.claims.amr_method = s.amr_method;
    out.claims.amr_timestamp = as_int(rows.get(0, 1));
    out.user = as_json(rows.get(0, 2));
    co_return out;
}

namespace {
RefreshLookup parse_refresh_row(const db::Rows& rows, int row = 0) {
    RefreshLookup r;
    r.token_id = as_int(rows.get(row, 0));
    r.row.revoked = as_bool(rows.get(row, 1));
    r.row.updated_at = as_int(rows.get(row, 2));
    r.claims.session_id = std::string(rows.get(row, 3));
    r.user_id = std::string(rows.get(row, 4));
    r.row.session.created_at = as_int(rows.get(row, 5));
    r.row.session.not_after = opt_int(rows, row, 6);
    r.row.session.refreshed_at = opt_int(rows, row, 7);
    r.claims.aal = std::string(rows.get(row, 8));
    r.claims.amr_method = std::string(rows.get(row, 9));
    r.claims.amr_timestamp = as_int(rows.get(row, 10));
    r.row.user_banned = as_bool(rows.get(row, 11));
    r.row.user_deleted = as_bool(rows.get(row, 12));
    r.user = as_json(rows.get(row, 13));
    r.active_hash = rows.get_opt(row, 14);
    return r;
}
}  // namespace

Awaitable<std::optional<RefreshLookup>> Store::find_refresh_token(std::string token_hash, std::string plain) {
    static const std::string kSql = sql::find_refresh_token();
    db::Rows rows = co_await pool_.query(kSql, sql_params(std::move(token_hash), std::move(plain)));
    if (rows.empty()) co_return std::nullopt;
    co_return parse_refresh_row(rows);
}

Awaitable<std::vector<std::optional<Store::RefreshAttempt>>> Store::rotate_batch(const std::vector<Rotation>& batch) {
    static const std::string kSql = sql::refresh_and_rotate();
    Json requests = Json::array();
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const Rotation& r = batch[i];
        requests.push_back({{"ord", i},
                            {"hash", r.token_hash},
                            {"plain", r.plain},
                            {"child", r.child_hash},
                            {"timebox", r.timebox_seconds},
                            {"inactivity", r.inactivity_seconds},
                            {"ip", r.ip ? Json(*r.ip) : Json()}});
    }
    // A presented token is client input and may be any bytes (a cookie): never throw on it.
    db::Rows rows = co_await pool_.query(kSql, sql_params(requests.dump(-1, ' ', false, Json::error_handler_t::replace)));
    std::vector<std::optional<RefreshAttempt>> out(batch.size());
    const int ord = rows.column_index("ord");
    for (int row = 0; row < rows.size(); ++row) {
        const auto i = static_cast<std::size_t>(as_int(rows.get(row, ord)));
        if (i < out.size()) out[i] = RefreshAttempt{parse_refresh_row(rows, row), as_bool(rows.get(row, rows.columns() - 1))};
    }
    co_return out;
}

Awaitable<bool> Store::rotate_refresh_token(std::int64_t token_id, std::string user_id, std::string session_id,
                                            std::string parent_hash, std::string child_hash,
                                            std::optional<std::string> ip) {
    static const std::string kSql = sql::rotate_refresh_token();
    db::Rows rows = co_await pool_.query(kSql, sql_params(std::to_string(token_id), std::move(child_hash), std::move(user_id),
                                                std::move(session_id), std::move(parent_hash), std::move(ip)));
    co_return !rows.empty() && as_int(rows.get(0, 0)) == 1;
}

Awaitable<void> Store::revoke_session(std::string session_id, std::string user_id, std::string reason) {
    static const std::string kSql = sql::revoke_session();
    co_await pool_.query(kSql, sql_params(std::move(session_id), std::move(user_id), std::move(reason)));
}

Awaitable<std::optional<Store::UserWithSession>> Store::get_user(std::string user_id,
                                                                 std::optional<std::string> session_id) {
    static const std::string kSql = sql::get_user_with_session();
    db::Rows rows = co_await pool_.query(kSql, sql_params(std::move(user_id), session_id.value_or("")));
    if (rows.empty()) co_return std::nullopt;
    co_return UserWithSession{as_json(rows.get(0, 0)), as_bool(rows.get(0, 1))};
}

Awaitable<std::optional<Json>> Store::get_user_json(std::string user_id) {
    static const std::string kSql = "SELECT " + user_json_sql("u") + " FROM auth.users u WHERE u.id = $1::uuid";
    db::Rows rows = co_await pool_.query(kSql, sql_params(std::move(user_id)));
    if (rows.empty()) co_return std::nullopt;
    co_return as_json(rows.get(0, 0));
}

Awaitable<void> Store::logout(std::string user_id, std::string session_id, LogoutScope scope) {
    static const std::string kLocal = sql::logout("id = $2::uuid AND user_id = $1::uuid");
    static const std::string kGlobal = sql::logout("user_id = $1::uuid AND $2::text IS NOT NULL");
    static const std::string kOthers = sql::logout("user_id = $1::uuid AND id <> $2::uuid");
    const std::string& text = scope == LogoutScope::kLocal    ? kLocal
                              : scope == LogoutScope::kGlobal ? kGlobal
                                                              : kOthers;
    co_await pool_.query(text, sql_params(std::move(user_id), std::move(session_id)));
}

}  // namespace basalt::auth
