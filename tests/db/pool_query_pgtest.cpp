// Pool::query/execute against a real cluster: parameters, the prepared-statement cache and
// how server errors map to basalt::Error (SQLSTATE code, HTTP status, details, hint).
#include <gtest/gtest.h>

#include "db/pool.hpp"
#include "db/pool_fixture.hpp"

namespace basalt::test {
namespace {

using db::Awaitable;
using db::Params;
using db::Rows;

class PoolQuery : public PoolTest {
protected:
    std::string setup_sql() const override {
        return "create table item(id int primary key, name text not null, parent int references item(id));"
               "insert into item values (1, 'one', null);";
    }
};

TEST_F(PoolQuery, BindsParametersIncludingNullUnicodeAndQuotes) {
    auto pool = make_pool();
    const std::string tricky = "it's \"quoted\" \\ back; -- héllo ☃ 𝄞";
    Rows rows = run(pool->query("select $1::text as a, $2::int + 1 as b, $3::text is null as c, $4::text as d",
                                Params{tricky, "41", std::nullopt, ""}));
    ASSERT_EQ(rows.size(), 1);
    EXPECT_EQ(rows.columns(), 4);
    EXPECT_EQ(rows.column_name(1), "b");
    EXPECT_EQ(rows.column_index("c"), 2);
    EXPECT_EQ(rows.column_index("nope"), -1);
    EXPECT_EQ(rows.get(0, 0), tricky);
    EXPECT_EQ(rows.get(0, 1), "42");
    EXPECT_EQ(rows.get(0, 2), "t");
    EXPECT_FALSE(rows.is_null(0, 3));
    EXPECT_EQ(rows.get_opt(0, 3), std::optional<std::string>(""));

    Rows nulls = run(pool->query("select null::text", {}));
    EXPECT_TRUE(nulls.is_null(0, 0));
    EXPECT_EQ(nulls.get_opt(0, 0), std::nullopt);
}

TEST_F(PoolQuery, ReportsAffectedRowsAndCommand) {
    auto pool = make_pool();
    Rows ins = run(pool->query("insert into item(id, name) select g, 'n' || g from generate_series(2, 4) g"));
    EXPECT_EQ(ins.affected(), 3);
    EXPECT_EQ(ins.command(), "INSERT 0 3");
    Rows upd = run(pool->query("update item set name = $1 where id > $2", Params{"x", "1"}));
    EXPECT_EQ(upd.affected(), 3);
    EXPECT_TRUE(upd.empty());
}

TEST_F(PoolQuery, PreparesEachStatementOncePerConnection) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    const char* sql = "select name from item where id = $1";
    for (int i = 0; i < 3; ++i) {
        Rows r = run(pool->query(sql, Params{"1"}));
        EXPECT_EQ(r.get(0, 0), "one");
    }
    Rows prepared = run(pool->query(
        "select count(*) from pg_prepared_statements where statement = $1", Params{sql}));
    EXPECT_EQ(prepared.get(0, 0), "1");
    EXPECT_EQ(pool->stats().total, 1u);
}

TEST_F(PoolQuery, RepreparesWhenTheServerForgotTheStatement) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    const char* sql = "select name from item where id = $1";
    EXPECT_EQ(run(pool->query(sql, Params{"1"})).get(0, 0), "one");
    run(pool->execute("DEALLOCATE ALL"));  // behind the cache's back: next use hits 26000
    EXPECT_EQ(run(pool->query(sql, Params{"1"})).get(0, 0), "one");
}

TEST_F(PoolQuery, RepreparesWhenTheResultTypeChanged) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    const char* sql = "select * from item where id = $1";
    EXPECT_EQ(run(pool->query(sql, Params{"1"})).columns(), 3);
    run(pool->execute("alter table item add column extra text"));
    EXPECT_EQ(run(pool->query(sql, Params{"1"})).columns(), 4);  // 0A000 cached plan -> retried
}

TEST_F(PoolQuery, EvictsOldStatementsBeyondTheCacheBound) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    for (int i = 0; i < 300; ++i) {
        std::string sql = "select " + std::to_string(i) + " + $1::int";
        EXPECT_EQ(run(pool->query(sql, Params{"1"})).get(0, 0), std::to_string(i + 1));
    }
    Rows n = run(pool->query("select count(*) from pg_prepared_statements"));
    EXPECT_LE(std::stoi(std::string(n.get(0, 0))), 257);
}

TEST_F(PoolQuery, UniqueViolationIs409WithDetails) {
    auto pool = make_pool();
    Error e = error_of(pool->query("insert into item(id, name) values ($1, $2)", Params{"1", "dup"}));
    EXPECT_EQ(e.code, "23505");
    EXPECT_EQ(e.status, 409);
    EXPECT_EQ(e.message, "duplicate key value violates unique constraint \"item_pkey\"");
    EXPECT_EQ(e.details, "Key (id)=(1) already exists.");
    EXPECT_TRUE(e.hint.is_null());
    EXPECT_NE(e.internal.find("duplicate key"), std::string::npos);
}

