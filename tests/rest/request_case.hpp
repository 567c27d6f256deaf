// Test helper: one /rest/v1 request described as data, run through parse -> plan -> to_sql
// against the fixture snapshot (the pure half of the pipeline).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rest/fixture_snapshot.hpp"
#include "rest/parse/parse.hpp"
#include "rest/plan/plan.hpp"
#include "rest/sql/statement.hpp"

namespace basalt::test {

struct RestCase {
    std::string name;
    std::string method = "GET";
    std::string resource;
    bool rpc = false;
    rest::Pairs query;
    rest::Pairs headers;
    std::string body;
    rest::PlanOptions options;
};

struct Compiled {
    rest::ApiRequest request;
    rest::Plan plan;
    rest::Statement statement;
};

// Runs the pure pipeline. The returned Compiled keeps the request (its body view points into
// `c.body`, so `c` must outlive the result).
inline Result<Compiled> compile(const RestCase& c) {
    rest::RawRequest raw{.method = c.method, .resource = c.resource, .rpc = c.rpc,
                         .query = &c.query, .headers = &c.headers, .body = c.body};
    auto req = rest::parse(raw, rest::ParseOptions{.schemas = {"public"}});
    if (!req) return req.error();
    auto plan = rest::plan(*req, fixture_snapshot(), c.options);
    if (!plan) return plan.error();
    auto stmt = rest::to_sql(*plan, *req);
    if (!stmt) return stmt.error();
    return Compiled{std::move(req).value(), std::move(plan).value(), std::move(stmt).value()};
}

}  // namespace basalt::test
