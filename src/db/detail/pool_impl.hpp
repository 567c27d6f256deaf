// Pool internals shared by pool.cpp and transaction.cpp: settings, the parsed conninfo and
// the shard table (one shard per io_context, found from the calling coroutine's executor).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>

#include "db/detail/connection.hpp"
#include "db/detail/shard.hpp"
#include "db/pool.hpp"

namespace basalt::db {

struct Pool::Impl {
    Impl(Settings s, std::string_view conninfo, std::size_t io_threads);

    // The shard of the io_context running the caller. Unattached contexts get a shard of
    // their own on first use (CLI tools, tests); each context must be run by one thread.
    detail::Shard& shard_for(const boost::asio::any_io_executor& ex);

    // Client-side deadline per request: generous next to statement_timeout, which is the real
    // limit; it only catches a server that stopped answering (network partition).
    [[nodiscard]] std::chrono::milliseconds op_timeout() const {
        if (settings.statement_timeout_ms <= 0) return std::chrono::milliseconds(0);
        return std::chrono::milliseconds(2 * settings.statement_timeout_ms +
                                         settings.connect_timeout_ms);
    }
    [[nodiscard]] std::chrono::milliseconds acquire_timeout() const {
        return std::chrono::milliseconds(settings.acquire_timeout_ms);
    }
    void check_open() const;

    detail::ShardOptions shard_options() { return {per_shard, &params, &database_up}; }

    Settings settings;
    detail::ConnectParams params;
    std::size_t per_shard = 1;
    std::uint64_t id = 0;  // distinguishes pools in the thread-local shard cache
    std::atomic<bool> closed{false};
    std::atomic<bool> database_up{false};

    mutable std::mutex mu;
    std::vector<std::shared_ptr<detail::Shard>> shards;           // index = attach() index
    std::vector<const boost::asio::execution_context*> contexts;  // parallel to shards
};

namespace detail {
std::unique_ptr<Pool::Transaction> make_transaction(Pool::Impl& pool, Lease lease,
                                                    bool authenticated);
}  // namespace detail

}  // namespace basalt::db
