// SQLSTATE -> HTTP status (PostgREST's table) and the basalt::Error every PostgreSQL failure
// becomes. The one place that decides how a database error looks to a client.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace basalt::db {

// Fields of a server ErrorResponse (libpq's PQresultErrorField values).
struct ServerError {
    std::string sqlstate;               // "23505"
    std::string message;                // primary message
    std::optional<std::string> detail;  // DETAIL, if any
    std::optional<std::string> hint;    // HINT, if any
    std::string internal;               // full libpq text (log only)
};

// PostgREST's mapping (docs "Errors", src/PostgREST/Error.hs), with one deliberate change
// from DESIGN.md: 57014 (statement timeout) is 504, not 500. `authenticated` decides 42501:
// 403 for a request with a user identity, 401 for an anonymous one.
int http_status_for_sqlstate(std::string_view sqlstate, std::string_view message,
                             bool authenticated);

// code = SQLSTATE, message/details/hint from the server, status from the table above.
// RAISE SQLSTATE 'PGRST' with JSON message/detail (PostgREST's full response control) is
// honoured for code/message/details/hint/status; its response headers are not carried.
Error to_error(const ServerError& e, bool authenticated);

// The connection could not be made or broke mid-request: 503 "db.unavailable".
Error unavailable_error(std::string internal);

}  // namespace basalt::db
