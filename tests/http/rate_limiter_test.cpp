// Token buckets with an injected clock: burst, refill, 429 decisions, headers data, eviction.
#include "http/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace basalt::http {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

TEST(HttpRateLimiter, BurstThenDeny) {
    RateLimiter rl({.per_second = 1, .burst = 3});
    const auto t0 = Clock::time_point{} + 100s;
    EXPECT_TRUE(rl.consume("a", t0).allowed);
    EXPECT_TRUE(rl.consume("a", t0).allowed);
    auto third = rl.consume("a", t0);
    EXPECT_TRUE(third.allowed);
    EXPECT_EQ(third.remaining, 0);
    EXPECT_EQ(third.limit, 3);
    EXPECT_EQ(third.reset_seconds, 3);
    auto denied = rl.consume("a", t0);
    EXPECT_FALSE(denied.allowed);
    EXPECT_EQ(denied.retry_after_seconds, 1);
    // Other keys have their own bucket.
    EXPECT_TRUE(rl.consume("b", t0).allowed);
}

TEST(HttpRateLimiter, RefillsOverTime) {
    RateLimiter rl({.per_second = 2, .burst = 2});
    const auto t0 = Clock::time_point{} + 100s;
    EXPECT_TRUE(rl.consume("ip", t0).allowed);
    EXPECT_TRUE(rl.consume("ip", t0).allowed);
    EXPECT_FALSE(rl.consume("ip", t0).allowed);
    EXPECT_FALSE(rl.consume("ip", t0 + 400ms).allowed);  // 0.8 tokens
    EXPECT_TRUE(rl.consume("ip", t0 + 500ms).allowed);   // 1.0 token
    EXPECT_FALSE(rl.consume("ip", t0 + 500ms).allowed);
    // Never above burst, however long the pause.
    auto d = rl.consume("ip", t0 + 1h);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 1);
}

TEST(HttpRateLimiter, SlowRateRetryAfter) {
    RateLimiter rl({.per_second = 0.1, .burst = 1});
    const auto t0 = Clock::time_point{} + 100s;
    EXPECT_TRUE(rl.consume("login:x", t0).allowed);
    auto d = rl.consume("login:x", t0 + 1s);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after_seconds, 9);
    EXPECT_FALSE(rl.peek("login:x", t0 + 1s).allowed);
    rl.reset("login:x");
    EXPECT_TRUE(rl.peek("login:x", t0 + 1s).allowed);
}

TEST(HttpRateLimiter, DeniedRequestsTakeNothing) {
    RateLimiter rl({.per_second = 1, .burst = 1});
    const auto t0 = Clock::time_point{} + 100s;
    EXPECT_TRUE(rl.consume("k", t0).allowed);
    for (int i = 0; i < 10; ++i) EXPECT_FALSE(rl.consume("k", t0 + 100ms).allowed);
    EXPECT_TRUE(rl.consume("k", t0 + 1s).allowed);
}

TEST(HttpRateLimiter, IdleBucketsAreEvicted) {
    RateLimiter rl({.per_second = 10, .burst = 5});
    const auto t0 = Clock::time_point{} + 100s;
    for (int i = 0; i < 100; ++i) rl.consume("ip" + std::to_string(i), t0);
    EXPECT_EQ(rl.size(), 100u);
    EXPECT_EQ(rl.evict_idle(t0 + 10ms), 0u);  // not refilled yet
    EXPECT_EQ(rl.evict_idle(t0 + 1s), 100u);
    EXPECT_EQ(rl.size(), 0u);
}

TEST(HttpRateLimiter, MemoryIsBounded) {
    RateLimiter rl({.per_second = 0.001, .burst = 5, .max_keys = 1600});
    const auto t0 = Clock::time_point{} + 100s;
    for (int i = 0; i < 20000; ++i) rl.consume("flood" + std::to_string(i), t0);
    EXPECT_LE(rl.size(), 1600u);
}

}  // namespace
}  // namespace basalt::http
