// Rendering of columns, conditions, logic trees and one ReadNode's SELECT with its embeds as
// LEFT/INNER JOIN LATERAL subqueries (to-one: a row turned into JSON; to-many: json_agg).
// Values become $n parameters typed by PostgreSQL from the column they are compared with.
#include "rest/sql/sql_builder.hpp"

#include <algorithm>

namespace basalt::rest {

std::string array_literal(const std::vector<std::string>& elements) {
    std::string out = "{";
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) out += ',';
        out += '"';
        for (char c : elements[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

namespace detail {

namespace {

std::string like_pattern(std::string v) {
    std::replace(v.begin(), v.end(), '*', '%');  // PostgREST accepts * for % in URLs
    return v;
}

std::string_view comparison(Op op) {
    switch (op) {
        case Op::kEq: return "=";
        case Op::kNeq: return "<>";
        case Op::kGt: return ">";
        case Op::kGte: return ">=";
        case Op::kLt: return "<";
        case Op::kLte: return "<=";
        case Op::kLike: return "LIKE";
        case Op::kIlike: return "ILIKE";
        case Op::kMatch: return "~";
        case Op::kImatch: return "~*";
        case Op::kContains: return "@>";
        case Op::kContained: return "<@";
        case Op::kOverlaps: return "&&";
        case Op::kStrictlyLeft: return "<<";
        case Op::kStrictlyRight: return ">>";
        case Op::kNotExtendRight: return "&<";
        case Op::kNotExtendLeft: return "&>";
        case Op::kAdjacent: return "-|-";
        default: return "=";
    }
}

std::string_view tsquery_function(Op op) {
    switch (op) {
        case Op::kPlfts: return "pg_catalog.plainto_tsquery";
        case Op::kPhfts: return "pg_catalog.phraseto_tsquery";
        case Op::kWfts: return "pg_catalog.websearch_to_tsquery";
        default: return "pg_catalog.to_tsquery";
    }
}

std::string_view is_keyword(IsValue v) {
    switch (v) {
        case IsValue::kNull: return "IS NULL";
        case IsValue::kNotNull: return "IS NOT NULL";
        case IsValue::kTrue: return "IS TRUE";
        case IsValue::kFalse: return "IS FALSE";
        case IsValue::kUnknown: return "IS UNKNOWN";
    }
    return "IS NULL";
}

std::string_view aggregate_sql(Aggregate a) {
    switch (a) {
        case Aggregate::kCount: return "pg_catalog.count";
        case Aggregate::kSum: return "pg_catalog.sum";
        case Aggregate::kAvg: return "pg_catalog.avg";
        case Aggregate::kMin: return "pg_catalog.min";
        case Aggregate::kMax: return "pg_catalog.max";
        case Aggregate::kNone: break;
    }
    return "";
}

void collect_presence(const PlanLogic& l, std::vector<std::string>& out) {
    if (l.kind == PlanLogic::Kind::kEmbedPresence) out.push_back(l.embed_alias);
    for (const auto& c : l.children) collect_presence(c, out);
}

}  // namespace

std::string qualified(const meta::QualifiedName& name) {
    return quote_identifier(name.schema) + "." + quote_identifier(name.name);
}

std::string SqlBuilder::param(std::string value) {
    params_.emplace_back(std::move(value));
    return "$" + std::to_string(params_.size());
}

std::string SqlBuilder::null_param() {
    params_.emplace_back(std::nullopt);
    return "$" + std::to_string(params_.size());
}

std::string SqlBuilder::column(const ColumnExpr& c) {
    std::string out = quote_identifier(c.alias) + "." + quote_identifier(c.column);
    if (c.path.empty()) return out;
    for (const auto& step : c.path) {
        out += step.as_text ? "->>" : "->";
        out += param(step.key);
        out += step.index ? "::integer" : "::text";
    }
    return "(" + out + ")";
}

std::string SqlBuilder::condition(const PlanCondition& c) {
    const std::string col = column(c.column);
    switch (c.op) {
        case Op::kIs:
            return col + " " + std::string(is_keyword(c.is_value));
        case Op::kIsDistinct:
            return col + " IS DISTINCT FROM " + param(c.value);
        case Op::kIn:
            return col + " = ANY(" + param(array_literal(c.list)) + ")";
        case Op::kFts:
        case Op::kPlfts:
        case Op::kPhfts:
        case Op::kWfts: {
            std::string config = c.fts_config ? param(*c.fts_config) + "::regconfig, " : "";
            std::string lhs = c.column.base_type == "tsvector" && c.column.path.empty()
                                  ? col
                                  : "pg_catalog.to_tsvector(" + config + col + ")";
            return lhs + " @@ " + std::string(tsquery_function(c.op)) + "(" + config +
                   param(c.value) + ")";
        }
        default:
            break;
    }
    const bool like = c.op == Op::kLike || c.op == Op::kIlike;
    std::string value = like ? like_pattern(c.value) : c.value;
    std::string rhs = param(std::move(value));
    if (c.quantifier == Quantifier::kAny) rhs = "ANY(" + rhs + ")";
    if (c.quantifier == Quantifier::kAll) rhs = "ALL(" + rhs + ")";
    return col + " " + std::string(comparison(c.op)) + " " + rhs;
}

std::string SqlBuilder::logic(const PlanLogic& l) {
    std::string out;
    switch (l.kind) {
        case PlanLogic::Kind::kLeaf:
            out = condition(l.leaf);
            break;
        case PlanLogic::Kind::kEmbedPresence:
            out = l.embed_to_one ? quote_identifier(l.embed_alias) + " IS DISTINCT FROM NULL"
                                 : quote_identifier(l.embed_alias) + "." + quote_identifier(l.embed_alias) +
                                       " IS NOT NULL";
            break;
        case PlanLogic::Kind::kAnd:
        case PlanLogic::Kind::kOr: {
            const char* glue = l.kind == PlanLogic::Kind::kAnd ? " AND " : " OR ";
            out = "(";
            for (std::size_t i = 0; i < l.children.size(); ++i) {
                if (i > 0) out += glue;
                out += logic(l.children[i]);
            }
            out += ")";
            break;
        }
    }
    return l.negated ? "NOT (" + out + ")" : out;
}

std::string SqlBuilder::where(const std::vector<PlanLogic>& conditions) {
    std::string out;
    for (const auto& c : conditions) {
        out += out.empty() ? "" : " AND ";
        out += logic(c);
    }
    return out;
}

std::string SqlBuilder::order_by(const std::vector<PlanOrder>& order) {
    if (order.empty()) return {};
    std::string out = " ORDER BY ";
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (i > 0) out += ", ";
        out += column(order[i].column);
        out += order[i].descending ? " DESC" : " ASC";
        if (order[i].nulls_first) out += *order[i].nulls_first ? " NULLS FIRST" : " NULLS LAST";
    }
    return out;
}

std::string SqlBuilder::limit_offset(std::optional<std::int64_t> limit, std::int64_t offset) {
    std::string out;
    if (limit) out += " LIMIT " + param(std::to_string(*limit));
    if (offset > 0) out += " OFFSET " + param(std::to_string(offset));
    return out;
}

std::string SqlBuilder::projection(const ReadNode& node) {
    std::string out;
    auto add = [&](const std::string& item) {
        if (!out.empty()) out += ", ";
        out += item;
    };
    for (const auto& p : node.projection) {
        switch (p.kind) {
            case ProjItem::Kind::kAllColumns:
                add(quote_identifier(p.column.alias) + ".*");
                break;
            case ProjItem::Kind::kCountAll: {
                std::string e = "pg_catalog.count(*)";
                if (!p.aggregate_cast.empty()) e = "(" + e + ")::" + p.aggregate_cast;
                add(e + " AS " + quote_identifier(p.output));
                break;
            }
            case ProjItem::Kind::kColumn: {
                std::string e = column(p.column);
                const bool plain = p.column.path.empty() && p.cast.empty() &&
                                   p.aggregate == Aggregate::kNone && p.output == p.column.column;
                if (!p.cast.empty()) e = "(" + e + ")::" + p.cast;
                if (p.aggregate != Aggregate::kNone) {
                    e = std::string(aggregate_sql(p.aggregate)) + "(" + e + ")";
                    if (!p.aggregate_cast.empty()) e = "(" + e + ")::" + p.aggregate_cast;
                }
                add(plain ? e : e + " AS " + quote_identifier(p.output));
                break;
            }
            case ProjItem::Kind::kSpreadColumn:
                add(quote_identifier(p.column.alias) + "." + quote_identifier(p.column.column) + " AS " +
                    quote_identifier(p.output));
                break;
            case ProjItem::Kind::kEmbed: {
                const Embed& e = node.embeds[p.embed];
                const std::string lat = quote_identifier(e.lateral_alias);
                if (e.to_one) {
                    add("pg_catalog.row_to_json(" + lat + ".*)::jsonb AS " + quote_identifier(p.output));
                } else {
                    add("COALESCE(" + lat + "." + lat + ", '[]') AS " + quote_identifier(p.output));
                }
                break;
            }
        }
    }
    return out;
}

std::string SqlBuilder::embed_join(const ReadNode& parent, const Embed& e) {
    const meta::Relationship& r = *e.relationship;
    const ReadNode& child = e.node;
    const std::string child_alias = quote_identifier(child.alias);
    std::string source = qualified(child.name) + " AS " + child_alias;
    std::string join_cond;
    auto add_cond = [&](const std::string& c) {
        join_cond += join_cond.empty() ? "" : " AND ";
        join_cond += c;
    };
    const std::string parent_alias = quote_identifier(parent.alias);
    if (r.junction) {
        const std::string j = quote_identifier(e.junction_alias);
        std::string on;
        for (const auto& [jcol, tcol] : r.junction->target_columns) {
            on += on.empty() ? "" : " AND ";
            on += j + "." + quote_identifier(jcol) + " = " + child_alias + "." + quote_identifier(tcol);
        }
        source += " INNER JOIN " + qualified(r.junction->table) + " AS " + j + " ON " + on;
        for (const auto& [jcol, scol] : r.junction->source_columns) {
            add_cond(j + "." + quote_identifier(jcol) + " = " + parent_alias + "." + quote_identifier(scol));
        }
    } else {
        for (const auto& [pcol, ccol] : r.columns) {
            add_cond(child_alias + "." + quote_identifier(ccol) + " = " + parent_alias + "." +
                     quote_identifier(pcol));
        }
    }
    const std::string inner = select(child, source, join_cond, true);
    const std::string lat = quote_identifier(e.lateral_alias);
    if (e.to_one) {
        return std::string(e.join == JoinKind::kInner ? " INNER" : " LEFT") + " JOIN LATERAL (" +
               inner + ") AS " + lat + " ON TRUE";
    }
    std::string agg = "SELECT pg_catalog.json_agg(" + lat + ") AS " + lat + " FROM (" + inner +
                      ") AS " + lat;
    if (e.join == JoinKind::kInner) {
        return " INNER JOIN LATERAL (" + agg + ") AS " + lat + " ON " + lat + "." + lat + " IS NOT NULL";
    }
    return " LEFT JOIN LATERAL (" + agg + ") AS " + lat + " ON TRUE";
}

SqlBuilder::Joins SqlBuilder::joins(const ReadNode& node) {
    std::vector<std::string> presence;
    for (const auto& w : node.where) collect_presence(w, presence);
    Joins out;
    for (const auto& e : node.embeds) {
        std::string j = embed_join(node, e);
        const bool filters = e.join == JoinKind::kInner ||
                             std::find(presence.begin(), presence.end(), e.lateral_alias) != presence.end();
        if (filters) out.counting += j;
        out.all += j;
    }
    return out;
}

std::string SqlBuilder::group_by(const ReadNode& node) {
    if (!node.has_aggregates) return {};
    std::string out;
    for (std::size_t i = 0; i < node.projection.size(); ++i) {
        const auto& p = node.projection[i];
        if (p.aggregate != Aggregate::kNone || p.kind == ProjItem::Kind::kCountAll) continue;
        out += out.empty() ? " GROUP BY " : ", ";
        out += std::to_string(i + 1);
    }
    return out;
}

std::string SqlBuilder::select(const ReadNode& node, const std::string& source,
                               const std::string& extra_where, bool placeholder) {
    std::string list = projection(node);
    if (list.empty() && placeholder) list = "1 AS pgrst_found";
    std::string sql = "SELECT " + list;
    sql += " FROM " + source;
    sql += joins(node).all;
    std::string w = where(node.where);
    if (!extra_where.empty()) w = w.empty() ? extra_where : extra_where + " AND " + w;
    if (!w.empty()) sql += " WHERE " + w;
    sql += group_by(node);
    sql += order_by(node.order);
    sql += limit_offset(node.limit, node.offset);
    return sql;
}

}  // namespace detail
}  // namespace basalt::rest
