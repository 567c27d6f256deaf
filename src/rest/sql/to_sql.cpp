// rest::to_sql for reads, RPC calls and mutations. The outer SELECT is the same for all: it
// aggregates the rows of a CTE into the response body inside PostgreSQL and returns the count,
// page size and response GUCs beside it.
#include <algorithm>

#include "rest/sql/sql_builder.hpp"

namespace basalt::rest {

namespace detail {

std::string mutation_cte(SqlBuilder& b, const Plan& plan, const ApiRequest& req);  // to_sql_mutation.cpp

namespace {

// Threshold above which count=estimated trusts the planner's row estimate.
constexpr std::int64_t kEstimateFloor = 1000;

struct TopLevel {
    std::string source;     // FROM item(s), aliased
    std::string joins;      // all lateral joins
    std::string counting_joins;
    std::string where;      // without "WHERE"
    std::string query;      // the full SELECT
};

// Renders the root node in the same order as SqlBuilder::select (so numbering is stable) but
// keeps the pieces for the COUNT subquery.
TopLevel top_level(SqlBuilder& b, const ReadNode& root, std::string source) {
    TopLevel t;
    t.source = std::move(source);
    std::string sql;
    sql.reserve(256);
    sql.append("SELECT ").append(b.projection(root)).append(" FROM ").append(t.source);
    auto joins = b.joins(root);
    t.joins = std::move(joins.all);
    t.counting_joins = std::move(joins.counting);
    t.where = b.where(root.where);
    sql += t.joins;
    if (!t.where.empty()) sql.append(" WHERE ").append(t.where);
    std::string group;
    if (root.has_aggregates) {
        for (std::size_t i = 0; i < root.projection.size(); ++i) {
            const auto& p = root.projection[i];
            if (p.aggregate != Aggregate::kNone || p.kind == ProjItem::Kind::kCountAll) continue;
            group += group.empty() ? " GROUP BY " : ", ";
            group += std::to_string(i + 1);
        }
    }
    sql += group;
    sql += b.order_by(root.order);
    sql += b.limit_offset(root.limit, root.offset);
    t.query = std::move(sql);
    return t;
}

std::string exact_count(const TopLevel& t) {
    std::string sql = "(SELECT pg_catalog.count(*) FROM " + t.source + t.counting_joins;
    if (!t.where.empty()) sql += " WHERE " + t.where;
    return sql + ")";
}

std::string total_expr(SqlBuilder& b, const Plan& plan, const TopLevel& t, bool table_source) {
    if (plan.count == CountPref::kNone) return "NULL::bigint";
    const std::string exact = exact_count(t);
    // planned/estimated read pg_class.reltuples; with filters or joins that estimate would be
    // for the wrong row set, so those fall back to the exact count.
    if (plan.count == CountPref::kExact || !table_source || !t.where.empty() ||
        !t.counting_joins.empty()) {
        return exact;
    }
    const std::string rel = b.param(qualified(plan.root.name));
    if (plan.count == CountPref::kPlanned) {
        return "COALESCE((SELECT CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END "
               "FROM pg_catalog.pg_class c WHERE c.oid = " + rel + "::regclass), " + exact + ")";
    }
    const std::string floor =
        b.param(std::to_string(std::max<std::int64_t>(plan.max_rows, kEstimateFloor)));
    return "COALESCE((SELECT CASE WHEN c.reltuples > " + floor + "::bigint THEN "
           "c.reltuples::bigint END FROM pg_catalog.pg_class c WHERE c.oid = " + rel +
           "::regclass), " + exact + ")";
}

std::string row_json(const Plan& plan) {
    return plan.strip_nulls ? "pg_catalog.json_strip_nulls(pg_catalog.row_to_json(_postgrest_t))"
                            : "_postgrest_t";
}

// The body expression over rows `_postgrest_t` of relation `rows`.
std::string body_expr(const Plan& plan, const std::string& rows, bool single_row_result) {
    if (plan.head) return "NULL::text";
    if (plan.media == MediaType::kCsv) {
        return "(SELECT COALESCE(pg_catalog.string_agg(pgrst_k.k, ','), '') FROM (SELECT "
               "pg_catalog.json_object_keys(pgrst_r.r) AS k FROM (SELECT pg_catalog.row_to_json(pgrst_h) AS r "
               "FROM " + rows + " AS pgrst_h LIMIT 1) AS pgrst_r) AS pgrst_k) || pg_catalog.chr(10) || "
               "COALESCE(pg_catalog.string_agg(pg_catalog.substring(_postgrest_t::text, 2, "
               "pg_catalog.length(_postgrest_t::text) - 2), pg_catalog.chr(10)), '')";
    }
    if (plan.media == MediaType::kSingleObject || single_row_result) {
        return "COALESCE((pg_catalog.json_agg(" + row_json(plan) + ")->0)::text, 'null')";
    }
    return "COALESCE(pg_catalog.json_agg(" + row_json(plan) + "), '[]')::text";
}

// Appends SELECT <total>, count, <body>, response GUCs FROM <rows>. Built in place: it runs for
// every request.
void append_outer_select(std::string& sql, std::string_view total, std::string_view body,
                         std::string_view rows) {
    static constexpr std::string_view kCount = " AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, ";
    static constexpr std::string_view kGucs =
        " AS body, nullif(pg_catalog.current_setting('response.headers', true), '') "
        "AS response_headers, nullif(pg_catalog.current_setting('response.status', true), "
        "'') AS response_status FROM ";
    sql.reserve(sql.size() + 7 + total.size() + kCount.size() + body.size() + kGucs.size() + rows.size() + 16);
    sql.append("SELECT ").append(total).append(kCount).append(body).append(kGucs).append(rows).append(" AS _postgrest_t");
}

// WITH pgrst_source AS (<inner>) <outer select over pgrst_source>
std::string with_source(std::string_view inner, std::string_view total, std::string_view body) {
    std::string sql;
    sql.reserve(inner.size() + total.size() + body.size() + 512);
    sql.append("WITH pgrst_source AS (").append(inner).append(") ");
    append_outer_select(sql, total, body, "pgrst_source");
    return sql;
}

Statement read_sql(const Plan& plan) {
    SqlBuilder b;
    const ReadNode& root = plan.root;
    TopLevel t = top_level(b, root, qualified(root.name) + " AS " + quote_identifier(root.alias));
    const std::string total = total_expr(b, plan, t, true);
    std::string sql = with_source(t.query, total, body_expr(plan, "pgrst_source", false));
    return Statement{std::move(sql), b.take_params()};
}

// FROM item for a function call: arguments arrive as one JSON object (the POST body or the
// GET parameters) converted by json_to_record to the parameter types.
std::string call_source(SqlBuilder& b, const Plan& plan, const ApiRequest& req) {
    const CallSpec& call = plan.call;
    const meta::Function& fn = *call.function;
    const std::string alias = quote_identifier(plan.root.alias);
    const std::string name = qualified({fn.schema, fn.name});
    if (call.whole_body) {
        const std::string type = fn.params.front().base_type == "jsonb" ? "jsonb" : "json";
        const std::string body = b.param(req.body.empty() ? std::string("{}") : std::string(req.body));
        return name + "(" + body + "::" + type + ") AS " + alias;
    }
    if (call.args.empty()) return name + "() AS " + alias;
    std::string args_json;
    if (call.get) {
        Json obj = Json::object();
        for (const auto& fp : req.filter_params) {
            for (const auto* p : call.args) {
                if (p->name == fp.key) obj[fp.key] = fp.value;
            }
        }
        args_json = obj.dump();
    } else {
        args_json = std::string(req.body);
    }
    std::string defs;
    std::string named;
    for (const auto* p : call.args) {
        if (!defs.empty()) {
            defs += ", ";
            named += ", ";
        }
        defs += quote_identifier(p->name) + " " + p->type;
        named += std::string(p->variadic ? "VARIADIC " : "") + quote_identifier(p->name) +
                 " := pgrst_args." + quote_identifier(p->name);
    }
    return "pg_catalog.json_to_record(" + b.param(std::move(args_json)) + "::json) AS pgrst_args(" +
           defs + "), LATERAL " + name + "(" + named + ") AS " + alias;
}

Statement call_sql(const Plan& plan, const ApiRequest& req) {
    SqlBuilder b;
    const ReadNode& root = plan.root;
    const meta::Function& fn = *plan.call.function;
    std::string source = call_source(b, plan, req);
    if (plan.call.scalar) {
        const std::string alias = quote_identifier(root.alias);
        std::string inner = "SELECT " + (fn.returns_void() ? std::string("NULL::text") : alias) +
                            " AS pgrst_scalar FROM " + source + b.limit_offset(root.limit, root.offset);
        std::string body;
        if (plan.head || fn.returns_void()) {
            body = "NULL::text";
        } else if (fn.returns_set && plan.media != MediaType::kSingleObject) {
            body = "COALESCE(pg_catalog.json_agg(_postgrest_t.pgrst_scalar), '[]')::text";
        } else {
            body = "COALESCE((pg_catalog.json_agg(_postgrest_t.pgrst_scalar)->0)::text, 'null')";
        }
        const std::string total = plan.count == CountPref::kNone ? "NULL::bigint"
                                                                  : "(SELECT pg_catalog.count(*) FROM pgrst_source)";
        std::string sql = with_source(inner, total, body);
        return Statement{std::move(sql), b.take_params()};
    }
    TopLevel t = top_level(b, root, source);
    const std::string total = total_expr(b, plan, t, false);
    std::string sql = with_source(t.query, total, body_expr(plan, "pgrst_source", !fn.returns_set));
    return Statement{std::move(sql), b.take_params()};
}

Statement mutation_sql(const Plan& plan, const ApiRequest& req) {
    SqlBuilder b;
    std::string cte = mutation_cte(b, plan, req);
    const bool rows = plan.mutation.returning;
    std::string sql = "WITH pgrst_source AS (" + cte + ")";
    if (!rows) {
        sql += " SELECT NULL::bigint AS total_result_set, pg_catalog.count(*) AS page_total, "
               "NULL::text AS body, nullif(pg_catalog.current_setting('response.headers', "
               "true), '') AS response_headers, nullif(pg_catalog.current_setting("
               "'response.status', true), '') AS response_status FROM pgrst_source";
        return Statement{std::move(sql), b.take_params()};
    }
    const ReadNode& root = plan.root;
    std::string rows_query = b.select(root, "pgrst_source AS " + quote_identifier(root.alias));
    sql += ", pgrst_rows AS (" + rows_query + ") ";
    append_outer_select(sql, "NULL::bigint", body_expr(plan, "pgrst_rows", false), "pgrst_rows");
    return Statement{std::move(sql), b.take_params()};
}

}  // namespace
}  // namespace detail

Result<Statement> to_sql(const Plan& plan, const ApiRequest& req) {
    switch (plan.kind) {
        case Plan::Kind::kRead: return detail::read_sql(plan);
        case Plan::Kind::kCall: return detail::call_sql(plan, req);
        case Plan::Kind::kInsert:
        case Plan::Kind::kUpdate:
        case Plan::Kind::kDelete: return detail::mutation_sql(plan, req);
    }
    return Error::internal_error("rest::to_sql: unknown plan kind");
}

}  // namespace basalt::rest
