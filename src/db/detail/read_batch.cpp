// ReadBatch: gathering, one flush, results handed out in order.
#include "db/detail/read_batch.hpp"

#include <algorithm>

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace basalt::db::detail {

namespace asio = boost::asio;

ReadBatch::ReadBatch(Lease lease, std::chrono::milliseconds timeout)
    : lease_(std::move(lease)), timeout_(timeout) {
    lease_->start_pipeline();
}

ReadBatch::~ReadBatch() {
    // Only at shutdown (the io_context destroyed the running batch): the waiting callers'
    // frames die with their handlers. Each handler is moved out first, as destroying it
    // destroys the Entry it lived in.
    for (Entry* e : entries_) {
        if (e == nullptr || !e->resume) continue;
        auto resume = std::move(*e->resume);
        e->resume.reset();
    }
}

Awaitable<ReadBatch::Outcome> ReadBatch::submit(std::span<const Step> steps) {
    if (sealed_) throw ErrorException(Error::internal_error("read batch joined after it was sent"));
    lease_->queue(steps);  // a failure here marks the connection broken: the whole batch fails
    lease_.shard()->batched_reads.fetch_add(1, std::memory_order_relaxed);
    Entry e;
    e.steps = steps;
    e.outcome.results.resize(steps.size());
    entries_.push_back(&e);
    co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
        [&e](auto handler) { e.resume.emplace(std::move(handler)); }, asio::use_awaitable);
    co_return std::move(e.outcome);
}

void ReadBatch::deliver(std::size_t index, std::exception_ptr error) {
    Entry& e = *entries_[index];
    entries_[index] = nullptr;  // the caller's frame, and the Entry in it, may go from now on
    auto& results = e.outcome.results;
    // Unanswered: nothing but errors libpq made up itself (they carry no SQLSTATE).
    if (error) {
        e.outcome.unanswered = std::all_of(results.begin(), results.end(), [](const ResultPtr& r) {
            return !r || (is_error(r.get()) && result_sqlstate(r.get()).empty());
        });
    }
    e.outcome.error = std::move(error);
    auto resume = std::move(*e.resume);
    e.resume.reset();
    // Posted, not called: the caller resumes on its own turn, not inside this reader.
    asio::post(lease_.shard()->executor(), std::move(resume));
}

Awaitable<void> ReadBatch::run(std::shared_ptr<ReadBatch> self) {
    // Turns of the event loop before sending: each lets the requests queued on this thread
    // join, and between turns the loop polls its sockets without blocking, so requests that
    // arrived meanwhile join too. Six made the fullest batches in bench/rest (two: ~6% fewer
    // requests/s); a lone request loses nothing measurable (wrk -c1: same latency). No timer:
    // a turn never waits for anything.
    constexpr int kGatherTurns = 6;
    const auto ex = co_await asio::this_coro::executor;
    for (int turn = 0; turn < kGatherTurns; ++turn) co_await asio::post(ex, asio::use_awaitable);
    self->lease_.shard()->seal_read_batch(self.get());
    self->sealed_ = true;
    Connection& c = *self->lease_;
    auto& entries = self->entries_;
    std::size_t next = 0;
    try {
        Connection::Deadline deadline(c, self->timeout_);
        co_await c.send_queued();
        auto last_answer = std::chrono::steady_clock::now();
        for (; next < entries.size(); ++next) {
            Entry& e = *entries[next];
            co_await c.read_results(e.steps, e.outcome.results);
            const auto now = std::chrono::steady_clock::now();
            e.outcome.took = now - last_answer;
            last_answer = now;
            self->deliver(next, nullptr);
        }
        c.end_pipeline();
    } catch (...) {
        // Connection lost, deadline passed or protocol trouble: whoever still waits gets the
        // error, and the lease gives the broken connection back to be dropped.
        c.mark_broken();
        const auto error = std::current_exception();
        for (; next < entries.size(); ++next) self->deliver(next, error);
    }
    entries.clear();
}

}  // namespace basalt::db::detail
