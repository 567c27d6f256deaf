// SQLSTATE -> HTTP status table and PostgreSQL error -> basalt::Error conversion.
#include "db/sqlstate.hpp"

#include <charconv>

#include "common/json.hpp"

namespace basalt::db {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.starts_with(prefix); }

// RAISE SQLSTATE 'PT404' sets the status directly (PostgREST); junk falls back to 500.
int custom_pt_status(std::string_view sqlstate) {
    int status = 0;
    auto digits = sqlstate.substr(2);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), status);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || status < 100 || status > 599) {
        return 500;
    }
    return status;
}

Json json_or_string(const std::optional<std::string>& s) {
    if (!s) return nullptr;
    return *s;
}

// RAISE SQLSTATE 'PGRST' USING message = '{"code":..,"message":..}', detail = '{"status":..}'.
std::optional<Error> pgrst_raise(const ServerError& e) {
    Json msg = parse_json_or_discarded(e.message);
    Json det = e.detail ? parse_json_or_discarded(*e.detail) : Json();
    if (!msg.is_object() || !msg.contains("code") || !msg.contains("message") ||
        !det.is_object() || !det.contains("status") || !det["status"].is_number_integer()) {
        return std::nullopt;
    }
    Error err;
    err.status = det["status"].get<int>();
    err.code = msg["code"].is_string() ? msg["code"].get<std::string>() : msg["code"].dump();
    err.message = msg["message"].is_string() ? msg["message"].get<std::string>() : msg["message"].dump();
    err.details = msg.value("details", Json());
    err.hint = msg.value("hint", Json());
    err.internal = e.internal;
    return err;
}

}  // namespace

int http_status_for_sqlstate(std::string_view c, std::string_view message, bool authenticated) {
    if (c == "23503" || c == "23505") return 409;
    if (c == "25006") return 405;
    if (c == "21000") {  // pg-safeupdate's "requires a WHERE clause" is the client's fault
        return message.ends_with("requires a WHERE clause") ? 400 : 500;
    }
    if (c == "22023") {  // set_config('role', ...) with a role that does not exist: bad JWT
        return message.starts_with("role") && message.ends_with("does not exist") ? 401 : 400;
    }
    if (c == "53400") return 500;
    if (c == "57P01") return 503;  // terminating connection due to administrator command
    if (c == "57014") return 504;  // statement_timeout (DESIGN.md; PostgREST says 500)
    if (c == "P0001") return 400;  // plain RAISE EXCEPTION
    if (c == "42883") return message.starts_with("function xmlagg(") ? 406 : 404;
    if (c == "42P01") return 404;
    if (c == "42P17") return 500;
    if (c == "42501") return authenticated ? 403 : 401;
    if (starts_with(c, "08")) return 503;
    if (starts_with(c, "53")) return 503;
    if (starts_with(c, "0L") || starts_with(c, "0P") || starts_with(c, "28")) return 403;
    for (std::string_view p : {"09", "25", "2D", "38", "39", "3B", "40", "54", "55", "57", "58",
                               "F0", "HV", "P0", "XX"}) {
        if (starts_with(c, p)) return 500;
    }
    if (starts_with(c, "PT")) return custom_pt_status(c);
    return 400;
}

Error to_error(const ServerError& e, bool authenticated) {
    if (e.sqlstate == "PGRST") {
        if (auto err = pgrst_raise(e)) return *err;
        Error err = Error::internal_error(e.internal);
        err.code = "PGRST121";
        err.message = "Could not parse JSON in the \"RAISE SQLSTATE 'PGRST'\" error";
        return err;
    }
    Error err;
    err.status = http_status_for_sqlstate(e.sqlstate, e.message, authenticated);
    err.code = e.sqlstate;
    err.message = e.message;
    err.details = json_or_string(e.detail);
    err.hint = json_or_string(e.hint);
    err.internal = e.internal;
    return err;
}

Error unavailable_error(std::string internal) {
    Error err = Error::unavailable("db.unavailable", "Database connection error. Retrying the connection.");
    err.internal = std::move(internal);
    return err;
}

}  // namespace basalt::db
