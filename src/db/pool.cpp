// Pool: routes each call to the caller's shard, leases a connection and runs the matching
// recipe from detail/execute.cpp. No call blocks a thread; every wait has a deadline.
#include "db/pool.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include "common/log.hpp"
#include "db/detail/execute.hpp"
#include "db/detail/pool_impl.hpp"

namespace basalt::db {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {
std::atomic<std::uint64_t> g_next_pool_id{1};
}

Pool::Impl::Impl(Settings s, std::string_view conninfo, std::size_t io_threads)
    : settings(std::move(s)),
      params(detail::ConnectParams::make(conninfo, settings.statement_timeout_ms,
                                         std::chrono::milliseconds(settings.connect_timeout_ms))),
      id(g_next_pool_id++) {
    io_threads = std::max<std::size_t>(io_threads, 1);
    auto total = static_cast<std::size_t>(std::max<std::int64_t>(settings.pool_size, 1));
    per_shard = (total + io_threads - 1) / io_threads;
    shards.resize(io_threads);
    contexts.resize(io_threads, nullptr);
}

void Pool::Impl::check_open() const {
    if (closed) throw ErrorException(unavailable_error("connection pool is closed"));
}

detail::Shard& Pool::Impl::shard_for(const asio::any_io_executor& ex) {
    const asio::execution_context* ctx = &asio::query(ex, asio::execution::context);
    // Hot path without the lock: the last shard this thread used for this pool.
    struct Cached {
        std::uint64_t pool = 0;
        const asio::execution_context* ctx = nullptr;
        detail::Shard* shard = nullptr;
    };
    thread_local Cached cache;
    if (cache.pool == id && cache.ctx == ctx) return *cache.shard;

    std::lock_guard lock(mu);
    for (std::size_t i = 0; i < shards.size(); ++i) {
        if (contexts[i] == ctx && shards[i]) {
            cache = {id, ctx, shards[i].get()};
            return *shards[i];
        }
    }
    log::debug("db pool: creating a shard for an io_context that was not attached");
    shards.push_back(std::make_shared<detail::Shard>(ex, shard_options()));
    contexts.push_back(ctx);
    cache = {id, ctx, shards.back().get()};
    return *shards.back();
}

Pool::Pool(Settings settings, std::string conninfo, std::size_t io_threads)
    : impl_(std::make_unique<Impl>(std::move(settings), conninfo, io_threads)) {}

Pool::~Pool() {
    impl_->closed = true;
    std::lock_guard lock(impl_->mu);
    impl_->shards.clear();  // ~Shard closes idle connections
}

void Pool::attach(std::size_t index, asio::io_context& io) {
    std::lock_guard lock(impl_->mu);
    if (index >= impl_->shards.size()) {
        impl_->shards.resize(index + 1);
        impl_->contexts.resize(index + 1, nullptr);
    }
    impl_->shards[index] = std::make_shared<detail::Shard>(io.get_executor(), impl_->shard_options());
    impl_->contexts[index] = &io;
}

Awaitable<Rows> Pool::query(std::string_view sql, Params params) {
    impl_->check_open();
    auto& shard = impl_->shard_for(co_await asio::this_coro::executor);
    auto lease = co_await shard.acquire(impl_->acquire_timeout());
    co_return co_await detail::run_statement(*lease, sql, params, /*authenticated=*/true,
                                             /*in_transaction=*/false, impl_->op_timeout());
}

Awaitable<Rows> Pool::execute(std::string_view script) {
    impl_->check_open();
    auto& shard = impl_->shard_for(co_await asio::this_coro::executor);
    auto lease = co_await shard.acquire(impl_->acquire_timeout());
    auto result = co_await lease->simple(script, impl_->op_timeout());
    if (detail::is_error(result.get())) {
        throw ErrorException(detail::result_error(result.get(), true, true));
    }
    if (!lease->idle()) lease->mark_broken();  // the script left a transaction open
    co_return Rows(result);
}

Awaitable<Rows> Pool::run_in_tx(const TxContext& ctx, std::string_view sql, Params params,
                                bool rollback) {
    impl_->check_open();
    auto& shard = impl_->shard_for(co_await asio::this_coro::executor);
    // Read batching (detail/read_batch.hpp) for implicit reads this thread has seen to be fast.
    const bool batching = ctx.read_only && !rollback && impl_->settings.batch_reads;
    if (batching && shard.read_times.batchable(sql)) {
        if (!shard.roles.allowed_from_cache(ctx)) {
            auto lease = co_await shard.acquire(impl_->acquire_timeout());
            co_await shard.roles.check(*lease, ctx, impl_->op_timeout());
        }
        co_return co_await detail::run_batched_read(shard, ctx, sql, params,
                                                    impl_->acquire_timeout(), impl_->op_timeout());
    }
    auto lease = co_await shard.acquire(impl_->acquire_timeout());
    co_await shard.roles.check(*lease, ctx, impl_->op_timeout());
    // Timed whether it succeeds or not: a read failing fast (or timing out) is known too.
    const detail::ReadTimes::Stopwatch timing(batching ? &shard.read_times : nullptr, sql);
    co_return co_await detail::run_transaction(*lease, ctx, sql, params, rollback, impl_->op_timeout());
}

Awaitable<std::unique_ptr<Pool::Transaction>> Pool::begin(const TxContext& ctx) {
    impl_->check_open();
    auto& shard = impl_->shard_for(co_await asio::this_coro::executor);
    auto lease = co_await shard.acquire(impl_->acquire_timeout());
    co_await shard.roles.check(*lease, ctx, impl_->op_timeout());
    co_await detail::open_transaction(*lease, ctx, impl_->op_timeout());
    co_return detail::make_transaction(*impl_, std::move(lease), detail::is_authenticated(ctx));
}

Awaitable<bool> Pool::ping(std::chrono::milliseconds timeout) {
    try {
        impl_->check_open();
        auto& shard = impl_->shard_for(co_await asio::this_coro::executor);
        auto lease = co_await shard.acquire(std::min(timeout, impl_->acquire_timeout()));
        auto result = co_await lease->simple("SELECT 1", timeout);
        co_return result && PQresultStatus(result.get()) == PGRES_TUPLES_OK;
    } catch (const ErrorException& e) {
        log::debug("database ping failed: {}", e.error().internal);
    }
    co_return false;
}

Pool::Stats Pool::stats() const {
    Stats s;
    std::lock_guard lock(impl_->mu);
    for (const auto& shard : impl_->shards) {
        if (!shard) continue;
        s.total += shard->total;
        s.in_use += shard->in_use;
        s.idle += shard->idle_count;
        s.waiting += shard->waiting;
        s.read_batches += shard->read_batches.load(std::memory_order_relaxed);
        s.batched_reads += shard->batched_reads.load(std::memory_order_relaxed);
    }
    s.database_up = impl_->database_up;
    return s;
}

void Pool::close() {
    impl_->closed = true;
    std::lock_guard lock(impl_->mu);
    for (const auto& shard : impl_->shards) {
        if (!shard) continue;
        // Each shard is closed on its own thread; weak so a Pool destroyed first is fine.
        asio::post(shard->executor(), [weak = std::weak_ptr<detail::Shard>(shard)] {
            if (auto s = weak.lock()) s->close();
        });
    }
}

}  // namespace basalt::db
