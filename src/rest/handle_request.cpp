// /rest/v1/:table and /rest/v1/rpc/:fn: parse -> plan -> to_sql (pure, against the current
// schema snapshot) -> one transaction that sets role, claims and request.* GUCs and runs the
// statement -> response from the single result row. Singular or max-affected mutations run
// in an explicit transaction so a failed check rolls back.
#include <algorithm>
#include <chrono>
#include <string_view>

#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"
#include "rest/detail/request_json.hpp"
#include "rest/detail/service_impl.hpp"
#include "rest/detail/shape_cache.hpp"
#include "rest/parse/parse.hpp"
#include "rest/response.hpp"
#include "rest/sql/statement.hpp"

namespace basalt::rest::detail {

namespace {

constexpr std::chrono::milliseconds kPendingReloadWait{3000};

struct Prepared {
    CompiledPtr compiled;  // request, plan and statement text (possibly shared by its shape)
    SqlParams params;      // this request's parameters
    db::TxContext ctx;
    bool checked = false;   // run in an explicit transaction and check before commit
    bool rollback = false;  // Prefer: tx=rollback

    [[nodiscard]] const ApiRequest& req() const { return compiled->req; }
    [[nodiscard]] const Plan& plan() const { return compiled->plan; }
    [[nodiscard]] const std::string& sql() const { return compiled->stmt.text; }
};

// Only names PostgreSQL accepts in a GUC: a namespaced claim such as
// "https://example.com/roles" would otherwise fail every request.
bool legacy_claim_name(std::string_view k) {
    return !k.empty() && k.size() <= 48 && std::all_of(k.begin(), k.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

// The settings PostgREST makes per request (role, request.jwt.claims, search_path,
// request.method/path/headers/cookies, timezone when asked). Built for every request, so the
// JSON is written directly rather than through a Json tree.
db::TxContext tx_context(const RestService::Impl& impl, const http::Request& r,
                         const ApiRequest& req, const Plan& plan) {
    db::TxContext ctx;
    ctx.role = r.auth.role;
    ctx.claims_json = compact_json(r.auth.claims);
    ctx.read_only = plan.read_only;
    auto& set = ctx.settings;
    set.reserve(7);
    set.emplace_back("search_path", impl.search_path(req.schema));
    set.emplace_back("request.method", r.method);
    std::string_view path = r.path;
    if (path.starts_with("/rest/v1")) path.remove_prefix(8);
    set.emplace_back("request.path", path.empty() ? std::string_view("/") : path);
    set.emplace_back("request.headers", headers_json(r.headers));
    set.emplace_back("request.cookies", cookies_json(r.headers));
    if (req.prefs.timezone) set.emplace_back("timezone", *req.prefs.timezone);
    if (impl.settings.legacy_claim_settings && r.auth.claims.is_object()) {
        // Old policies read current_setting('request.jwt.claim.sub') and friends (PostgREST
        // before v9 / on PostgreSQL < 14).
        for (const auto& [k, v] : r.auth.claims.items()) {
            if (!legacy_claim_name(k)) continue;
            if (v.is_string()) set.emplace_back("request.jwt.claim." + k, v.get<std::string>());
            else if (v.is_number() || v.is_boolean()) set.emplace_back("request.jwt.claim." + k, v.dump());
        }
    }
    return ctx;
}

// parse -> plan -> to_sql for `query` (the request's own parameters or their sentinel copy).
Result<std::shared_ptr<Compiled>> compile(const RestService::Impl& impl, meta::SnapshotPtr snapshot,
                                          const http::Request& request, bool rpc,
                                          const std::vector<std::pair<std::string, std::string>>& query) {
    const Settings& settings = impl.settings;
    auto c = std::make_shared<Compiled>();
    c->snapshot = std::move(snapshot);
    RawRequest raw;
    raw.method = request.method;
    raw.resource = rpc ? request.param("fn") : request.param("table");
    raw.rpc = rpc;
    raw.query = &query;
    raw.headers = &request.headers.items();
    raw.body = request.body;
    ParseOptions popts;
    popts.schemas = settings.schemas;
    auto req = parse(raw, popts);
    if (!req) return req.error();
    c->req = std::move(req).value();
    if (c->req.action == Action::kOptions) return c;
    PlanOptions opts;
    opts.max_rows = settings.max_rows;
    opts.aggregates_enabled = settings.aggregates_enabled;
    auto plan = rest::plan(c->req, *c->snapshot, opts);
    if (!plan) return plan.error();
    c->plan = std::move(plan).value();
    auto stmt = to_sql(c->plan, c->req);
    if (!stmt) return stmt.error();
    c->stmt = std::move(stmt).value();
    return c;
}

// The compiled request: from the shape cache when a request of the same shape was compiled
// against this snapshot (only the variable values are put in), else compiled and, when the
// shape proves cacheable, remembered.
Result<CompiledPtr> compiled_for(const RestService::Impl& impl, const meta::SnapshotPtr& snapshot,
                                 const http::Request& request, bool rpc, SqlParams& params) {
    auto shape = shape_of(request, request.param("table"), rpc);
    // The cache is per thread, the settings per service: the service is part of the key.
    // The service's address, not the first bytes of the service object.
    const RestService::Impl* service = &impl;
    if (shape) shape->key.append(reinterpret_cast<const char*>(&service), sizeof(service));
    bool variable_ok = true;
    if (shape) {
        for (std::size_t i = 0; i < shape->values.size(); ++i) {
            // parse() refuses NUL bytes; a cached shape must not let one through.
            if (shape->value(request, i).find('\0') != std::string_view::npos) variable_ok = false;
        }
    }
    auto& cache = ShapeCache::local();
    if (shape && variable_ok) {
        if (CompiledPtr hit = cache.find(shape->key, snapshot)) {
            params = hit->stmt.params;
            for (std::size_t i = 0; i < shape->values.size(); ++i) {
                params[hit->slots[i]] = std::string(shape->value(request, i));
            }
            return hit;
        }
    }
    auto compiled = compile(impl, snapshot, request, rpc, request.query);
    if (!compiled) return compiled.error();
    std::shared_ptr<Compiled>& c = *compiled;
    c->req.body = {};  // a view into this request
    params = c->stmt.params;
    if (shape && variable_ok && c->req.action == Action::kRead) {
        bool cacheable = shape->values.empty();
        if (!cacheable) {
            auto probe = compile(impl, snapshot, request, rpc, with_sentinels(request, *shape));
            cacheable = probe && prove_slots(*c, (*probe)->stmt, shape->values.size());
        }
        if (cacheable) cache.put(std::move(shape->key), c);
    }
    return CompiledPtr(std::move(c));
}

Result<std::unique_ptr<Prepared>> prepare(const RestService::Impl& impl, const meta::SnapshotPtr& snapshot,
                                          http::Request& request, bool rpc) {
    auto p = std::make_unique<Prepared>();
    auto compiled = compiled_for(impl, snapshot, request, rpc, p->params);
    if (!compiled) return compiled.error();
    p->compiled = std::move(compiled).value();
    if (p->req().action == Action::kOptions) return p;
    p->ctx = tx_context(impl, request, p->req(), p->plan());
    const bool writes = !p->plan().read_only;
    p->checked = writes && (p->plan().media == MediaType::kSingleObject ||
                            (p->req().prefs.strict && p->req().prefs.max_affected));
    p->rollback = p->req().prefs.tx_rollback.value_or(false);
    return p;
}

std::optional<std::int64_t> to_int(const std::optional<std::string>& s) {
    if (!s || s->empty()) return std::nullopt;
    try {
        return std::stoll(*s);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

ResultRow read_row(db::Rows& rows) {
    ResultRow row;
    if (rows.empty()) return row;
    row.total = to_int(rows.get_opt(0, kColTotal));
    row.page_total = to_int(rows.get_opt(0, kColPageTotal)).value_or(0);
    row.body = rows.get_opt(0, kColBody);
    row.response_headers = rows.get_opt(0, kColResponseHeaders);
    row.response_status = rows.get_opt(0, kColResponseStatus);
    return row;
}

// Explicit transaction: the result is checked before COMMIT (singular / max-affected).
boost::asio::awaitable<ResultRow> run_checked(db::Pool& pool, Prepared& p) {
    auto tx = co_await pool.begin(p.ctx);
    db::Rows rows = co_await tx->query(p.sql(), p.params);
    ResultRow row = read_row(rows);
    Result<void> ok = check_result(p.req(), p.plan(), row);
    if (!ok || p.rollback) {
        co_await tx->rollback();
    } else {
        co_await tx->commit();
    }
    if (!ok) throw ErrorException(ok.error());
    co_return row;
}

boost::asio::awaitable<ResultRow> run(db::Pool& pool, Prepared& p) {
    if (p.checked) co_return co_await run_checked(pool, p);
    db::Rows rows = co_await pool.run_in_tx(p.ctx, p.sql(), std::move(p.params), p.rollback);
    ResultRow row = read_row(rows);
    if (auto ok = check_result(p.req(), p.plan(), row); !ok) throw ErrorException(ok.error());
    co_return row;
}

// Errors that only say "the schema cache does not know this name".
bool unknown_to_schema_cache(const Error& e) {
    static constexpr std::string_view kCodes[] = {"PGRST200", "PGRST202", "PGRST204", "PGRST205",
                                                  "42703"};
    return std::find(std::begin(kCodes), std::end(kCodes), e.code) != std::end(kCodes);
}

http::Response options_response() {
    http::Response r = http::Response::empty(200);
    r.headers.set("Allow", "OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE");
    return r;
}

}  // namespace

boost::asio::awaitable<http::Response> handle_api(RestService::Impl& impl, http::Request& request,
                                                  bool rpc) {
    meta::SnapshotPtr snapshot = impl.cache.current();
    if (!snapshot) co_return error_response(request, no_schema_cache_error());
    auto prepared = prepare(impl, std::move(snapshot), request, rpc);
    // DDL committed just before this request may not have reached the cache yet: answer from
    // the reloaded catalog rather than with a stale "not found".
    if (!prepared && unknown_to_schema_cache(prepared.error())) {
        const bool reloaded = co_await impl.cache.catch_up(kPendingReloadWait);
        if (reloaded) prepared = prepare(impl, impl.cache.current(), request, rpc);
    }
    if (!prepared) co_return error_response(request, prepared.error());
    Prepared& p = **prepared;
    if (p.req().action == Action::kOptions) co_return options_response();

    std::optional<Error> failure;
    ResultRow row;
    try {
        row = co_await run(impl.pool, p);
    } catch (const ErrorException& e) {
        failure = e.error();
    }
    if (failure) co_return error_response(request, std::move(*failure));
    auto response = build_response(p.req(), p.plan(), std::move(row));
    if (!response) co_return error_response(request, response.error());
    co_return std::move(response).value();
}

}  // namespace basalt::rest::detail
