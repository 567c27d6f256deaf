// Sharding across I/O threads (each thread only touches its own connections), shards for
// unattached io_contexts, and large parameters/results that need several socket writes.
#include <atomic>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <gtest/gtest.h>

#include "db/pool.hpp"
#include "db/pool_fixture.hpp"

namespace basalt::test {
namespace {

using db::Awaitable;
using db::Params;
using db::Rows;

class PoolShards : public PoolTest {};

TEST_F(PoolShards, EachIoThreadUsesItsOwnShard) {
    db::Settings s;
    s.pool_size = 4;  // 2 per shard
    boost::asio::io_context io0, io1;
    db::Pool pool(s, conninfo_, 2);
    pool.attach(0, io0);
    pool.attach(1, io1);
    std::atomic<int> ok{0}, failed{0};
    auto worker = [&](int i) -> Awaitable<void> {
        try {
            db::TxContext ctx;
            ctx.claims_json = R"({"n":)" + std::to_string(i) + "}";
            Rows r = co_await pool.run_in_tx(ctx, "select (current_setting('request.jwt.claims')::json->>'n')::int");
            if (r.get(0, 0) == std::to_string(i)) ++ok;
            else ++failed;
        } catch (...) {
            ++failed;
        }
    };
    for (int i = 0; i < 200; ++i) {
        boost::asio::co_spawn(i % 2 ? io1 : io0, worker(i), boost::asio::detached);
    }
    std::thread t0([&] { io0.run(); });
    std::thread t1([&] { io1.run(); });
    t0.join();
    t1.join();
    EXPECT_EQ(ok, 200);
    EXPECT_EQ(failed, 0);
    auto st = pool.stats();
    EXPECT_LE(st.total, 4u);
    EXPECT_GE(st.total, 2u);
    EXPECT_EQ(st.in_use, 0u);
}

TEST_F(PoolShards, UnattachedContextGetsAShard) {
    db::Settings s;
    s.pool_size = 1;
    db::Pool pool(s, conninfo_, 1);  // never attached: the first caller's context gets a shard
    EXPECT_EQ(run(pool.query("select 7")).get(0, 0), "7");
    EXPECT_EQ(pool.stats().total, 1u);
}

TEST_F(PoolShards, LargeParametersAndResults) {
    auto pool = make_pool();
    std::string big(8 * 1024 * 1024, 'x');
    big[12345] = 'y';
    Rows r = run(pool->query("select length($1), strpos($1, 'y'), $1", Params{big}));
    EXPECT_EQ(r.get(0, 0), std::to_string(big.size()));
    EXPECT_EQ(r.get(0, 1), "12346");
    EXPECT_EQ(r.get(0, 2), big);
    Rows many = run(pool->query("select g, repeat('z', 100) from generate_series(1, 100000) g"));
    EXPECT_EQ(many.size(), 100000);
    EXPECT_EQ(many.get(99999, 0), "100000");
}

}  // namespace
}  // namespace basalt::test
