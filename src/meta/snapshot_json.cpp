// catalog_query()'s JSON document -> SchemaSnapshot. Pure, so the fixture schema cache can be
// snapshotted in tests and a malformed document fails with an Error instead of a crash.
#include <exception>

#include "meta/schema_snapshot.hpp"

namespace basalt::meta {

namespace {

std::string str(const Json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

bool flag(const Json& obj, const char* key, bool fallback) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::vector<std::string> strings(const Json& obj, const char* key) {
    std::vector<std::string> out;
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_array()) return out;
    for (const auto& v : *it) {
        if (v.is_string()) out.push_back(v.get<std::string>());
    }
    return out;
}

RelKind rel_kind(const std::string& k) {
    if (k == "v") return RelKind::kView;
    if (k == "m") return RelKind::kMaterializedView;
    if (k == "f") return RelKind::kForeignTable;
    if (k == "p") return RelKind::kPartitionedTable;
    return RelKind::kTable;
}

Column column_from(const Json& j) {
    Column c;
    c.name = str(j, "name");
    c.type = str(j, "type");
    c.base_type = str(j, "base_type");
    const auto cat = str(j, "category");
    c.category = cat.empty() ? 'U' : cat[0];
    c.nullable = flag(j, "nullable", true);
    if (auto it = j.find("default"); it != j.end() && it->is_string()) {
        c.default_expr = it->get<std::string>();
    }
    c.generated = flag(j, "generated", false);
    c.identity_always = flag(j, "identity_always", false);
    c.has_default = c.default_expr.has_value() || c.generated;
    if (auto it = j.find("position"); it != j.end() && it->is_number_integer()) {
        c.position = it->get<int>();
    }
    c.description = str(j, "description");
    c.enum_values = strings(j, "enum");
    return c;
}

// Rule-tree text escapes special characters with a backslash ("my\ col").
std::string unescape_node_token(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        out += s[i];
    }
    return out;
}

// Keeps lineage only for real view columns with exactly one source (a name can also match a
// target entry of an inner subquery; conflicting sources are dropped).
std::vector<ColumnSource> sources_from(const Table& t, const Json& arr) {
    std::vector<ColumnSource> all;
    for (const auto& s : arr) {
        ColumnSource cs{.column = unescape_node_token(str(s, "column")),
                        .table = {str(s, "schema"), str(s, "table")},
                        .table_column = str(s, "table_column")};
        if (t.column(cs.column) != nullptr) all.push_back(std::move(cs));
    }
    std::vector<ColumnSource> out;
    for (const auto& cs : all) {
        int n = 0;
        for (const auto& other : all) n += other.column == cs.column ? 1 : 0;
        if (n == 1) out.push_back(cs);
    }
    return out;
}

KeySet keys_from(const Json& j) {
    KeySet k;
    k.primary_key = strings(j, "primary_key");
    if (auto it = j.find("unique_keys"); it != j.end() && it->is_array()) {
        for (const auto& key : *it) {
            std::vector<std::string> cols;
            for (const auto& c : key) {
                if (c.is_string()) cols.push_back(c.get<std::string>());
            }
            k.unique_keys.push_back(std::move(cols));
        }
    }
    return k;
}

Table table_from(const Json& j) {
    Table t;
    t.schema = str(j, "schema");
    t.name = str(j, "name");
    t.kind = rel_kind(str(j, "kind"));
    t.description = str(j, "description");
    t.insertable = flag(j, "insertable", true);
    t.updatable = flag(j, "updatable", true);
    t.deletable = flag(j, "deletable", true);
    if (auto it = j.find("columns"); it != j.end() && it->is_array()) {
        for (const auto& c : *it) t.columns.push_back(column_from(c));
    }
    t.primary_key = strings(j, "primary_key");
    if (auto it = j.find("sources"); it != j.end() && it->is_array()) t.sources = sources_from(t, *it);
    if (auto it = j.find("unique_keys"); it != j.end() && it->is_array()) {
        for (const auto& key : *it) {
            std::vector<std::string> cols;
            for (const auto& c : key) {
                if (c.is_string()) cols.push_back(c.get<std::string>());
            }
            t.unique_keys.push_back(std::move(cols));
        }
    }
    return t;
}

ForeignKey fk_from(const Json& j) {
    return ForeignKey{.name = str(j, "name"),
                      .table = {str(j, "schema"), str(j, "table")},
                      .columns = strings(j, "columns"),
                      .ref_table = {str(j, "ref_schema"), str(j, "ref_table")},
                      .ref_columns = strings(j, "ref_columns")};
}

Volatility volatility(const std::string& v) {
    if (v == "i") return Volatility::kImmutable;
    if (v == "s") return Volatility::kStable;
    return Volatility::kVolatile;
}

Function function_from(const Json& j) {
    Function f;
    f.schema = str(j, "schema");
    f.name = str(j, "name");
    f.description = str(j, "description");
    f.volatility = volatility(str(j, "volatility"));
    f.returns_set = flag(j, "returns_set", false);
    f.return_type = str(j, "return_type");
    f.return_base_type = str(j, "return_base_type");
    const auto typtype = str(j, "return_typtype");
    if (auto s = str(j, "return_table_schema"); !s.empty()) {
        f.return_table = QualifiedName{s, str(j, "return_table_name")};
    }
    if (auto it = j.find("return_columns"); it != j.end() && it->is_array()) {
        for (const auto& c : *it) f.return_columns.push_back(column_from(c));
    }
    int defaults = 0;
    if (auto it = j.find("nargdefaults"); it != j.end() && it->is_number_integer()) {
        defaults = it->get<int>();
    }
    std::vector<Column> out_columns;
    if (auto it = j.find("args"); it != j.end() && it->is_array()) {
        for (const auto& a : *it) {
            const auto mode = str(a, "mode");
            if (mode == "i" || mode == "b" || mode == "v") {
                f.params.push_back(FunctionParam{.name = str(a, "name"),
                                                 .type = str(a, "type"),
                                                 .base_type = str(a, "base_type"),
                                                 .has_default = false,
                                                 .variadic = mode == "v"});
            }
            if (mode == "o" || mode == "b" || mode == "t") {
                Column c;
                c.name = str(a, "name");
                c.type = str(a, "type");
                c.base_type = str(a, "base_type");
                out_columns.push_back(std::move(c));
            }
        }
    }
    // pronargdefaults counts the trailing input parameters that have defaults.
    for (int i = static_cast<int>(f.params.size()) - 1; i >= 0 && defaults > 0; --i, --defaults) {
        f.params[static_cast<std::size_t>(i)].has_default = true;
    }
    // RETURNS TABLE / OUT parameters: a record whose columns are the output parameters. A
    // single OUT parameter is a scalar result in PostgreSQL, so it stays scalar here too.
    if (out_columns.size() > 1 || (!out_columns.empty() && f.return_base_type == "record")) {
        f.return_columns = std::move(out_columns);
        f.returns_composite = true;
    } else if (typtype == "c") {
        f.returns_composite = true;
    }
    return f;
}

}  // namespace

