// User rows: creation (sign-up and admin), updates (PUT /user and admin), listing, deletion.
// Unique violations become GoTrue's *_exists errors here, the one place that knows the
// constraint names.
#include "auth/store.hpp"

#include <charconv>

#include "auth/errors.hpp"
#include "auth/store_sql.hpp"

namespace basalt::auth {

namespace {

std::string identity_object(std::string_view i) {
    const std::string a(i);
    return "jsonb_build_object('identity_id', " + a + ".id, 'id', " + a + ".provider_id, 'user_id', " + a +
           ".user_id, 'identity_data', " + a + ".identity_data, 'provider', " + a + ".provider, 'last_sign_in_at', " +
           a + ".last_sign_in_at, 'created_at', " + a + ".created_at, 'updated_at', " + a + ".updated_at, 'email', " +
           a + ".email)";
}

std::string insert_user_sql() {
    return "WITH u AS (INSERT INTO auth.users (instance_id, id, aud, \"role\", email, phone, username, "
           "encrypted_password, email_confirmed_at, phone_confirmed_at, raw_app_meta_data, raw_user_meta_data, "
           "is_anonymous, banned_until, created_at, updated_at, is_super_admin, is_sso_user, confirmation_token, "
           "recovery_token, email_change_token_new, email_change) VALUES (" + std::string(sql::kInstanceId) +
           ", $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, "
           "CASE WHEN $8::bool THEN now() END, CASE WHEN $9::bool THEN now() END, $10::jsonb, $11::jsonb, $12::bool, "
           "CASE WHEN $13::bigint > 0 THEN now() + $13::bigint * interval '1 second' END, now(), now(), false, false, "
           "'', '', '', '') RETURNING *), "
           "i AS (INSERT INTO auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, "
           "created_at, updated_at) SELECT u.id::text, u.id, x.data, x.provider, now(), now(), now() "
           "FROM u, jsonb_to_recordset($14::jsonb) AS x(provider text, data jsonb) RETURNING *), "
           "l AS (" + sql::audit_insert("u", "$16::text", "coalesce(u.email, u.phone, '')", "$15::text",
                                        "'{}'::json", "$17::text") + ") "
           "SELECT " + user_json_sql("u", "(SELECT coalesce(jsonb_agg(" + identity_object("i") +
                                         "), '[]'::jsonb) FROM i)") + " FROM u";
}

// 23505 on auth.users -> the GoTrue error for the constraint that fired.
[[noreturn]] void rethrow_unique(const ErrorException& e) {
    const std::string& m = e.error().message;
    if (m.find("users_email_partial_key") != std::string::npos)
        throw ErrorException(auth_error(422, "email_exists", "A user with this email address has already been registered"));
    if (m.find("users_phone_key") != std::string::npos)
        throw ErrorException(auth_error(422, "phone_exists", "A user with this phone number has already been registered"));
    if (m.find("users_username_key") != std::string::npos)
        throw ErrorException(auth_error(422, "username_exists", "A user with this username has already been registered"));
    if (m.find("users_pkey") != std::string::npos)
        throw ErrorException(auth_error(422, "user_already_exists", "A user with this ID already exists"));
    throw e;
}

std::string b(bool v) { return v ? "true" : "false"; }

std::string metadata_merge(const std::string& column, const std::string& param) {
    // GoTrue's rule: keys in the update replace, keys set to null are removed.
    return column + " = (coalesce(" + column + ", '{}'::jsonb) || " + param + "::jsonb) - ARRAY(SELECT e.key FROM "
           "jsonb_each(" + param + "::jsonb) e WHERE e.value = 'null'::jsonb)";
}

}  // namespace

Awaitable<Json> Store::insert_user(NewUser n) {
    static const std::string kSql = insert_user_sql();
    Json identities = Json::array();
    if (n.email)
        identities.push_back({{"provider", "email"},
                              {"data", {{"sub", n.id}, {"email", *n.email}, {"email_verified", n.email_confirmed},
                                        {"phone_verified", false}}}});
    if (n.phone)
        identities.push_back({{"provider", "phone"},
                              {"data", {{"sub", n.id}, {"phone", *n.phone}, {"email_verified", false},
                                        {"phone_verified", n.phone_confirmed}}}});
    db::Params params{n.id,
                      n.aud,
                      n.role,
                      n.email,
                      n.phone,
                      n.username,
                      n.encrypted_password,
                      b(n.email_confirmed),
                      b(n.phone_confirmed),
                      n.app_metadata.dump(),
                      n.user_metadata.dump(),
                      b(n.is_anonymous),
                      n.ban_seconds ? std::optional<std::string>(std::to_string(*n.ban_seconds)) : std::nullopt,
                      identities.dump(),
                      n.audit_action,
                      n.actor_id.empty() ? n.id : n.actor_id,
                      n.ip};
    db::Rows rows;
    try {
        rows = co_await pool_.query(kSql, std::move(params));
    } catch (const ErrorException& e) {
        if (e.error().code == "23505") rethrow_unique(e);
        throw;
    }
    Json user = parse_json_or_discarded(rows.get(0, 0));
    co_return user;
}

Awaitable<std::unique_ptr<Store::Tx>> Store::begin() { co_return co_await pool_.begin(); }

Awaitable<std::optional<Json>> Store::update_user(std::string user_id, UserChanges c) {
    auto tx = co_await pool_.begin();
    auto updated = co_await update_user(*tx, std::move(user_id), std::move(c));
    if (updated) co_await tx->commit();
    co_return updated;
}

Awaitable<std::optional<Json>> Store::update_user(Tx& tx, std::string user_id, UserChanges c) {
    std::vector<std::string> sets;
    db::Params params{user_id};
    auto p = [&](std::optional<std::string> v) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size());
    };
    if (c.email) sets.push_back("email = " + p(*c.email) + "::text, email_change = ''");
    if (c.phone) sets.push_back("phone = " + p(*c.phone) + "::text, phone_change = ''");
    if (c.username) sets.push_back("username = " + p(*c.username) + "::text");
    else if (c.clear_username) sets.push_back("username = NULL");
    if (c.encrypted_password) sets.push_back("encrypted_password = " + p(*c.encrypted_password) + "::text");
    if (c.user_metadata) sets.push_back(metadata_merge("raw_user_meta_data", p(c.user_metadata->dump())));
    if (c.app_metadata) sets.push_back(metadata_merge("raw_app_meta_data", p(c.app_metadata->dump())));
    if (c.email_confirmed)
        sets.push_back(*c.email_confirmed ? "email_confirmed_at = coalesce(email_confirmed_at, now())"
                                          : "email_confirmed_at = NULL");
    if (c.phone_confirmed)
        sets.push_back(*c.phone_confirmed ? "phone_confirmed_at = coalesce(phone_confirmed_at, now())"
                                          : "phone_confirmed_at = NULL");
    if (c.role) sets.push_back("\"role\" = " + p(*c.role) + "::text");
    if (c.ban_seconds)
        sets.push_back(*c.ban_seconds > 0 ? "banned_until = now() + " + p(std::to_string(*c.ban_seconds)) +
                                                "::bigint * interval '1 second'"
                                          : "banned_until = NULL");
    if (c.make_permanent) sets.push_back("is_anonymous = false");
    sets.push_back("updated_at = now()");
    std::string update = "UPDATE auth.users SET ";
    for (std::size_t i = 0; i < sets.size(); ++i) update += (i ? ", " : "") + sets[i];
    update += " WHERE id = $1::uuid RETURNING email_confirmed_at IS NOT NULL, phone_confirmed_at IS NOT NULL";

    db::Rows updated;
    try {
        updated = co_await tx.query(update, std::move(params));
    } catch (const ErrorException& e) {
        if (e.error().code == "23505") rethrow_unique(e);
        throw;
    }
    if (updated.empty()) co_return std::nullopt;
    const bool email_confirmed = updated.get(0, 0) == "t";
    const bool phone_confirmed = updated.get(0, 1) == "t";

    static const std::string kEmailIdentity =
        "INSERT INTO auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at) "
        "VALUES ($1::uuid::text, $1::uuid, jsonb_build_object('sub', $1::uuid::text, 'email', $2::text, "
        "'email_verified', $3::bool, 'phone_verified', false), 'email', now(), now()) "
        "ON CONFLICT (provider_id, provider) DO UPDATE SET identity_data = auth.identities.identity_data || "
        "jsonb_build_object('email', $2::text, 'email_verified', $3::bool), updated_at = now()";
    static const std::string kPhoneIdentity =
        "INSERT INTO auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at) "
        "VALUES ($1::uuid::text, $1::uuid, jsonb_build_object('sub', $1::uuid::text, 'phone', $2::text, "
        "'email_verified', false, 'phone_verified', $3::bool), 'phone', now(), now()) "
        "ON CONFLICT (provider_id, provider) DO UPDATE SET identity_data = auth.identities.identity_data || "
        "jsonb_build_object('phone', $2::text, 'phone_verified', $3::bool), updated_at = now()";
    if (c.email) co_await tx.query(kEmailIdentity, sql_params(user_id, *c.email, b(email_confirmed)));
    if (c.phone) co_await tx.query(kPhoneIdentity, sql_params(user_id, *c.phone, b(phone_confirmed)));
    if (c.keep_session) {
        if (c.keep_session->empty())
            co_await tx.query("DELETE FROM auth.sessions WHERE user_id = $1::uuid", sql_params(user_id));
        else
            co_await tx.query("DELETE FROM auth.sessions WHERE user_id = $1::uuid AND id <> $2::uuid",
                               sql_params(user_id, *c.keep_session));
    }
    static const std::string kAudit =
        sql::audit_insert("(SELECT 1) x", "$1::text", "''", "$2::text", "'{}'::json", "$3::text");
    co_await tx.query(kAudit, sql_params(c.actor_id.empty() ? user_id : c.actor_id, c.audit_action, c.ip));
    static const std::string kSelect = "SELECT " + user_json_sql("u") + " FROM auth.users u WHERE u.id = $1::uuid";
    db::Rows rows = co_await tx.query(kSelect, sql_params(user_id));
    co_return parse_json_or_discarded(rows.get(0, 0));
}

