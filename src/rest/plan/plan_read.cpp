// Read planning shared by every action: select items -> projection and embeds, filters and
// logic trees -> WHERE trees (top level or inside embeds), order terms, ranges, max_rows.
#include <algorithm>

#include "rest/parse/parse.hpp"
#include "rest/plan/planner.hpp"

namespace basalt::rest::detail {

Error unknown_column(std::string_view relation, std::string_view column) {
    // PostgREST forwards PostgreSQL's own error here; we catch it before running SQL.
    return Error::bad_request("42703", "column " + std::string(relation) + "." +
                                           std::string(column) + " does not exist");
}

Error not_embedded(std::string_view name) {
    Error e = Error::bad_request("PGRST108", "'" + std::string(name) +
                                                 "' is not an embedded resource in this request");
    e.hint = "Verify that '" + std::string(name) + "' is included in the 'select' query parameter.";
    return e;
}

namespace {

Error aggregates_disabled() {
    return Error::bad_request("PGRST123", "Use of aggregate functions is not allowed");
}

std::string_view aggregate_name(Aggregate a) {
    switch (a) {
        case Aggregate::kCount: return "count";
        case Aggregate::kSum: return "sum";
        case Aggregate::kAvg: return "avg";
        case Aggregate::kMin: return "min";
        case Aggregate::kMax: return "max";
        case Aggregate::kNone: break;
    }
    return "";
}

const Embed* embed_named(const ReadNode& node, std::string_view name) {
    for (const auto& e : node.embeds) {
        if (e.output == name) return &e;
    }
    return nullptr;
}

bool outputs(const ReadNode& node, std::string_view name) {
    return std::any_of(node.projection.begin(), node.projection.end(), [&](const ProjItem& p) {
        return p.output == name ||
               (p.kind == ProjItem::Kind::kAllColumns && node.columns != nullptr &&
                std::any_of(node.columns->begin(), node.columns->end(),
                            [&](const meta::Column& c) { return c.name == name; }));
    });
}

}  // namespace

ReadNode Planner::new_node(const meta::Table* table, const std::vector<meta::Column>* columns,
                           meta::QualifiedName name) {
    ReadNode node;
    node.table = table;
    node.columns = columns;
    node.name = std::move(name);
    node.alias = "t" + std::to_string(alias_counter_++);
    return node;
}

Result<const meta::Table*> Planner::find_table(std::string_view name) const {
    const meta::Table* t = snap_.find_table(req_.schema, name);
    if (t == nullptr) {
        Error e = Error::not_found("PGRST205", "Could not find the table '" + req_.schema + "." +
                                                   std::string(name) + "' in the schema cache");
        return e;
    }
    return t;
}

Result<ColumnExpr> Planner::resolve_column(const ReadNode& node, const Field& field) const {
    const meta::Column* col = nullptr;
    if (node.columns != nullptr) {
        for (const auto& c : *node.columns) {
            if (c.name == field.name) {
                col = &c;
                break;
            }
        }
    }
    if (col == nullptr) return unknown_column(node.name.name, field.name);
    return ColumnExpr{.alias = node.alias, .column = col->name, .path = field.path,
                      .base_type = col->base_type};
}

Result<void> Planner::build_select(ReadNode& node, const std::vector<SelectItem>& items, int depth) {
    for (const auto& item : items) {
        switch (item.kind) {
            case SelectItem::Kind::kStar: {
                ProjItem p;
                p.kind = ProjItem::Kind::kAllColumns;
                p.column.alias = node.alias;
                node.projection.push_back(std::move(p));
                break;
            }
            case SelectItem::Kind::kCountAll: {
                if (!opts_.aggregates_enabled) return aggregates_disabled();
                ProjItem p;
                p.kind = ProjItem::Kind::kCountAll;
                p.aggregate = Aggregate::kCount;
                p.aggregate_cast = item.aggregate_cast;
                p.output = item.alias.empty() ? "count" : item.alias;
                node.has_aggregates = true;
                node.projection.push_back(std::move(p));
                break;
            }
            case SelectItem::Kind::kField: {
                auto col = resolve_column(node, item.field);
                if (!col) return col.error();
                ProjItem p;
                p.kind = ProjItem::Kind::kColumn;
                p.column = std::move(col).value();
                p.cast = item.cast;
                p.aggregate = item.aggregate;
                p.aggregate_cast = item.aggregate_cast;
                if (!item.alias.empty()) {
                    p.output = item.alias;
                } else if (item.aggregate != Aggregate::kNone) {
                    p.output = std::string(aggregate_name(item.aggregate));
                } else {
                    p.output = item.field.path.empty() ? item.field.name : item.field.path.back().key;
                }
                if (item.aggregate != Aggregate::kNone) {
                    if (!opts_.aggregates_enabled) return aggregates_disabled();
                    node.has_aggregates = true;
                }
                node.projection.push_back(std::move(p));
                break;
            }
            case SelectItem::Kind::kEmbed: {
                if (auto r = add_embed(node, item, depth); !r) return r.error();
                break;
            }
        }
    }
    return {};
}

Result<void> Planner::add_embed(ReadNode& node, const SelectItem& item, int depth) {
    if (node.table == nullptr) {
        return Error::bad_request("PGRST200", "Could not find a relationship between '" +
                                                  node.name.name + "' and '" + item.relation +
                                                  "' in the schema cache");
    }
    auto rel = find_relationship(snap_, *node.table, item.relation, item.hint);
    if (!rel) return rel.error();
    const meta::Relationship* r = *rel;
    const meta::Table* target = snap_.find_table(r->foreign_table.schema, r->foreign_table.name);
    if (target == nullptr) return Error::internal_error("relationship to a table not in the snapshot");
    if (item.spread && !r->to_one()) {
        Error e = Error::bad_request("PGRST119", "A spread operation on '" + item.relation +
                                                     "' is not possible");
        e.details = "'" + node.table->name + "' and '" + item.relation +
                    "' do not form a many-to-one or one-to-one relationship";
        return e;
    }
    Embed e;
    e.relationship = r;
    e.output = item.alias.empty() ? item.relation : item.alias;
    e.join = item.join;
    e.spread = item.spread;
    e.to_one = r->to_one();
    e.lateral_alias = next_lateral();
    e.node = new_node(target, &target->columns, target->qualified());
    if (r->junction) e.junction_alias = "t" + std::to_string(alias_counter_++);
    if (auto b = build_select(e.node, item.children, depth + 1); !b) return b.error();
    const std::size_t index = node.embeds.size();
    if (e.spread) {
        // The embed's columns become the parent's: one projection item per child output.
        for (const auto& child : e.node.projection) {
            if (child.kind == ProjItem::Kind::kAllColumns) {
                for (const auto& c : target->columns) {
                    ProjItem p;
                    p.kind = ProjItem::Kind::kSpreadColumn;
                    p.column = ColumnExpr{.alias = e.lateral_alias, .column = c.name, .path = {},
                                          .base_type = c.base_type};
                    p.output = c.name;
                    p.embed = index;
                    node.projection.push_back(std::move(p));
                }
                continue;
            }
            ProjItem p;
            p.kind = ProjItem::Kind::kSpreadColumn;
            p.column = ColumnExpr{.alias = e.lateral_alias, .column = child.output, .path = {},
                                  .base_type = {}};
            p.output = child.output;
            p.embed = index;
            node.projection.push_back(std::move(p));
        }
    } else if (!item.children.empty()) {
        // rel() with nothing selected only filters (rel=not.is.null, !inner): PostgREST leaves
        // it out of the output.
        ProjItem p;
        p.kind = ProjItem::Kind::kEmbed;
        p.output = e.output;
        p.embed = index;
        node.projection.push_back(std::move(p));
    }
    node.embeds.push_back(std::move(e));
    return {};
}

Result<ReadNode*> Planner::node_at(ReadNode& root, const std::vector<std::string>& path) {
    ReadNode* node = &root;
    for (const auto& name : path) {
        auto it = std::find_if(node->embeds.begin(), node->embeds.end(),
                               [&](const Embed& e) { return e.output == name; });
        if (it == node->embeds.end()) return not_embedded(name);
        node = &it->node;
    }
    return node;
}

Result<PlanLogic> Planner::resolve_tree(const ReadNode& node, const LogicTree& tree) {
    PlanLogic out;
    out.negated = tree.negated;
    if (tree.kind == LogicTree::Kind::kLeaf) {
        out.kind = PlanLogic::Kind::kLeaf;
        auto col = resolve_column(node, tree.leaf.field);
        if (!col) return col.error();
        out.negated = tree.leaf.negated;
        out.leaf = PlanCondition{.column = std::move(col).value(),
                                 .op = tree.leaf.op,
                                 .quantifier = tree.leaf.quantifier,
                                 .value = tree.leaf.value,
                                 .list = tree.leaf.list,
                                 .fts_config = tree.leaf.fts_config,
                                 .is_value = tree.leaf.is_value};
        return out;
    }
    out.kind = tree.kind == LogicTree::Kind::kAnd ? PlanLogic::Kind::kAnd : PlanLogic::Kind::kOr;
    for (const auto& child : tree.children) {
        auto c = resolve_tree(node, child);
        if (!c) return c;
        out.children.push_back(std::move(c).value());
    }
    return out;
}

Result<void> Planner::add_filter(ReadNode& node, const LogicTree& tree, std::string_view) {
    const auto& leaf = tree.leaf;
    const bool is_column = node.columns != nullptr &&
                           std::any_of(node.columns->begin(), node.columns->end(),
                                       [&](const meta::Column& c) { return c.name == leaf.field.name; });
    if (tree.kind == LogicTree::Kind::kLeaf && leaf.field.path.empty() && !is_column) {
        if (const Embed* e = embed_named(node, leaf.field.name)) {
            // rel=is.null / rel=not.is.null: keep parents by whether the embed found rows.
            const bool null_test = leaf.op == Op::kIs &&
                                   (leaf.is_value == IsValue::kNull || leaf.is_value == IsValue::kNotNull);
            if (!null_test) {
                Error err = Error::bad_request("PGRST120", "Bad operator on the '" + e->output +
                                                               "' embedded resource");
                err.details = "Only is null or not is null filters are allowed on embedded resources";
                return err;
            }
            PlanLogic p;
            p.kind = PlanLogic::Kind::kEmbedPresence;
            p.embed_alias = e->lateral_alias;
            p.embed_to_one = e->to_one;
            // presence wanted unless "is.null" without negation (or "not.is.not_null")
            const bool want_null = (leaf.is_value == IsValue::kNull) != leaf.negated;
            p.negated = want_null;
            node.where.push_back(std::move(p));
            return {};
        }
    }
    auto resolved = resolve_tree(node, tree);
    if (!resolved) return resolved.error();
    node.where.push_back(std::move(resolved).value());
    return {};
}

Result<void> Planner::apply_query(ReadNode& root, bool allow_embed_paths) {
    for (const auto& fp : req_.filter_params) {
        if (std::find(arg_keys_.begin(), arg_keys_.end(), fp.key) != arg_keys_.end()) continue;
        if (!fp.parsed) return fp.parsed.error();
        const Filter& f = fp.parsed.value();
        if (!f.path.empty() && !allow_embed_paths) return not_embedded(f.path.front());
        auto node = node_at(root, f.path);
        if (!node) return node.error();
        if (auto r = add_filter(**node, f.tree, fp.key); !r) return r.error();
    }
    for (const auto& lf : req_.logic_filters) {
        if (!lf.path.empty() && !allow_embed_paths) return not_embedded(lf.path.front());
        auto node = node_at(root, lf.path);
        if (!node) return node.error();
        auto tree = resolve_tree(**node, lf.tree);
        if (!tree) return tree.error();
        (*node)->where.push_back(std::move(tree).value());
    }
    for (const auto& [path, terms] : req_.orders) {
        if (!path.empty() && !allow_embed_paths) return not_embedded(path.front());
        auto node_r = node_at(root, path);
        if (!node_r) return node_r.error();
        ReadNode& node = **node_r;
        for (const auto& term : terms) {
            PlanOrder o;
            o.descending = term.descending;
            o.nulls_first = term.nulls_first;
            if (!term.relation.empty()) {
                const Embed* e = embed_named(node, term.relation);
                if (e == nullptr) return not_embedded(term.relation);
                if (!e->to_one) {
                    Error err = Error::bad_request("PGRST118", "A related order on '" +
                                                                   term.relation + "' is not possible");
                    err.details = "'" + node.name.name + "' and '" + term.relation +
                                  "' do not form a many-to-one or one-to-one relationship";
                    return err;
                }
                if (!outputs(e->node, term.field.name)) {
                    return unknown_column(e->node.name.name, term.field.name);
                }
                o.column = ColumnExpr{.alias = e->lateral_alias, .column = term.field.name,
                                      .path = term.field.path, .base_type = {}};
            } else {
                auto col = resolve_column(node, term.field);
                if (!col) return col.error();
                o.column = std::move(col).value();
            }
            node.order.push_back(std::move(o));
        }
    }
    for (const auto& [path, range] : req_.ranges) {
        if (!path.empty() && !allow_embed_paths) return not_embedded(path.front());
        auto node = node_at(root, path);
        if (!node) return node.error();
        (*node)->offset = range.offset;
        (*node)->limit = range.limit;
    }
    return {};
}

Result<void> Planner::plan_read(Plan& plan) {
    auto table = find_table(req_.target);
    if (!table) return table.error();
    ReadNode root = new_node(*table, &(*table)->columns, (*table)->qualified());
    if (auto r = build_select(root, req_.select, 0); !r) return r.error();
    if (auto r = apply_query(root, true); !r) return r.error();
    if (opts_.max_rows > 0) root.limit = std::min(root.limit.value_or(opts_.max_rows), opts_.max_rows);
    plan.kind = Plan::Kind::kRead;
    plan.root = std::move(root);
    plan.read_only = true;
    return {};
}

}  // namespace basalt::rest::detail
