// Construction and rendering of auth errors.
#include "auth/errors.hpp"

#include <cctype>

#include "common/log.hpp"

namespace basalt::auth {

Error auth_error(int status, std::string code, std::string message) {
    Error e;
    e.status = status;
    e.code = std::move(code);
    e.message = std::move(message);
    return e;
}

Error invalid_credentials() { return auth_error(400, "invalid_credentials", "Invalid login credentials"); }
Error validation_failed(std::string message) { return auth_error(400, "validation_failed", std::move(message)); }
Error no_authorization() {
    return auth_error(401, "no_authorization", "This endpoint requires a valid Bearer token");
}
Error not_admin() { return auth_error(403, "not_admin", "User not allowed"); }
Error session_not_found() {
    return auth_error(403, "session_not_found", "Session from session_id claim in JWT does not exist");
}
Error user_not_found() { return auth_error(404, "user_not_found", "User not found"); }
Error over_rate_limit() {
    return auth_error(429, "over_request_rate_limit", "Request rate limit reached");
}
Error bad_json(std::string_view detail) {
    return auth_error(400, "bad_json", "Could not parse request body as JSON: " + std::string(detail));
}

http::Response error_response(const Error& error, std::string_view request_id) {
    Json body;
    int status = error.status;
    if (status >= 500) {
        // Unclassified and database failures: the client sees a generic message only.
        log::error("auth: {} {} ({})", error.code, error.message, error.internal);
        const bool unavailable = status == 503;
        body = Json{{"code", "unexpected_failure"},
                    {"message", unavailable ? "Service temporarily unavailable"
                                            : "Unexpected failure, please check server logs for more information"}};
    } else if (error.code.size() == 5 && std::isdigit(static_cast<unsigned char>(error.code[0]))) {
        // A SQLSTATE that slipped through as a client error (e.g. a bad uuid): report it as a
        // validation failure in the GoTrue dialect, never as raw database text.
        log::warn("auth: database rejected a request: {} {}", error.code, error.message);
        body = Json{{"code", "validation_failed"}, {"message", "Invalid input"}};
        status = 400;
    } else {
        body = Json{{"code", error.code}, {"message", error.message}};
        if (error.code == "weak_password" && error.details.is_object()) body["weak_password"] = error.details;
    }
    body["error_code"] = body["code"];
    body["msg"] = body["message"];
    if (!request_id.empty()) body["request_id"] = request_id;
    http::Response res = http::Response::json(status, body);
    res.headers.set(kApiVersionHeader, kApiVersion);
    return res;
}

}  // namespace basalt::auth
