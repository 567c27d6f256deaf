// Migration files as values: the file-name grammar, loading a user folder (Basalt pairs or
// Supabase CLI single files), the embedded system migrations, and `migrate new`.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace basalt::migrate {

struct Migration {
    std::string version;                  // "20260101120000" (user) or "0001" (system)
    std::string name;                     // "create_todos"
    std::string up_sql;
    std::optional<std::string> down_sql;  // absent: cannot be rolled back
    std::string source_path;              // up file as shown in messages ("migrations/…up.sql")
    std::string down_path;                // down file path ("" when absent)
    bool no_transaction = false;          // up file carries `-- basalt:no-transaction`

    // sha256 hex of the up file's bytes; stored in history to detect drift.
    [[nodiscard]] std::string checksum() const;
    [[nodiscard]] std::string label() const { return version + "_" + name; }
};

// The file-name grammar:
//   <YYYYMMDDHHMMSS>_<name>.up.sql / .down.sql   Basalt pair (UTC timestamp, valid date/time)
//   <digits>_<name>.sql                           Supabase CLI migration, up only
enum class FileKind { kUp, kDown, kSingle };
struct ParsedFilename {
    std::string version;
    std::string name;
    FileKind kind = FileKind::kUp;
};
// For a file name ending in ".sql"; an error names what is wrong with it.
Result<ParsedFilename> parse_migration_filename(std::string_view filename);

// True for a 14-digit UTC timestamp YYYYMMDDHHMMSS with a real month/day/time.
bool is_timestamp_version(std::string_view version);

// The folder to read user migrations from: `dir` when it exists; otherwise, when a Supabase
// project sits beside it (<parent of dir>/supabase/migrations, so ./supabase/migrations for the
// default "migrations"), that folder, so a Supabase project's migrations apply unchanged.
// Returns `dir` unchanged when neither exists.
std::filesystem::path resolve_migrations_dir(const std::filesystem::path& dir);

// Reads every *.sql file of dir (non-recursive; other files are ignored), sorted by version.
// A missing folder is an empty list. Errors (code migrate.invalid_file): a *.sql name that
// does not follow the grammar, two files for one version, a down file without its up file.
Result<std::vector<Migration>> load_user_migrations(const std::filesystem::path& dir);

// Basalt's own schemas, compiled in from src/migrate/system/NNNN_name.sql (ordered by NNNN).
const std::vector<Migration>& system_migrations();

// `basalt migrate new NAME`: writes <UTC now>_<name>.up.sql and .down.sql from templates
// (a single <ts>_<name>.sql when dir already holds Supabase-style files only) and returns the
// paths written. The name is lower-cased; spaces and dashes become '_'. If the timestamp is
// taken, later seconds are tried so versions stay unique.
struct NewMigration {
    std::filesystem::path up_path;
    std::optional<std::filesystem::path> down_path;
};
Result<NewMigration> create_migration(const std::filesystem::path& dir, std::string_view name,
                                      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// "YYYYMMDDHHMMSS" for a UTC time point.
std::string format_version(std::chrono::system_clock::time_point t);

}  // namespace basalt::migrate
