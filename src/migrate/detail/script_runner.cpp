// Runs a migration file and names the failing line. Transactional files are sent whole as one
// simple query inside BEGIN … COMMIT, so PostgreSQL (not our lexer) decides what the
// statements are and error positions index straight into the file.
#include "migrate/detail/script_runner.hpp"

#include <chrono>

#include "common/log.hpp"
#include "migrate/sql_text.hpp"

namespace basalt::migrate::detail {

namespace {

void rollback_quietly(db::BlockingConnection& conn) {
    try {
        if (conn.in_transaction()) conn.exec("ROLLBACK");
    } catch (const std::exception& e) {
        log::warn("migrate: rollback failed: {}", e.what());
    }
}

std::int64_t ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int failure_line(std::string_view file_sql, std::size_t sent_begin, std::size_t sent_len,
                 const db::PgDiagnostics& diag, int failed_statement) {
    std::string_view sent = file_sql.substr(sent_begin, sent_len);
    if (diag.position > 0) return line_at(file_sql, sent_begin + byte_offset_of_position(sent, diag.position));
    if (failed_statement >= 0) {
        auto spans = split_statements(sent);
        if (static_cast<std::size_t>(failed_statement) < spans.size()) {
            return line_at(file_sql, sent_begin + spans[static_cast<std::size_t>(failed_statement)].begin);
        }
    }
    return 0;
}

Error failure_error(std::string_view path, int line, const db::PgDiagnostics& diag, std::string_view note) {
    std::string where(path);
    if (line > 0) where += ":" + std::to_string(line);
    Error e = Error::bad_request("migrate.failed", where + ": " + diag.severity + ": " + diag.message);
    if (!diag.context.empty()) e.message += "\n  CONTEXT: " + diag.context;
    if (!note.empty()) e.message += "\n  NOTE: " + std::string(note);
    if (!diag.detail.empty()) e.details = diag.detail;
    if (!diag.hint.empty()) e.hint = diag.hint;
    e.internal = "SQLSTATE " + diag.sqlstate;
    return e;
}

namespace {

std::int64_t run_in_transaction(db::BlockingConnection& conn, std::string_view sql, std::string_view path,
                                const std::function<void(std::int64_t)>& record) {
    auto start = std::chrono::steady_clock::now();
    conn.exec("BEGIN");
    try {
        conn.exec_script(sql);
    } catch (const db::PgException& e) {
        rollback_quietly(conn);
        throw ErrorException(
            failure_error(path, failure_line(sql, 0, sql.size(), e.diagnostics(), e.failed_statement()), e.diagnostics()));
    } catch (...) {
        rollback_quietly(conn);
        throw;
    }
    if (!conn.in_transaction()) {
        // The file ran COMMIT/ROLLBACK itself: its work is already final, so record it anyway.
        log::warn("migrate: {} ended the transaction itself; it is no longer atomic with its history row", path);
    }
    std::int64_t ms = ms_since(start);
    try {
        record(ms);
        if (conn.in_transaction()) conn.exec("COMMIT");
    } catch (const db::PgException& e) {
        // Deferred constraints fail at COMMIT: the migration's fault, but no line to point at.
        rollback_quietly(conn);
        throw ErrorException(failure_error(path, 0, e.diagnostics()));
    } catch (...) {
        rollback_quietly(conn);
        throw;
    }
    return ms;
}

std::int64_t run_statement_by_statement(db::BlockingConnection& conn, std::string_view sql, std::string_view path,
                                        const std::function<void(std::int64_t)>& record) {
    auto start = std::chrono::steady_clock::now();
    auto spans = split_statements(sql);
    for (std::size_t i = 0; i < spans.size(); ++i) {
        const auto& span = spans[i];
        try {
            // Each statement alone, so CREATE INDEX CONCURRENTLY is not in an implicit block.
            conn.exec_script(sql.substr(span.begin, span.end - span.begin));
        } catch (const db::PgException& e) {
            rollback_quietly(conn);
            std::string note = i == 0 ? std::string()
                                      : "no-transaction migration: the " + std::to_string(i) +
                                            " statement(s) before this one stay applied";
            throw ErrorException(failure_error(
                path, failure_line(sql, span.begin, span.end - span.begin, e.diagnostics(), e.failed_statement()),
                e.diagnostics(), note));
        }
    }
    std::int64_t ms = ms_since(start);
    record(ms);
    return ms;
}

}  // namespace

std::int64_t run_script(db::BlockingConnection& conn, std::string_view sql, std::string_view path,
                        bool no_transaction, const std::function<void(std::int64_t)>& record) {
    return no_transaction ? run_statement_by_statement(conn, sql, path, record)
                          : run_in_transaction(conn, sql, path, record);
}

}  // namespace basalt::migrate::detail
