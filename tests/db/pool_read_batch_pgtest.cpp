// Read batching (db/detail/read_batch.hpp): read-only requests started in the same turn of the
// event loop share one connection and one flush, yet each keeps its own role, claims,
// settings, result and error, and a lost connection fails only the batch it carried.
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <gtest/gtest.h>

#include "db/pool.hpp"
#include "db/pool_fixture.hpp"

namespace basalt::test {
namespace {

using db::Awaitable;
using db::Rows;
using db::TxContext;

struct Outcome {
    std::optional<Rows> rows;
    std::optional<Error> error;
    bool done = false;
};

Awaitable<void> read_into(db::Pool* pool, TxContext ctx, std::string sql, Outcome* out) {
    try {
        out->rows = co_await pool->run_in_tx(ctx, sql);
    } catch (const ErrorException& e) {
        out->error = e.error();
    }
    out->done = true;
}

class PoolReadBatch : public PoolTest {
protected:
    std::string setup_sql() const override {
        return roles_sql({{"test_anon", "nologin"}, {"test_user", "nologin"}}) +
               "grant test_anon, test_user to authenticator;"
               "create table item(id int primary key, owner text);"
               "insert into item values (1, 'a'), (2, 'b');"
               "grant select on item to test_anon, test_user;"
               "create table hidden(id int);"
               "revoke all on hidden from public;";
    }

    static TxContext reader(std::string role, int i) {
        TxContext ctx;
        ctx.role = std::move(role);
        ctx.claims_json = R"({"sub":"u)" + std::to_string(i) + R"("})";
        ctx.settings = {{"request.path", "/p" + std::to_string(i)}};
        ctx.read_only = true;
        ctx.anonymous = ctx.role == "test_anon";
        return ctx;
    }

    using Reads = std::vector<std::pair<TxContext, std::string>>;
    // n reads of one statement, read i with claims sub u<i> and request.path /p<i>.
    static Reads reads_of(const char* role, std::string_view sql, int n) {
        Reads reads;
        for (int i = 0; i < n; ++i) reads.emplace_back(reader(role, i), std::string(sql));
        return reads;
    }

    // Starts every read before the event loop runs (so they reach the pool in one turn) and
    // runs the loop until all have finished.
    std::vector<Outcome> run_together(db::Pool& pool, const Reads& reads) {
        std::vector<Outcome> out(reads.size());
        for (std::size_t i = 0; i < reads.size(); ++i) {
            boost::asio::co_spawn(io_, read_into(&pool, reads[i].first, reads[i].second, &out[i]),
                                  boost::asio::detached);
        }
        const bool finished = run_until(io_, [&] {
            for (const auto& o : out) {
                if (!o.done) return false;
            }
            return true;
        }, std::chrono::seconds(20));
        EXPECT_TRUE(finished);
        return out;
    }

    // One read per role and statement first: the connection exists, the role verdicts are
    // cached and each statement has been seen to be fast (only those are batched), so nothing
    // in the measured turn has to wait for anything else.
    void warm_up(db::Pool& pool, std::initializer_list<std::string_view> statements = {}) {
        for (const char* role : {"test_anon", "test_user"}) {
            run(pool.run_in_tx(reader(role, 0), "select 1"));
            for (auto sql : statements) {
                try {
                    run(pool.run_in_tx(reader(role, 0), std::string(sql)));
                } catch (const ErrorException&) {
                    // a statement meant to fail is learnt all the same
                }
            }
        }
    }
};

constexpr std::string_view kWhoAmI =
    "select current_user, current_setting('request.jwt.claims')::json->>'sub',"
    " current_setting('request.path'), pg_backend_pid(), current_setting('transaction_read_only')";

TEST_F(PoolReadBatch, ConcurrentReadsShareOneRoundTripButKeepTheirOwnSettings) {
    db::Settings s;
    s.pool_size = 4;
    auto pool = make_pool(s);
    warm_up(*pool, {kWhoAmI});
    const auto before = pool->stats();
    Reads reads;
    for (int i = 0; i < 20; ++i) reads.emplace_back(reader(i % 2 ? "test_user" : "test_anon", i), kWhoAmI);
    auto out = run_together(*pool, reads);

    std::set<std::string> backends;
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(out[i].rows) << i << ": " << (out[i].error ? out[i].error->internal : "");
        const Rows& r = *out[i].rows;
        EXPECT_EQ(r.get(0, 0), i % 2 ? "test_user" : "test_anon") << i;
        EXPECT_EQ(r.get(0, 1), "u" + std::to_string(i));
        EXPECT_EQ(r.get(0, 2), "/p" + std::to_string(i));
        EXPECT_EQ(r.get(0, 4), "on");
        backends.insert(std::string(r.get(0, 3)));
    }
    const auto after = pool->stats();
    EXPECT_EQ(after.read_batches - before.read_batches, 1u);
    EXPECT_EQ(after.batched_reads - before.batched_reads, 20u);
    EXPECT_EQ(backends.size(), 1u);  // one connection carried them all

