// Metrics recording (per-thread shards) and Prometheus text rendering.
#include "http/metrics.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>

#include <fmt/format.h>

namespace basalt::http {

namespace {

std::string_view method_label(std::string_view m) {
    // Unknown methods are folded so a client cannot blow up label cardinality.
    static constexpr std::string_view kKnown[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    for (auto k : kKnown)
        if (m == k) return k;
    return "OTHER";
}

std::string escape_label(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out.push_back(c);
    }
    return out;
}

std::string format_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{}", v);
}

}  // namespace

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

Metrics::Shard& Metrics::my_shard() {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t index = next.fetch_add(1, std::memory_order_relaxed) % kShards;
    return shards_[index];
}

void Metrics::observe_request(std::string_view route, std::string_view method, int status, double seconds) {
    if (route.empty()) route = "unmatched";
    method = method_label(method);
    Shard& shard = my_shard();
    std::lock_guard lock(shard.mutex);
    auto it = shard.stats.find(std::pair<std::string_view, std::string_view>(route, method));
    if (it == shard.stats.end()) {
        it = shard.stats.emplace(Key{std::string(route), std::string(method)}, RouteStats{}).first;
    }
    RouteStats& s = it->second;
    auto b = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds);
    if (b != kBuckets.end()) ++s.buckets[std::size_t(b - kBuckets.begin())];
    ++s.count;
    s.sum += seconds;
    for (auto& [code, n] : s.statuses) {
        if (code == status) {
            ++n;
            return;
        }
    }
    s.statuses.emplace_back(status, 1);
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
    add_callback(std::move(name), std::move(help), MetricType::kGauge,
                 [read = std::move(read)] { return std::vector<MetricSample>{{{}, read()}}; });
}

void Metrics::add_callback(std::string name, std::string help, MetricType type,
                           std::function<std::vector<MetricSample>()> read) {
    std::lock_guard lock(callbacks_mutex_);
    callbacks_.push_back(Callback{std::move(name), std::move(help), type, std::move(read)});
}

std::string Metrics::render() const {
    // Merge the shards first so each lock is held only for a copy.
    StatsMap merged;
    for (const Shard& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        for (const auto& [key, s] : shard.stats) {
            RouteStats& m = merged[key];
            for (std::size_t i = 0; i < s.buckets.size(); ++i) m.buckets[i] += s.buckets[i];
            m.count += s.count;
            m.sum += s.sum;
            for (const auto& [code, n] : s.statuses) {
                auto it = std::find_if(m.statuses.begin(), m.statuses.end(), [&](auto& p) { return p.first == code; });
                if (it == m.statuses.end()) m.statuses.emplace_back(code, n);
                else it->second += n;
            }
        }
    }

    std::string out;
    out += "# HELP http_requests_total HTTP requests by route pattern, method and status.\n";
    out += "# TYPE http_requests_total counter\n";
    for (auto& [key, s] : merged) {
        std::sort(s.statuses.begin(), s.statuses.end());
        const std::string route = escape_label(key.first);
        for (const auto& [code, n] : s.statuses) {
            out += fmt::format("http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n", route,
                               key.second, code, n);
        }
    }
    out += "# HELP http_request_duration_seconds HTTP request latency by route pattern and method.\n";
    out += "# TYPE http_request_duration_seconds histogram\n";
    for (const auto& [key, s] : merged) {
        const std::string labels = fmt::format("route=\"{}\",method=\"{}\"", escape_label(key.first), key.second);
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            cumulative += s.buckets[i];
            out += fmt::format("http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, kBuckets[i],
                               cumulative);
        }
        out += fmt::format("http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, s.count);
        out += fmt::format("http_request_duration_seconds_sum{{{}}} {}\n", labels, s.sum);
        out += fmt::format("http_request_duration_seconds_count{{{}}} {}\n", labels, s.count);
    }

    std::lock_guard lock(callbacks_mutex_);
    for (const Callback& cb : callbacks_) {
        std::vector<MetricSample> samples;
        try {
            samples = cb.read();
        } catch (...) {
            continue;  // a failing probe must not break the whole scrape
        }
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", cb.name, cb.help, cb.name,
                           cb.type == MetricType::kGauge ? "gauge" : "counter");
        for (const MetricSample& sample : samples) {
            out += cb.name;
            if (!sample.labels.empty()) {
                out += '{';
                for (std::size_t i = 0; i < sample.labels.size(); ++i) {
                    if (i) out += ',';
                    out += fmt::format("{}=\"{}\"", sample.labels[i].first, escape_label(sample.labels[i].second));
                }
                out += '}';
            }
            out += ' ';
            out += format_value(sample.value);
            out += '\n';
        }
    }
    return out;
}

}  // namespace basalt::http
