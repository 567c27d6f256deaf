// The schema cache as a value: tables, views, columns, keys, foreign keys, functions and the
// relationships derived from them for the exposed schemas. Immutable once built; rest/ plans
// against it and meta::SchemaCache swaps whole snapshots on reload (PostgREST's SchemaCache).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/json.hpp"

namespace basalt::meta {

struct QualifiedName {
    std::string schema;
    std::string name;
    friend bool operator==(const QualifiedName&, const QualifiedName&) = default;
    friend auto operator<=>(const QualifiedName&, const QualifiedName&) = default;
};

struct Column {
    std::string name;
    // SQL spelling usable in casts and column definition lists; types outside pg_catalog are
    // schema-qualified ("integer", "character varying(20)", "public.mood", "text[]").
    std::string type;
    // Base type name after resolving domains ("int4", "text", "jsonb", "_int4" for int[]).
    std::string base_type;
    char category = 'U';  // pg_type.typcategory of the base type ('N', 'S', 'A', 'B', ...)
    bool nullable = true;
    bool has_default = false;
    std::optional<std::string> default_expr;  // fully qualified pg_get_expr text
    bool generated = false;                   // GENERATED ALWAYS AS (...) STORED
    bool identity_always = false;             // GENERATED ALWAYS AS IDENTITY
    int position = 0;
    std::string description;
    std::vector<std::string> enum_values;
};

enum class RelKind { kTable, kView, kMaterializedView, kForeignTable, kPartitionedTable };

// A view column that is a plain reference to a column of another relation.
struct ColumnSource {
    std::string column;  // the view's column
    QualifiedName table;
    std::string table_column;
};

// Keys of a relation (also for base tables outside the exposed schemas that views read).
struct KeySet {
    std::vector<std::string> primary_key;
    std::vector<std::vector<std::string>> unique_keys;
};

struct Table {
    std::string schema;
    std::string name;
    RelKind kind = RelKind::kTable;
    std::vector<Column> columns;                       // by position
    std::vector<std::string> primary_key;              // empty when none
    std::vector<std::vector<std::string>> unique_keys;  // UNIQUE constraints (not the PK)
    std::vector<ColumnSource> sources;  // views: unambiguous column lineage
    bool insertable = true;
    bool updatable = true;
    bool deletable = true;
    std::string description;

    [[nodiscard]] const Column* column(std::string_view name) const;
    [[nodiscard]] bool is_view() const {
        return kind == RelKind::kView || kind == RelKind::kMaterializedView;
    }
    [[nodiscard]] QualifiedName qualified() const { return {schema, name}; }
};

struct ForeignKey {
    std::string name;  // constraint name
    QualifiedName table;
    std::vector<std::string> columns;
    QualifiedName ref_table;
    std::vector<std::string> ref_columns;
};

enum class Volatility { kImmutable, kStable, kVolatile };

struct FunctionParam {
    std::string name;  // empty for unnamed parameters
    std::string type;  // qualified SQL spelling, as Column::type
    std::string base_type;
    bool has_default = false;
    bool variadic = false;
};

struct Function {
    std::string schema;
    std::string name;
    std::vector<FunctionParam> params;  // input parameters only (IN, INOUT, VARIADIC)
    std::string return_type;            // SQL spelling of the (element) return type
    std::string return_base_type;       // "void", "int4", "record", a table's row type name...
    bool returns_set = false;
    // Composite result: a table row type, a composite type, or OUT/TABLE parameters.
    bool returns_composite = false;
    std::optional<QualifiedName> return_table;  // when the row type is a table/view in the snapshot
    std::vector<Column> return_columns;          // columns of a composite result (name, type)
    Volatility volatility = Volatility::kVolatile;
    std::string description;

    [[nodiscard]] bool returns_void() const { return return_base_type == "void"; }
};

enum class Cardinality { kManyToOne, kOneToMany, kOneToOne, kManyToMany };

std::string_view to_string(Cardinality c);

struct Junction {
    QualifiedName table;
    std::string constraint_source;  // junction -> source table FK
    std::string constraint_target;  // junction -> target table FK
    std::vector<std::pair<std::string, std::string>> source_columns;  // (junction col, source col)
    std::vector<std::pair<std::string, std::string>> target_columns;  // (junction col, target col)
};

// A way to embed `foreign_table` in rows of `table`.
struct Relationship {
    QualifiedName table;
    QualifiedName foreign_table;
    Cardinality cardinality = Cardinality::kManyToOne;
    std::string constraint;  // FK constraint name (M2O/O2M/O2O)
    // (column of `table`, column of `foreign_table`) pairs for M2O/O2M/O2O.
    std::vector<std::pair<std::string, std::string>> columns;
    std::optional<Junction> junction;  // M2M only
    bool is_self = false;

    [[nodiscard]] bool to_one() const {
        return cardinality == Cardinality::kManyToOne || cardinality == Cardinality::kOneToOne;
    }
};

class SchemaSnapshot {
public:
    SchemaSnapshot() = default;
    // `hidden_keys`: keys of relations outside the exposed schemas that exposed views read,
    // so relationships of those relations carry over to the views.
    SchemaSnapshot(std::vector<std::string> schemas, std::vector<Table> tables,
                   std::vector<ForeignKey> foreign_keys, std::vector<Function> functions,
                   std::map<QualifiedName, KeySet> hidden_keys = {});

    [[nodiscard]] const std::vector<std::string>& schemas() const { return schemas_; }
    [[nodiscard]] bool exposes(std::string_view schema) const;

    [[nodiscard]] const Table* find_table(std::string_view schema, std::string_view name) const;
    // Every overload of schema.name (empty when none).
    [[nodiscard]] std::vector<const Function*> find_functions(std::string_view schema,
                                                              std::string_view name) const;
    // Relationships whose `table` is schema.name.
    [[nodiscard]] const std::vector<Relationship>& relationships_from(std::string_view schema,
                                                                      std::string_view name) const;

    [[nodiscard]] const std::vector<Table>& tables() const { return tables_; }
    [[nodiscard]] const std::vector<Function>& functions() const { return functions_; }
    [[nodiscard]] const std::vector<ForeignKey>& foreign_keys() const { return foreign_keys_; }

private:
    void index();
    void infer_view_keys();
    void derive_relationships();
    [[nodiscard]] const KeySet* keys_of(const QualifiedName& name) const;

    std::vector<std::string> schemas_;
    std::vector<Table> tables_;
    std::vector<ForeignKey> foreign_keys_;
    std::vector<Function> functions_;
    std::map<QualifiedName, std::size_t> table_index_;
    std::map<QualifiedName, std::vector<std::size_t>> function_index_;
    std::map<QualifiedName, std::vector<Relationship>> relationships_;
    std::map<QualifiedName, KeySet> keys_;  // exposed tables and hidden base tables
};

using SnapshotPtr = std::shared_ptr<const SchemaSnapshot>;

// ONE statement returning the whole snapshot as a single JSON cell. Parameter $1 is the list
// of exposed schemas as a text[] literal (see schemas_param). Run it with search_path set to
// '' so type names and default expressions come back schema-qualified.
std::string_view catalog_query();
// One row, one column: the DDL counter (basalt.schema_version) that catalog_query() also
// returns as its second column; NULL when never bumped.
std::string_view schema_version_query();
std::string schemas_param(const std::vector<std::string>& schemas);

// Builds a snapshot from catalog_query()'s JSON document. Pure.
Result<SchemaSnapshot> snapshot_from_json(const Json& doc, const std::vector<std::string>& schemas);

}  // namespace basalt::meta
