// Outages: with the shared temp cluster stopped, requests fail fast with 503 instead of
// hanging; after it comes back, the pool and the LISTEN connection recover on their own.
#include <thread>

#include <gtest/gtest.h>

#include "db/listener.hpp"
#include "db/pool.hpp"
#include "db/pool_fixture.hpp"

namespace basalt::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class PoolOutage : public PoolTest {
protected:
    void TearDown() override {
        // Leave the shared cluster running for whoever comes next.
        if (pg_ != nullptr && !pg_->cluster().is_running()) pg_->start();
    }

    // Retries until a query succeeds (the pool's backoff decides when it reconnects).
    bool recovers(db::Pool& pool, std::chrono::milliseconds within) {
        auto deadline = Clock::now() + within;
        while (Clock::now() < deadline) {
            try {
                if (run(pool.query("select 1")).get(0, 0) == "1") return true;
            } catch (const ErrorException& e) {
                EXPECT_EQ(e.error().status, 503) << e.error().code;
            }
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }
};

TEST_F(PoolOutage, FailsFastWhileDownAndRecoversAfterRestart) {
    db::Settings s;
    s.pool_size = 2;
    s.connect_timeout_ms = 1000;
    auto pool = make_pool(s);
    EXPECT_EQ(run(pool->query("select 1")).get(0, 0), "1");
    EXPECT_TRUE(pool->stats().database_up);

    pg_->stop();
    for (int i = 0; i < 5; ++i) {
        auto start = Clock::now();
        Error e = error_of(pool->query("select 1"));
        EXPECT_EQ(e.status, 503);
        EXPECT_EQ(e.code, "db.unavailable");
        EXPECT_LT(Clock::now() - start, 1500ms);
    }
    EXPECT_FALSE(pool->stats().database_up);
    EXPECT_FALSE(run(pool->ping(200ms)));

    pg_->start();
    EXPECT_TRUE(recovers(*pool, 10s));
    EXPECT_TRUE(pool->stats().database_up);
    EXPECT_TRUE(run(pool->ping(1000ms)));
}

TEST_F(PoolOutage, InFlightQueryGets503WhenTheServerStops) {
    auto pool = make_pool();
    EXPECT_EQ(run(pool->query("select 1")).get(0, 0), "1");
    std::thread stopper([&] {
        std::this_thread::sleep_for(300ms);
        pg_->stop();
    });
    Error e = error_of(pool->query("select pg_sleep(20)"));
    stopper.join();
    EXPECT_EQ(e.status, 503);
    pg_->start();
    EXPECT_TRUE(recovers(*pool, 10s));
}

TEST_F(PoolOutage, ListenerDeliversAndReconnectsAfterRestart) {
    auto pool = make_pool();
    std::vector<std::pair<std::string, std::string>> got;
    int connects = 0;
    db::Listener::Options opt;
    opt.conninfo = conninfo_;
    opt.channels = {"basalt_test", "Mixed Case"};
    opt.on_notify = [&](std::string_view ch, std::string_view payload) {
        got.emplace_back(std::string(ch), std::string(payload));
    };
    opt.on_connected = [&] { ++connects; };
    db::Listener listener(io_.get_executor(), opt);
    listener.start();
    ASSERT_TRUE(run_until(io_, [&] { return connects == 1; }, 5s));
    EXPECT_TRUE(listener.connected());

    run(pool->query("select pg_notify('basalt_test', 'hello'), pg_notify('Mixed Case', 'x')"));
    run(pool->query("notify other_channel, 'ignored'"));
    ASSERT_TRUE(run_until(io_, [&] { return got.size() >= 2; }, 5s));
    EXPECT_EQ(got[0], std::make_pair(std::string("basalt_test"), std::string("hello")));
    EXPECT_EQ(got[1], std::make_pair(std::string("Mixed Case"), std::string("x")));

    pg_->restart();
    ASSERT_TRUE(run_until(io_, [&] { return connects == 2; }, 15s));
    ASSERT_TRUE(recovers(*pool, 10s));
    run(pool->query("select pg_notify('basalt_test', 'again')"));
    ASSERT_TRUE(run_until(io_, [&] { return got.size() >= 3; }, 5s));
    EXPECT_EQ(got[2].second, "again");
    EXPECT_EQ(got.size(), 3u);

    listener.stop();
    run_until(io_, [&] { return !listener.connected(); }, 2s);
    EXPECT_FALSE(listener.connected());
}

}  // namespace
}  // namespace basalt::test
