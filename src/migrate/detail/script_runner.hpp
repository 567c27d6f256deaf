// Executes one migration file (in a transaction with its history row, or statement by statement
// for `-- basalt:no-transaction` files) and turns a server error into "<file>:<line>: ERROR: …".
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "db/blocking_connection.hpp"

namespace basalt::migrate::detail {

// The line of `file_sql` a failure points at. The statement sent to the server was
// file_sql[sent_begin, sent_begin + sent_len). Uses the server's error position when present,
// else the start of the statement that failed (PgException::failed_statement() within the sent
// text). 0 when neither is known.
int failure_line(std::string_view file_sql, std::size_t sent_begin, std::size_t sent_len,
                 const db::PgDiagnostics& diag, int failed_statement);

// migrate.failed (400): "<path>:<line>: ERROR: <message>" (+ CONTEXT line for errors raised
// inside function bodies / DO blocks); details and hint are PostgreSQL's.
Error failure_error(std::string_view path, int line, const db::PgDiagnostics& diag, std::string_view note = {});

// Runs the script; `record(execution_ms)` writes the history change and runs inside the same
// transaction (after the script, before COMMIT) unless no_transaction. Returns execution ms.
// On failure everything is rolled back (transactional case) and migrate.failed is thrown.
std::int64_t run_script(db::BlockingConnection& conn, std::string_view sql, std::string_view path,
                        bool no_transaction, const std::function<void(std::int64_t)>& record);

}  // namespace basalt::migrate::detail
