// The migration engine on a real PostgreSQL: apply / rollback / re-apply, atomic failures with
// file:line errors, drift, --to, dry runs, no-transaction files, concurrent migrators.
#include <thread>

#include "migrate/migrate_fixture.hpp"

namespace basalt::test {
namespace {

using migrate::Engine;
using migrate::kUserScope;
using migrate::State;

TEST_F(MigrateTest, ApplyRollbackReapply) {
    write("20260101000000_a.up.sql", "create table a (id int);\n");
    write("20260101000000_a.down.sql", "drop table a;\n");
    write("20260102000000_b.up.sql", "create table b (id int);\ninsert into b values (1), (2);\n");
    write("20260102000000_b.down.sql", "drop table b;\n");
    db::BlockingConnection conn(conninfo_);
    Engine engine(conn, kUserScope);

    auto up = engine.up(load());
    ASSERT_EQ(up.applied.size(), 2u);
    EXPECT_EQ(up.applied[0].version, "20260101000000");
    EXPECT_TRUE(table_exists("a"));
    EXPECT_EQ(scalar("select count(*) from b"), "2");
    EXPECT_EQ(history_count(), 2);
    auto history = engine.history();
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].name, "b");
    EXPECT_EQ(history[1].checksum, load()[1].checksum());

    EXPECT_TRUE(engine.up(load()).applied.empty());  // nothing left

    auto down = engine.down(load());  // default: the last one
    ASSERT_EQ(down.applied.size(), 1u);
    EXPECT_EQ(down.applied[0].version, "20260102000000");
    EXPECT_FALSE(table_exists("b"));
    EXPECT_TRUE(table_exists("a"));
    EXPECT_EQ(history_count(), 1);

    EXPECT_EQ(engine.down(load(), {.steps = 5}).applied.size(), 1u);
    EXPECT_FALSE(table_exists("a"));
    EXPECT_EQ(history_count(), 0);
    EXPECT_TRUE(engine.down(load()).applied.empty());

    EXPECT_EQ(engine.up(load()).applied.size(), 2u);
    EXPECT_TRUE(table_exists("a"));
    EXPECT_TRUE(table_exists("b"));
}

TEST_F(MigrateTest, FailureMidFileLeavesNothingAndNamesTheLine) {
    write("20260101000000_ok.up.sql", "create table ok (id int);\n");
    write("20260102000000_bad.up.sql",
          "-- a comment line\n"
          "create table partial_one (id int);\n"
          "insert into partial_one values (1);\n"
          "\n"
          "select *\n"
          "  from nope;\n"
          "create table never (id int);\n");
    db::BlockingConnection conn(conninfo_);
    Engine engine(conn, kUserScope);
    Error e = error_of([&] { engine.up(load()); });
    EXPECT_EQ(e.code, "migrate.failed");
    EXPECT_EQ(e.status, 400);
    auto path = (migrations_dir() / "20260102000000_bad.up.sql").string();
    EXPECT_EQ(e.message, path + ":6: ERROR: relation \"nope\" does not exist") << e.message;
    EXPECT_TRUE(table_exists("ok"));  // the earlier migration stays
    EXPECT_FALSE(table_exists("partial_one"));
    EXPECT_FALSE(table_exists("never"));
    EXPECT_EQ(history_count(), 1);
    // The session is usable again (rolled back, lock released): fixing the file lets up pass.
    write("20260102000000_bad.up.sql", "create table partial_one (id int);\n");
    EXPECT_EQ(engine.up(load()).applied.size(), 1u);
    EXPECT_EQ(history_count(), 2);
}

TEST_F(MigrateTest, RuntimeErrorWithoutPositionNamesTheStatementLine) {
    write("20260101000000_div.up.sql",
          "create table d (x int);\n"
          "insert into d values (1);\n"
          "\n"
          "insert into d\n"
          "  select 1 / 0;\n");
    write("20260102000000_raise.up.sql",
          "create table r (x int);\n"
          "do $$\nbegin\n  raise exception 'custom failure %', 42;\nend\n$$;\n");
    db::BlockingConnection conn(conninfo_);
    Engine engine(conn, kUserScope);
    Error e = error_of([&] { engine.up(load()); });
    EXPECT_NE(e.message.find("20260101000000_div.up.sql:4: ERROR: division by zero"), std::string::npos) << e.message;
    EXPECT_FALSE(table_exists("d"));
    write("20260101000000_div.up.sql", "create table d (x int);\n");
    e = error_of([&] { engine.up(load()); });
    EXPECT_NE(e.message.find("20260102000000_raise.up.sql:2: ERROR: custom failure 42"), std::string::npos)
        << e.message;
    EXPECT_NE(e.message.find("CONTEXT: PL/pgSQL function inline_code_block line 3"), std::string::npos) << e.message;
    EXPECT_FALSE(table_exists("r"));
    EXPECT_EQ(history_count(), 1);
}

