// OpenAPI (Swagger 2.0, like PostgREST) description of one exposed schema, built from the
// schema snapshot. Pure: the handler decides which objects the caller may see.
#pragma once

#include <set>
#include <string>

#include "common/json.hpp"
#include "meta/schema_snapshot.hpp"

namespace basalt::rest {

struct OpenApiOptions {
    std::string schema;
    std::string host;       // Host header of the request ("" = omitted)
    std::string base_path = "/rest/v1";
    std::string version;    // server version for info.version
    // Visible objects; nullptr = everything in the schema (openapi_mode=ignore-privileges).
    const std::set<std::string>* tables = nullptr;
    const std::set<std::string>* functions = nullptr;
};

Json openapi_document(const meta::SchemaSnapshot& snapshot, const OpenApiOptions& options);

// Swagger type/format for a column type ("integer"/"integer", "string"/"text", ...).
std::pair<std::string, std::string> swagger_type(const meta::Column& column);

}  // namespace basalt::rest
