// The single result row of a REST statement -> HTTP response: status (200/201/204/206/416),
// Content-Range, Content-Type, Location, Preference-Applied, the response.headers /
// response.status GUCs, and the singular / max-affected checks that force a rollback.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "http/message.hpp"
#include "rest/parse/api_request.hpp"
#include "rest/plan/plan.hpp"

namespace basalt::rest {

struct ResultRow {
    std::optional<std::int64_t> total;  // total_result_set
    std::int64_t page_total = 0;
    std::optional<std::string> body;
    std::optional<std::string> response_headers;  // GUC response.headers
    std::optional<std::string> response_status;   // GUC response.status
};

// Checks that must hold before a mutation commits: singular results (406 PGRST116) and
// Prefer: handling=strict, max-affected=n (400 PGRST124). Reads check singularity too.
Result<void> check_result(const ApiRequest& req, const Plan& plan, const ResultRow& row);

// Builds the response for a statement that succeeded (and passed check_result). Moves the body.
Result<http::Response> build_response(const ApiRequest& req, const Plan& plan, ResultRow row);

// Preference-Applied value for what this request honoured ("" when nothing).
std::string preference_applied(const ApiRequest& req, const Plan& plan);

}  // namespace basalt::rest
