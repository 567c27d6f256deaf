// Statement texts for auth/store*.cpp, built once (each is prepared once per connection).
// Parameters are always bound ($n), each with a single explicit type per statement.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "db/pool.hpp"

namespace basalt::auth {

// Statement parameters from strings/optionals. A named function instead of a braced list at
// the call site: GCC 12 miscompiles initializer lists inside co_await expressions.
template <typename... A>
db::Params sql_params(A&&... a) {
    return db::Params{std::optional<std::string>(std::forward<A>(a))...};
}

}  // namespace basalt::auth

namespace basalt::auth::sql {

// GoTrue writes this instance id everywhere; keeping it makes dumps interchangeable.
inline constexpr std::string_view kInstanceId = "'00000000-0000-0000-0000-000000000000'::uuid";

// id, encrypted_password, banned, email_confirmed, phone_confirmed ... WHERE <condition>
inline constexpr std::string_view kLoginSelect =
    "SELECT u.id::text, coalesce(u.encrypted_password, ''), coalesce(u.banned_until > now(), false), "
    "u.email_confirmed_at IS NOT NULL, u.phone_confirmed_at IS NOT NULL FROM auth.users u WHERE ";

// $1 user_id, $2 timebox seconds, $3 user agent, $4 ip, $5 amr method, $6 refresh hash,
// $7 audit action -> session id, created_at epoch, user json
std::string create_session();
// $1 token hash, $2 plain token -> see Store::find_refresh_token for the column order
std::string find_refresh_token();
// $1 JSON array of {ord, hash, plain, child, timebox, inactivity, ip} -> per found token:
// find_refresh_token's columns, then ord and helper columns, and last whether it was rotated
std::string refresh_and_rotate();
// $1 token id, $2 child hash, $3 user id, $4 session id, $5 parent hash, $6 client ip or NULL ->
// rows rotated (0/1)
std::string rotate_refresh_token();
// $1 session id, $2 user id, $3 reason
std::string revoke_session();
// $1 user id, $2 session id or '' -> user json, session ok
std::string get_user_with_session();
// $1 user id, $2 session id; condition selects the sessions to delete
std::string logout(std::string_view condition);

// A UUID whose first 48 bits are the transaction's start in Unix milliseconds and whose version
// nibble is 7 (RFC 9562 UUIDv7; the remaining bits come from gen_random_uuid()): for rows
// inserted at a high rate, so their primary key is appended to rather than written at random.
inline constexpr std::string_view kTimeOrderedId =
    "(lpad(to_hex((extract(epoch FROM now()) * 1000)::bigint), 12, '0') || '7' || "
    "substr(replace(gen_random_uuid()::text, '-', ''), 14))::uuid";

// Audit row from a CTE/relation named `from` with columns giving actor id and username.
std::string audit_insert(std::string_view from, std::string_view actor_id, std::string_view actor_username,
                         std::string_view action, std::string_view traits, std::string_view ip,
                         std::string_view log_type = "'account'", std::string_view id = "gen_random_uuid()");

}  // namespace basalt::auth::sql