    // Nothing of any of them stays on the connection.
    Rows left = run(pool->query(
        "select current_user, coalesce(current_setting('request.path', true), ''), current_setting('transaction_read_only')"));
    EXPECT_EQ(left.get(0, 0), "postgres");
    EXPECT_EQ(left.get(0, 1), "");
    EXPECT_EQ(left.get(0, 2), "off");
}

constexpr std::string_view kDivideByZero = "select 1 / (id - id) from item";
constexpr std::string_view kHidden = "select * from hidden";
constexpr std::string_view kInsert = "insert into item values (9, 'x') returning id";

TEST_F(PoolReadBatch, AFailedReadDoesNotDisturbTheOthersInItsBatch) {
    auto pool = make_pool();
    warm_up(*pool, {kWhoAmI, kDivideByZero, kHidden, kInsert});
    const auto before = pool->stats();
    Reads reads;
    for (int i = 0; i < 8; ++i) {
        std::string sql(kWhoAmI);
        if (i == 2) sql = kDivideByZero;  // 22012 division by zero
        if (i == 4) sql = kHidden;        // 42501, anonymous: 401
        if (i == 5) sql = kHidden;        // 42501, signed in: 403
        if (i == 6) sql = kInsert;        // read-only: 25006
        reads.emplace_back(reader(i % 2 ? "test_user" : "test_anon", i), sql);
    }
    auto out = run_together(*pool, reads);
    ASSERT_TRUE(out[2].error);
    EXPECT_EQ(out[2].error->code, "22012");
    EXPECT_EQ(out[2].error->status, 400);
    ASSERT_TRUE(out[4].error);
    EXPECT_EQ(out[4].error->code, "42501");
    EXPECT_EQ(out[4].error->status, 401);
    ASSERT_TRUE(out[5].error);
    EXPECT_EQ(out[5].error->status, 403);
    ASSERT_TRUE(out[6].error);
    EXPECT_EQ(out[6].error->code, "25006");
    for (int i : {0, 1, 3, 7}) {
        ASSERT_TRUE(out[i].rows) << i << ": " << (out[i].error ? out[i].error->internal : "");
        EXPECT_EQ(out[i].rows->get(0, 1), "u" + std::to_string(i));
        EXPECT_EQ(out[i].rows->get(0, 2), "/p" + std::to_string(i));
    }
    EXPECT_EQ(pool->stats().read_batches - before.read_batches, 1u);
    EXPECT_EQ(run(pool->query("select count(*) from item")).get(0, 0), "2");
}

// The statement prepared by the first read of a batch is used by the next ones in the same
// pipeline; after DDL changes its result type, every read of the next batch prepares again.
TEST_F(PoolReadBatch, ReadsOfABatchShareAndRefreshPreparedStatements) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    const std::string sql = "select * from item order by id";
    warm_up(*pool, {sql});
    const Reads reads = reads_of("test_anon", sql, 4);
    for (const auto& o : run_together(*pool, reads)) {
        ASSERT_TRUE(o.rows);
        EXPECT_EQ(o.rows->columns(), 2);
    }
    run(pool->execute("alter table item add column note text default 'n'"));
    for (const auto& o : run_together(*pool, reads)) {
        ASSERT_TRUE(o.rows) << (o.error ? o.error->internal : "");
        EXPECT_EQ(o.rows->columns(), 3);
        EXPECT_EQ(o.rows->get(0, 2), "n");
    }
}

TEST_F(PoolReadBatch, StatementTimeoutFailsOnlyTheSlowRead) {
    db::Settings s;
    s.statement_timeout_ms = 200;
    auto pool = make_pool(s);
    // One statement for all four, slow only for request 1 (a fast one as far as batching knows).
    const std::string sql = std::string(kWhoAmI) +
                            ", pg_sleep(case current_setting('request.path') when '/p1' then 2 else 0 end)";
    warm_up(*pool, {sql});
    const Reads reads = reads_of("test_anon", sql, 4);
    const auto before = pool->stats();
    auto out = run_together(*pool, reads);
    EXPECT_EQ(pool->stats().read_batches - before.read_batches, 1u);
    ASSERT_TRUE(out[1].error);
    EXPECT_EQ(out[1].error->code, "57014");
    EXPECT_EQ(out[1].error->status, 504);
    for (int i : {0, 2, 3}) {
        ASSERT_TRUE(out[i].rows) << i;
        EXPECT_EQ(out[i].rows->get(0, 1), "u" + std::to_string(i));
    }
}

