// SchemaCache: one catalog statement per reload, atomic swap, and a debounce loop that
// coalesces NOTIFY bursts (a migration emits one event per DDL command).
#include "meta/schema_cache.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"
#include "db/pool.hpp"

namespace basalt::meta {

SchemaCache::SchemaCache(std::vector<std::string> schemas, db::Pool& pool,
                         std::chrono::milliseconds debounce)
    : schemas_(std::move(schemas)), pool_(pool), debounce_(debounce) {}

SchemaCache::~SchemaCache() { stop(); }

namespace {

// Kept out of the coroutines so they stay short.
SnapshotPtr snapshot_from_rows(const db::Rows& rows, const std::vector<std::string>& schemas) {
    if (rows.empty() || rows.is_null(0, 0)) {
        throw ErrorException(Error::internal_error("schema cache: catalog query returned no row"));
    }
    Json doc = parse_json_or_discarded(rows.get(0, 0));
    auto snap = snapshot_from_json(doc, schemas);
    if (!snap) throw ErrorException(snap.error());
    return std::make_shared<const SchemaSnapshot>(std::move(snap).value());
}

void log_loaded(const SchemaSnapshot& snap, std::chrono::steady_clock::time_point started) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    log::info("schema cache loaded: {} relations, {} functions in {} ms", snap.tables().size(),
              snap.functions().size(), ms);
}

void log_failure(const std::exception& e) {
    if (const auto* ee = dynamic_cast<const ErrorException*>(&e)) {
        log::error("schema cache reload failed: {} ({})", ee->error().message,
                   ee->error().internal);
    } else {
        log::error("schema cache reload failed: {}", e.what());
    }
}

db::TxContext catalog_context() {
    // search_path '' makes format_type()/pg_get_expr() schema-qualify user objects, so the
    // type names and default expressions stay valid under any request's search_path.
    db::TxContext ctx;
    // jit off: the statement's cost estimate crosses jit_above_cost, and compiling it took
    // ~400 ms of a ~460 ms reload while executing it takes a few.
    ctx.settings = {{"search_path", ""}, {"jit", "off"}};
    ctx.read_only = true;
    return ctx;
}

std::int64_t version_from(const db::Rows& rows, int col) {
    if (rows.empty() || rows.columns() <= col || rows.is_null(0, col)) return 0;
    try {
        return std::stoll(std::string(rows.get(0, col)));
    } catch (const std::exception&) {
        return 0;
    }
}

}  // namespace

boost::asio::awaitable<void> SchemaCache::reload() {
    const auto started = std::chrono::steady_clock::now();
    const db::TxContext ctx = catalog_context();
    // No braced initializer lists in coroutines: GCC 12 rejects their backing arrays.
    db::Params params;
    params.emplace_back(schemas_param(schemas_));
    db::Rows rows = co_await pool_.run_in_tx(ctx, catalog_query(), std::move(params));
    SnapshotPtr next = snapshot_from_rows(rows, schemas_);
    log_loaded(*next, started);
    loaded_version_.store(version_from(rows, 1));
    snapshot_.store(std::move(next));
    generation_.fetch_add(1);
}

boost::asio::awaitable<bool> SchemaCache::await_pending_reload(std::chrono::milliseconds limit) {
    if (!scheduled_.load() || stopped_.load()) co_return false;
    // Polling keeps this off the reload's path entirely: misses are rare (a typo, or a table
    // created a moment ago) and the wait ends within one tick of the swap.
    constexpr auto kTick = std::chrono::milliseconds(5);
    const std::uint64_t before = generation_.load();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    while (scheduled_.load() && generation_.load() == before && !stopped_.load() &&
           std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(kTick);
        co_await timer.async_wait(boost::asio::use_awaitable);
    }
    co_return generation_.load() != before;
}

boost::asio::awaitable<bool> SchemaCache::catch_up(std::chrono::milliseconds limit) {
    if (co_await await_pending_reload(limit)) co_return true;
    if (stopped_.load()) co_return false;
    std::int64_t current = 0;
    try {
        const db::TxContext ctx = catalog_context();
        db::Rows rows = co_await pool_.run_in_tx(ctx, schema_version_query());
        current = version_from(rows, 0);
    } catch (const std::exception& e) {
        log_failure(e);
        co_return false;
    }
    if (current == loaded_version_.load()) co_return false;
    request_reload();
    co_return co_await await_pending_reload(limit);
}

void SchemaCache::start(boost::asio::any_io_executor executor) {
    std::lock_guard lock(executor_mutex_);
    executor_ = std::move(executor);
    stopped_.store(false);
}

void SchemaCache::stop() { stopped_.store(true); }

void SchemaCache::on_notification(std::string_view payload) {
    if (payload.empty() || payload == "reload schema") request_reload();
}

void SchemaCache::request_reload() {
    if (stopped_.load()) return;
    dirty_.store(true);
    bool expected = false;
    if (!scheduled_.compare_exchange_strong(expected, true)) return;  // loop already queued
    boost::asio::any_io_executor ex;
    {
        std::lock_guard lock(executor_mutex_);
        ex = executor_;
    }
    if (!ex) {
        scheduled_.store(false);
        log::warn("schema cache: reload requested before start(); ignored");
        return;
    }
    boost::asio::co_spawn(ex, debounced_reload(), boost::asio::detached);
}

boost::asio::awaitable<void> SchemaCache::debounced_reload() {
    auto ex = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(ex);
    // Keep reloading while requests keep arriving; each pass waits out the debounce window
    // first so the catalog is read after the burst, not in the middle of it.
    // A never-ending burst still gets a reload after kMaxExtraWindows windows.
    constexpr int kMaxExtraWindows = 20;
    int extra_windows = 0;
    while (!stopped_.load() && dirty_.exchange(false)) {
        timer.expires_after(debounce_);
        co_await timer.async_wait(boost::asio::use_awaitable);
        if (dirty_.load() && extra_windows++ < kMaxExtraWindows) continue;  // still bursting
        dirty_.store(false);
        extra_windows = 0;
        try {
            co_await reload();
        } catch (const std::exception& e) {
            log_failure(e);
        }
    }
    scheduled_.store(false);
    // A request that raced with the final check above must not be lost.
    if (dirty_.load() && !stopped_.load()) {
        bool expected = false;
        if (scheduled_.compare_exchange_strong(expected, true)) {
            boost::asio::co_spawn(ex, debounced_reload(), boost::asio::detached);
        }
    }
}

}  // namespace basalt::meta
