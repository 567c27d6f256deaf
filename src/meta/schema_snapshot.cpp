// SchemaSnapshot lookups and relationship derivation from foreign keys: many-to-one, its inverse
// one-to-many, one-to-one when the FK columns are a key, and many-to-many through a junction
// table whose primary key covers both FKs (the rules PostgREST's schema cache applies).
#include "meta/schema_snapshot.hpp"

#include <algorithm>
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
                               std::vector<Function> functions)
    : schemas_(std::move(schemas)),
      tables_(std::move(tables)),
      foreign_keys_(std::move(foreign_keys)),
      functions_(std::move(functions)) {
    index();
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

void SchemaSnapshot::derive_relationships() {
    // Direct FK relationships and their inverses.
    std::vector<const ForeignKey*> plain_m2o;  // candidates for junction legs
    for (const auto& fk : foreign_keys_) {
        const Table* from = find_table(fk.table.schema, fk.table.name);
        const Table* to = find_table(fk.ref_table.schema, fk.ref_table.name);
        if (from == nullptr || to == nullptr) continue;
        const bool one_to_one = is_key(*from, fk.columns);
        const bool self = fk.table == fk.ref_table;
        Relationship direct{.table = fk.table,
                            .foreign_table = fk.ref_table,
                            .cardinality = one_to_one ? Cardinality::kOneToOne
                                                      : Cardinality::kManyToOne,
                            .constraint = fk.name,
                            .columns = zip(fk.columns, fk.ref_columns),
                            .junction = std::nullopt,
                            .is_self = self};
        Relationship inverse{.table = fk.ref_table,
                             .foreign_table = fk.table,
                             .cardinality = one_to_one ? Cardinality::kOneToOne
                                                       : Cardinality::kOneToMany,
                             .constraint = fk.name,
                             .columns = swapped(direct.columns),
                             .junction = std::nullopt,
                             .is_self = self};
        relationships_[fk.table].push_back(std::move(direct));
        relationships_[fk.ref_table].push_back(std::move(inverse));
        if (!one_to_one) plain_m2o.push_back(&fk);
    }

    // Many-to-many: a junction table J with FKs j->A and j->B (distinct constraints) whose
    // columns are all part of J's primary key relates A and B.
    for (const ForeignKey* leg1 : plain_m2o) {
        const Table* junction = find_table(leg1->table.schema, leg1->table.name);
        if (junction == nullptr || junction->primary_key.empty()) continue;
        const auto pk = as_set(junction->primary_key);
        for (const ForeignKey* leg2 : plain_m2o) {
            if (leg2 == leg1 || !(leg2->table == leg1->table)) continue;
            bool covered = true;
            for (const auto& c : leg1->columns) covered = covered && pk.contains(c);
            for (const auto& c : leg2->columns) covered = covered && pk.contains(c);
            if (!covered) continue;
            Relationship m2m{.table = leg1->ref_table,
                             .foreign_table = leg2->ref_table,
                             .cardinality = Cardinality::kManyToMany,
                             .constraint = {},
                             .columns = {},
                             .junction = Junction{.table = junction->qualified(),
                                                  .constraint_source = leg1->name,
                                                  .constraint_target = leg2->name,
                                                  .source_columns =
                                                      zip(leg1->columns, leg1->ref_columns),
                                                  .target_columns =
                                                      zip(leg2->columns, leg2->ref_columns)},
                             .is_self = leg1->ref_table == leg2->ref_table};
            relationships_[leg1->ref_table].push_back(std::move(m2m));
        }
    }
}

}  // namespace basalt::meta