// A backend that dies mid-batch: the reads answered before it keep their results, the read
// that was running gets 503, and the reads behind it, never answered, go again on a fresh
// connection (read-only, so running them again is harmless).
TEST_F(PoolReadBatch, LostConnectionFailsTheRunningReadAndResendsTheUnanswered) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    // No role: the pool's login may end its own backend; it does so only for request.path /kill.
    TxContext own;
    own.read_only = true;
    const std::string kill =
        "select case current_setting('request.path') when '/kill' then pg_terminate_backend(pg_backend_pid()) end";
    own.settings = {{"request.path", "/spare"}};
    run(pool->run_in_tx(own, kill));
    warm_up(*pool, {kWhoAmI});
    own.settings = {{"request.path", "/kill"}};
    Reads reads;
    reads.emplace_back(reader("test_anon", 0), kWhoAmI);
    reads.emplace_back(own, kill);
    reads.emplace_back(reader("test_anon", 2), kWhoAmI);
    reads.emplace_back(reader("test_user", 3), kWhoAmI);
    auto out = run_together(*pool, reads);
    ASSERT_TRUE(out[0].rows);
    ASSERT_TRUE(out[1].error);
    EXPECT_EQ(out[1].error->status, 503);
    for (int i : {2, 3}) {
        ASSERT_TRUE(out[i].rows) << i << ": " << (out[i].error ? out[i].error->internal : "");
        EXPECT_EQ(out[i].rows->get(0, 1), "u" + std::to_string(i));
        EXPECT_NE(out[i].rows->get(0, 3), out[0].rows->get(0, 3));  // another backend
    }
    EXPECT_EQ(pool->stats().total, 1u);
}

// The connection was closed by the server while idle (restart, idle_session_timeout, a
// pooler): the read that finds out goes again on a new connection instead of failing.
TEST_F(PoolReadBatch, ReadOnAConnectionClosedWhileIdleIsSentAgain) {
    db::Settings s;
    s.pool_size = 1;
    auto pool = make_pool(s);
    auto killer = make_pool(s);
    warm_up(*pool, {kWhoAmI});
    const std::string victim(run(pool->run_in_tx(reader("test_anon", 0), kWhoAmI)).get(0, 3));
    run(killer->query("select pg_terminate_backend($1::int, 5000)", {victim}));
    Rows r = run(pool->run_in_tx(reader("test_user", 1), kWhoAmI));
    EXPECT_EQ(r.get(0, 0), "test_user");
    EXPECT_EQ(r.get(0, 1), "u1");
    EXPECT_NE(std::string(r.get(0, 3)), victim);
    EXPECT_EQ(pool->stats().total, 1u);
}

// Reads of one batch run one after another: a statement seen to be slow is never batched, so
// slow reads that arrive together still run side by side.
TEST_F(PoolReadBatch, SlowReadsAreNotBatched) {
    db::Settings s;
    s.pool_size = 4;
    auto pool = make_pool(s);
    const std::string slow = "select pg_sleep(0.3), current_setting('request.path')";
    warm_up(*pool, {slow});
    const auto before = pool->stats();
    const Reads reads = reads_of("test_user", slow, 4);
    const auto started = std::chrono::steady_clock::now();
    auto out = run_together(*pool, reads);
    const auto took = std::chrono::steady_clock::now() - started;
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(out[i].rows) << i;
        EXPECT_EQ(out[i].rows->get(0, 1), "/p" + std::to_string(i));
    }
    EXPECT_EQ(pool->stats().read_batches, before.read_batches);
    EXPECT_LT(took, std::chrono::milliseconds(1000));  // one after another would take 1.2 s
}

TEST_F(PoolReadBatch, SwitchedOffEveryReadGetsAConnectionOfItsOwn) {
    db::Settings s;
    s.pool_size = 3;
    s.batch_reads = false;
    auto pool = make_pool(s);
    warm_up(*pool, {kWhoAmI});
    const Reads reads = reads_of("test_user", kWhoAmI, 6);
    std::set<std::string> backends;
    for (const auto& o : run_together(*pool, reads)) {
        ASSERT_TRUE(o.rows);
        backends.insert(std::string(o.rows->get(0, 3)));
    }
    EXPECT_EQ(backends.size(), 3u);
    EXPECT_EQ(pool->stats().read_batches, 0u);
}

}  // namespace
}  // namespace basalt::test
