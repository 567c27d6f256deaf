// Prometheus metrics registry: request counters and latency histograms recorded by the HTTP
// server, plus callback metrics other modules register (pool usage, pg_up). Rendered as the
// Prometheus text exposition format 0.0.4 by GET /metrics (see health.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace basalt::http {

struct MetricSample {
    std::vector<std::pair<std::string, std::string>> labels;  // {{"shard","0"}}
    double value = 0;
};

enum class MetricType { kGauge, kCounter };

// Thread-safe. Recording is sharded per thread (each I/O thread hits its own uncontended mutex;
// the shards are merged only when scraped), so the request path never contends.
//
//   metrics.add_gauge("pg_up", "1 when the database answers", [&] { return pool.healthy() ? 1 : 0; });
//   metrics.add_callback("db_pool_connections", "pool connections by state", MetricType::kGauge,
//                        [&] { return std::vector<MetricSample>{{{{"state", "idle"}}, 3}}; });
class Metrics {
public:
    Metrics();
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // http_requests_total{route,method,status} and http_request_duration_seconds{route,method}.
    // `route` is the matched pattern ("" = no route matched; reported as "unmatched").
    void observe_request(std::string_view route, std::string_view method, int status, double seconds);

    // Callbacks run on the scraping thread, so they must be thread-safe themselves.
    void add_gauge(std::string name, std::string help, std::function<double()> read);
    void add_callback(std::string name, std::string help, MetricType type,
                      std::function<std::vector<MetricSample>()> read);

    [[nodiscard]] std::string render() const;

    static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,    0.25,  0.5,    1,     2.5,   5,     10};

private:
    struct RouteStats {
        std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative counts
        std::uint64_t count = 0;
        double sum = 0;
        std::vector<std::pair<int, std::uint64_t>> statuses;
    };
    using Key = std::pair<std::string, std::string>;  // route, method
    // Transparent ordering so lookups with string_views do not allocate.
    struct KeyLess {
        using is_transparent = void;
        template <typename A, typename B>
        bool operator()(const A& a, const B& b) const {
            return std::pair<std::string_view, std::string_view>(a.first, a.second) <
                   std::pair<std::string_view, std::string_view>(b.first, b.second);
        }
    };
    using StatsMap = std::map<Key, RouteStats, KeyLess>;
    struct Shard {
        mutable std::mutex mutex;
        StatsMap stats;
    };
    struct Callback {
        std::string name;
        std::string help;
        MetricType type;
        std::function<std::vector<MetricSample>()> read;
    };
    static constexpr std::size_t kShards = 16;

    Shard& my_shard();

    std::array<Shard, kShards> shards_;
    mutable std::mutex callbacks_mutex_;
    std::vector<Callback> callbacks_;
};

}  // namespace basalt::http
