// auth.one_time_codes statements (migration 0006): storing a code under the per-recipient send
// limit, locking live codes for verification, spending attempts, and the expiry cleanup.
#include <algorithm>
#include <charconv>
#include <map>
#include <type_traits>

#include "auth/store.hpp"
#include "auth/store_sql.hpp"

namespace basalt::auth {

namespace {

std::int64_t to_int(std::string_view v) {
    std::int64_t out = 0;
    std::from_chars(v.data(), v.data() + v.size(), out);
    return out;
}

// PostgreSQL array literal of plain words (purpose names, ids): no quoting needed.
template <typename T>
std::string array_literal(const std::vector<T>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        if constexpr (std::is_same_v<T, std::string>) out += items[i];
        else out += std::to_string(items[i]);
    }
    return out + "}";
}

// What sending a code for a purpose records on the user row (GoTrue's columns, so the user
// object shows confirmation_sent_at, new_email ... as Supabase's does). $10 is the new address.
const std::map<std::string, std::string>& user_stamps() {
    static const std::map<std::string, std::string> kStamps{
        {"confirmation", "confirmation_sent_at = now()"},
        {"magiclink", "recovery_sent_at = now()"},
        {"sms", "confirmation_sent_at = now()"},
        {"recovery", "recovery_sent_at = now()"},
        {"invite", "invited_at = coalesce(invited_at, now()), confirmation_sent_at = now()"},
        {"email_change", "email_change = $10::text, email_change_sent_at = now()"},
        {"phone_change", "phone_change = $10::text, phone_change_sent_at = now()"},
    };
    return kStamps;
}

std::string put_code_sql(const std::string& stamp) {
    // $1 user, $2 purpose, $3 channel, $4 recipient, $5 salt, $6 code hash, $7 link hash,
    // $8 lifetime s, $9 send interval s [, $10 new address]. The recipient's advisory lock is
    // held already, so `last` sees every code committed for it.
    return "WITH last AS (SELECT max(sent_at) AS t FROM auth.one_time_codes WHERE recipient = $4::text "
           "AND channel = $3::text), "
           "wait AS (SELECT ceil(extract(epoch FROM l.t + $9::bigint * interval '1 second' - now()))::bigint AS w "
           "FROM last l WHERE $9::bigint > 0 AND l.t + $9::bigint * interval '1 second' > now()), "
           "ins AS (INSERT INTO auth.one_time_codes (user_id, purpose, channel, recipient, code_salt, code_hash, "
           "link_hash, attempts, sent_at, expires_at) SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, "
           "$6::text, $7::text, 0, now(), now() + $8::bigint * interval '1 second' WHERE NOT EXISTS (SELECT 1 FROM wait) "
           "ON CONFLICT (user_id, purpose, channel) DO UPDATE SET recipient = EXCLUDED.recipient, "
           "code_salt = EXCLUDED.code_salt, code_hash = EXCLUDED.code_hash, link_hash = EXCLUDED.link_hash, "
           "attempts = 0, sent_at = EXCLUDED.sent_at, expires_at = EXCLUDED.expires_at RETURNING id), "
           "u AS (UPDATE auth.users SET " + stamp + ", updated_at = now() WHERE id = $1::uuid "
           "AND EXISTS (SELECT 1 FROM ins)) "
           "SELECT (SELECT w FROM wait), (SELECT count(*) FROM ins)";
}

constexpr std::string_view kCodeColumns =
    "SELECT c.id, c.user_id::text, c.purpose, c.channel, c.recipient, c.code_salt, c.code_hash, u.is_anonymous, "
    "coalesce(u.banned_until > now(), false), u.email_confirmed_at IS NOT NULL, u.phone_confirmed_at IS NOT NULL "
    "FROM auth.one_time_codes c JOIN auth.users u ON u.id = c.user_id ";

std::vector<CodeRow> code_rows(const db::Rows& rows) {
    std::vector<CodeRow> out;
    for (int r = 0; r < rows.size(); ++r) {
        out.push_back(CodeRow{.id = to_int(rows.get(r, 0)),
                              .user_id = std::string(rows.get(r, 1)),
                              .purpose = std::string(rows.get(r, 2)),
                              .channel = std::string(rows.get(r, 3)),
                              .recipient = std::string(rows.get(r, 4)),
                              .code_salt = std::string(rows.get(r, 5)),
                              .code_hash = std::string(rows.get(r, 6)),
                              .is_anonymous = rows.get(r, 7) == "t",
                              .banned = rows.get(r, 8) == "t",
                              .email_confirmed = rows.get(r, 9) == "t",
                              .phone_confirmed = rows.get(r, 10) == "t"});
    }
    return out;
}

}  // namespace