Result<SchemaSnapshot> snapshot_from_json(const Json& doc, const std::vector<std::string>& schemas) {
    if (!doc.is_object()) {
        return Error::internal_error("schema cache: catalog document is not a JSON object");
    }
    try {
        std::vector<Table> tables;
        std::vector<ForeignKey> fks;
        std::vector<Function> functions;
        if (auto it = doc.find("tables"); it != doc.end() && it->is_array()) {
            for (const auto& t : *it) tables.push_back(table_from(t));
        }
        if (auto it = doc.find("foreign_keys"); it != doc.end() && it->is_array()) {
            for (const auto& f : *it) fks.push_back(fk_from(f));
        }
        if (auto it = doc.find("functions"); it != doc.end() && it->is_array()) {
            for (const auto& f : *it) functions.push_back(function_from(f));
        }
        std::map<QualifiedName, KeySet> hidden;
        if (auto it = doc.find("hidden_tables"); it != doc.end() && it->is_array()) {
            for (const auto& h : *it) hidden[{str(h, "schema"), str(h, "name")}] = keys_from(h);
        }
        SchemaSnapshot snap(schemas, std::move(tables), std::move(fks), std::move(functions),
                            std::move(hidden));
        return snap;
    } catch (const std::exception& e) {
        return Error::internal_error(std::string("schema cache: malformed catalog document: ") +
                                     e.what());
    }
}

}  // namespace basalt::meta
