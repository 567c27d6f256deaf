// What `serve` runs before it accepts traffic: the embedded system migrations, then the user's
// migrations when migrations.auto_apply is true. Also used by `basalt migrate up`.
#pragma once

#include <filesystem>
#include <string>

#include "migrate/engine.hpp"
#include "migrate/settings.hpp"

namespace basalt::migrate {

// Applies pending system migrations on a connection of its own. Throws ErrorException.
ApplyReport apply_system_migrations(const std::string& conninfo);

struct StartupReport {
    ApplyReport system;
    ApplyReport user;                // empty when auto_apply is false or there is no folder
    std::filesystem::path user_dir;  // the folder used (after the Supabase fallback)
};

// Usage (app/, before the listener opens):
//   auto report = migrate::apply_startup_migrations(conninfo, config.migrations);
// System migrations first; then, when settings.auto_apply, pending user migrations from
// resolve_migrations_dir(settings.dir), on a fresh connection so they see the session
// defaults (search_path) the system migrations set. Drift or a failing migration throws
// ErrorException (migrate.drift / migrate.failed): serve must not start on a half-migrated
// database. Two servers starting together serialise on the advisory lock.
StartupReport apply_startup_migrations(const std::string& conninfo, const Settings& settings);

}  // namespace basalt::migrate
