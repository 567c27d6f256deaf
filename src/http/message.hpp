// The request/response values handlers see. Beast types stay inside http/: handlers in other
// modules work with these plain structs only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/json.hpp"

namespace basalt::http {

// Who is calling, derived once per request by the auth-context middleware.
struct AuthContext {
    std::string role = "anon";   // database role the request runs as
    Json claims = Json::object(); // verified JWT claims ({} for no token)
    std::string token;            // the raw bearer (never logged)
    bool has_token = false;       // a valid JWT was presented
    bool via_cookie = false;      // token came from the session cookie (CSRF applies)
    [[nodiscard]] bool is_service_role() const { return role == "service_role"; }
    [[nodiscard]] std::string user_id() const {
        return claims.contains("sub") && claims["sub"].is_string() ? claims["sub"].get<std::string>()
                                                                   : std::string{};
    }
};

// Case-insensitive header lookups; names stored lower-cased.
class Headers {
public:
    void add(std::string_view name, std::string_view value);
    void set(std::string_view name, std::string_view value);
    [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
    [[nodiscard]] std::vector<std::string_view> get_all(std::string_view name) const;
    [[nodiscard]] bool has(std::string_view name) const { return get(name).has_value(); }
    void erase(std::string_view name);
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& items() const {
        return items_;
    }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
    std::string method;   // "GET", "POST", ... (upper-case)
    std::string target;   // raw request target, e.g. "/rest/v1/todos?id=eq.1"
    std::string path;     // percent-decoded path without the query
    std::string raw_query;  // query string without '?', still percent-encoded
    // Decoded query parameters in order ('+' decoded as space); repeated keys kept.
    std::vector<std::pair<std::string, std::string>> query;
    Headers headers;
    std::string body;
    std::string client_ip;
    std::string request_id;
    AuthContext auth;
    std::map<std::string, std::string> path_params;  // from router patterns "/users/:id"
    std::string route;  // matched pattern, for metrics ("/rest/v1/:table")

    [[nodiscard]] std::optional<std::string_view> query_param(std::string_view key) const;
    [[nodiscard]] std::string_view param(std::string_view name) const;  // path param or ""
};

struct Response {
    int status = 200;
    Headers headers;
    std::string body;

    static Response json(int status, const Json& body);
    static Response json_text(int status, std::string body);  // pre-serialised JSON
    static Response text(int status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");
    static Response empty(int status);
    // Error body {code,message,details,hint,request_id}; status from the error.
    static Response error(const Error& error, std::string_view request_id = {});
};

// Percent-decoding helpers shared by the router and query parsing.
std::string percent_decode(std::string_view in, bool plus_as_space);
// Encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~), so the result is
// safe in a path segment, a query value and a URL fragment alike.
std::string percent_encode(std::string_view in);
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view raw_query);

}  // namespace basalt::http
