// Choosing the relationship behind `rel(...)` / `rel!hint(...)`: by target table name, FK
// constraint name or FK column; the hint narrows by constraint, column or junction table.
// Several matches are ambiguous (300 PGRST201, details list them like PostgREST); none is
// PGRST200.
#include "rest/plan/planner.hpp"

namespace basalt::rest::detail {

namespace {

std::string cols_text(const std::vector<std::pair<std::string, std::string>>& cols, bool first) {
    std::string out = "(";
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i > 0) out += ", ";
        out += first ? cols[i].first : cols[i].second;
    }
    return out + ")";
}

Json describe(const meta::Relationship& r) {
    Json j = Json::object();
    j["cardinality"] = std::string(meta::to_string(r.cardinality));
    j["embedding"] = r.table.name + " with " + r.foreign_table.name;
    if (r.junction) {
        const auto& jn = *r.junction;
        j["relationship"] = jn.table.name + " using " + jn.constraint_source +
                            cols_text(jn.source_columns, true) + " and " + jn.constraint_target +
                            cols_text(jn.target_columns, true);
    } else {
        j["relationship"] = r.constraint + " using " + r.table.name + cols_text(r.columns, true) +
                            " and " + r.foreign_table.name + cols_text(r.columns, false);
    }
    return j;
}

std::string hint_for(const meta::Relationship& r) {
    const std::string& by = r.junction ? r.junction->table.name : r.constraint;
    return "'" + r.foreign_table.name + "!" + by + "'";
}

bool single(const meta::Relationship& r) { return !r.junction && r.columns.size() == 1; }
// the FK column on the origin side (many-to-one) or the origin's key (one-to-many)
bool matches_first(const meta::Relationship& r, std::string_view col) {
    return single(r) && r.columns.front().first == col;
}
bool matches_second(const meta::Relationship& r, std::string_view col) {
    return single(r) && r.columns.front().second == col;
}

bool same_table(const meta::Relationship& r, const meta::Table& from, std::string_view target) {
    return r.foreign_table.name == target && r.foreign_table.schema == from.schema;
}

// PostgREST's findRel rules. A self-reference has one FK but two relationships: the table
// name picks the children (one-to-many), the FK column picks the parent (many-to-one), and
// table!fk_column picks the children through that column.
bool matches(const meta::Relationship& r, const meta::Table& from, std::string_view target,
             std::string_view hint) {
    const auto card = r.cardinality;
    if (r.is_self) {
        if (hint.empty()) {
            return (same_table(r, from, target) && card == meta::Cardinality::kOneToMany) ||
                   (card == meta::Cardinality::kManyToOne && matches_first(r, target));
        }
        return same_table(r, from, target) && card == meta::Cardinality::kOneToMany &&
               matches_second(r, hint);
    }
    if (hint.empty()) {
        // by table, by FK constraint name, or by the origin's FK column: select=author_id(*)
        return same_table(r, from, target) || (!r.junction && r.constraint == target) ||
               matches_first(r, target);
    }
    if (!same_table(r, from, target)) return false;
    if (r.junction) return r.junction->table.name == hint;
    return r.constraint == hint || matches_first(r, hint) || matches_second(r, hint);
}

}  // namespace

Result<const meta::Relationship*> find_relationship(const meta::SchemaSnapshot& snap,
                                                    const meta::Table& from,
                                                    std::string_view target,
                                                    std::string_view hint) {
    std::vector<const meta::Relationship*> found;
    for (const auto& r : snap.relationships_from(from.schema, from.name)) {
        if (matches(r, from, target, hint)) found.push_back(&r);
    }
    if (found.size() == 1) return found.front();
    if (found.empty()) {
        Error e = Error::bad_request(
            "PGRST200", "Could not find a relationship between '" + from.name + "' and '" +
                            std::string(target) + "' in the schema cache");
        std::string details = "Searched for a foreign key relationship between '" + from.name +
                              "' and '" + std::string(target);
        if (!hint.empty()) details += "' using the hint '" + std::string(hint);
        details += "' in the schema '" + from.schema + "', but no matches were found.";
        e.details = details;
        return e;
    }
    Error e;
    e.status = 300;
    e.code = "PGRST201";
    e.message = "Could not embed because more than one relationship was found for '" +
                from.name + "' and '" + std::string(target) + "'";
    Json details = Json::array();
    std::string hints;
    for (std::size_t i = 0; i < found.size(); ++i) {
        details.push_back(describe(*found[i]));
        if (i > 0) hints += ", ";
        hints += hint_for(*found[i]);
    }
    e.details = details;
    e.hint = "Try changing '" + std::string(target) + "' to one of the following: " + hints +
             ". Find the desired relationship in the 'details' key.";
    return e;
}

}  // namespace basalt::rest::detail
