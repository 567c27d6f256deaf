// run_migrate_command against a real database: the output users see from new/up/status/
// history/down, dry runs, and clear refusals.
#include <sstream>

#include "migrate/cli.hpp"
#include "migrate/migrate_fixture.hpp"

namespace basalt::test {
namespace {

using migrate::MigrateCommand;
using Action = MigrateCommand::Action;

struct Output {
    int rc = 0;
    std::string out, err;
};

class MigrateCliTest : public MigrateTest {
protected:
    Output run(MigrateCommand cmd) {
        if (cmd.dir.empty()) cmd.dir = migrations_dir().string();
        std::ostringstream out, err;
        int rc = migrate::run_migrate_command(cmd, conninfo_, out, err);
        return {rc, out.str(), err.str()};
    }
    static MigrateCommand command(Action a) {
        MigrateCommand c;
        c.action = a;
        return c;
    }
};

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST_F(MigrateCliTest, NewUpStatusHistoryDown) {
    auto create = command(Action::kNew);
    create.name = "create todos";
    auto made = run(create);
    ASSERT_EQ(made.rc, 0) << made.err;
    std::istringstream lines(made.out);
    std::string up_path, down_path;
    std::getline(lines, up_path);
    std::getline(lines, down_path);
    EXPECT_TRUE(contains(up_path, "_create_todos.up.sql")) << made.out;
    EXPECT_TRUE(contains(down_path, "_create_todos.down.sql")) << made.out;
    std::ofstream(up_path, std::ios::app) << "create table todos (id int);\n";
    std::ofstream(down_path, std::ios::app) << "drop table todos;\n";
    std::string version = std::filesystem::path(up_path).filename().string().substr(0, 14);

    auto dry = command(Action::kUp);
    dry.dry_run = true;
    auto planned = run(dry);
    ASSERT_EQ(planned.rc, 0) << planned.err;
    EXPECT_TRUE(contains(planned.out, "dry run: nothing is changed")) << planned.out;
    EXPECT_TRUE(contains(planned.out, "would apply system migration 0001_roles_and_schemas")) << planned.out;
    EXPECT_TRUE(contains(planned.out, "would apply " + version + "_create_todos")) << planned.out;
    EXPECT_FALSE(table_exists("todos"));

    auto applied = run(command(Action::kUp));
    ASSERT_EQ(applied.rc, 0) << applied.err;
    EXPECT_TRUE(contains(applied.out, "applied system migration 0001_roles_and_schemas")) << applied.out;
    EXPECT_TRUE(contains(applied.out, "applied " + version + "_create_todos (")) << applied.out;
    EXPECT_TRUE(table_exists("todos"));
    EXPECT_TRUE(contains(run(command(Action::kUp)).out, "nothing to apply"));

    auto status = run(command(Action::kStatus));
    ASSERT_EQ(status.rc, 0) << status.err;
    EXPECT_TRUE(contains(status.out, "VERSION")) << status.out;
    EXPECT_TRUE(contains(status.out, version + "  create_todos  applied")) << status.out;
    EXPECT_TRUE(contains(status.out, "1 applied, 0 pending, 0 drifted, 0 missing")) << status.out;

    auto history = run(command(Action::kHistory));
    ASSERT_EQ(history.rc, 0) << history.err;
    EXPECT_TRUE(contains(history.out, version + "  create_todos")) << history.out;
    EXPECT_TRUE(contains(history.out, "1 applied")) << history.out;

    auto down = run(command(Action::kDown));
    ASSERT_EQ(down.rc, 0) << down.err;
    EXPECT_TRUE(contains(down.out, "reverted " + version + "_create_todos")) << down.out;
    EXPECT_FALSE(table_exists("todos"));
    EXPECT_TRUE(contains(run(command(Action::kDown)).out, "nothing to roll back"));
}

TEST_F(MigrateCliTest, ErrorsAreClearAndExitNonZero) {
    write("20260101000000_only_up.up.sql", "create table t (id int);\n");
    ASSERT_EQ(run(command(Action::kUp)).rc, 0);
    auto down = run(command(Action::kDown));
    EXPECT_EQ(down.rc, 1);
    EXPECT_TRUE(contains(down.err, "error: cannot roll back 20260101000000_only_up:")) << down.err;
    EXPECT_TRUE(contains(down.err, "20260101000000_only_up.down.sql does not exist")) << down.err;
    EXPECT_TRUE(table_exists("t"));

    write("20260102000000_broken.up.sql", "select 1;\nselect nope from t;\n");
    auto failed = run(command(Action::kUp));
    EXPECT_EQ(failed.rc, 1);
    EXPECT_TRUE(contains(failed.err, "20260102000000_broken.up.sql:2: ERROR: column \"nope\" does not exist"))
        << failed.err;

    write("20260101000000_only_up.up.sql", "create table t (id int, changed int);\n");
    auto status = run(command(Action::kStatus));
    EXPECT_TRUE(contains(status.out, "drifted")) << status.out;
    auto drift = run(command(Action::kUp));
    EXPECT_EQ(drift.rc, 1);
    EXPECT_TRUE(contains(drift.err, "changed since they were applied")) << drift.err;
    EXPECT_TRUE(contains(drift.err, "HINT:")) << drift.err;

    write("bad_name.up.sql", "select 1;\n");
    auto invalid = run(command(Action::kStatus));
    EXPECT_EQ(invalid.rc, 1);
    EXPECT_TRUE(contains(invalid.err, "bad_name.up.sql")) << invalid.err;
}

}  // namespace
}  // namespace basalt::test
