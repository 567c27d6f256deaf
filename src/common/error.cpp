// Error constructors and the JSON body every client parses ({code,message,details,hint}).
#include "common/error.hpp"

namespace basalt {

nlohmann::json Error::to_json() const {
    return nlohmann::json{{"code", code}, {"message", message}, {"details", details}, {"hint", hint}};
}

namespace {
Error make(int status, std::string code, std::string message) {
    Error e;
    e.status = status;
    e.code = std::move(code);
    e.message = std::move(message);
    return e;
}
}  // namespace

Error Error::bad_request(std::string code, std::string message) {
    return make(400, std::move(code), std::move(message));
}
Error Error::unauthorized(std::string code, std::string message) {
    return make(401, std::move(code), std::move(message));
}
Error Error::forbidden(std::string code, std::string message) {
    return make(403, std::move(code), std::move(message));
}
Error Error::not_found(std::string code, std::string message) {
    return make(404, std::move(code), std::move(message));
}
Error Error::conflict(std::string code, std::string message) {
    return make(409, std::move(code), std::move(message));
}
Error Error::too_large(std::string message) {
    return make(413, "http.payload_too_large", std::move(message));
}
Error Error::unavailable(std::string code, std::string message) {
    return make(503, std::move(code), std::move(message));
}
Error Error::internal_error(std::string cause) {
    Error e = make(500, "internal_error", "An unexpected error occurred");
    e.internal = std::move(cause);
    return e;
}

}  // namespace basalt
