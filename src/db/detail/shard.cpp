// Shard: acquire/release with direct hand-off to the oldest waiter, lazy connects, and the
// outage policy (drop broken connections, back off, fail fast, recover on the next attempt).
#include "db/detail/shard.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"
#include "db/detail/read_batch.hpp"

namespace basalt::db::detail {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

Lease& Lease::operator=(Lease&& o) noexcept {
    if (this != &o) {
        reset();
        shard_ = o.shard_;
        conn_ = std::move(o.conn_);
    }
    return *this;
}

void Lease::reset() {
    if (conn_ && shard_) shard_->release(std::move(conn_));
    conn_.reset();
}

// A coroutine parked in acquire(). release() hands it a connection (or asks it to retry
// because a slot freed up) and cancels its timer to wake it; expiry means pool timeout.
struct Shard::Waiter {
    explicit Waiter(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    std::shared_ptr<Connection> conn;
    bool retry = false;
    bool queued = true;
};

Shard::Shard(asio::any_io_executor ex, ShardOptions options) : ex_(std::move(ex)), opt_(options) {}

Shard::~Shard() { close(); }

void Shard::close() {
    closed_ = true;
    open_ -= idle_.size();
    total -= idle_.size();
    idle_.clear();
    idle_count = 0;
    while (!waiters_.empty()) wake_for_retry();
}

void Shard::drop(std::shared_ptr<Connection> conn) {
    conn.reset();
    --open_;
    --total;
    wake_for_retry();
}

void Shard::wake_for_retry() {
    if (waiters_.empty()) return;
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    w->queued = false;
    w->retry = true;
    w->timer.cancel();
}

void Shard::release(std::shared_ptr<Connection> conn) {
    --in_use;
    // Anything but a clean idle session (open transaction, pending result, lost socket) is
    // not worth repairing: close it so no request ever inherits another one's state.
    if (closed_ || !conn->idle()) {
        drop(std::move(conn));
        return;
    }
    if (!waiters_.empty()) {
        Waiter* w = waiters_.front();
        waiters_.pop_front();
        w->queued = false;
        w->conn = std::move(conn);
        ++in_use;
        w->timer.cancel();
        return;
    }
    conn->mark_released(Clock::now());
    idle_.push_back(std::move(conn));
    ++idle_count;
}

void Shard::connect_failed(const Error& e) {
    backoff_ = down_ ? std::min(backoff_ * 2, std::chrono::milliseconds(5s)) : 100ms;
    if (!down_) log::warn("database unavailable: {}", e.internal);
    down_ = true;
    next_attempt_ = Clock::now() + backoff_;
    last_error_ = e.internal;
    opt_.database_up->store(false);
    // Waiters would otherwise sit out their whole timeout; let them fail fast too.
    while (!waiters_.empty()) wake_for_retry();
}

void Shard::connect_succeeded() {
    if (down_) log::info("database connection restored");
    down_ = false;
    backoff_ = 0ms;
    opt_.database_up->store(true);
}

Awaitable<Lease> Shard::open_connection() {
    ++open_;
    ++total;
    ++connecting_;
    // Undo the counts if the attempt fails or the frame is destroyed at shutdown.
    struct Guard {
        Shard& s;
        bool done = false;
        ~Guard() {
            --s.connecting_;
            if (!done) {
                --s.open_;
                --s.total;
            }
        }
    } guard{*this};
    auto conn = std::make_shared<Connection>(ex_);
    try {
        co_await conn->connect(*opt_.params);
    } catch (const ErrorException& e) {
        connect_failed(e.error());
        throw;
    }
    connect_succeeded();
    guard.done = true;
    ++in_use;
    co_return Lease(this, std::move(conn));
}

Awaitable<Lease> Shard::acquire(std::chrono::milliseconds timeout, bool always_check) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (closed_) throw ErrorException(unavailable_error("connection pool is closed"));
        while (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            --idle_count;
            ++in_use;
            const bool trusted = !always_check && conn->recently_released(Clock::now());
            if (trusted || conn->alive()) co_return Lease(this, std::move(conn));
            --in_use;
            drop(std::move(conn));  // server restarted or killed it while idle
        }
        if (open_ < opt_.max_connections) {
            // While down, one probe at a time after the backoff; everyone else fails now.
            if (down_ && (Clock::now() < next_attempt_ || connecting_ > 0)) {
                throw ErrorException(unavailable_error(last_error_));
            }
            co_return co_await open_connection();
        }
        auto now = Clock::now();
        if (now >= deadline) break;
        Waiter w(ex_);
        w.timer.expires_at(deadline);
        waiters_.push_back(&w);
        ++waiting;
        struct Unpark {
            Shard& s;
            Waiter& w;
            ~Unpark() {
                --s.waiting;
                if (w.queued) s.waiters_.erase(std::find(s.waiters_.begin(), s.waiters_.end(), &w));
                if (w.conn) s.release(std::move(w.conn));  // handed over but never resumed
            }
        } unpark{*this, w};
        co_await w.timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (w.conn) co_return Lease(this, std::move(w.conn));
        if (!w.retry) break;
    }
    Error e = Error::unavailable("db.pool_timeout", "Timed out acquiring connection from connection pool.");
    e.internal = "no database connection became free within the acquire timeout";
    throw ErrorException(std::move(e));
}

Awaitable<ReadBatch*> Shard::join_read_batch(std::chrono::milliseconds acquire_timeout,
                                             std::chrono::milliseconds timeout) {
    if (gathering_ != nullptr) co_return gathering_;
    // One recv per batch, not per request: every batch checks its connection, so one the
    // server closed while idle is replaced instead of failing a whole batch.
    Lease lease = co_await acquire(acquire_timeout, /*always_check=*/true);
    // Another request may have opened one while this one waited: join it, give the lease back.
    if (gathering_ != nullptr) co_return gathering_;
    auto batch = std::make_shared<ReadBatch>(std::move(lease), timeout);
    gathering_ = batch.get();
    read_batches.fetch_add(1, std::memory_order_relaxed);
    asio::co_spawn(ex_, ReadBatch::run(std::move(batch)), asio::detached);
    co_return gathering_;
}

}  // namespace basalt::db::detail
