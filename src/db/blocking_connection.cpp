// Synchronous libpq wrapper: connect, exec, exec_params, multi-statement scripts with the
// failing statement identified, and server errors turned into PgException with diagnostics.
#include "db/blocking_connection.hpp"

#include <cstdlib>
#include <utility>

#include <libpq-fe.h>

#include "common/log.hpp"
#include "db/sqlstate.hpp"

namespace basalt::db {

namespace {

PGconn* pg(void* p) { return static_cast<PGconn*>(p); }

std::string field(const PGresult* res, int code) {
    const char* v = PQresultErrorField(res, code);
    return v ? std::string(v) : std::string();
}

int int_field(const PGresult* res, int code) {
    const char* v = PQresultErrorField(res, code);
    return v ? std::atoi(v) : 0;
}

PgDiagnostics diagnostics_of(const PGresult* res, PGconn* conn) {
    PgDiagnostics d;
    if (res) {
        d.severity = field(res, PG_DIAG_SEVERITY_NONLOCALIZED);
        d.sqlstate = field(res, PG_DIAG_SQLSTATE);
        d.message = field(res, PG_DIAG_MESSAGE_PRIMARY);
        d.detail = field(res, PG_DIAG_MESSAGE_DETAIL);
        d.hint = field(res, PG_DIAG_MESSAGE_HINT);
        d.context = field(res, PG_DIAG_CONTEXT);
        d.position = int_field(res, PG_DIAG_STATEMENT_POSITION);
        d.internal_position = int_field(res, PG_DIAG_INTERNAL_POSITION);
        d.internal_query = field(res, PG_DIAG_INTERNAL_QUERY);
    }
    if (d.message.empty()) {
        // Client-side failures (lost connection) carry no fields, only the connection message.
        const char* m = conn ? PQerrorMessage(conn) : nullptr;
        d.message = (m && *m) ? m : "unknown database error";
        while (!d.message.empty() && (d.message.back() == '\n' || d.message.back() == ' ')) {
            d.message.pop_back();
        }
        if (d.sqlstate.empty()) d.sqlstate = "08006";  // connection_failure
    }
    if (d.severity.empty()) d.severity = "ERROR";
    return d;
}

[[noreturn]] void throw_pg(const PGresult* res, PGconn* conn, int failed_statement = -1) {
    PgDiagnostics d = diagnostics_of(res, conn);
    // The one SQLSTATE table (db/sqlstate.hpp) decides status and shape, as for the pool.
    ServerError se;
    se.sqlstate = d.sqlstate;
    se.message = d.message;
    if (!d.detail.empty()) se.detail = d.detail;
    if (!d.hint.empty()) se.hint = d.hint;
    se.internal = d.severity + " " + d.sqlstate + ": " + d.message;
    Error e = to_error(se, /*authenticated=*/false);
    throw PgException(std::move(e), std::move(d), failed_statement);
}

bool is_ok(const PGresult* res) {
    switch (PQresultStatus(res)) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
        case PGRES_EMPTY_QUERY:
        case PGRES_SINGLE_TUPLE:
            return true;
        default:
            return false;
    }
}

// Server NOTICEs ("relation already exists, skipping") go to the debug log, not stderr.
void on_notice(void*, const PGresult* res) {
    const char* msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (msg) log::debug("postgres notice: {}", msg);
}

void require_open(void* conn) {
    if (!conn) throw ErrorException(Error::unavailable("db.unavailable", "database connection is closed"));
}

}  // namespace

// ---- BlockingResult ----

BlockingResult::BlockingResult(void* pg_result)
    : result_(pg_result, [](void* p) { PQclear(static_cast<PGresult*>(p)); }) {}

namespace {
const PGresult* res_of(const std::shared_ptr<void>& r) { return static_cast<const PGresult*>(r.get()); }
}  // namespace

int BlockingResult::rows() const { return result_ ? PQntuples(res_of(result_)) : 0; }
int BlockingResult::columns() const { return result_ ? PQnfields(res_of(result_)) : 0; }

int BlockingResult::column_index(std::string_view name) const {
    if (!result_) return -1;
    for (int i = 0; i < columns(); ++i) {
        if (name == PQfname(res_of(result_), i)) return i;
    }
    return -1;
}

bool BlockingResult::is_null(int row, int col) const {
    return PQgetisnull(res_of(result_), row, col) != 0;
}

