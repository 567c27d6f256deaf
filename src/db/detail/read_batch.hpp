// Read batching: the implicit read-only transactions one I/O thread has ready within the same
// few turns of its event loop share one connection and one flush. Each keeps its own Sync, so
// each is still its own transaction with its own role, claims and errors; but PostgreSQL takes
// them in with one read and one wake-up of one backend, and this thread sends once and reads
// the answers as they stream back (cross-request pipelining, as high-throughput PostgreSQL
// clients such as Vert.x's do). In bench/rest it cut PostgreSQL's CPU per request by about a
// third. The price: the requests of one batch run one after another on one backend, so batches
// are only formed from what is ready at the same moment (never by waiting), and the next batch
// takes another connection while one is in flight.
#pragma once

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>

#include "db/detail/connection.hpp"
#include "db/detail/shard.hpp"

namespace basalt::db::detail {

class ReadBatch {
public:
    ReadBatch(Lease lease, std::chrono::milliseconds timeout);
    ~ReadBatch();
    ReadBatch(const ReadBatch&) = delete;
    ReadBatch& operator=(const ReadBatch&) = delete;

    // The batch's connection: build the steps against its statement cache. Shared, so the
    // caller may still update that cache after the batch has given the connection back.
    [[nodiscard]] const std::shared_ptr<Connection>& connection() const { return lease_.shared(); }

    struct Outcome {
        std::vector<ResultPtr> results;   // one per step; server errors are error results
        std::exception_ptr error;         // the connection failed (503) or the deadline passed (504)
        bool unanswered = false;          // with error: not one result of these steps had come
        std::chrono::nanoseconds took{};  // from the previous read's last answer (or the send)
    };
    // Queues the steps (one or more Sync-terminated segments) and waits for their results.
    // Call without suspending after Shard::join_read_batch() returned this batch.
    Awaitable<Outcome> submit(std::span<const Step> steps);

    // The batch's life, spawned by the shard that opened it: waits a few turns of the event
    // loop so the other requests ready now can join, closes the batch to newcomers, sends it and
    // hands each request its results as soon as they have arrived.
    static Awaitable<void> run(std::shared_ptr<ReadBatch> self);

private:
    struct Entry {
        std::span<const Step> steps;
        Outcome outcome;
        std::optional<boost::asio::any_completion_handler<void()>> resume;
    };
    void deliver(std::size_t index, std::exception_ptr error);

    Lease lease_;
    std::chrono::milliseconds timeout_;
    std::vector<Entry*> entries_;  // each lives in its waiting caller's frame; null once delivered
    bool sealed_ = false;
};

}  // namespace basalt::db::detail
