// Refresh-token rotation with concurrent calls sharing one statement (#4: >= 5,000 refreshes/s).
// Most of what a rotation costs PostgreSQL is per transaction, not per token: starting the
// executor for the rotation statement, the commit and its WAL flush, the round trip. So a call
// starts a batch at once while fewer than kMaxInFlight batches are running, and otherwise
// waits for the next batch, which starts as soon as one finishes and takes every rotation
// that arrived meanwhile. No timer: an idle server answers as fast as before, and batches grow
// only while the database is the bottleneck. Every rotation keeps its own outcome; a batch
// that fails as a whole (a deadlock with a concurrent logout, say) is retried one by one.
#include <deque>
#include <mutex>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "auth/store.hpp"
#include "common/log.hpp"

namespace basalt::auth {

namespace {

constexpr int kMaxInFlight = 4;         // batch statements at once, each on its own connection
constexpr std::size_t kMaxBatch = 64;   // rotations per statement

}  // namespace

// A call waiting for its batch. It sleeps on `wake` (a timer on its own executor) until whoever
// changes `state` cancels the timer; state and result are guarded by RotationQueue::mutex.
struct Store::PendingRotation {
    enum class State { kQueued, kLead, kDone, kAlone };
    PendingRotation(Rotation r, const boost::asio::any_io_executor& executor)
        : rotation(std::move(r)), wake(executor) {}
    Rotation rotation;
    State state = State::kQueued;
    std::optional<RefreshAttempt> result;
    boost::asio::steady_timer wake;
};

// Waiting calls are held weakly: a call's coroutine owns its entry, so an entry (and its timer)
// never outlives the io_context it waits on, even if the server stops with calls queued.
struct Store::RotationQueue {
    std::mutex mutex;
    std::deque<std::weak_ptr<PendingRotation>> waiting;
    int in_flight = 0;
};

Store::Store(db::Pool& pool) : pool_(pool), rotations_(std::make_unique<RotationQueue>()) {}
Store::~Store() = default;

Awaitable<std::optional<Store::RefreshAttempt>> Store::refresh_and_rotate(Rotation rotation) {
    using State = PendingRotation::State;
    auto self = std::make_shared<PendingRotation>(std::move(rotation), co_await boost::asio::this_coro::executor);
    RotationQueue& q = *rotations_;
    State state = State::kLead;
    {
        std::lock_guard lock(q.mutex);
        if (q.in_flight < kMaxInFlight) {
            ++q.in_flight;
        } else {
            q.waiting.push_back(self);
            state = State::kQueued;
        }
    }
    while (state == State::kQueued) {
        // Re-armed every second: a lost wake-up would cost a second, never a hang.
        self->wake.expires_after(std::chrono::seconds(1));
        boost::system::error_code ec;
        co_await self->wake.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        std::lock_guard lock(q.mutex);
        state = self->state;
    }
    if (state == State::kDone) co_return std::move(self->result);
    if (state == State::kAlone) {
        const std::vector<Rotation> alone{self->rotation};
        co_return (co_await rotate_batch(alone))[0];
    }
    co_return co_await lead_rotations(std::move(self));
}

// Runs one batch: `self` and the rotations waiting now (one per presented token: a second
// request for the same token waits for the next batch, where it finds the token rotated).
// Then hands its place to the first rotation still waiting.
Awaitable<std::optional<Store::RefreshAttempt>> Store::lead_rotations(std::shared_ptr<PendingRotation> self) {
    using State = PendingRotation::State;
    RotationQueue& q = *rotations_;
    std::vector<std::shared_ptr<PendingRotation>> members{self};
    {
        std::lock_guard lock(q.mutex);
        for (auto it = q.waiting.begin(); it != q.waiting.end() && members.size() < kMaxBatch;) {
            auto p = it->lock();
            bool duplicate = false;
            for (const auto& m : members) duplicate = duplicate || (p && m->rotation.token_hash == p->rotation.token_hash);
            if (duplicate) {
                ++it;
            } else {
                if (p) members.push_back(std::move(p));
                it = q.waiting.erase(it);
            }
        }
    }
    std::vector<Rotation> batch;
    batch.reserve(members.size());
    for (const auto& m : members) batch.push_back(m->rotation);

    std::vector<std::optional<RefreshAttempt>> results;
    std::exception_ptr error;
    try {
        results = co_await rotate_batch(batch);
    } catch (const std::exception& e) {
        error = std::current_exception();
        if (members.size() > 1)
            log::warn("auth: {} refresh rotations failed together ({}); retrying them one by one", members.size(),
                      e.what());
    } catch (...) {
        error = std::current_exception();
    }

    std::vector<std::shared_ptr<PendingRotation>> woken;
    {
        std::lock_guard lock(q.mutex);
        for (std::size_t i = 1; i < members.size(); ++i) {
            members[i]->state = error ? State::kAlone : State::kDone;
            if (!error) members[i]->result = std::move(results[i]);
            woken.push_back(members[i]);
        }
        std::shared_ptr<PendingRotation> next;
        while (!next && !q.waiting.empty()) {
            next = q.waiting.front().lock();
            q.waiting.pop_front();
        }
        if (next) {
            next->state = State::kLead;
            woken.push_back(std::move(next));
        } else {
            --q.in_flight;
        }
    }
    // Each timer belongs to its waiter's thread: cancel it there.
    for (const auto& p : woken) boost::asio::post(p->wake.get_executor(), [p] { p->wake.cancel(); });

    if (!error) co_return std::move(results[0]);
    if (members.size() == 1) std::rethrow_exception(error);
    const std::vector<Rotation> alone{self->rotation};
    co_return (co_await rotate_batch(alone))[0];
}

}  // namespace basalt::auth