TEST_F(MigrateTest, SyntaxErrorNamesTheLineWithUtf8BeforeIt) {
    write("20260101000000_syntax.up.sql",
          "-- données: «accents» → before the error\n"
          "create table s (label text default 'é');\n"
          "creat table oops (id int);\n");
    db::BlockingConnection conn(conninfo_);
    Engine engine(conn, kUserScope);
    Error e = error_of([&] { engine.up(load()); });
    EXPECT_NE(e.message.find("_syntax.up.sql:3: ERROR: syntax error at or near \"creat\""), std::string::npos)
        << e.message;
    EXPECT_FALSE(table_exists("s"));
}

TEST_F(MigrateTest, DriftIsReportedAndBlocksUpUnlessAllowed) {
    write("20260101000000_a.up.sql", "create table a (id int);\n");
    db::BlockingConnection conn(conninfo_);
    Engine engine(conn, kUserScope);
    engine.up(load());
    write("20260101000000_a.up.sql", "create table a (id int, extra text);\n");  // edited after apply
    write("20260102000000_b.up.sql", "create table b (id int);\n");

    auto status = engine.status(load());
    ASSERT_EQ(status.entries.size(), 2u);
    EXPECT_EQ(status.entries[0].state, State::kDrifted);
    EXPECT_EQ(status.entries[1].state, State::kPending);

    Error e = error_of([&] { engine.up(load()); });
    EXPECT_EQ(e.code, "migrate.drift");
    EXPECT_EQ(e.status, 409);
    EXPECT_NE(e.message.find("20260101000000_a.up.sql"), std::string::npos) << e.message;
    EXPECT_FALSE(table_exists("b"));

    auto report = engine.up(load(), {.allow_drift = true});
    ASSERT_EQ(report.applied.size(), 1u);
    EXPECT_EQ(report.applied[0].name, "b");
    ASSERT_EQ(report.warnings.size(), 1u);
    EXPECT_TRUE(table_exists("b"));
}

TEST_F(MigrateTest, StatusListsAppliedPendingMissing) {
    write("20260101000000_a.up.sql", "select 1;\n");
    write("20260102000000_b.up.sql", "select 2;\n");
    db::BlockingConnection conn(conninfo_);
    Engine engine(conn, kUserScope);
    EXPECT_EQ(engine.status(load()).count(State::kPending), 2u);  // no history table yet
    engine.up(load(), {.to = "20260101000000"});
    std::filesystem::remove(migrations_dir() / "20260101000000_a.up.sql");
    auto status = engine.status(load());
    ASSERT_EQ(status.entries.size(), 2u);
    EXPECT_EQ(status.entries[0].state, State::kMissing);
    EXPECT_TRUE(status.entries[0].applied_at.has_value());
    EXPECT_EQ(status.entries[1].state, State::kPending);
}

TEST_F(MigrateTest, DownRefusesWithoutDownFile) {
    write("20260101000000_a.up.sql", "create table a (id int);\n");
    write("20260101000000_a.down.sql", "drop table a;\n");
    write("20260102000000_b.up.sql", "create table b (id int);\n");
    db::BlockingConnection conn(conninfo_);
    Engine engine(conn, kUserScope);
    engine.up(load());
    Error e = error_of([&] { engine.down(load(), {.steps = 2}); });
    EXPECT_EQ(e.code, "migrate.no_down");
    EXPECT_NE(e.message.find("20260102000000_b.down.sql does not exist"), std::string::npos) << e.message;
    // Refused before anything ran: both still applied.
    EXPECT_TRUE(table_exists("a"));
    EXPECT_TRUE(table_exists("b"));
    EXPECT_EQ(history_count(), 2);
}

TEST_F(MigrateTest, UpAndDownTo) {
    for (const char* v : {"20260101000000", "20260102000000", "20260103000000"}) {
        std::string n = std::string("t") + v;
        write(std::string(v) + "_m.up.sql", "create table " + n + " (id int);\n");
        write(std::string(v) + "_m.down.sql", "drop table " + n + ";\n");
    }
    db::BlockingConnection conn(conninfo_);
    Engine engine(conn, kUserScope);
    EXPECT_EQ(engine.up(load(), {.to = "20260102000000"}).applied.size(), 2u);
    EXPECT_FALSE(table_exists("t20260103000000"));
    EXPECT_EQ(error_of([&] { engine.up(load(), {.to = "20991231000000"}); }).code, "migrate.unknown_version");
    EXPECT_EQ(engine.up(load()).applied.size(), 1u);

    EXPECT_EQ(engine.down(load(), {.to = "20260101000000"}).applied.size(), 2u);
    EXPECT_TRUE(table_exists("t20260101000000"));
    EXPECT_FALSE(table_exists("t20260102000000"));
    EXPECT_EQ(error_of([&] { engine.down(load(), {.to = "20260103000000"}); }).code, "migrate.unknown_version");
    EXPECT_EQ(engine.down(load(), {.to = "0"}).applied.size(), 1u);
    EXPECT_EQ(history_count(), 0);
}

