// Mutation planning: insert / upsert (POST, PUT), update (PATCH), delete. Payload keys must be
// columns (PGRST204), PUT must address one row by its primary key (PGRST105/114/115), and the
// RETURNING list is only what the representation needs (RLS SELECT policies apply to it).
#include <algorithm>

#include "rest/plan/planner.hpp"

namespace basalt::rest::detail {

namespace {

Error unknown_payload_column(const meta::Table& t, std::string_view col) {
    return Error::bad_request("PGRST204", "Could not find the '" + std::string(col) +
                                              "' column of '" + t.name + "' in the schema cache");
}

Error put_filters_error() {
    Error e;
    e.status = 405;
    e.code = "PGRST105";
    e.message = "Filters must include all and only primary key columns with 'eq' operators";
    return e;
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// JSON scalar as the text PostgreSQL would parse for it (for PUT key comparison).
std::optional<std::string> scalar_text(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    return std::nullopt;
}

// Columns of "t0" the representation reads: selected columns, FK columns of embeds, the PK
// for Location. Empty with `all` set means every column.
std::vector<std::string> needed_columns(const ReadNode& node, const meta::Table& table, bool& all) {
    std::vector<std::string> cols;
    all = false;
    for (const auto& p : node.projection) {
        if (p.kind == ProjItem::Kind::kAllColumns) all = true;
        if (p.kind == ProjItem::Kind::kColumn) add_unique(cols, p.column.column);
    }
    for (const auto& e : node.embeds) {
        const auto* r = e.relationship;
        if (r->junction) {
            for (const auto& [_, src] : r->junction->source_columns) add_unique(cols, src);
        } else {
            for (const auto& [src, _] : r->columns) add_unique(cols, src);
        }
    }
    for (const auto& pk : table.primary_key) add_unique(cols, pk);
    return cols;
}

}  // namespace

Result<void> Planner::plan_mutation(Plan& plan) {
    auto table_r = find_table(req_.target);
    if (!table_r) return table_r.error();
    const meta::Table& table = **table_r;
    const auto action = req_.action;
    const auto ret = req_.prefs.return_pref.value_or(ReturnPref::kMinimal);

    // The representation reads the mutated rows back from pgrst_source as "t0".
    ReadNode root = new_node(&table, &table.columns, table.qualified());
    if (ret == ReturnPref::kHeadersOnly && action == Action::kInsert) {
        for (const auto& pk : table.primary_key) {
            ProjItem p;
            p.kind = ProjItem::Kind::kColumn;
            p.column = ColumnExpr{.alias = root.alias, .column = pk, .path = {}, .base_type = {}};
            p.output = pk;
            root.projection.push_back(std::move(p));
        }
    } else if (auto r = build_select(root, req_.select, 0); !r) {
        return r.error();
    }

    MutationSpec m;
    m.table = &table;
    if (action == Action::kInsert || action == Action::kUpsertPut || action == Action::kUpdate) {
        for (const auto& key : req_.payload_keys) {
            const meta::Column* c = table.column(key);
            if (c == nullptr) return unknown_payload_column(table, key);
            m.columns.push_back(c);
        }
        m.payload_array = req_.payload_is_array;
        m.missing_default = req_.prefs.missing_default;
    }

    // Filters, order and limit address the target table (no embed paths in mutations).
    ReadNode target = root;  // same alias "t0", used only to resolve filters
    target.projection.clear();
    target.embeds.clear();
    if (action == Action::kUpdate || action == Action::kDelete || action == Action::kUpsertPut) {
        if (auto r = apply_query(target, false); !r) return r.error();
    }

    if (action == Action::kUpsertPut) {
        if (table.primary_key.empty() || !req_.logic_filters.empty()) return put_filters_error();
        if (!req_.ranges.empty()) {
            return Error::bad_request("PGRST114", "limit/offset querystring parameters are not allowed for PUT");
        }
        std::vector<std::string> seen;
        const Json* obj = &req_.payload;
        if (req_.payload.is_array()) {
            if (req_.payload.size() != 1) return Error::bad_request("PGRST102", "PUT requires a single JSON object");
            obj = &req_.payload[0];
        }
        for (const auto& w : target.where) {
            const auto& c = w.leaf;
            if (w.kind != PlanLogic::Kind::kLeaf || w.negated || c.op != Op::kEq ||
                c.quantifier != Quantifier::kNone || !c.column.path.empty() ||
                std::find(table.primary_key.begin(), table.primary_key.end(), c.column.column) ==
                    table.primary_key.end() ||
                std::find(seen.begin(), seen.end(), c.column.column) != seen.end()) {
                return put_filters_error();
            }
            seen.push_back(c.column.column);
            auto it = obj->find(c.column.column);
            auto text = it == obj->end() ? std::nullopt : scalar_text(*it);
            if (!text || *text != c.value) {
                return Error::bad_request("PGRST115", "Payload values do not match URL in primary key column(s)");
            }
        }
        if (seen.size() != table.primary_key.size()) return put_filters_error();
        m.on_conflict = table.primary_key;
        m.resolution = Resolution::kMergeDuplicates;
        target.where.clear();  // the key is in the payload; the filters were only a check
    } else if (action == Action::kInsert && req_.prefs.resolution != Resolution::kNone) {
        m.resolution = req_.prefs.resolution;
        m.on_conflict = req_.on_conflict.value_or(table.primary_key);
        for (const auto& c : m.on_conflict) {
            if (table.column(c) == nullptr) return detail::unknown_column(table.name, c);
        }
        if (m.on_conflict.empty() && m.resolution == Resolution::kMergeDuplicates) {
            return Error::bad_request("PGRST100", "resolution=merge-duplicates needs on_conflict "
                                                  "or a primary key on '" + table.name + "'");
        }
    }

    if (action == Action::kUpdate || action == Action::kDelete) {
        m.where = std::move(target.where);
        m.order = std::move(target.order);
        m.limit = target.limit;
        m.offset = target.offset;
    }

    const bool representation = ret == ReturnPref::kRepresentation ||
                                (ret == ReturnPref::kHeadersOnly && action == Action::kInsert);
    m.returning = representation;
    if (representation) {
        bool all = false;
        auto cols = needed_columns(root, table, all);
        if (!all) m.returning_columns = std::move(cols);
    }

    plan.kind = action == Action::kUpdate   ? Plan::Kind::kUpdate
                : action == Action::kDelete ? Plan::Kind::kDelete
                                            : Plan::Kind::kInsert;
    plan.root = std::move(root);
    plan.mutation = std::move(m);
    plan.read_only = false;
    return {};
}

}  // namespace basalt::rest::detail
