// Metrics registry: counters per route/method/status, cumulative histogram buckets, callbacks,
// label escaping, and concurrent recording.
#include "http/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace basalt::http {
namespace {

bool contains(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

TEST(HttpMetrics, CountersAndHistogram) {
    Metrics m;
    m.observe_request("/rest/v1/:table", "GET", 200, 0.003);
    m.observe_request("/rest/v1/:table", "GET", 200, 0.2);
    m.observe_request("/rest/v1/:table", "GET", 404, 20);
    m.observe_request("", "BREW", 404, 0.0001);
    std::string t = m.render();
    EXPECT_TRUE(contains(t, "# TYPE http_requests_total counter\n"));
    EXPECT_TRUE(contains(t, "http_requests_total{route=\"/rest/v1/:table\",method=\"GET\",status=\"200\"} 2\n"));
    EXPECT_TRUE(contains(t, "http_requests_total{route=\"/rest/v1/:table\",method=\"GET\",status=\"404\"} 1\n"));
    EXPECT_TRUE(contains(t, "http_requests_total{route=\"unmatched\",method=\"OTHER\",status=\"404\"} 1\n"));
    EXPECT_TRUE(contains(t, "http_request_duration_seconds_bucket{route=\"/rest/v1/:table\",method=\"GET\",le=\"0.001\"} 0\n"));
    EXPECT_TRUE(contains(t, "http_request_duration_seconds_bucket{route=\"/rest/v1/:table\",method=\"GET\",le=\"0.005\"} 1\n"));
    EXPECT_TRUE(contains(t, "http_request_duration_seconds_bucket{route=\"/rest/v1/:table\",method=\"GET\",le=\"0.25\"} 2\n"));
    EXPECT_TRUE(contains(t, "http_request_duration_seconds_bucket{route=\"/rest/v1/:table\",method=\"GET\",le=\"10\"} 2\n"));
    EXPECT_TRUE(contains(t, "http_request_duration_seconds_bucket{route=\"/rest/v1/:table\",method=\"GET\",le=\"+Inf\"} 3\n"));
    EXPECT_TRUE(contains(t, "http_request_duration_seconds_count{route=\"/rest/v1/:table\",method=\"GET\"} 3\n"));
}

TEST(HttpMetrics, CallbacksAndEscaping) {
    Metrics m;
    m.add_gauge("pg_up", "1 when the database answers", [] { return 1.0; });
    m.add_callback("db_pool_connections", "pool connections", MetricType::kGauge, [] {
        return std::vector<MetricSample>{{{{"state", "idle"}}, 3}, {{{"state", "in \"use\""}}, 1.5}};
    });
    m.add_callback("broken", "throws", MetricType::kCounter,
                   []() -> std::vector<MetricSample> { throw std::runtime_error("x"); });
    std::string t = m.render();
    EXPECT_TRUE(contains(t, "# TYPE pg_up gauge\npg_up 1\n"));
    EXPECT_TRUE(contains(t, "db_pool_connections{state=\"idle\"} 3\n"));
    EXPECT_TRUE(contains(t, "db_pool_connections{state=\"in \\\"use\\\"\"} 1.5\n"));
    EXPECT_FALSE(contains(t, "broken"));
}

TEST(HttpMetrics, ConcurrentRecording) {
    Metrics m;
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            for (int j = 0; j < 10000; ++j) m.observe_request("/health", "GET", 200, 0.0001);
        });
    }
    std::string mid = m.render();  // scraping while recording is fine
    for (auto& t : threads) t.join();
    EXPECT_TRUE(contains(m.render(), "http_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} 40000\n"));
}

}  // namespace
}  // namespace basalt::http
