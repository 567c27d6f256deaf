// Token-bucket rate limiter keyed by a string (client IP, user id, login identifier). Pure with
// respect to time: callers pass `now`, so tests drive the clock and auth reuses it for logins.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace basalt::http {

struct RateLimitDecision {
    bool allowed = true;
    std::int64_t limit = 0;        // bucket size (RateLimit-Limit)
    std::int64_t remaining = 0;    // whole tokens left after this request (RateLimit-Remaining)
    std::int64_t reset_seconds = 0;  // until the bucket is full again (RateLimit-Reset)
    std::int64_t retry_after_seconds = 0;  // until one token is available; 0 when allowed
};

// Thread-safe: keys are spread over mutex-protected shards. Memory is bounded: a bucket that
// has refilled completely carries no information and is dropped by the periodic sweep, and a
// shard that still exceeds its share of `max_keys` forgets arbitrary entries (those clients get
// a fresh bucket: under a key flood the limiter fails open rather than growing without bound).
//
//   RateLimiter logins({.per_second = 0.1, .burst = 5});
//   auto d = logins.consume("email:" + email, RateLimiter::Clock::now());
//   if (!d.allowed) throw ErrorException(...429...);
class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    struct Options {
        double per_second = 1;       // refill rate
        std::int64_t burst = 1;      // bucket size
        std::size_t max_keys = 100000;
    };

    explicit RateLimiter(Options options);

    // Takes `cost` tokens when available. A denied request takes nothing.
    RateLimitDecision consume(std::string_view key, Clock::time_point now, double cost = 1.0);
    // The decision consume() would make, without taking tokens.
    [[nodiscard]] RateLimitDecision peek(std::string_view key, Clock::time_point now) const;
    // Forgets a key (e.g. after a successful login).
    void reset(std::string_view key);
    // Drops every bucket that is full at `now`; returns how many were dropped.
    std::size_t evict_idle(Clock::time_point now);
    [[nodiscard]] std::size_t size() const;
    [[nodiscard]] const Options& options() const { return options_; }

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point last{};
    };
    struct Shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, Bucket> buckets;
        std::uint32_t ops_since_sweep = 0;
    };
    static constexpr std::size_t kShards = 16;
    static constexpr std::uint32_t kSweepEvery = 4096;

    Shard& shard_for(std::string_view key);
    const Shard& shard_for(std::string_view key) const;
    [[nodiscard]] double refilled(const Bucket& b, Clock::time_point now) const;
    [[nodiscard]] RateLimitDecision decide(double tokens_after, bool allowed, double cost) const;
    void sweep_locked(Shard& shard, Clock::time_point now);

    Options options_;
    std::array<Shard, kShards> shards_;
};

}  // namespace basalt::http