TEST_F(MigrateTest, DryRunChangesNothing) {
    write("20260101000000_a.up.sql", "create table a (id int);\n");
    write("20260101000000_a.down.sql", "drop table a;\n");
    db::BlockingConnection conn(conninfo_);
    Engine engine(conn, kUserScope);
    auto plan = engine.up(load(), {.dry_run = true});
    EXPECT_TRUE(plan.dry_run);
    ASSERT_EQ(plan.applied.size(), 1u);
    EXPECT_FALSE(table_exists("a"));
    EXPECT_FALSE(table_exists("basalt.schema_migrations"));  // not even the history table

    engine.up(load());
    auto undo = engine.down(load(), {.dry_run = true});
    ASSERT_EQ(undo.applied.size(), 1u);
    EXPECT_TRUE(table_exists("a"));
    EXPECT_EQ(history_count(), 1);
}

TEST_F(MigrateTest, NoTransactionMigrationRunsStatementByStatement) {
    write("20260101000000_t.up.sql", "create table t (id int, v text);\n");
    write("20260102000000_idx.up.sql",
          "-- basalt:no-transaction\n"
          "create index concurrently t_v on t (v);\n"
          "create index concurrently t_id on t (id);\n");
    db::BlockingConnection conn(conninfo_);
    Engine engine(conn, kUserScope);
    EXPECT_EQ(engine.up(load()).applied.size(), 2u);
    EXPECT_TRUE(table_exists("t_v"));
    EXPECT_TRUE(table_exists("t_id"));
    EXPECT_EQ(history_count(), 2);

    // Without the marker the same statement fails inside the transaction block.
    write("20260103000000_idx2.up.sql", "create index concurrently t_v2 on t (v);\n");
    Error e = error_of([&] { engine.up(load()); });
    EXPECT_NE(e.message.find("_idx2.up.sql:1: ERROR: CREATE INDEX CONCURRENTLY cannot run inside a transaction block"),
              std::string::npos)
        << e.message;

    // A failing no-transaction file names its line; earlier statements stay (said in a note).
    write("20260103000000_idx2.up.sql",
          "-- basalt:no-transaction\ncreate index concurrently t_v2 on t (v);\n\ncreate index concurrently x on nope (v);\n");
    e = error_of([&] { engine.up(load()); });
    EXPECT_NE(e.message.find("_idx2.up.sql:4: ERROR: relation \"nope\" does not exist"), std::string::npos)
        << e.message;
    EXPECT_NE(e.message.find("stay applied"), std::string::npos);
    EXPECT_TRUE(table_exists("t_v2"));
    EXPECT_EQ(history_count(), 2);
}

TEST_F(MigrateTest, SessionStateDoesNotLeakIntoTheNextMigration) {
    // pg_dump-style header (as in `supabase db pull` output) empties search_path.
    write("20260101000000_dump.up.sql",
          "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.dumped (id int);\n");
    write("20260102000000_plain.up.sql", "create table plain (id int);\n");
    db::BlockingConnection conn(conninfo_);
    Engine engine(conn, kUserScope);
    EXPECT_EQ(engine.up(load()).applied.size(), 2u);
    EXPECT_TRUE(table_exists("public.plain"));
}

TEST_F(MigrateTest, CopyFromStdinFailsInsteadOfHanging) {
    // pg_dump data sections use psql's inline COPY data: the server sees those rows as SQL.
    write("20260101000000_copy.up.sql", "create table c (x int);\ncopy c from stdin;\n1\n2\n\\.\n");
    db::BlockingConnection conn(conninfo_);
    Engine engine(conn, kUserScope);
    Error e = error_of([&] { engine.up(load()); });
    EXPECT_NE(e.message.find("_copy.up.sql:3: ERROR: syntax error at or near \"1\""), std::string::npos) << e.message;
    // Without inline data the COPY waits for input we do not have: it is failed, not hung.
    write("20260101000000_copy.up.sql", "create table c (x int);\ncopy c from stdin;\n");
    e = error_of([&] { engine.up(load()); });
    EXPECT_NE(e.message.find("_copy.up.sql:2: ERROR:"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("COPY FROM STDIN is not supported here"), std::string::npos) << e.message;
    EXPECT_FALSE(table_exists("c"));
    EXPECT_EQ(conn.exec("select 1").get(0, 0), "1");  // the session is still usable
}

TEST_F(MigrateTest, ConcurrentUpAppliesEachMigrationOnce) {
    // The first migration sleeps so that the two migrators overlap.
    write("20260101000000_slow.up.sql", "select pg_sleep(0.5);\ncreate table slow (id int);\n");
    write("20260102000000_counter.up.sql",
          "create table runs (n int);\ninsert into runs values (1);\n");
    auto migrations = load();
    std::vector<migrate::ApplyReport> reports(2);
    std::vector<std::string> errors(2);
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
        threads.emplace_back([&, i] {
            try {
                db::BlockingConnection conn(conninfo_);
                reports[i] = Engine(conn, kUserScope).up(migrations);
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(errors[0], "");
    EXPECT_EQ(errors[1], "");
    EXPECT_EQ(reports[0].applied.size() + reports[1].applied.size(), 2u);
    EXPECT_EQ(history_count(), 2);
    EXPECT_EQ(scalar("select count(*) from runs"), "1");
}

}  // namespace
}  // namespace basalt::test
