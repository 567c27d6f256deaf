// rest::parse: HTTP pieces -> ApiRequest. Pure and schema-agnostic; every syntax error is a
// PostgREST-shaped Error (PGRST100 query parameter, PGRST102 body, PGRST103 range, PGRST106
// schema, PGRST107 media type, PGRST117 method, ...).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "rest/parse/api_request.hpp"

namespace basalt::rest {

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct RawRequest {
    std::string_view method;    // upper-case
    std::string_view resource;  // table/view or function name; empty for the schema root
    bool rpc = false;           // /rpc/<resource>
    const Pairs* query = nullptr;    // decoded query parameters, in order
    const Pairs* headers = nullptr;  // lower-cased names
    std::string_view body;
};

struct ParseOptions {
    std::vector<std::string> schemas = {"public"};  // exposed; first is the default
};

Result<ApiRequest> parse(const RawRequest& raw, const ParseOptions& options);

// Grammar pieces, exposed for unit tests and for the planner (RPC filters are only known to
// be filters once the function's argument names are).
Result<std::vector<SelectItem>> parse_select(std::string_view text);
Result<Filter> parse_filter(std::string_view key, std::string_view value);
Result<Filter> parse_logic(std::string_view key, std::string_view value);  // key: or, a.not.and
Result<std::vector<OrderTerm>> parse_order(std::string_view text);
Result<std::vector<std::string>> parse_columns(std::string_view text);
Result<std::int64_t> parse_non_negative(std::string_view name, std::string_view text);
Result<Range> parse_range_header(std::string_view text);
Result<Preferences> parse_prefer(const std::vector<std::string_view>& headers);
Result<MediaType> parse_accept(std::string_view accept, bool schema_root, bool* strip_nulls);

// Splits a parameter key like "books.authors.order" into ({"books","authors"}, "order").
std::pair<std::vector<std::string>, std::string> split_embed_path(std::string_view key);

// PGRST100 with PostgREST's message shape.
Error query_param_error(std::string message, std::string details);

}  // namespace basalt::rest
