// SchemaSnapshot lookups and relationship derivation from foreign keys: many-to-one, its inverse
// one-to-many, one-to-one when the FK columns are a key, and many-to-many through a junction
// table whose primary key covers both FKs (the rules PostgREST's schema cache applies).
#include "meta/schema_snapshot.hpp"

#include <algorithm>
#include <optional>
#include <set>

namespace basalt::meta {

const Column* Table::column(std::string_view name) const {
    for (const auto& c : columns) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

std::string_view to_string(Cardinality c) {
    switch (c) {
        case Cardinality::kManyToOne: return "many-to-one";
        case Cardinality::kOneToMany: return "one-to-many";
        case Cardinality::kOneToOne: return "one-to-one";
        case Cardinality::kManyToMany: return "many-to-many";
    }
    return "many-to-one";
}

SchemaSnapshot::SchemaSnapshot(std::vector<std::string> schemas, std::vector<Table> tables,
                               std::vector<ForeignKey> foreign_keys,
                               std::vector<Function> functions,
                               std::map<QualifiedName, KeySet> hidden_keys)
    : schemas_(std::move(schemas)),
      tables_(std::move(tables)),
      foreign_keys_(std::move(foreign_keys)),
      functions_(std::move(functions)),
      keys_(std::move(hidden_keys)) {
    index();
    infer_view_keys();
    for (const auto& t : tables_) keys_[t.qualified()] = KeySet{t.primary_key, t.unique_keys};
    derive_relationships();
}

bool SchemaSnapshot::exposes(std::string_view schema) const {
    return std::find(schemas_.begin(), schemas_.end(), schema) != schemas_.end();
}

void SchemaSnapshot::index() {
    for (std::size_t i = 0; i < tables_.size(); ++i) {
        table_index_[tables_[i].qualified()] = i;
    }
    for (std::size_t i = 0; i < functions_.size(); ++i) {
        function_index_[{functions_[i].schema, functions_[i].name}].push_back(i);
    }
}

const Table* SchemaSnapshot::find_table(std::string_view schema, std::string_view name) const {
    auto it = table_index_.find(QualifiedName{std::string(schema), std::string(name)});
    return it == table_index_.end() ? nullptr : &tables_[it->second];
}

std::vector<const Function*> SchemaSnapshot::find_functions(std::string_view schema,
                                                            std::string_view name) const {
    std::vector<const Function*> out;
    auto it = function_index_.find(QualifiedName{std::string(schema), std::string(name)});
    if (it != function_index_.end()) {
        for (auto i : it->second) out.push_back(&functions_[i]);
    }
    return out;
}

const std::vector<Relationship>& SchemaSnapshot::relationships_from(std::string_view schema,
                                                                    std::string_view name) const {
    static const std::vector<Relationship> kNone;
    auto it = relationships_.find(QualifiedName{std::string(schema), std::string(name)});
    return it == relationships_.end() ? kNone : it->second;
}

namespace {

using ColumnSet = std::set<std::string>;

ColumnSet as_set(const std::vector<std::string>& cols) { return {cols.begin(), cols.end()}; }

// True when `cols` is exactly the PK or one UNIQUE key of `table` (so the FK is one-to-one).
bool is_key(const Table& table, const std::vector<std::string>& cols) {
    const auto wanted = as_set(cols);
    if (!table.primary_key.empty() && as_set(table.primary_key) == wanted) return true;
    return std::any_of(table.unique_keys.begin(), table.unique_keys.end(),
                       [&](const auto& key) { return as_set(key) == wanted; });
}

std::vector<std::pair<std::string, std::string>> zip(const std::vector<std::string>& a,
                                                     const std::vector<std::string>& b) {
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) out.emplace_back(a[i], b[i]);
    return out;
}

std::vector<std::pair<std::string, std::string>> swapped(
    const std::vector<std::pair<std::string, std::string>>& cols) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [a, b] : cols) out.emplace_back(b, a);
    return out;
}

}  // namespace

const KeySet* SchemaSnapshot::keys_of(const QualifiedName& name) const {
    auto it = keys_.find(name);
    return it == keys_.end() ? nullptr : &it->second;
}

namespace {

// Where a view column ultimately comes from, following views over exposed views.
std::optional<std::pair<QualifiedName, std::string>> base_of(const SchemaSnapshot& snap,
                                                             const Table& view,
                                                             const std::string& column, int depth = 0) {
    if (depth > 8) return std::nullopt;
    for (const auto& src : view.sources) {
        if (src.column != column) continue;
        const Table* inner = snap.find_table(src.table.schema, src.table.name);
        if (inner != nullptr && !inner->sources.empty()) {
            if (auto deeper = base_of(snap, *inner, src.table_column, depth + 1)) return deeper;
        }
        return std::make_pair(src.table, src.table_column);
    }
    return std::nullopt;
}

// The view's column that reads `table.column`, if any.
std::optional<std::string> view_column_for(const SchemaSnapshot& snap, const Table& view,
                                           const QualifiedName& table, const std::string& column) {
    for (const auto& c : view.columns) {
        auto base = base_of(snap, view, c.name);
        if (base && base->first == table && base->second == column) return c.name;
    }
    return std::nullopt;
}

struct Endpoint {
    QualifiedName rel;
    std::vector<std::string> columns;
};

// `table` itself (when exposed) and every exposed view that carries all of `columns`.
std::vector<Endpoint> endpoints(const SchemaSnapshot& snap, const QualifiedName& table,
                                const std::vector<std::string>& columns) {
    std::vector<Endpoint> out;
    if (snap.find_table(table.schema, table.name) != nullptr) out.push_back({table, columns});
    for (const auto& v : snap.tables()) {
        if (v.sources.empty() || v.qualified() == table) continue;
        Endpoint e{v.qualified(), {}};
        for (const auto& c : columns) {
            auto mapped = view_column_for(snap, v, table, c);
            if (!mapped) break;
            e.columns.push_back(*mapped);
        }
        if (e.columns.size() == columns.size()) out.push_back(std::move(e));
    }
    return out;
}

}  // namespace