Awaitable<std::optional<std::int64_t>> Store::put_code(Tx& tx, NewCode c) {
    static const std::map<std::string, std::string> kSql = [] {
        std::map<std::string, std::string> out;
        for (const auto& [purpose, stamp] : user_stamps()) out[purpose] = put_code_sql(stamp);
        return out;
    }();
    const auto sql = kSql.find(c.purpose);
    if (sql == kSql.end()) throw ErrorException(Error::internal_error("put_code: unknown purpose " + c.purpose));
    co_await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))",
                      sql_params("basalt.otp:" + c.channel + ":" + c.recipient));
    const bool change = c.purpose == "email_change" || c.purpose == "phone_change";
    db::Params params = sql_params(c.user_id, c.purpose, c.channel, c.recipient, c.code_salt, c.code_hash, c.link_hash,
                                   std::to_string(c.lifetime_seconds), std::to_string(c.send_interval_seconds));
    if (change) params.emplace_back(c.pending_change);
    db::Rows rows = co_await tx.query(sql->second, std::move(params));
    if (!rows.is_null(0, 0)) co_return std::max<std::int64_t>(to_int(rows.get(0, 0)), 1);
    if (to_int(rows.get(0, 1)) != 1) throw ErrorException(Error::internal_error("put_code: user vanished"));
    co_return std::nullopt;
}

Awaitable<std::vector<CodeRow>> Store::lock_codes(Tx& tx, std::string channel, std::string recipient,
                                                  std::vector<std::string> purposes, std::int64_t max_attempts) {
    static const std::string kSql =
        std::string(kCodeColumns) +
        "WHERE c.channel = $1::text AND c.purpose = ANY($2::text[]) AND c.expires_at > now() "
        "AND c.attempts < $3::int AND u.deleted_at IS NULL "
        "AND (c.recipient = $4::text OR (CASE WHEN $1::text = 'email' THEN u.email ELSE u.phone END) = $4::text) "
        "ORDER BY c.id FOR UPDATE OF c";
    db::Rows rows = co_await tx.query(
        kSql, sql_params(std::move(channel), array_literal(purposes), std::to_string(max_attempts), std::move(recipient)));
    co_return code_rows(rows);
}

Awaitable<std::optional<CodeRow>> Store::lock_code_by_link(Tx& tx, std::string link_hash,
                                                           std::vector<std::string> purposes,
                                                           std::int64_t max_attempts) {
    static const std::string kSql = std::string(kCodeColumns) +
                                    "WHERE c.link_hash = $1::text AND c.purpose = ANY($2::text[]) "
                                    "AND c.expires_at > now() AND c.attempts < $3::int AND u.deleted_at IS NULL "
                                    "FOR UPDATE OF c";
    db::Rows rows =
        co_await tx.query(kSql, sql_params(std::move(link_hash), array_literal(purposes), std::to_string(max_attempts)));
    auto found = code_rows(rows);
    if (found.empty()) co_return std::nullopt;
    co_return std::move(found.front());
}

Awaitable<void> Store::spend_attempts(Tx& tx, const std::vector<std::int64_t>& ids) {
    if (ids.empty()) co_return;
    co_await tx.query("UPDATE auth.one_time_codes SET attempts = attempts + 1 WHERE id = ANY($1::bigint[])",
                      sql_params(array_literal(ids)));
}

Awaitable<void> Store::delete_code(Tx& tx, std::int64_t id) {
    co_await tx.query("DELETE FROM auth.one_time_codes WHERE id = $1::bigint", sql_params(std::to_string(id)));
}

Awaitable<std::optional<PendingChange>> Store::find_by_address(IdentifierKind kind, std::string address) {
    static const std::string kEmail =
        "SELECT id::text, coalesce(email, ''), coalesce(email_change, ''), email_confirmed_at IS NOT NULL "
        "FROM auth.users WHERE (email = $1::text OR email_change = $1::text) AND deleted_at IS NULL "
        "ORDER BY (email = $1::text) DESC NULLS LAST LIMIT 1";
    static const std::string kPhone =
        "SELECT id::text, coalesce(phone, ''), coalesce(phone_change, ''), phone_confirmed_at IS NOT NULL "
        "FROM auth.users WHERE (phone = $1::text OR phone_change = $1::text) AND deleted_at IS NULL "
        "ORDER BY (phone = $1::text) DESC NULLS LAST LIMIT 1";
    db::Rows rows = co_await pool_.query(kind == IdentifierKind::kPhone ? kPhone : kEmail, sql_params(std::move(address)));
    if (rows.empty()) co_return std::nullopt;
    co_return PendingChange{.user_id = std::string(rows.get(0, 0)),
                            .current = std::string(rows.get(0, 1)),
                            .pending = std::string(rows.get(0, 2)),
                            .confirmed = rows.get(0, 3) == "t"};
}

}  // namespace basalt::auth
