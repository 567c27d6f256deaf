// Swagger 2.0 document in PostgREST's layout: one path per table/view (GET/POST/PATCH/DELETE
// with row filters as query parameters), one per function (/rpc/name), definitions per table,
// and the shared parameters (select, order, range, Prefer...).
#include "rest/openapi.hpp"

namespace basalt::rest {

namespace {

std::string strip_typmod(const std::string& type) {
    auto paren = type.find('(');
    if (paren == std::string::npos) return type;
    auto close = type.find(')', paren);
    std::string out = type.substr(0, paren);
    if (close != std::string::npos) out += type.substr(close + 1);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

Json param_ref(const std::string& name) { return Json{{"$ref", "#/parameters/" + name}}; }

Json column_schema(const meta::Table& t, const meta::Column& c,
                   const std::vector<meta::ForeignKey>& fks) {
    Json p = Json::object();
    auto [type, format] = swagger_type(c);
    if (!type.empty()) p["type"] = type;
    p["format"] = format;
    if (type == "array") {
        meta::Column element = c;
        element.category = 'S';
        element.type = strip_typmod(c.type);
        if (element.type.ends_with("[]")) element.type.resize(element.type.size() - 2);
        element.base_type = c.base_type.starts_with("_") ? c.base_type.substr(1) : c.base_type;
        p["items"] = Json{{"type", swagger_type(element).first.empty() ? "string" : swagger_type(element).first}};
    }
    if (c.default_expr) p["default"] = *c.default_expr;
    if (!c.enum_values.empty()) p["enum"] = c.enum_values;
    std::string description = c.description;
    const bool pk = std::find(t.primary_key.begin(), t.primary_key.end(), c.name) != t.primary_key.end();
    if (pk) description += (description.empty() ? "" : "\n\n") + std::string("Note:\nThis is a Primary Key.<pk/>");
    for (const auto& fk : fks) {
        if (!(fk.table == t.qualified()) || fk.columns.size() != 1 || fk.columns[0] != c.name) continue;
        description += (description.empty() ? "" : "\n\n") + std::string("Note:\nThis is a Foreign Key to `") +
                       fk.ref_table.name + "." + fk.ref_columns[0] + "`.<fk table='" + fk.ref_table.name +
                       "' column='" + fk.ref_columns[0] + "'/>";
    }
    if (!description.empty()) p["description"] = description;
    return p;
}

Json common_parameters() {
    auto query_string = [](const char* name, const char* description) {
        return Json{{"name", name}, {"description", description}, {"required", false},
                    {"in", "query"}, {"type", "string"}};
    };
    auto header = [](const char* name, const char* description, std::vector<std::string> values) {
        Json h{{"name", name}, {"description", description}, {"required", false},
               {"in", "header"}, {"type", "string"}};
        if (!values.empty()) h["enum"] = values;
        return h;
    };
    Json p = Json::object();
    p["preferParams"] = header("Prefer", "Preference", {"params=single-object"});
    p["preferReturn"] = header("Prefer", "Preference", {"return=representation", "return=minimal", "return=none"});
    p["preferCount"] = header("Prefer", "Preference", {"count=none"});
    p["preferPost"] = header("Prefer", "Preference",
                             {"return=representation", "return=minimal", "return=none",
                              "resolution=ignore-duplicates", "resolution=merge-duplicates"});
    p["select"] = query_string("select", "Filtering Columns");
    p["on_conflict"] = query_string("on_conflict", "On Conflict");
    p["order"] = query_string("order", "Ordering");
    p["range"] = header("Range", "Limiting and Pagination", {});
    p["rangeUnit"] = header("Range-Unit", "Limiting and Pagination", {});
    p["rangeUnit"]["default"] = "items";
    p["offset"] = query_string("offset", "Limiting and Pagination");
    p["limit"] = query_string("limit", "Limiting and Pagination");
    return p;
}

}  // namespace

std::pair<std::string, std::string> swagger_type(const meta::Column& c) {
    const std::string format = strip_typmod(c.type);
    if (c.category == 'A' || c.type.ends_with("[]")) return {"array", format};
    const auto& b = c.base_type;
    if (b == "int2" || b == "int4" || b == "int8") return {"integer", format};
    if (b == "numeric" || b == "float4" || b == "float8") return {"number", format};
    if (b == "bool") return {"boolean", format};
    if (b == "json" || b == "jsonb") return {"", format};
    return {"string", format};
}

Json openapi_document(const meta::SchemaSnapshot& snap, const OpenApiOptions& o) {
    Json doc = Json::object();
    doc["swagger"] = "2.0";
    doc["info"] = {{"title", "Basalt REST API"},
                   {"description", "Auto-generated API over the '" + o.schema + "' schema"},
                   {"version", o.version}};
    if (!o.host.empty()) doc["host"] = o.host;
    doc["basePath"] = o.base_path;
    doc["schemes"] = {"http", "https"};
    doc["consumes"] = {"application/json", "application/vnd.pgrst.object+json", "text/csv"};
    doc["produces"] = {"application/json", "application/vnd.pgrst.object+json", "text/csv"};
    Json paths = Json::object();
    paths["/"] = {{"get", {{"tags", {"Introspection"}},
                           {"summary", "OpenAPI description (this document)"},
                           {"produces", {"application/openapi+json", "application/json"}},
                           {"responses", {{"200", {{"description", "OK"}}}}}}}};
    Json definitions = Json::object();
    Json parameters = common_parameters();

    for (const auto& t : snap.tables()) {
        if (t.schema != o.schema) continue;
        if (o.tables != nullptr && !o.tables->contains(t.name)) continue;
        Json def{{"type", "object"}, {"properties", Json::object()}};
        Json required = Json::array();
        Json row_filters = Json::array();
        for (const auto& c : t.columns) {
            def["properties"][c.name] = column_schema(t, c, snap.foreign_keys());
            if (!c.nullable && !c.has_default) required.push_back(c.name);
            const std::string pname = "rowFilter." + t.name + "." + c.name;
            auto [type, format] = swagger_type(c);
            parameters[pname] = {{"name", c.name}, {"required", false}, {"in", "query"},
                                 {"type", "string"}, {"format", format}};
            row_filters.push_back(param_ref(pname));
        }
        if (!required.empty()) def["required"] = required;
        if (!t.description.empty()) def["description"] = t.description;
        definitions[t.name] = def;
        parameters["body." + t.name] = {{"name", t.name}, {"description", t.name}, {"required", false},
                                        {"in", "body"}, {"schema", {{"$ref", "#/definitions/" + t.name}}}};

        const Json ok = {{"200", {{"description", "OK"},
                                  {"schema", {{"type", "array"},
                                              {"items", {{"$ref", "#/definitions/" + t.name}}}}}}},
                         {"206", {{"description", "Partial Content"}}}};
        Json get_params = row_filters;
        for (const char* p : {"select", "order", "range", "rangeUnit", "offset", "limit", "preferCount"}) {
            get_params.push_back(param_ref(p));
        }
        Json item = Json::object();
        item["get"] = {{"tags", {t.name}}, {"parameters", get_params}, {"responses", ok}};
        if (!t.description.empty()) item["get"]["summary"] = t.description;
        if (t.insertable) {
            item["post"] = {{"tags", {t.name}},
                            {"parameters", {param_ref("body." + t.name), param_ref("select"), param_ref("preferPost")}},
                            {"responses", {{"201", {{"description", "Created"}}}}}};
        }
        if (t.updatable) {
            Json patch_params = row_filters;
            patch_params.push_back(param_ref("body." + t.name));
            patch_params.push_back(param_ref("preferReturn"));
            item["patch"] = {{"tags", {t.name}}, {"parameters", patch_params},
                             {"responses", {{"204", {{"description", "No Content"}}}}}};
        }
        if (t.deletable) {
            Json delete_params = row_filters;
            delete_params.push_back(param_ref("preferReturn"));
            item["delete"] = {{"tags", {t.name}}, {"parameters", delete_params},
                              {"responses", {{"204", {{"description", "No Content"}}}}}};
        }
        paths["/" + t.name] = item;
    }

    for (const auto& f : snap.functions()) {
        if (f.schema != o.schema) continue;
        if (o.functions != nullptr && !o.functions->contains(f.name)) continue;
        Json props = Json::object();
        Json required = Json::array();
        Json get_params = Json::array();
        for (const auto& p : f.params) {
            if (p.name.empty()) continue;
            meta::Column as_col;
            as_col.type = p.type;
            as_col.base_type = p.base_type;
            as_col.category = p.type.ends_with("[]") ? 'A' : 'S';
            auto [type, format] = swagger_type(as_col);
            Json prop{{"format", format}};
            if (!type.empty()) prop["type"] = type;
            props[p.name] = prop;
            if (!p.has_default) required.push_back(p.name);
            get_params.push_back({{"name", p.name}, {"required", !p.has_default}, {"in", "query"},
                                  {"type", "string"}, {"format", format}});
        }
        Json schema{{"type", "object"}, {"properties", props}};
        if (!required.empty()) schema["required"] = required;
        Json item = Json::object();
        item["post"] = {{"tags", {"(rpc) " + f.name}},
                        {"parameters", {{{"name", "args"}, {"required", true}, {"in", "body"}, {"schema", schema}},
                                        param_ref("preferParams")}},
                        {"responses", {{"200", {{"description", "OK"}}}}}};
        if (f.volatility != meta::Volatility::kVolatile) {
            item["get"] = {{"tags", {"(rpc) " + f.name}}, {"parameters", get_params},
                           {"responses", {{"200", {{"description", "OK"}}}}}};
        }
        if (!f.description.empty()) item["post"]["summary"] = f.description;
        paths["/rpc/" + f.name] = item;
    }
    doc["paths"] = paths;
    doc["definitions"] = definitions;
    doc["parameters"] = parameters;
    return doc;
}

}  // namespace basalt::rest
