// Which reads may share a batch (read_batch.hpp). The reads of one batch run one after another
// on one backend, so a slow one holds up every read behind it: only statements seen to be fast
// on this thread are batched. Each statement's time is kept as an average that follows faster
// runs at once and slower ones slowly; a statement not seen yet, or above kBatchable, runs on a
// connection of its own (which measures it too, so a statement that becomes fast is batched
// again). A statement that is fast for most values and slow for a few is batched, and its slow
// runs delay the reads behind them in their batch.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace basalt::db::detail {

class ReadTimes {
public:
    static constexpr std::chrono::microseconds kBatchable{2000};
    static constexpr std::size_t kMaxStatements = 4096;  // then forgotten and learnt again

    [[nodiscard]] bool batchable(std::string_view sql) const {
        auto it = average_us_.find(sql);
        return it != average_us_.end() && it->second < double(kBatchable.count());
    }

    void record(std::string_view sql, std::chrono::nanoseconds took) {
        const double us = double(took.count()) / 1000.0;
        auto it = average_us_.find(sql);
        if (it == average_us_.end()) {
            if (average_us_.size() >= kMaxStatements) average_us_.clear();
            average_us_.emplace(std::string(sql), us);
            return;
        }
        // A faster run counts at once, a slower one an eighth: on a busy machine every run is
        // slowed by waiting for a CPU, and the fast runs show what the statement itself costs.
        it->second = us < it->second ? us : it->second + (us - it->second) / 8.0;
    }

    // Records the time from its construction to its destruction for `sql` (nothing when
    // `times` is null), so a read that throws is measured too.
    class Stopwatch {
    public:
        Stopwatch(ReadTimes* times, std::string_view sql) : times_(times), sql_(sql) {}
        ~Stopwatch() {
            if (times_) times_->record(sql_, std::chrono::steady_clock::now() - started_);
        }
        Stopwatch(const Stopwatch&) = delete;
        Stopwatch& operator=(const Stopwatch&) = delete;

    private:
        ReadTimes* times_;
        std::string_view sql_;
        std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    };

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, double, Hash, std::equal_to<>> average_us_;
};

}  // namespace basalt::db::detail
