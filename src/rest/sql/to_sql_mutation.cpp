// INSERT / upsert / UPDATE / DELETE as the data-modifying CTE of the response statement. The
// request body is ONE json parameter turned into typed rows by json_to_recordset with the
// columns' own types; missing=default merges each column's DEFAULT expression (from the
// catalog, never from the request) under the keys the object lacks, as PostgREST does.
#include "rest/sql/sql_builder.hpp"

namespace basalt::rest::detail {

namespace {

std::string column_defs(const std::vector<const meta::Column*>& cols) {
    std::string out;
    for (const auto* c : cols) {
        if (!out.empty()) out += ", ";
        out += quote_identifier(c->name) + " " + c->type;
    }
    return out;
}

std::string column_list(const std::vector<const meta::Column*>& cols, const std::string& prefix = {}) {
    std::string out;
    for (const auto* c : cols) {
        if (!out.empty()) out += ", ";
        out += prefix + quote_identifier(c->name);
    }
    return out;
}

// What comes back from the mutated rows. "1" when only the count matters: a RETURNING that
// names no column needs no SELECT privilege and triggers no RLS SELECT policy.
std::string returned_columns(const MutationSpec& m, const std::string& alias) {
    if (!m.returning) return "1";
    if (m.returning_columns.empty()) return alias + ".*";
    std::string out;
    for (const auto& c : m.returning_columns) {
        if (!out.empty()) out += ", ";
        out += alias + "." + quote_identifier(c);
    }
    return out;
}

std::string returning(const MutationSpec& m, const std::string& alias) {
    return " RETURNING " + returned_columns(m, alias);
}

// The body as a JSON array of objects: arrays pass through, an object is wrapped.
std::string payload_array(SqlBuilder& b, const MutationSpec& m, const ApiRequest& req) {
    const std::string p = b.param(std::string(req.body));
    return m.payload_array ? p + "::json" : "pg_catalog.json_build_array(" + p + "::json)";
}

// Rows of the payload typed as the target columns.
std::string typed_rows(SqlBuilder& b, const MutationSpec& m, const ApiRequest& req) {
    std::string payload = payload_array(b, m, req);
    std::vector<const meta::Column*> with_default;
    if (m.missing_default) {
        for (const auto* c : m.columns) {
            if (c->default_expr) with_default.push_back(c);
        }
    }
    if (!with_default.empty()) {
        // {"col": DEFAULT, ...} || element: present keys win, absent ones get the default.
        std::string defaults;
        for (const auto* c : with_default) {
            if (!defaults.empty()) defaults += ", ";
            defaults += b.param(c->name) + "::text, " + *c->default_expr;
        }
        payload = "(SELECT pg_catalog.json_agg(pg_catalog.jsonb_build_object(" + defaults +
                  ") || pgrst_elem) FROM pg_catalog.jsonb_array_elements(" + payload +
                  "::jsonb) AS pgrst_elem)";
    }
    return "pg_catalog.json_to_recordset(" + payload + ") AS pgrst_body(" + column_defs(m.columns) + ")";
}

std::string insert_cte(SqlBuilder& b, const Plan& plan, const ApiRequest& req) {
    const MutationSpec& m = plan.mutation;
    const std::string alias = quote_identifier(plan.root.alias);
    std::string sql = "INSERT INTO " + qualified(m.table->qualified()) + " AS " + alias;
    if (m.columns.empty()) {
        // {} or [{},{}]: one row of defaults per element
        sql += " SELECT FROM pg_catalog.json_array_elements(" + payload_array(b, m, req) + ")";
    } else {
        sql += " (" + column_list(m.columns) + ") SELECT " + column_list(m.columns, "pgrst_body.") +
               " FROM " + typed_rows(b, m, req);
    }
    if (m.resolution != Resolution::kNone) {
        std::string target;
        for (const auto& c : m.on_conflict) {
            target += target.empty() ? "(" : ", ";
            target += quote_identifier(c);
        }
        if (!target.empty()) target += ")";
        sql += " ON CONFLICT" + (target.empty() ? std::string() : " " + target);
        if (m.resolution == Resolution::kMergeDuplicates && !m.columns.empty()) {
            sql += " DO UPDATE SET ";
            for (std::size_t i = 0; i < m.columns.size(); ++i) {
                if (i > 0) sql += ", ";
                const auto col = quote_identifier(m.columns[i]->name);
                sql += col + " = EXCLUDED." + col;
            }
        } else {
            sql += " DO NOTHING";
        }
    }
    return sql + returning(m, alias);
}

// PATCH/DELETE with limit: only the first rows in the given order change (PostgREST's
// limited update/delete); ctid picks them without needing a key.
std::string limited(SqlBuilder& b, const MutationSpec& m, const std::string& alias,
                    const std::string& where) {
    if (!m.limit && m.offset == 0) return where;
    // Views have no ctid: they use their (inferred) primary key instead.
    std::string key;
    if (m.table->is_view() && !m.table->primary_key.empty()) {
        for (const auto& c : m.table->primary_key) {
            key += key.empty() ? "" : ", ";
            key += alias + "." + quote_identifier(c);
        }
    } else {
        key = alias + ".ctid";
    }
    std::string sub = "SELECT " + key + " FROM " + qualified(m.table->qualified()) + " AS " + alias;
    if (!where.empty()) sub += " WHERE " + where;
    sub += b.order_by(m.order);
    sub += b.limit_offset(m.limit, m.offset);
    std::string cond = key.ends_with(".ctid") ? key + " = ANY(ARRAY(" + sub + "))"  // TID scan
                                              : "(" + key + ") IN (" + sub + ")";
    return where.empty() ? cond : where + " AND " + cond;
}

std::string update_cte(SqlBuilder& b, const Plan& plan, const ApiRequest& req) {
    const MutationSpec& m = plan.mutation;
    const std::string alias = quote_identifier(plan.root.alias);
    const std::string table = qualified(m.table->qualified()) + " AS " + alias;
    if (m.columns.empty()) {
        // PATCH {}: nothing to change; answer as if no row matched.
        return "SELECT " + returned_columns(m, alias) + " FROM " + table + " WHERE false";
    }
    std::string sql = "UPDATE " + table + " SET ";
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
        if (i > 0) sql += ", ";
        const auto col = quote_identifier(m.columns[i]->name);
        sql += col + " = pgrst_body." + col;
    }
    MutationSpec one = m;
    one.missing_default = false;
    sql += " FROM (SELECT * FROM " + typed_rows(b, one, req) + " LIMIT 1) AS pgrst_body";
    std::string where = b.where(m.where);
    where = limited(b, m, alias, where);
    if (!where.empty()) sql += " WHERE " + where;
    return sql + returning(m, alias);
}

std::string delete_cte(SqlBuilder& b, const Plan& plan) {
    const MutationSpec& m = plan.mutation;
    const std::string alias = quote_identifier(plan.root.alias);
    std::string sql = "DELETE FROM " + qualified(m.table->qualified()) + " AS " + alias;
    std::string where = b.where(m.where);
    where = limited(b, m, alias, where);
    if (!where.empty()) sql += " WHERE " + where;
    return sql + returning(m, alias);
}

}  // namespace

std::string mutation_cte(SqlBuilder& b, const Plan& plan, const ApiRequest& req) {
    switch (plan.kind) {
        case Plan::Kind::kInsert: return insert_cte(b, plan, req);
        case Plan::Kind::kUpdate: return update_cte(b, plan, req);
        case Plan::Kind::kDelete: return delete_cte(b, plan);
        default: return {};
    }
}

}  // namespace basalt::rest::detail
