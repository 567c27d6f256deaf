// `basalt migrate …`: CLI11 wiring and the commands' output (plain tables, one line per step).
#include "migrate/cli.hpp"

#include <memory>
#include <ostream>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/text_table.hpp"
#include "migrate/engine.hpp"
#include "migrate/startup.hpp"

namespace basalt::migrate {

namespace {

using Action = MigrateCommand::Action;

void print_error(std::ostream& err, const Error& e) {
    err << "error: " << e.message << "\n";
    if (e.details.is_string()) err << "  DETAIL: " << e.details.get<std::string>() << "\n";
    if (e.hint.is_string()) err << "  HINT: " << e.hint.get<std::string>() << "\n";
}

std::filesystem::path user_dir(const MigrateCommand& cmd) {
    return resolve_migrations_dir(cmd.dir.empty() ? "migrations" : cmd.dir);
}

std::vector<Migration> load(const MigrateCommand& cmd) {
    auto migrations = load_user_migrations(user_dir(cmd));
    if (!migrations) throw ErrorException(migrations.error());
    return std::move(*migrations);
}

void print_steps(std::ostream& out, const ApplyReport& r, const char* done, const char* would, const char* prefix) {
    for (const auto& s : r.applied) {
        if (r.dry_run) {
            out << would << " " << prefix << s.version << "_" << s.name << "  (" << s.source_path << ")\n";
        } else {
            out << done << " " << prefix << s.version << "_" << s.name << " (" << s.execution_ms << " ms)\n";
        }
    }
    for (const auto& w : r.warnings) out << "warning: " << w << "\n";
}

int run_new(const MigrateCommand& cmd, std::ostream& out) {
    auto created = create_migration(user_dir(cmd), cmd.name);
    if (!created) throw ErrorException(created.error());
    out << created->up_path.string() << "\n";
    if (created->down_path) out << created->down_path->string() << "\n";
    return 0;
}

int run_up(const MigrateCommand& cmd, const std::string& conninfo, std::ostream& out) {
    auto migrations = load(cmd);
    UpOptions options{.to = cmd.to, .dry_run = cmd.dry_run, .allow_drift = cmd.allow_drift};
    ApplyReport system;
    if (cmd.dry_run) {
        out << "dry run: nothing is changed\n";
        db::BlockingConnection conn(conninfo, "basalt-migrate");
        UpOptions dry;
        dry.dry_run = true;
        system = Engine(conn, kSystemScope).up(system_migrations(), dry);
    } else {
        // Before the user's: their migrations may use anon/authenticated/auth.uid().
        system = apply_system_migrations(conninfo);
    }
    print_steps(out, system, "applied", "would apply", "system migration ");
    // A fresh session: the system set may have changed session defaults (search_path).
    db::BlockingConnection conn(conninfo, "basalt-migrate");
    auto report = Engine(conn, kUserScope).up(migrations, options);
    print_steps(out, report, "applied", "would apply", "");
    if (report.applied.empty()) out << "nothing to apply\n";
    return 0;
}

int run_down(const MigrateCommand& cmd, const std::string& conninfo, std::ostream& out) {
    auto migrations = load(cmd);
    DownOptions options{.steps = cmd.steps, .to = cmd.to, .dry_run = cmd.dry_run, .allow_drift = cmd.allow_drift};
    if (cmd.dry_run) out << "dry run: nothing is changed\n";
    db::BlockingConnection conn(conninfo, "basalt-migrate");
    auto report = Engine(conn, kUserScope).down(migrations, options);
    print_steps(out, report, "reverted", "would revert", "");
    if (report.applied.empty()) out << "nothing to roll back\n";
    return 0;
}

int run_status(const MigrateCommand& cmd, const std::string& conninfo, std::ostream& out) {
    auto migrations = load(cmd);
    db::BlockingConnection conn(conninfo, "basalt-migrate");
    auto status = Engine(conn, kUserScope).status(migrations);
    auto system = Engine(conn, kSystemScope).status(system_migrations());
    std::vector<std::vector<std::string>> rows{{"VERSION", "NAME", "STATE", "APPLIED AT"}};
    for (const auto& e : status.entries) {
        rows.push_back({e.version, e.name, to_string(e.state), e.applied_at.value_or("")});
    }
    print_table(out, rows);
    out << status.count(State::kApplied) << " applied, " << status.count(State::kPending) << " pending, "
        << status.count(State::kDrifted) << " drifted, " << status.count(State::kMissing) << " missing (folder "
        << user_dir(cmd).string() << ")\n";
    out << "system migrations: " << system.count(State::kApplied) << " applied, " << system.count(State::kPending)
        << " pending\n";
    if (status.count(State::kDrifted) > 0) {
        out << "drifted files changed after they were applied; `up` refuses until they are restored "
               "(or --allow-drift)\n";
    }
    return 0;
}

int run_history(const MigrateCommand& cmd, const std::string& conninfo, std::ostream& out) {
    db::BlockingConnection conn(conninfo, "basalt-migrate");
    auto history = Engine(conn, kUserScope).history();
    std::vector<std::vector<std::string>> rows{{"VERSION", "NAME", "APPLIED AT", "MS", "CHECKSUM"}};
    for (const auto& h : history) {
        rows.push_back({h.version, h.name, h.applied_at, std::to_string(h.execution_ms), h.checksum.substr(0, 12)});
    }
    print_table(out, rows);
    out << history.size() << " applied\n";
    return 0;
}

}  // namespace

bool needs_database(const MigrateCommand& cmd) { return cmd.action != Action::kNew; }

int run_migrate_command(const MigrateCommand& cmd, const std::string& conninfo, std::ostream& out,
                        std::ostream& err) {
    try {
        switch (cmd.action) {
            case Action::kNew: return run_new(cmd, out);
            case Action::kUp: return run_up(cmd, conninfo, out);
            case Action::kDown: return run_down(cmd, conninfo, out);
            case Action::kStatus: return run_status(cmd, conninfo, out);
            case Action::kHistory: return run_history(cmd, conninfo, out);
        }
    } catch (const ErrorException& e) {
        print_error(err, e.error());
    } catch (const std::exception& e) {
        err << "error: " << e.what() << "\n";
    }
    return 1;
}

namespace {

// Option values parsed by CLI11 before the callbacks run; shared by the subcommands.
struct Parsed {
    MigrateCommand cmd;
    std::string to;
    int steps = 1;
    CLI::Option* to_opt = nullptr;
    CLI::Option* steps_opt = nullptr;
};

}  // namespace

void register_migrate_cli(CLI::App& app, std::function<int(const MigrateCommand&)> runner) {
    auto* migrate = app.add_subcommand("migrate", "SQL migrations: new, up, down, status, history");
    migrate->require_subcommand(1);
    auto p = std::make_shared<Parsed>();
    auto run = [p, runner](Action action) {
        return [p, runner, action] {
            p->cmd.action = action;
            p->cmd.to = p->to_opt && p->to_opt->count() ? std::optional<std::string>(p->to) : std::nullopt;
            p->cmd.steps = p->steps_opt && p->steps_opt->count() ? std::optional<int>(p->steps) : std::nullopt;
            int rc = runner(p->cmd);
            if (rc != 0) throw CLI::RuntimeError(rc);
        };
    };
    auto add_dir = [p](CLI::App* sub) {
        sub->add_option("--dir", p->cmd.dir,
                        "migrations folder (default: migrations.dir from config; ./supabase/migrations "
                        "when that folder is missing)");
    };

    auto* create = migrate->add_subcommand("new", "create <UTC timestamp>_<name>.up.sql and .down.sql; prints their paths");
    create->add_option("name", p->cmd.name, "what the migration does, e.g. create_todos")->required();
    add_dir(create);
    create->callback(run(Action::kNew));

    auto* up = migrate->add_subcommand("up", "apply pending migrations (system migrations first)");
    add_dir(up);
    auto* up_to = up->add_option("--to", p->to, "apply pending migrations up to and including VERSION");
    up->add_flag("--dry-run", p->cmd.dry_run, "print what would be applied; change nothing");
    up->add_flag("--allow-drift", p->cmd.allow_drift, "apply even though applied files have changed");
    up->callback([p, up_to, run] {
        p->to_opt = up_to;
        p->steps_opt = nullptr;
        run(Action::kUp)();
    });

    auto* down = migrate->add_subcommand("down", "roll back applied migrations with their .down.sql files");
    add_dir(down);
    auto* n = down->add_option("N", p->steps, "roll back the last N applied migrations (default 1)")
                  ->check(CLI::NonNegativeNumber);
    auto* down_to = down->add_option("--to", p->to, "roll back every migration applied after VERSION (0 = all)");
    down_to->excludes(n);
    down->add_flag("--dry-run", p->cmd.dry_run, "print what would be rolled back; change nothing");
    down->add_flag("--allow-drift", p->cmd.allow_drift, "roll back even though applied files have changed");
    down->callback([p, n, down_to, run] {
        p->to_opt = down_to;
        p->steps_opt = n;
        run(Action::kDown)();
    });

    auto* status = migrate->add_subcommand("status", "list migrations as applied / pending / drifted / missing");
    add_dir(status);
    status->callback(run(Action::kStatus));

    auto* history = migrate->add_subcommand("history", "list applied migrations with time and duration");
    add_dir(history);
    history->callback(run(Action::kHistory));
}

}  // namespace basalt::migrate
