// run_in_tx (role + claims + settings in one pipeline, rollback flag, read-only, error paths)
// and explicit Transactions (commit, rollback, rollback on destruction).
#include <chrono>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "db/detail/role_guard.hpp"
#include "db/pool.hpp"
#include "db/pool_fixture.hpp"

namespace basalt::test {
namespace {

using db::Awaitable;
using db::Params;
using db::Rows;
using db::TxContext;

class PoolTx : public PoolTest {
protected:
    std::string setup_sql() const override {
        // Roles are cluster-wide: create them once, tolerate reruns. Request roles must be
        // granted to authenticator (the API login role), as in PostgREST and Supabase.
        return roles_sql({{"test_anon", "nologin"}, {"test_user", "nologin"}, {"test_login", "login"},
                          {"test_bypass", "nologin bypassrls"}, {"test_ungranted", "nologin"}}) +
               "grant test_anon, test_user, test_login, test_bypass to authenticator;"
               "create table note(id serial primary key, body text not null);"
               "create table secret(id int);"
               "grant select, insert on note to test_anon, test_user;"
               "grant usage on sequence note_id_seq to test_anon, test_user;"
               "revoke all on secret from public;";
    }

    TxContext as(std::string role, std::string claims = "{}") {
        TxContext ctx;
        ctx.role = std::move(role);
        ctx.claims_json = std::move(claims);
        return ctx;
    }

    std::string count_notes(db::Pool& pool) {
        return std::string(run(pool.query("select count(*) from note")).get(0, 0));
    }
};

TEST_F(PoolTx, SwitchesRoleAndSetsClaimsAndSettings) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    TxContext ctx = as("test_anon", R"({"sub":"u1","role":"test_anon"})");
    ctx.settings = {{"request.method", "GET"}, {"request.path", "/rest/v1/note"}};
    Rows r = run(pool->run_in_tx(ctx,
        "select current_user, current_setting('request.jwt.claims', true)::json->>'sub',"
        " current_setting('request.method', true), current_setting('request.path', true), $1::text",
        Params{"p"}));
    EXPECT_EQ(r.get(0, 0), "test_anon");
    EXPECT_EQ(r.get(0, 1), "u1");
    EXPECT_EQ(r.get(0, 2), "GET");
    EXPECT_EQ(r.get(0, 3), "/rest/v1/note");
    EXPECT_EQ(r.get(0, 4), "p");

    // Nothing leaks into the next use of the same connection.
    Rows after = run(pool->query(
        "select current_user, coalesce(current_setting('request.jwt.claims', true), '')"));
    EXPECT_EQ(after.get(0, 0), "postgres");
    EXPECT_EQ(after.get(0, 1), "");
    EXPECT_EQ(pool->stats().total, 1u);
}

// Read-only requests run without BEGIN/COMMIT: the settings must still reach the statement,
// the transaction must be read-only, and nothing may outlive it.
TEST_F(PoolTx, ReadOnlyImplicitTransactionKeepsSettingsUntilTheEnd) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    TxContext ctx = as("test_anon", R"({"sub":"u2"})");
    ctx.read_only = true;
    for (int i = 0; i < 150; ++i) ctx.settings.emplace_back("test.k" + std::to_string(i), "v" + std::to_string(i));
    Rows r = run(pool->run_in_tx(ctx,
        "select current_user, current_setting('request.jwt.claims')::json->>'sub',"
        " current_setting('test.k0'), current_setting('test.k149'), current_setting('transaction_read_only')"));
    EXPECT_EQ(r.get(0, 0), "test_anon");
    EXPECT_EQ(r.get(0, 1), "u2");
    EXPECT_EQ(r.get(0, 2), "v0");
    EXPECT_EQ(r.get(0, 3), "v149");
    EXPECT_EQ(r.get(0, 4), "on");
    Rows after = run(pool->query(
        "select current_user, coalesce(current_setting('test.k149', true), ''), current_setting('transaction_read_only')"));
    EXPECT_EQ(after.get(0, 0), "postgres");
    EXPECT_EQ(after.get(0, 1), "");
    EXPECT_EQ(after.get(0, 2), "off");
    ctx.read_only = false;  // the same settings in an explicit transaction
    EXPECT_EQ(run(pool->run_in_tx(ctx, "select current_setting('test.k149')")).get(0, 0), "v149");
    EXPECT_EQ(pool->stats().total, 1u);
}