void SchemaSnapshot::infer_view_keys() {
    // A view that carries all primary-key columns of a base table gets them as its key
    // (PostgREST does the same), for PUT, Location and one-to-one detection.
    for (auto& v : tables_) {
        if (v.sources.empty() || !v.primary_key.empty()) continue;
        std::vector<QualifiedName> bases;
        for (const auto& c : v.columns) {
            if (auto b = base_of(*this, v, c.name)) bases.push_back(b->first);
        }
        for (const auto& base : bases) {
            const Table* t = find_table(base.schema, base.name);
            const KeySet* hidden = keys_of(base);
            const auto& pk = t != nullptr ? t->primary_key : (hidden ? hidden->primary_key : v.primary_key);
            if (pk.empty()) continue;
            std::vector<std::string> mapped;
            for (const auto& col : pk) {
                if (auto m = view_column_for(*this, v, base, col)) mapped.push_back(*m);
            }
            if (mapped.size() == pk.size()) {
                v.primary_key = std::move(mapped);
                break;
            }
        }
    }
}

void SchemaSnapshot::derive_relationships() {
    struct Edge {
        Endpoint from;
        Endpoint to;
        std::string constraint;
    };
    std::vector<Edge> plain_m2o;  // candidates for junction legs

    // Every FK yields relationships between each pair of endpoints carrying its columns: the
    // tables themselves and views over them (so views embed like their base tables).
    for (const auto& fk : foreign_keys_) {
        const KeySet* from_keys = keys_of(fk.table);
        const bool one_to_one = from_keys != nullptr && [&] {
            Table probe;
            probe.primary_key = from_keys->primary_key;
            probe.unique_keys = from_keys->unique_keys;
            return is_key(probe, fk.columns);
        }();
        for (const auto& src : endpoints(*this, fk.table, fk.columns)) {
            for (const auto& dst : endpoints(*this, fk.ref_table, fk.ref_columns)) {
                const bool self = src.rel == dst.rel;
                Relationship direct{.table = src.rel,
                                    .foreign_table = dst.rel,
                                    .cardinality = one_to_one ? Cardinality::kOneToOne
                                                              : Cardinality::kManyToOne,
                                    .constraint = fk.name,
                                    .columns = zip(src.columns, dst.columns),
                                    .junction = std::nullopt,
                                    .is_self = self};
                Relationship inverse{.table = dst.rel,
                                     .foreign_table = src.rel,
                                     .cardinality = one_to_one ? Cardinality::kOneToOne
                                                               : Cardinality::kOneToMany,
                                     .constraint = fk.name,
                                     .columns = swapped(direct.columns),
                                     .junction = std::nullopt,
                                     .is_self = self};
                relationships_[src.rel].push_back(std::move(direct));
                relationships_[dst.rel].push_back(std::move(inverse));
                if (!one_to_one) plain_m2o.push_back(Edge{src, dst, fk.name});
            }
        }
    }

    // Many-to-many: a junction J with FKs J->A and J->B (distinct constraints) whose columns
    // are all part of J's primary key relates A and B.
    for (const auto& leg1 : plain_m2o) {
        const Table* junction = find_table(leg1.from.rel.schema, leg1.from.rel.name);
        if (junction == nullptr || junction->primary_key.empty()) continue;
        const auto pk = as_set(junction->primary_key);
        for (const auto& leg2 : plain_m2o) {
            if (leg2.constraint == leg1.constraint || !(leg2.from.rel == leg1.from.rel)) continue;
            bool covered = true;
            for (const auto& c : leg1.from.columns) covered = covered && pk.contains(c);
            for (const auto& c : leg2.from.columns) covered = covered && pk.contains(c);
            if (!covered) continue;
            Relationship m2m{.table = leg1.to.rel,
                             .foreign_table = leg2.to.rel,
                             .cardinality = Cardinality::kManyToMany,
                             .constraint = {},
                             .columns = {},
                             .junction = Junction{.table = junction->qualified(),
                                                  .constraint_source = leg1.constraint,
                                                  .constraint_target = leg2.constraint,
                                                  .source_columns = zip(leg1.from.columns, leg1.to.columns),
                                                  .target_columns = zip(leg2.from.columns, leg2.to.columns)},
                             .is_self = leg1.to.rel == leg2.to.rel};
            relationships_[leg1.to.rel].push_back(std::move(m2m));
        }
    }
}

}  // namespace basalt::meta
