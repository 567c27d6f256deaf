// `basalt migrate` argument parsing: each subcommand fills MigrateCommand; exit codes propagate.
#include "migrate/cli.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

namespace basalt::migrate {
namespace {

struct Parsed {
    int calls = 0;
    MigrateCommand cmd;
};

// Parses argv (without the program name) with the migrate subcommands; returns the exit code.
int parse(std::vector<std::string> args, Parsed& out, int runner_result = 0) {
    CLI::App app{"test"};
    app.require_subcommand(1);
    register_migrate_cli(app, [&](const MigrateCommand& cmd) {
        ++out.calls;
        out.cmd = cmd;
        return runner_result;
    });
    std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
    try {
        app.parse(args);
    } catch (const CLI::ParseError& e) {
        std::ostringstream sink;
        return app.exit(e, sink, sink);
    }
    return 0;
}

TEST(MigrateCli, New) {
    Parsed p;
    EXPECT_EQ(parse({"migrate", "new", "create_todos", "--dir", "db/migrations"}, p), 0);
    EXPECT_EQ(p.calls, 1);
    EXPECT_EQ(p.cmd.action, MigrateCommand::Action::kNew);
    EXPECT_EQ(p.cmd.name, "create_todos");
    EXPECT_EQ(p.cmd.dir, "db/migrations");
    EXPECT_FALSE(needs_database(p.cmd));
    Parsed missing;
    EXPECT_NE(parse({"migrate", "new"}, missing), 0);  // NAME is required
    EXPECT_EQ(missing.calls, 0);
}

TEST(MigrateCli, Up) {
    Parsed p;
    EXPECT_EQ(parse({"migrate", "up", "--to", "20260101000000", "--dry-run", "--allow-drift"}, p), 0);
    EXPECT_EQ(p.cmd.action, MigrateCommand::Action::kUp);
    EXPECT_EQ(p.cmd.to.value_or(""), "20260101000000");
    EXPECT_TRUE(p.cmd.dry_run);
    EXPECT_TRUE(p.cmd.allow_drift);
    EXPECT_TRUE(p.cmd.dir.empty());
    EXPECT_TRUE(needs_database(p.cmd));
    Parsed plain;
    parse({"migrate", "up"}, plain);
    EXPECT_FALSE(plain.cmd.to.has_value());
    EXPECT_FALSE(plain.cmd.dry_run);
}

TEST(MigrateCli, Down) {
    Parsed n;
    EXPECT_EQ(parse({"migrate", "down", "3"}, n), 0);
    EXPECT_EQ(n.cmd.action, MigrateCommand::Action::kDown);
    EXPECT_EQ(n.cmd.steps.value_or(-1), 3);
    EXPECT_FALSE(n.cmd.to.has_value());
    Parsed def;
    parse({"migrate", "down"}, def);
    EXPECT_FALSE(def.cmd.steps.has_value());  // engine default: 1
    Parsed to;
    EXPECT_EQ(parse({"migrate", "down", "--to", "0", "--dry-run"}, to), 0);
    EXPECT_EQ(to.cmd.to.value_or(""), "0");
    EXPECT_TRUE(to.cmd.dry_run);
    Parsed both;
    EXPECT_NE(parse({"migrate", "down", "2", "--to", "20260101000000"}, both), 0);  // exclusive
    EXPECT_EQ(both.calls, 0);
    Parsed negative;
    EXPECT_NE(parse({"migrate", "down", "-1"}, negative), 0);
}

TEST(MigrateCli, StatusHistoryAndExitCode) {
    Parsed s;
    EXPECT_EQ(parse({"migrate", "status", "--dir", "x"}, s), 0);
    EXPECT_EQ(s.cmd.action, MigrateCommand::Action::kStatus);
    Parsed h;
    EXPECT_EQ(parse({"migrate", "history"}, h), 0);
    EXPECT_EQ(h.cmd.action, MigrateCommand::Action::kHistory);
    Parsed failing;
    EXPECT_EQ(parse({"migrate", "status"}, failing, 3), 3);  // runner's code becomes the exit code
    Parsed none;
    EXPECT_NE(parse({"migrate"}, none), 0);  // a subcommand is required
}

}  // namespace
}  // namespace basalt::migrate