Awaitable<UserPage> Store::list_users(std::int64_t page, std::int64_t per_page) {
    static const std::string kSql =
        "SELECT (SELECT count(*) FROM auth.users), coalesce((SELECT jsonb_agg(p.j ORDER BY p.created_at DESC, p.id) "
        "FROM (SELECT u.created_at, u.id, " + user_json_sql("u") + " AS j FROM auth.users u "
        "ORDER BY u.created_at DESC, u.id LIMIT $1::bigint OFFSET $2::bigint) p), '[]'::jsonb)";
    db::Rows rows = co_await pool_.query(kSql, sql_params(std::to_string(per_page), std::to_string((page - 1) * per_page)));
    UserPage out;
    std::string_view total = rows.get(0, 0);
    std::from_chars(total.data(), total.data() + total.size(), out.total);
    out.users = parse_json_or_discarded(rows.get(0, 1));
    if (!out.users.is_array()) out.users = Json::array();
    co_return out;
}

Awaitable<bool> Store::delete_user(std::string user_id, bool soft, std::string actor_id) {
    static const std::string kAudit =
        sql::audit_insert("d", "$2::text", "coalesce(d.email, d.phone, '')", "'user_deleted'", "'{}'::json", "NULL");
    static const std::string kHard =
        "WITH d AS (DELETE FROM auth.users WHERE id = $1::uuid RETURNING id, email, phone), l AS (" + kAudit +
        ") SELECT count(*) FROM d";
    // Soft delete keeps the row (and its id for foreign keys) but frees the identifiers and
    // ends every session, like GoTrue's should_soft_delete.
    static const std::string kSoft =
        "WITH d AS (UPDATE auth.users SET deleted_at = now(), updated_at = now(), email = NULL, phone = NULL, "
        "username = NULL, encrypted_password = NULL, raw_user_meta_data = '{}'::jsonb "
        "WHERE id = $1::uuid AND deleted_at IS NULL RETURNING id, email, phone), "
        "i AS (DELETE FROM auth.identities WHERE user_id IN (SELECT id FROM d)), "
        "s AS (DELETE FROM auth.sessions WHERE user_id IN (SELECT id FROM d)), l AS (" + kAudit +
        ") SELECT count(*) FROM d";
    db::Rows rows = co_await pool_.query(soft ? kSoft : kHard, sql_params(std::move(user_id), std::move(actor_id)));
    co_return !rows.empty() && rows.get(0, 0) == "1";
}

}  // namespace basalt::auth
