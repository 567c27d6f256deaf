// The system migration files compiled into the binary. The definition is generated at build
// time by src/migrate/embed_sql.cmake from every src/migrate/system/*.sql (add a file, rebuild).
#pragma once

#include <string_view>
#include <vector>

namespace basalt::migrate::detail {

struct EmbeddedFile {
    std::string_view name;     // "0001_roles_and_schemas.sql"
    std::string_view content;  // exact file bytes
};

// Sorted by name.
const std::vector<EmbeddedFile>& embedded_system_files();

}  // namespace basalt::migrate::detail
