// The statements behind Store; see store_sql.hpp for their parameters.
#include "auth/store_sql.hpp"

#include <iterator>

#include "auth/store.hpp"

namespace basalt::auth {

// json, not jsonb: the object is only ever printed (and parsed again by Store), and building
// json skips jsonb's binary conversion and key sorting (a few microseconds on every refresh).
std::string user_json_sql(std::string_view a, std::string_view identities_expr) {
    const std::string u(a);
    std::string identities(identities_expr);
    if (identities.empty())
        identities =
            "(SELECT coalesce(json_agg(json_build_object('identity_id', i.id, 'id', i.provider_id, "
            "'user_id', i.user_id, 'identity_data', i.identity_data, 'provider', i.provider, "
            "'last_sign_in_at', i.last_sign_in_at, 'created_at', i.created_at, 'updated_at', i.updated_at, "
            "'email', i.email) ORDER BY i.created_at), '[]'::json) FROM auth.identities i WHERE i.user_id = " +
            u + ".id)";
    return "json_build_object('id', " + u + ".id, 'aud', coalesce(" + u + ".aud, ''), 'role', coalesce(" + u +
           ".role, ''), 'email', coalesce(" + u + ".email, ''), 'email_confirmed_at', " + u +
           ".email_confirmed_at, 'phone', coalesce(" + u + ".phone, ''), 'phone_confirmed_at', " + u +
           ".phone_confirmed_at, 'confirmation_sent_at', " + u + ".confirmation_sent_at, 'confirmed_at', " + u +
           ".confirmed_at, 'recovery_sent_at', " + u + ".recovery_sent_at, 'new_email', nullif(" + u +
           ".email_change, ''), 'email_change_sent_at', " + u + ".email_change_sent_at, 'new_phone', nullif(" + u +
           ".phone_change, ''), 'phone_change_sent_at', " + u + ".phone_change_sent_at, 'invited_at', " + u +
           ".invited_at, 'last_sign_in_at', " + u + ".last_sign_in_at, 'app_metadata', coalesce(" + u +
           ".raw_app_meta_data, '{}'::jsonb), 'user_metadata', coalesce(" + u +
           ".raw_user_meta_data, '{}'::jsonb), 'identities', " + identities + ", 'created_at', " + u +
           ".created_at, 'updated_at', " + u + ".updated_at, 'banned_until', " + u + ".banned_until, 'deleted_at', " +
           u + ".deleted_at, 'is_anonymous', " + u + ".is_anonymous, 'is_sso_user', " + u +
           ".is_sso_user, 'username', " + u + ".username)";
}

namespace sql {

std::string audit_insert(std::string_view from, std::string_view actor_id, std::string_view actor_username,
                         std::string_view action, std::string_view traits, std::string_view ip,
                         std::string_view log_type, std::string_view id) {
    return "INSERT INTO auth.audit_log_entries (instance_id, id, payload, created_at, ip_address) SELECT " +
           std::string(kInstanceId) + ", " + std::string(id) + ", json_build_object('actor_id', " +
           std::string(actor_id) + ", 'actor_username', " + std::string(actor_username) + ", 'action', " +
           std::string(action) + ", 'log_type', " + std::string(log_type) + ", 'traits', " + std::string(traits) +
           "), now(), coalesce(" + std::string(ip) + ", '') FROM " + std::string(from);
}

std::string create_session() {
    return "WITH s AS (INSERT INTO auth.sessions (id, user_id, created_at, updated_at, aal, not_after, user_agent, ip) "
           "VALUES (gen_random_uuid(), $1::uuid, now(), now(), 'aal1', "
           "CASE WHEN $2::bigint > 0 THEN now() + $2::bigint * interval '1 second' END, "
           "nullif($3::text, ''), $4::text::inet) RETURNING id, created_at), "
           "a AS (INSERT INTO auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method) "
           "SELECT gen_random_uuid(), s.id, s.created_at, s.created_at, $5::text FROM s), "
           "r AS (INSERT INTO auth.refresh_tokens (instance_id, \"token\", user_id, session_id, revoked, created_at, "
           "updated_at) SELECT " + std::string(kInstanceId) + ", $6::text, $1::uuid::text, s.id, false, now(), now() FROM s), "
           "u AS (UPDATE auth.users SET last_sign_in_at = now(), updated_at = now() WHERE id = $1::uuid RETURNING *), "
           "l AS (" + audit_insert("u", "u.id", "coalesce(u.email, u.phone, '')", "$7::text",
                                   "json_build_object('provider', $5::text)", "$4::text") + ") "
           "SELECT s.id::text, extract(epoch FROM s.created_at)::bigint, " + user_json_sql("u") + " FROM s, u";
}

namespace {
// Columns Store reads for a refresh token (see parse_refresh_row in store.cpp), in order,
// aliased c0..c14 so the rotating statement can refer to them unambiguously.
std::string refresh_columns() {
    const std::string cols[] = {
        "rt.id",
        "coalesce(rt.revoked, false)",
        "extract(epoch FROM coalesce(rt.updated_at, rt.created_at))::bigint",
        "s.id::text",
        "s.user_id::text",
        "extract(epoch FROM s.created_at)::bigint",
        "extract(epoch FROM s.not_after)::bigint",
        "extract(epoch FROM (s.refreshed_at AT TIME ZONE 'UTC'))::bigint",
        "coalesce(s.aal::text, 'aal1')",
        "coalesce(a.authentication_method, 'password')",
        "extract(epoch FROM coalesce(a.created_at, s.created_at))::bigint",
        "coalesce(u.banned_until > now(), false)",
        "u.deleted_at IS NOT NULL",
        user_json_sql("u"),
        "CASE WHEN rt.revoked THEN (SELECT t2.\"token\" FROM auth.refresh_tokens t2 "
        "WHERE t2.session_id = rt.session_id AND t2.revoked IS NOT TRUE ORDER BY t2.id DESC LIMIT 1) END",
    };
    std::string out;
    for (std::size_t i = 0; i < std::size(cols); ++i)
        out += (i ? ", " : "") + cols[i] + " AS c" + std::to_string(i);
    return out;
}

// The token row `rt` joined to what the refresh grant needs to know about it.
constexpr std::string_view kRefreshJoins =
    "JOIN auth.sessions s ON s.id = rt.session_id "
    "JOIN auth.users u ON u.id = s.user_id "
    "LEFT JOIN LATERAL (SELECT m.authentication_method, m.created_at FROM auth.mfa_amr_claims m "
    "WHERE m.session_id = s.id ORDER BY m.created_at LIMIT 1) a ON true";
}  // namespace

std::string find_refresh_token() {
    return "SELECT " + refresh_columns() + " FROM auth.refresh_tokens rt " + std::string(kRefreshJoins) +
           " WHERE rt.\"token\" IN ($1::text, $2::text) LIMIT 1";
}

std::string refresh_and_rotate() {
    // Many rotations in one statement (Store batches concurrent refreshes: one transaction, one
    // WAL flush and one executor start-up for all of them). Each request is one element of $1,
    // a JSON array of {ord, hash, plain, child, timebox, inactivity, ip}; JSON rather than
    // arrays so the planner estimates the same row count with or without the values and
    // settles on one generic plan. Per request: find the token, and rotate it only when it is
    // live, its session within its limits and its user neither banned nor deleted (the rules
    // of decide_refresh, which judges every other outcome from the returned row). No FOR
    // UPDATE: `old` updates a row only while it is still unrevoked (re-checked after any
    // concurrent rotation commits), so of two racing requests exactly one rotates and the
    // other comes back unrotated for refresh_grant to look again. Each rotation writes GoTrue's
    // token_refreshed audit row in the same transaction (one row: GoTrue's second one,
    // token_revoked, says nothing more), with a time-ordered id so the primary key grows at
    // its right edge. Returns find_refresh_token's columns, then ord, helper columns, and last
    // whether the row was rotated; requests whose token was not found have no row.
    return "WITH req AS (SELECT * FROM json_to_recordset($1::json) AS r(ord int, hash text, plain text, child text, "
           "timebox bigint, inactivity bigint, ip text)), "
           "cur AS (SELECT " + refresh_columns() + ", req.ord, req.child, req.ip, rt.\"token\" AS token_hash, "
           "s.id AS sid, s.user_id AS uid, coalesce(u.email, u.phone, '') AS actor, "
           "(rt.revoked IS NOT TRUE AND (s.not_after IS NULL OR s.not_after > now()) "
           "AND (req.timebox = 0 OR s.created_at + req.timebox * interval '1 second' > now()) "
           "AND (req.inactivity = 0 OR coalesce(s.refreshed_at AT TIME ZONE 'UTC', s.created_at) "
           "+ req.inactivity * interval '1 second' > now()) "
           "AND coalesce(u.banned_until <= now(), true) AND u.deleted_at IS NULL) AS can_rotate "
           "FROM req JOIN LATERAL (SELECT * FROM auth.refresh_tokens t WHERE t.\"token\" IN (req.hash, req.plain) "
           "LIMIT 1) rt ON true " + std::string(kRefreshJoins) + "), "
           "old AS (UPDATE auth.refresh_tokens t SET revoked = true, updated_at = now() FROM cur "
           "WHERE t.id = cur.c0 AND cur.can_rotate AND t.revoked IS NOT TRUE "
           "RETURNING t.id, cur.child, cur.uid, cur.sid, cur.token_hash, cur.actor, cur.ip), "
           "ins AS (INSERT INTO auth.refresh_tokens (instance_id, \"token\", user_id, session_id, revoked, parent, "
           "created_at, updated_at) SELECT " + std::string(kInstanceId) +
           ", old.child, old.uid::text, old.sid, false, old.token_hash, now(), now() FROM old), "
           "upd AS (UPDATE auth.sessions s SET refreshed_at = (now() AT TIME ZONE 'UTC'), updated_at = now() "
           "FROM old WHERE s.id = old.sid), "
           "l AS (" + audit_insert("old", "old.uid", "old.actor", "'token_refreshed'", "'{}'::json", "old.ip",
                                   "'token'", kTimeOrderedId) + ") "
           "SELECT cur.*, cur.c0 IN (SELECT id FROM old) FROM cur";
}

std::string rotate_refresh_token() {
    return "WITH old AS (UPDATE auth.refresh_tokens SET revoked = true, updated_at = now() "
           "WHERE id = $1::bigint AND revoked IS NOT TRUE RETURNING id), "
           "ins AS (INSERT INTO auth.refresh_tokens (instance_id, \"token\", user_id, session_id, revoked, parent, "
           "created_at, updated_at) SELECT " + std::string(kInstanceId) +
           ", $2::text, $3::text, $4::uuid, false, $5::text, now(), now() FROM old RETURNING id), "
           "s AS (UPDATE auth.sessions SET refreshed_at = (now() AT TIME ZONE 'UTC'), updated_at = now() "
           "WHERE id = $4::uuid AND EXISTS (SELECT 1 FROM ins)), "
           "l AS (" + audit_insert("ins, auth.users u", "$3::text", "coalesce(u.email, u.phone, '')",
                                   "'token_refreshed'", "'{}'::json", "$6::text", "'token'", kTimeOrderedId) +
           " WHERE u.id = $3::text::uuid) "
           "SELECT count(*) FROM ins";
}

std::string revoke_session() {
    return "WITH d AS (DELETE FROM auth.sessions WHERE id = $1::uuid RETURNING user_id) " +
           audit_insert("d", "$2::text", "''", "'token_revoked'", "json_build_object('reason', $3::text)", "NULL");
}

std::string get_user_with_session() {
    return "SELECT " + user_json_sql("u") + ", CASE WHEN $2::text = '' THEN true ELSE EXISTS ("
           "SELECT 1 FROM auth.sessions s WHERE s.id = nullif($2::text, '')::uuid AND s.user_id = u.id "
           "AND (s.not_after IS NULL OR s.not_after > now())) END "
           "FROM auth.users u WHERE u.id = $1::uuid AND u.deleted_at IS NULL";
}

std::string logout(std::string_view condition) {
    return "WITH d AS (DELETE FROM auth.sessions WHERE " + std::string(condition) + " RETURNING id) " +
           audit_insert("(SELECT 1 WHERE EXISTS (SELECT 1 FROM d)) x", "$1::uuid", "''", "'logout'", "'{}'::json",
                        "NULL");
}

}  // namespace sql
}  // namespace basalt::auth