TEST_F(PoolTx, CommitsByDefaultAndRollsBackOnRequest) {
    auto pool = make_pool();
    Rows kept = run(pool->run_in_tx(as("test_user"), "insert into note(body) values ($1) returning body",
                                    Params{"kept"}));
    EXPECT_EQ(kept.get(0, 0), "kept");
    Rows dropped = run(pool->run_in_tx(as("test_user"), "insert into note(body) values ($1) returning body",
                                       Params{"dropped"}, /*rollback=*/true));
    EXPECT_EQ(dropped.get(0, 0), "dropped");  // rows come back even though nothing is kept
    EXPECT_EQ(count_notes(*pool), "1");
}

TEST_F(PoolTx, ReadOnlyTransactionRejectsWritesWith405) {
    auto pool = make_pool();
    TxContext ctx = as("test_user");
    ctx.read_only = true;
    Error e = error_of(pool->run_in_tx(ctx, "insert into note(body) values ('x')"));
    EXPECT_EQ(e.code, "25006");
    EXPECT_EQ(e.status, 405);
}

TEST_F(PoolTx, InsufficientPrivilegeIs401ForAnonymousAnd403Otherwise) {
    auto pool = make_pool();
    TxContext anon = as("test_anon");
    anon.anonymous = true;
    Error e401 = error_of(pool->run_in_tx(anon, "select * from secret"));
    EXPECT_EQ(e401.code, "42501");
    EXPECT_EQ(e401.status, 401);
    Error e403 = error_of(pool->run_in_tx(as("test_user"), "select * from secret"));
    EXPECT_EQ(e403.code, "42501");
    EXPECT_EQ(e403.status, 403);
}

TEST_F(PoolTx, UnknownRoleIs401) {
    auto pool = make_pool();
    Error e = error_of(pool->run_in_tx(as("no_such_role"), "select 1"));
    EXPECT_EQ(e.code, "22023");
    EXPECT_EQ(e.status, 401);
}

// The pool logs in as a superuser here (as in managed mode), which may SET ROLE to anything:
// a token naming a superuser, a login role, an RLS-bypassing role or a role the API login was
// never granted must not get that role.
TEST_F(PoolTx, OnlyApiRolesMayBeRequested) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    for (const char* role : {"postgres", "test_login", "test_bypass", "test_ungranted", "authenticator"}) {
        for (bool read_only : {true, false}) {
            TxContext ctx = as(role, std::string(R"({"role":")") + role + "\"}");
            ctx.read_only = read_only;
            Error e = error_of(pool->run_in_tx(ctx, "select current_user, 1/0"));
            EXPECT_EQ(e.code, "42501") << role;
            EXPECT_EQ(e.status, 403) << role;
            EXPECT_EQ(e.message, std::string("permission denied to set role \"") + role + "\"");
        }
        Error e = error_of([&]() -> Awaitable<void> { auto tx = co_await pool->begin(as(role)); }());
        EXPECT_EQ(e.code, "42501") << role;
    }
    TxContext anon = as("postgres");
    anon.anonymous = true;
    EXPECT_EQ(error_of(pool->run_in_tx(anon, "select 1")).status, 401);
    // A granted API role still works on the same connection, and nothing ran as postgres.
    EXPECT_EQ(run(pool->run_in_tx(as("test_user"), "select current_user")).get(0, 0), "test_user");
    EXPECT_EQ(pool->stats().total, 1u);
}

TEST_F(PoolTx, RoleVerdictsFollowGrantsWithinTheCacheTime) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    run(pool->execute("do $$ begin if not exists (select from pg_roles where rolname = 'test_late') "
                      "then create role test_late nologin; end if; end $$; revoke test_late from authenticator"));
    EXPECT_EQ(error_of(pool->run_in_tx(as("test_late"), "select 1")).code, "42501");
    run(pool->execute("grant test_late to authenticator"));
    // The refusal is remembered for a moment, then asked again.
    std::this_thread::sleep_for(db::detail::RoleGuard::kVerdictTtl + std::chrono::milliseconds(100));
    EXPECT_EQ(run(pool->run_in_tx(as("test_late"), "select current_user")).get(0, 0), "test_late");
}

TEST_F(PoolTx, FailedStatementLeavesTheConnectionClean) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    Error e = error_of(pool->run_in_tx(as("test_user"), "insert into note(body) values (null)"));
    EXPECT_EQ(e.code, "23502");
    Error e2 = error_of(pool->run_in_tx(as("test_user"), "select 1/0"));
    EXPECT_EQ(e2.code, "22012");
    Rows ok = run(pool->run_in_tx(as("test_user"), "insert into note(body) values ('ok') returning id"));
    EXPECT_EQ(ok.size(), 1);
    EXPECT_EQ(count_notes(*pool), "1");
    EXPECT_EQ(pool->stats().total, 1u);  // same connection all along
}