std::string_view BlockingResult::get(int row, int col) const {
    if (is_null(row, col)) return {};
    return {PQgetvalue(res_of(result_), row, col),
            static_cast<std::size_t>(PQgetlength(res_of(result_), row, col))};
}

std::optional<std::string> BlockingResult::get_opt(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return std::string(get(row, col));
}

std::int64_t BlockingResult::affected() const {
    if (!result_) return 0;
    const char* n = PQcmdTuples(const_cast<PGresult*>(res_of(result_)));
    return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

// ---- BlockingConnection ----

BlockingConnection::BlockingConnection(const std::string& conninfo, const std::string& application_name) {
    // expand_dbname=1: "dbname" holds the whole conninfo/URI; keywords after it override it.
    const char* keys[] = {"dbname", "fallback_application_name", "client_encoding", nullptr};
    const char* vals[] = {conninfo.c_str(), application_name.c_str(), "UTF8", nullptr};
    PGconn* c = PQconnectdbParams(keys, vals, 1);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        std::string msg = c ? PQerrorMessage(c) : "out of memory";
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
        if (c) PQfinish(c);
        // libpq's message names host/socket and user, never the password.
        throw ErrorException(Error::unavailable("db.unavailable", "cannot connect to PostgreSQL: " + msg));
    }
    PQsetNoticeReceiver(c, on_notice, nullptr);
    conn_ = c;
}

BlockingConnection::~BlockingConnection() { close(); }

BlockingConnection::BlockingConnection(BlockingConnection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

BlockingConnection& BlockingConnection::operator=(BlockingConnection&& other) noexcept {
    if (this != &other) {
        close();
        conn_ = std::exchange(other.conn_, nullptr);
    }
    return *this;
}

void BlockingConnection::close() {
    if (conn_) PQfinish(pg(std::exchange(conn_, nullptr)));
}

bool BlockingConnection::in_transaction() const {
    if (!conn_) return false;
    auto s = PQtransactionStatus(pg(conn_));
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

BlockingResult BlockingConnection::exec(std::string_view sql) {
    require_open(conn_);
    std::string text(sql);  // libpq needs NUL termination
    // PQexec returns the last result, or the error result when a statement fails.
    PGresult* res = PQexec(pg(conn_), text.c_str());
    if (!res || !is_ok(res)) {
        BlockingResult guard(res);
        throw_pg(res, pg(conn_));
    }
    return BlockingResult(res);
}

BlockingResult BlockingConnection::exec_params(std::string_view sql, const Params& params) {
    require_open(conn_);
    std::string text(sql);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult* res = PQexecParams(pg(conn_), text.c_str(), static_cast<int>(values.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0);
    if (!res || !is_ok(res)) {
        BlockingResult guard(res);  // frees res after throw_pg copied the fields
        throw_pg(res, pg(conn_));
    }
    return BlockingResult(res);
}

int BlockingConnection::exec_script(std::string_view sql) {
    require_open(conn_);
    std::string text(sql);
    if (!PQsendQuery(pg(conn_), text.c_str())) throw_pg(nullptr, pg(conn_));
    // One result per statement; after an error the server skips the rest of the string.
    int completed = 0;
    PGresult* error = nullptr;
    while (PGresult* res = PQgetResult(pg(conn_))) {
        // COPY ... FROM STDIN has no data to read here (psql's inline data is a psql feature):
        // end it with an error so the server fails that statement instead of waiting forever.
        // COPY ... TO STDOUT output is drained; its CommandComplete follows as the next result.
        if (PQresultStatus(res) == PGRES_COPY_IN) {
            PQputCopyEnd(pg(conn_), "COPY FROM STDIN is not supported here");
            PQclear(res);
            continue;
        }
        if (PQresultStatus(res) == PGRES_COPY_OUT) {
            char* buf = nullptr;
            while (PQgetCopyData(pg(conn_), &buf, 0) > 0) PQfreemem(buf);
            PQclear(res);
            continue;
        }
        if (!error && !is_ok(res)) {
            error = res;
            continue;
        }
        if (!error) ++completed;
        PQclear(res);
    }
    if (error) {
        BlockingResult guard(error);
        throw_pg(error, pg(conn_), completed);
    }
    if (PQstatus(pg(conn_)) != CONNECTION_OK) throw_pg(nullptr, pg(conn_), completed);
    return completed;
}

}  // namespace basalt::db