TEST_F(PoolQuery, MapsCommonErrors) {
    auto pool = make_pool();
    Error fk = error_of(pool->query("insert into item values (5, 'x', 99)"));
    EXPECT_EQ(fk.code, "23503");
    EXPECT_EQ(fk.status, 409);
    Error notnull = error_of(pool->query("insert into item(id) values (6)"));
    EXPECT_EQ(notnull.code, "23502");
    EXPECT_EQ(notnull.status, 400);
    Error missing = error_of(pool->query("select * from nope"));
    EXPECT_EQ(missing.code, "42P01");
    EXPECT_EQ(missing.status, 404);
    Error syntax = error_of(pool->query("selec 1"));
    EXPECT_EQ(syntax.code, "42601");
    EXPECT_EQ(syntax.status, 400);
    Error cast = error_of(pool->query("select $1::int", Params{"abc"}));
    EXPECT_EQ(cast.code, "22P02");
    EXPECT_EQ(cast.status, 400);
    // The connection survives all of that.
    EXPECT_EQ(run(pool->query("select 1")).get(0, 0), "1");
}

TEST_F(PoolQuery, RaiseCarriesHintAndCustomStatus) {
    auto pool = make_pool();
    run(pool->execute(R"(
        create function fail_plain() returns void language plpgsql as $$
        begin raise exception 'nope' using detail = 'the detail', hint = 'the hint'; end $$;
        create function fail_custom() returns void language plpgsql as $$
        begin raise sqlstate 'PT402' using message = 'pay up'; end $$;
        create function fail_pgrst() returns void language plpgsql as $$
        begin raise sqlstate 'PGRST' using
          message = '{"code":"123","message":"custom","details":"d","hint":"h"}',
          detail = '{"status":418,"headers":{"X-A":"b"}}'; end $$;)"));
    Error plain = error_of(pool->query("select fail_plain()"));
    EXPECT_EQ(plain.code, "P0001");
    EXPECT_EQ(plain.status, 400);
    EXPECT_EQ(plain.message, "nope");
    EXPECT_EQ(plain.details, "the detail");
    EXPECT_EQ(plain.hint, "the hint");
    Error custom = error_of(pool->query("select fail_custom()"));
    EXPECT_EQ(custom.code, "PT402");
    EXPECT_EQ(custom.status, 402);
    Error pgrst = error_of(pool->query("select fail_pgrst()"));
    EXPECT_EQ(pgrst.code, "123");
    EXPECT_EQ(pgrst.status, 418);
    EXPECT_EQ(pgrst.message, "custom");
    EXPECT_EQ(pgrst.details, "d");
}

TEST_F(PoolQuery, StatementTimeoutIs504) {
    db::Settings s;
    s.statement_timeout_ms = 100;
    auto pool = make_pool(s);
    Error e = error_of(pool->query("select pg_sleep(2)"));
    EXPECT_EQ(e.code, "57014");
    EXPECT_EQ(e.status, 504);
    EXPECT_EQ(run(pool->query("show statement_timeout")).get(0, 0), "100ms");
    EXPECT_EQ(run(pool->query("select current_setting('application_name')")).get(0, 0), "basalt");
}

TEST_F(PoolQuery, ExecuteRunsScripts) {
    auto pool = make_pool();
    Rows last = run(pool->execute("create table s(a int); insert into s values (1), (2); select count(*) from s"));
    EXPECT_EQ(last.get(0, 0), "2");
    Error e = error_of(pool->execute("insert into s values (3); select 1/0"));
    EXPECT_EQ(e.code, "22012");
    // One implicit transaction: the insert before the error was rolled back.
    EXPECT_EQ(run(pool->query("select count(*) from s")).get(0, 0), "2");
}

TEST_F(PoolQuery, PingAndStats) {
    auto pool = make_pool();
    EXPECT_TRUE(run(pool->ping(std::chrono::milliseconds(1000))));
    auto st = pool->stats();
    EXPECT_EQ(st.total, 1u);
    EXPECT_EQ(st.idle, 1u);
    EXPECT_EQ(st.in_use, 0u);
    EXPECT_TRUE(st.database_up);
    pool->close();
    io_.restart();
    io_.run();  // the shard closes on its own thread
    EXPECT_EQ(pool->stats().total, 0u);
    Error e = error_of(pool->query("select 1"));
    EXPECT_EQ(e.status, 503);
}

TEST(PoolConninfo, RejectsGarbage) {
    EXPECT_THROW(db::Pool(db::Settings{}, "host=x bogus_key=1", 1), ErrorException);
}

}  // namespace
}  // namespace basalt::test
