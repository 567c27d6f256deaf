// Asynchronous PostgreSQL access on the event loop: libpq in non-blocking mode, one pool
// shard per io_context thread (connections never cross threads), prepared-statement cache
// per connection, pipelined transactions that set role and request.jwt.claims.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "common/error.hpp"
#include "common/json.hpp"
#include "db/settings.hpp"

namespace basalt::db {

template <typename T>
using Awaitable = boost::asio::awaitable<T>;

// Text-format parameters; nullopt is SQL NULL. Values are always bound, never spliced.
using Params = std::vector<std::optional<std::string>>;

// One result set, copied out of the PGresult (owned; safe to keep after the connection returns).
class Rows {
public:
    Rows() = default;
    explicit Rows(std::shared_ptr<void> pg_result);  // takes a PGresult* wrapped with PQclear
    [[nodiscard]] int size() const;
    [[nodiscard]] int columns() const;
    [[nodiscard]] bool empty() const { return size() == 0; }
    [[nodiscard]] std::string_view column_name(int col) const;
    [[nodiscard]] int column_index(std::string_view name) const;  // -1 if absent
    [[nodiscard]] bool is_null(int row, int col) const;
    [[nodiscard]] std::string_view get(int row, int col) const;      // "" for NULL
    [[nodiscard]] std::optional<std::string> get_opt(int row, int col) const;
    [[nodiscard]] std::int64_t affected() const;                      // PQcmdTuples
    [[nodiscard]] std::string_view command() const;                   // PQcmdStatus: "INSERT 0 1"
private:
    std::shared_ptr<void> result_;
};

// Who a transaction runs as: SET LOCAL role + request.jwt.claims (+ extra GUCs such as
// request.method / request.path / request.headers), so RLS and grants decide visibility.
// The role must be an API role (detail/role_guard.hpp): one `authenticator` is a member of
// that cannot log in, is no superuser and does not bypass RLS (service_role excepted);
// anything else fails with 401/403 before the transaction starts.
struct TxContext {
    std::optional<std::string> role;              // "anon", "authenticated", "service_role"...
    std::optional<std::string> claims_json;       // JSON text for request.jwt.claims
    std::vector<std::pair<std::string, std::string>> settings;  // extra set_config(key, value, true)
    bool read_only = false;
    // Decides 42501 -> 401 (anonymous) or 403 (PostgREST). nullopt: anonymous iff role == "anon".
    std::optional<bool> anonymous;
};

// Errors from PostgreSQL come back as basalt::Error with code = SQLSTATE, status from the
// SQLSTATE table (db/sqlstate.hpp), message/details/hint from the server.

class Pool {
public:
    Pool(Settings settings, std::string conninfo, std::size_t io_threads);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // Binds shard `index` to the io_context that thread runs; call once per I/O thread
    // before serving (the shard's connections are created lazily on that context).
    void attach(std::size_t index, boost::asio::io_context& io);

    // One statement (autocommit), prepared once per connection. Throws ErrorException.
    Awaitable<Rows> query(std::string_view sql, Params params = {});

    // Several statements separated by `;` (simple protocol, no parameters, not prepared), in
    // one implicit transaction. For fixed DDL/maintenance scripts; returns the last result.
    Awaitable<Rows> execute(std::string_view script);

    // BEGIN; set_config(role, claims, ...); sql; COMMIT — sent as ONE pipeline (one round
    // trip); read-only ones without BEGIN/COMMIT, as one implicit read-only transaction.
    // Returns the statement's rows. On any error the transaction is rolled back.
    // rollback=true runs everything then rolls back (Prefer: tx=rollback).
    Awaitable<Rows> run_in_tx(const TxContext& ctx, std::string_view sql, Params params = {},
                              bool rollback = false);

    // Multi-statement transaction for service code (auth, migrations at runtime).
    class Transaction;
    Awaitable<std::unique_ptr<Transaction>> begin(const TxContext& ctx = {});

    // Health: one round trip `SELECT 1` within timeout; false if the database is down.
    Awaitable<bool> ping(std::chrono::milliseconds timeout);

    struct Stats {
        std::size_t total = 0, in_use = 0, idle = 0, waiting = 0;
        bool database_up = false;
        // Read batching (database.batch_reads): batches sent and the reads they carried.
        std::uint64_t read_batches = 0, batched_reads = 0;
    };
    [[nodiscard]] Stats stats() const;

    // Closes idle connections and fails new requests with 503 (shutdown). Any thread.
    // Lifetime: destroy the Pool after every coroutine using it has finished and BEFORE the
    // io_contexts it is attached to (its sockets are registered with their reactors).
    void close();

    struct Impl;
private:
    std::unique_ptr<Impl> impl_;
};

// Rolls back on destruction unless commit() succeeded (the connection is reset before reuse).
class Pool::Transaction {
public:
    virtual ~Transaction() = default;
    virtual Awaitable<Rows> query(std::string_view sql, Params params = {}) = 0;
    virtual Awaitable<void> commit() = 0;
    virtual Awaitable<void> rollback() = 0;
};

}  // namespace basalt::db
