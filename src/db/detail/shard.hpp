// One pool shard: the connections of one io_context thread, the queue of coroutines waiting
// for one, lazy creation, and the backoff that makes requests fail fast while the database
// is down. Everything here runs on that one thread; only the counters are read elsewhere.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "db/detail/connection.hpp"
#include "db/detail/read_times.hpp"
#include "db/detail/role_guard.hpp"

namespace basalt::db::detail {

class Shard;
class ReadBatch;

// A checked-out connection; gives it back to its shard when destroyed.
class Lease {
public:
    Lease() = default;
    Lease(Shard* shard, std::shared_ptr<Connection> conn) : shard_(shard), conn_(std::move(conn)) {}
    Lease(Lease&& o) noexcept : shard_(o.shard_), conn_(std::move(o.conn_)) {}
    Lease& operator=(Lease&& o) noexcept;
    ~Lease() { reset(); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    Connection* operator->() const { return conn_.get(); }
    Connection& operator*() const { return *conn_; }
    [[nodiscard]] const std::shared_ptr<Connection>& shared() const { return conn_; }
    explicit operator bool() const { return conn_ != nullptr; }
    [[nodiscard]] Shard* shard() const { return shard_; }
    void reset();

private:
    Shard* shard_ = nullptr;
    std::shared_ptr<Connection> conn_;
};

struct ShardOptions {
    std::size_t max_connections = 1;
    const ConnectParams* params = nullptr;
    std::atomic<bool>* database_up = nullptr;  // shared by all shards, for stats()/health
};

class Shard {
public:
    Shard(boost::asio::any_io_executor ex, ShardOptions options);
    ~Shard();
    Shard(const Shard&) = delete;
    Shard& operator=(const Shard&) = delete;

    // An idle connection, a new one (lazily, while below the limit), or the next one released
    // within `timeout`. Throws 503 db.unavailable (down / backing off) or db.pool_timeout.
    // An idle connection is checked for a server-side close (one recv) unless it was given
    // back within the last second; `always_check` checks it anyway.
    Awaitable<Lease> acquire(std::chrono::milliseconds timeout, bool always_check = false);

    // The read batch gathering on this thread now (read_batch.hpp), or a new one on a
    // connection acquired within `acquire_timeout` whose round trip gets `timeout`. Submit to it
    // before suspending again. Throws like acquire().
    Awaitable<ReadBatch*> join_read_batch(std::chrono::milliseconds acquire_timeout,
                                          std::chrono::milliseconds timeout);
    // The batch stops taking requests (it is being sent).
    void seal_read_batch(const ReadBatch* batch) {
        if (gathering_ == batch) gathering_ = nullptr;
    }

    // Drops idle connections and fails waiters and future acquires. Shard thread only (or
    // when no thread runs the io_context any more).
    void close();

    [[nodiscard]] const boost::asio::any_io_executor& executor() const { return ex_; }

    std::atomic<std::size_t> total{0}, in_use{0}, idle_count{0}, waiting{0};
    std::atomic<std::uint64_t> read_batches{0}, batched_reads{0};
    RoleGuard roles;  // which request roles are allowed (shard thread only)
    ReadTimes read_times;  // which reads are fast enough to batch (shard thread only)

private:
    friend class Lease;
    struct Waiter;
    void release(std::shared_ptr<Connection> conn);
    void drop(std::shared_ptr<Connection> conn);
    void wake_for_retry();
    void connect_failed(const Error& e);
    void connect_succeeded();
    Awaitable<Lease> open_connection();

    boost::asio::any_io_executor ex_;
    ShardOptions opt_;
    std::vector<std::shared_ptr<Connection>> idle_;  // LIFO: the warmest connection first
    std::deque<Waiter*> waiters_;
    std::size_t open_ = 0;        // connected + connecting
    std::size_t connecting_ = 0;
    bool closed_ = false;
    // Backoff while connects fail: 100 ms doubling to 5 s; meanwhile requests fail at once.
    bool down_ = false;
    std::chrono::milliseconds backoff_{0};
    std::chrono::steady_clock::time_point next_attempt_{};
    std::string last_error_;
    ReadBatch* gathering_ = nullptr;  // owned by its running batch coroutine
};

}  // namespace basalt::db::detail
