// A small synchronous libpq connection for work that runs before traffic or outside the server
// (migrations at startup, the `basalt migrate` CLI, test fixtures). Never use it on an I/O thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace basalt::db {

// Text-format parameters; nullopt is SQL NULL (same alias as db/pool.hpp).
using Params = std::vector<std::optional<std::string>>;

// Every field PostgreSQL reports about a failed statement (libpq PG_DIAG_*).
struct PgDiagnostics {
    std::string severity;        // "ERROR", "FATAL"...
    std::string sqlstate;        // "42P01"
    std::string message;         // primary message
    std::string detail;
    std::string hint;
    std::string context;         // e.g. "PL/pgSQL function f() line 3 at RAISE"
    int position = 0;            // 1-based CHARACTER index into the statement text; 0 = none
    int internal_position = 0;   // position inside internal_query (function bodies, DO blocks)
    std::string internal_query;
};

// Thrown for errors reported by the server. error().code is the SQLSTATE, error().message the
// server's primary message, details/hint copied when present.
class PgException : public ErrorException {
public:
    PgException(Error error, PgDiagnostics diag, int failed_statement)
        : ErrorException(std::move(error)), diag_(std::move(diag)), failed_statement_(failed_statement) {}
    [[nodiscard]] const PgDiagnostics& diagnostics() const noexcept { return diag_; }
    // exec_script only: 0-based index of the statement that failed (statements that ran before
    // it each produced one result); -1 when unknown.
    [[nodiscard]] int failed_statement() const noexcept { return failed_statement_; }

private:
    PgDiagnostics diag_;
    int failed_statement_ = -1;
};

// An owned PGresult. Values are text format.
class BlockingResult {
public:
    BlockingResult() = default;
    explicit BlockingResult(void* pg_result);  // takes ownership of a PGresult*
    [[nodiscard]] int rows() const;
    [[nodiscard]] int columns() const;
    [[nodiscard]] bool empty() const { return rows() == 0; }
    [[nodiscard]] int column_index(std::string_view name) const;  // -1 if absent
    [[nodiscard]] bool is_null(int row, int col) const;
    [[nodiscard]] std::string_view get(int row, int col) const;  // "" for NULL
    [[nodiscard]] std::optional<std::string> get_opt(int row, int col) const;
    [[nodiscard]] std::int64_t affected() const;  // PQcmdTuples; 0 when not applicable

private:
    std::shared_ptr<void> result_;
};

// Usage:
//   db::BlockingConnection conn(conninfo);              // throws ErrorException (db.unavailable)
//   auto r = conn.exec_params("select $1::int + 1", {"41"});
//   int v = std::stoi(std::string(r.get(0, 0)));
class BlockingConnection {
public:
    // conninfo is a libpq keyword string or URI. client_encoding is forced to UTF8 so error
    // positions (counted in characters) can be mapped onto UTF-8 text.
    explicit BlockingConnection(const std::string& conninfo,
                                const std::string& application_name = "basalt");
    ~BlockingConnection();
    BlockingConnection(BlockingConnection&& other) noexcept;
    BlockingConnection& operator=(BlockingConnection&& other) noexcept;
    BlockingConnection(const BlockingConnection&) = delete;
    BlockingConnection& operator=(const BlockingConnection&) = delete;

    // Simple-query protocol: sql may hold several statements; returns the last result.
    BlockingResult exec(std::string_view sql);
    // Extended protocol, one statement, values bound as $1..$n (never spliced).
    BlockingResult exec_params(std::string_view sql, const Params& params);
    // Runs a multi-statement script as ONE simple query (the server parses it, so error
    // positions are offsets into `sql`) and counts results so that a failure without a
    // position can still be attributed to a statement (PgException::failed_statement()).
    // Returns the number of statements that completed.
    int exec_script(std::string_view sql);

    // True while a transaction block is open (or aborted) on this session.
    [[nodiscard]] bool in_transaction() const;
    [[nodiscard]] bool is_open() const { return conn_ != nullptr; }
    void close();
    // The raw PGconn*, for code that needs libpq directly (keep libpq inside db/).
    [[nodiscard]] void* native() const { return conn_; }

private:
    void* conn_ = nullptr;  // PGconn*
};

}  // namespace basalt::db
