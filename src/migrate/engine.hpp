// The migration engine: history table, checksums, an advisory lock against concurrent
// migrators, and up/down where each migration commits together with its history row.
// Runs synchronously (startup and CLI, before any traffic) over a db::BlockingConnection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/blocking_connection.hpp"
#include "migrate/migration.hpp"

namespace basalt::migrate {

// History: basalt.schema_migrations(scope, version, name, checksum, applied_at, execution_ms),
// primary key (scope, version), so a user version can never collide with a system one.
inline constexpr const char* kSystemScope = "system";
inline constexpr const char* kUserScope = "user";

enum class State {
    kApplied,  // in history, file unchanged
    kPending,  // file present, not applied
    kDrifted,  // in history, but the file's checksum changed since it was applied
    kMissing,  // in history, file gone
};
const char* to_string(State s);

struct StatusEntry {
    std::string version;
    std::string name;
    State state = State::kPending;
    std::string source_path;                // "" when kMissing
    std::optional<std::string> applied_at;  // ISO-ish text from PostgreSQL
};

struct Status {
    std::vector<StatusEntry> entries;  // ordered by version
    [[nodiscard]] std::size_t count(State s) const;
};

struct HistoryEntry {
    std::string version;
    std::string name;
    std::string checksum;
    std::string applied_at;
    std::int64_t execution_ms = 0;
};

struct UpOptions {
    std::optional<std::string> to;  // apply pending migrations with version <= to
    bool dry_run = false;           // plan only; nothing is written
    bool allow_drift = false;       // proceed although applied files changed
};

struct DownOptions {
    std::optional<int> steps;       // revert the last N applied (default 1)
    std::optional<std::string> to;  // revert everything applied after this version ("0" = all)
    bool dry_run = false;
    bool allow_drift = false;
};

struct AppliedStep {
    std::string version;
    std::string name;
    std::string source_path;
    std::int64_t execution_ms = 0;  // 0 in dry runs
};

struct ApplyReport {
    bool dry_run = false;
    std::vector<AppliedStep> applied;   // applied (up) or reverted (down), in execution order
    std::vector<std::string> warnings;  // e.g. drift allowed, out-of-order pending versions
};

// Error codes thrown as ErrorException:
//   migrate.failed (400)         a statement failed; message "<file>:<line>: ERROR: <pg message>"
//   migrate.drift (409)          applied files changed (names listed); pass allow_drift to proceed
//   migrate.no_down (400)        down requested for a migration without a .down.sql (or file)
//   migrate.unknown_version (400) --to names a version that is not there
//   db.* / SQLSTATE              connection or history-table failures
//
// Usage:
//   db::BlockingConnection conn(conninfo);
//   migrate::Engine engine(conn, migrate::kUserScope);
//   auto report = engine.up(*migrate::load_user_migrations("migrations"), {.dry_run = true});
class Engine {
public:
    Engine(db::BlockingConnection& conn, std::string scope);

    Status status(const std::vector<Migration>& migrations);
    ApplyReport up(const std::vector<Migration>& migrations, const UpOptions& options = {});
    ApplyReport down(const std::vector<Migration>& migrations, const DownOptions& options = {});
    std::vector<HistoryEntry> history();  // applied migrations of this scope, by version

private:
    bool history_exists();
    void ensure_history_table();
    std::vector<HistoryEntry> read_history();
    void apply(const Migration& m);
    void revert(const Migration& m);

    db::BlockingConnection& conn_;
    std::string scope_;
};

}  // namespace basalt::migrate
