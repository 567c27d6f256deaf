// Token buckets: refill continuously at per_second up to burst; one shard lock per lookup.
#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace basalt::http {

RateLimiter::RateLimiter(Options options) : options_(options) {
    options_.per_second = std::max(options_.per_second, 1e-9);
    options_.burst = std::max<std::int64_t>(options_.burst, 1);
    options_.max_keys = std::max<std::size_t>(options_.max_keys, kShards);
}

RateLimiter::Shard& RateLimiter::shard_for(std::string_view key) {
    return shards_[std::hash<std::string_view>{}(key) % kShards];
}
const RateLimiter::Shard& RateLimiter::shard_for(std::string_view key) const {
    return shards_[std::hash<std::string_view>{}(key) % kShards];
}

double RateLimiter::refilled(const Bucket& b, Clock::time_point now) const {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    if (elapsed <= 0) return b.tokens;
    return std::min(double(options_.burst), b.tokens + elapsed * options_.per_second);
}

RateLimitDecision RateLimiter::decide(double tokens, bool allowed, double cost) const {
    RateLimitDecision d;
    d.allowed = allowed;
    d.limit = options_.burst;
    d.remaining = std::max<std::int64_t>(0, std::int64_t(std::floor(tokens)));
    const double missing = double(options_.burst) - tokens;
    d.reset_seconds = missing <= 0 ? 0 : std::int64_t(std::ceil(missing / options_.per_second));
    if (!allowed) {
        const double wait = (cost - tokens) / options_.per_second;
        d.retry_after_seconds = std::max<std::int64_t>(1, std::int64_t(std::ceil(wait)));
    }
    return d;
}

RateLimitDecision RateLimiter::consume(std::string_view key, Clock::time_point now, double cost) {
    Shard& shard = shard_for(key);
    std::lock_guard lock(shard.mutex);
    if (++shard.ops_since_sweep >= kSweepEvery ||
        shard.buckets.size() >= options_.max_keys / kShards) {
        sweep_locked(shard, now);
    }
    auto it = shard.buckets.find(std::string(key));
    if (it == shard.buckets.end()) {
        it = shard.buckets.emplace(std::string(key), Bucket{double(options_.burst), now}).first;
    }
    Bucket& b = it->second;
    b.tokens = refilled(b, now);
    b.last = std::max(b.last, now);
    if (b.tokens + 1e-9 >= cost) {
        b.tokens = std::max(0.0, b.tokens - cost);
        return decide(b.tokens, true, cost);
    }
    return decide(b.tokens, false, cost);
}

RateLimitDecision RateLimiter::peek(std::string_view key, Clock::time_point now) const {
    const Shard& shard = shard_for(key);
    std::lock_guard lock(shard.mutex);
    auto it = shard.buckets.find(std::string(key));
    const double tokens = it == shard.buckets.end() ? double(options_.burst) : refilled(it->second, now);
    const bool allowed = tokens + 1e-9 >= 1.0;
    return decide(tokens, allowed, 1.0);
}

void RateLimiter::reset(std::string_view key) {
    Shard& shard = shard_for(key);
    std::lock_guard lock(shard.mutex);
    shard.buckets.erase(std::string(key));
}

void RateLimiter::sweep_locked(Shard& shard, Clock::time_point now) {
    shard.ops_since_sweep = 0;
    std::erase_if(shard.buckets, [&](const auto& kv) { return refilled(kv.second, now) >= double(options_.burst); });
    // Still over budget: every remaining client is active. Forget an eighth of them rather
    // than grow; see the class comment for why failing open is the lesser evil here.
    const std::size_t cap = options_.max_keys / kShards;
    if (shard.buckets.size() >= cap) {
        std::size_t drop = std::max<std::size_t>(1, shard.buckets.size() / 8);
        for (auto it = shard.buckets.begin(); it != shard.buckets.end() && drop > 0; --drop) {
            it = shard.buckets.erase(it);
        }
    }
}

std::size_t RateLimiter::evict_idle(Clock::time_point now) {
    std::size_t dropped = 0;
    for (Shard& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        const std::size_t before = shard.buckets.size();
        shard.ops_since_sweep = 0;
        std::erase_if(shard.buckets, [&](const auto& kv) { return refilled(kv.second, now) >= double(options_.burst); });
        dropped += before - shard.buckets.size();
    }
    return dropped;
}

std::size_t RateLimiter::size() const {
    std::size_t n = 0;
    for (const Shard& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        n += shard.buckets.size();
    }
    return n;
}

}  // namespace basalt::http
