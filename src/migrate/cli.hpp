// `basalt migrate new|up|down|status|history`: the command-line surface of the engine. main.cpp
// registers the subcommands; the runner it passes obtains a conninfo (starting the managed
// cluster when needed) and calls run_migrate_command.
#pragma once

#include <functional>
#include <iosfwd>
#include <iostream>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace basalt::migrate {

struct MigrateCommand {
    enum class Action { kNew, kUp, kDown, kStatus, kHistory };
    Action action = Action::kStatus;
    // --dir. Empty when not given: the runner should set it from config migrations.dir
    // (run_migrate_command falls back to "migrations"). A missing folder falls back to
    // ./supabase/migrations (resolve_migrations_dir).
    std::string dir;
    std::string name;               // new NAME
    std::optional<std::string> to;  // up/down --to VERSION (down: "0" = everything)
    std::optional<int> steps;       // down N (default 1)
    bool dry_run = false;
    bool allow_drift = false;
};

// `new` only writes files; the runner need not start a database for it.
bool needs_database(const MigrateCommand& cmd);

// Runs one command and prints its result to out (errors to err, as "error: ..." with DETAIL
// and HINT lines). Returns the process exit code: 0 ok, 1 failed. `up` applies pending system
// migrations first, so user migrations can rely on anon/authenticated/auth.uid().
int run_migrate_command(const MigrateCommand& cmd, const std::string& conninfo, std::ostream& out,
                        std::ostream& err = std::cerr);

// Adds `migrate` with new/up/down/status/history (each with --help). On a subcommand the
// runner is called; a non-zero result is thrown as CLI::RuntimeError(code), which
// CLI::App::exit() turns into that exit code without printing anything.
void register_migrate_cli(CLI::App& app, std::function<int(const MigrateCommand&)> runner);

}  // namespace basalt::migrate