TEST_F(PoolTx, DeferredConstraintFailureAtCommitIsReported) {
    auto pool = make_pool();
    run(pool->execute(
        "create table e(id int unique deferrable initially deferred);"
        "grant all on e to test_user;"));
    Error e = error_of(pool->run_in_tx(as("test_user"), "insert into e values (1), (1)"));
    EXPECT_EQ(e.code, "23505");
    EXPECT_EQ(e.status, 409);
    EXPECT_EQ(run(pool->query("select count(*) from e")).get(0, 0), "0");
}

TEST_F(PoolTx, TransactionCommitAndRollback) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    run([&]() -> Awaitable<void> {
        auto tx = co_await pool->begin(as("test_user"));
        Rows who = co_await tx->query("select current_user");
        EXPECT_EQ(who.get(0, 0), "test_user");
        // GCC 12 cannot put a braced Params temporary in a coroutine frame ("array used as
        // initializer"): build parameters as named locals inside coroutines.
        Params a{"a"}, b{"b"};
        co_await tx->query("insert into note(body) values ($1)", a);
        co_await tx->query("insert into note(body) values ($1)", b);
        co_await tx->commit();

        auto tx2 = co_await pool->begin();
        co_await tx2->query("insert into note(body) values ('c')");
        co_await tx2->rollback();
    }());
    EXPECT_EQ(count_notes(*pool), "2");
    EXPECT_EQ(pool->stats().total, 1u);
}

TEST_F(PoolTx, TransactionRollsBackWhenDroppedWithoutCommit) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    run([&]() -> Awaitable<void> {
        auto tx = co_await pool->begin();
        co_await tx->query("insert into note(body) values ('lost')");
        // tx goes out of scope: the pool rolls back before reusing the connection
    }());
    EXPECT_EQ(count_notes(*pool), "0");
    EXPECT_EQ(pool->stats().total, 1u);
}

TEST_F(PoolTx, TransactionAfterFailedStatementCannotCommit) {
    auto pool = make_pool();
    Error e = error_of([&]() -> Awaitable<void> {
        auto tx = co_await pool->begin();
        co_await tx->query("insert into note(body) values ('x')");
        try {
            co_await tx->query("select 1/0");
        } catch (const ErrorException& inner) {
            EXPECT_EQ(inner.error().code, "22012");
        }
        co_await tx->commit();
    }());
    EXPECT_EQ(e.code, "25P02");
    EXPECT_EQ(count_notes(*pool), "0");
    EXPECT_EQ(run(pool->query("select 1")).get(0, 0), "1");
}

TEST_F(PoolTx, ExhaustedPoolWaitsThenTimesOut) {
    db::Settings s;
    s.pool_size = 1;
    s.acquire_timeout_ms = 200;
    auto pool = make_pool(s);
    run([&]() -> Awaitable<void> {
        auto tx = co_await pool->begin();  // holds the only connection
        auto start = std::chrono::steady_clock::now();
        try {
            co_await pool->query("select 1");
            ADD_FAILURE() << "expected a pool timeout";
        } catch (const ErrorException& e) {
            EXPECT_EQ(e.error().code, "db.pool_timeout");
            EXPECT_EQ(e.error().status, 503);
        }
        auto waited = std::chrono::steady_clock::now() - start;
        EXPECT_GE(waited, std::chrono::milliseconds(180));
        EXPECT_LT(waited, std::chrono::milliseconds(2000));
        co_await tx->rollback();
    }());
}

TEST_F(PoolTx, WaitersGetTheConnectionWhenItIsReleased) {
    db::Settings s;
    s.pool_size = 2;
    s.acquire_timeout_ms = 5000;
    auto pool = make_pool(s);
    int done = 0;
    auto worker = [&](int i) -> Awaitable<void> {
        Params p{std::to_string(i)};
        Rows r = co_await pool->query("select $1::int from pg_sleep(0.05)", p);
        EXPECT_EQ(r.get(0, 0), std::to_string(i));
        ++done;
    };
    std::size_t max_waiting = 0;
    run([&]() -> Awaitable<void> {
        auto ex = co_await boost::asio::this_coro::executor;
        for (int i = 0; i < 8; ++i) boost::asio::co_spawn(ex, worker(i), boost::asio::detached);
        boost::asio::steady_timer t(ex);
        while (done < 8) {
            max_waiting = std::max(max_waiting, pool->stats().waiting);
            t.expires_after(std::chrono::milliseconds(5));
            co_await t.async_wait(boost::asio::use_awaitable);
        }
    }());
    EXPECT_EQ(done, 8);
    EXPECT_GT(max_waiting, 0u);
    EXPECT_EQ(pool->stats().total, 2u);
}

}  // namespace
}  // namespace basalt::test
