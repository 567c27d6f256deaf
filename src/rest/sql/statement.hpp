// rest::to_sql: a Plan becomes ONE parameterised statement whose single row carries the whole
// response: total_result_set (count or NULL), page_total, body (finished JSON/CSV text), and
// the response.headers / response.status GUCs a function may set (PostgREST's shape).
// Identifiers come from the snapshot and are quoted; every request value is a $n parameter,
// so equal request shapes give byte-identical text (prepared-statement cache hits).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "db/quote.hpp"
#include "rest/parse/api_request.hpp"
#include "rest/plan/plan.hpp"

namespace basalt::rest {

// Same type as db::Params, spelled here so the pure stages do not depend on db/.
using SqlParams = std::vector<std::optional<std::string>>;

struct Statement {
    std::string text;
    SqlParams params;
};

// Result columns, in order.
inline constexpr int kColTotal = 0;            // bigint or NULL
inline constexpr int kColPageTotal = 1;        // bigint
inline constexpr int kColBody = 2;             // text/json or NULL
inline constexpr int kColResponseHeaders = 3;  // text or NULL
inline constexpr int kColResponseStatus = 4;   // text or NULL

// `req` supplies the raw body and GET RPC arguments (the plan holds no values of its own).
Result<Statement> to_sql(const Plan& plan, const ApiRequest& req);

// Identifiers (all of them names from the schema cache) are quoted with db::quote_identifier.
using db::quote_identifier;
// PostgreSQL array literal with every element double-quoted: {"a","b \"c\""}.
std::string array_literal(const std::vector<std::string>& elements);

}  // namespace basalt::rest
