// JSON text of the per-request settings PostgREST defines (request.headers, request.cookies,
// request.jwt.claims), written straight into a string: every API request builds them, and a
// Json tree plus dump() cost more than the rest of a primary-key read. Same content as
// dump(): last duplicate wins, invalid UTF-8 becomes U+FFFD.
#pragma once

#include <string>
#include <string_view>

#include "common/json.hpp"
#include "http/message.hpp"

namespace basalt::rest::detail {

// Appends `s` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

// {"name":"value",...} of the request's headers (names are stored lower-cased).
std::string headers_json(const http::Headers& headers);

// {"name":"value",...} of the Cookie header(s).
std::string cookies_json(const http::Headers& headers);

// Compact serialisation of a JSON value (the verified JWT claims).
std::string compact_json(const Json& value);

}  // namespace basalt::rest::detail
