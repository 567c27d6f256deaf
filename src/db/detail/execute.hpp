// The request recipes on a leased connection: one prepared statement, a whole pipelined
// transaction (BEGIN; set_config...; statement; COMMIT), and the pieces of an explicit
// Transaction. Each builds one pipeline, sends it in one flush and turns results into Rows
// or a basalt::Error.
#pragma once

#include <chrono>
#include <string_view>

#include "db/detail/connection.hpp"
#include "db/detail/shard.hpp"
#include "db/pool.hpp"

namespace basalt::db::detail {

// True unless the context is anonymous (decides 42501 -> 401 vs 403).
bool is_authenticated(const TxContext& ctx);

// One statement, prepared once per connection. Outside a transaction a vanished or
// invalidated prepared statement (26000, 0A000 "cached plan") is re-prepared and retried once.
Awaitable<Rows> run_statement(Connection& c, std::string_view sql, const Params& params,
                              bool authenticated, bool in_transaction,
                              std::chrono::milliseconds timeout);

// BEGIN; SELECT set_config(...); sql; COMMIT|ROLLBACK; Sync — one round trip. Read-only
// requests that are not rolled back skip BEGIN/COMMIT (one implicit transaction up to the Sync).
// On failure the transaction is rolled back and the connection left idle before throwing.
Awaitable<Rows> run_transaction(Connection& c, const TxContext& ctx, std::string_view sql,
                                const Params& params, bool rollback,
                                std::chrono::milliseconds timeout);

// The read-only, not rolled back case of run_transaction(), in the read batch this thread is
// gathering (read_batch.hpp) instead of on a connection of its own.
Awaitable<Rows> run_batched_read(Shard& shard, const TxContext& ctx, std::string_view sql,
                                 const Params& params, std::chrono::milliseconds acquire_timeout,
                                 std::chrono::milliseconds timeout);

// BEGIN [READ ONLY]; SELECT set_config(...); Sync — opens an explicit transaction.
Awaitable<void> open_transaction(Connection& c, const TxContext& ctx,
                                 std::chrono::milliseconds timeout);

// COMMIT or ROLLBACK; throws the server's error (e.g. a deferred constraint) on failure.
Awaitable<void> end_transaction(Connection& c, std::string_view command, bool authenticated,
                                std::chrono::milliseconds timeout);

}  // namespace basalt::db::detail
