// Owning PGresult handle and helpers to read a result's status and error fields; the only
// place besides connection.cpp that touches libpq result internals.
#pragma once

#include <memory>
#include <string>

#include <libpq-fe.h>

#include "common/error.hpp"
#include "db/sqlstate.hpp"

namespace basalt::db::detail {

using ResultPtr = std::shared_ptr<PGresult>;

inline ResultPtr adopt_result(PGresult* r) {
    if (r == nullptr) return nullptr;
    return ResultPtr(r, PQclear);
}

// A result the server (or libpq) reported as a failure.
inline bool is_error(const PGresult* r) {
    if (r == nullptr) return true;
    auto s = PQresultStatus(r);
    return s == PGRES_FATAL_ERROR || s == PGRES_BAD_RESPONSE || s == PGRES_NONFATAL_ERROR ||
           s == PGRES_PIPELINE_ABORTED;
}

inline std::string result_sqlstate(const PGresult* r) {
    const char* s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    return s ? s : "";
}

// Server error fields; an error without SQLSTATE comes from libpq itself (lost connection).
ServerError server_error(const PGresult* r);

// The Error for a failed result. `conn_ok` false means the connection is gone: 503.
Error result_error(const PGresult* r, bool conn_ok, bool authenticated);

}  // namespace basalt::db::detail
