// GET /rest/v1/: the OpenAPI document. With openapi_mode=follow-privileges (PostgREST's
// default) it lists only the tables and functions the caller's role may use, asked of
// PostgreSQL under that role in one read-only statement.
#include <set>

#include "rest/detail/service_impl.hpp"
#include "rest/openapi.hpp"
#include "rest/parse/parse.hpp"
#include "rest/sql/statement.hpp"

namespace basalt::rest::detail {

namespace {

// $1 = schema as a quoted identifier (regnamespace input).
constexpr std::string_view kPrivilegesQuery = R"SQL(
SELECT pg_catalog.json_build_object(
  'tables', (SELECT COALESCE(pg_catalog.json_agg(c.relname), '[]')
             FROM pg_catalog.pg_class c
             WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r','v','m','f','p')
               AND (pg_catalog.has_table_privilege(c.oid, 'SELECT')
                    OR pg_catalog.has_table_privilege(c.oid, 'INSERT')
                    OR pg_catalog.has_table_privilege(c.oid, 'UPDATE')
                    OR pg_catalog.has_table_privilege(c.oid, 'DELETE'))),
  'functions', (SELECT COALESCE(pg_catalog.json_agg(DISTINCT p.proname), '[]')
                FROM pg_catalog.pg_proc p
                WHERE p.pronamespace = $1::regnamespace
                  AND pg_catalog.has_function_privilege(p.oid, 'EXECUTE'))
)::text)SQL";

struct Visible {
    std::set<std::string> tables;
    std::set<std::string> functions;
};

Visible parse_visible(const db::Rows& rows) {
    Visible v;
    if (rows.empty()) return v;
    Json doc = parse_json_or_discarded(rows.get(0, 0));
    if (!doc.is_object()) return v;
    for (const auto& t : doc.value("tables", Json::array())) {
        if (t.is_string()) v.tables.insert(t.get<std::string>());
    }
    for (const auto& f : doc.value("functions", Json::array())) {
        if (f.is_string()) v.functions.insert(f.get<std::string>());
    }
    return v;
}

db::TxContext role_context(const http::Request& r) {
    db::TxContext ctx;
    ctx.role = r.auth.role;
    ctx.claims_json = r.auth.claims.dump(-1, ' ', false, Json::error_handler_t::replace);
    ctx.read_only = true;
    return ctx;
}

Result<ApiRequest> parse_root(const Settings& settings, const http::Request& request) {
    RawRequest raw;
    raw.method = request.method;
    raw.query = &request.query;
    raw.headers = &request.headers.items();
    ParseOptions opts;
    opts.schemas = settings.schemas;
    return parse(raw, opts);
}

http::Response document_response(const meta::SchemaSnapshot& snap, const ApiRequest& req,
                                 const http::Request& request, const Visible* visible) {
    OpenApiOptions o;
    o.schema = req.schema;
    o.host = std::string(request.headers.get("host").value_or(""));
    o.version = BASALT_VERSION;
    if (visible != nullptr) {
        o.tables = &visible->tables;
        o.functions = &visible->functions;
    }
    http::Response r = http::Response::json(200, openapi_document(snap, o));
    r.headers.set("Content-Type", req.accept == MediaType::kOpenApi
                                      ? "application/openapi+json; charset=utf-8"
                                      : "application/json; charset=utf-8");
    if (req.head) r.body.clear();
    return r;
}

}  // namespace

boost::asio::awaitable<http::Response> handle_openapi(RestService::Impl& impl, http::Request& request) {
    meta::SnapshotPtr snap = impl.cache.current();
    if (!snap) co_return error_response(request, no_schema_cache_error());
    auto req = parse_root(impl.settings, request);
    if (!req) co_return error_response(request, req.error());
    if (impl.settings.openapi_mode == "disabled") {
        Error e = Error::not_found("PGRST126", "Root endpoint metadata is disabled");
        co_return error_response(request, e);
    }
    if (impl.settings.openapi_mode == "ignore-privileges") {
        co_return document_response(*snap, *req, request, nullptr);
    }
    std::optional<Error> failure;
    Visible visible;
    try {
        db::Params params;
        params.emplace_back(quote_identifier(req->schema));
        db::Rows rows = co_await impl.pool.run_in_tx(role_context(request), kPrivilegesQuery, std::move(params));
        visible = parse_visible(rows);
    } catch (const ErrorException& e) {
        failure = e.error();
    }
    if (failure) co_return error_response(request, std::move(*failure));
    co_return document_response(*snap, *req, request, &visible);
}

}  // namespace basalt::rest::detail
