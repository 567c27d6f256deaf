// The live schema cache: holds the current immutable SchemaSnapshot and swaps it whole after a
// reload, so requests in flight keep the snapshot they started with and never block on a
// reload. Reloads are debounced: a burst of DDL (a migration) causes one catalog query.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "meta/schema_snapshot.hpp"

namespace basalt::db {
class Pool;
}

namespace basalt::meta {

class SchemaCache {
public:
    // PostgREST's channel and payloads: NOTIFY pgrst, 'reload schema' (or an empty payload).
    static constexpr std::string_view kChannel = "pgrst";

    SchemaCache(std::vector<std::string> schemas, db::Pool& pool,
                std::chrono::milliseconds debounce = std::chrono::milliseconds(100));
    ~SchemaCache();
    SchemaCache(const SchemaCache&) = delete;
    SchemaCache& operator=(const SchemaCache&) = delete;

    // The snapshot to plan a request with; nullptr until the first successful load.
    [[nodiscard]] SnapshotPtr current() const { return snapshot_.load(); }
    void set(SnapshotPtr snapshot) { snapshot_.store(std::move(snapshot)); }

    [[nodiscard]] const std::vector<std::string>& schemas() const { return schemas_; }
    [[nodiscard]] bool ready() const { return current() != nullptr; }
    [[nodiscard]] bool reload_pending() const { return scheduled_.load(); }
    [[nodiscard]] std::uint64_t generation() const { return generation_.load(); }

    // Loads the catalog now and swaps the snapshot in. Throws ErrorException when the catalog
    // cannot be read (the previous snapshot stays in place).
    boost::asio::awaitable<void> reload();

    // Debounced reload on `executor` (set by start()); callable from any thread. Used for
    // LISTEN notifications and after the server's own DDL.
    void request_reload();

    // When a reload is queued or running, waits (up to `limit`) until it has finished and
    // returns true; false at once when none is pending. Lets a request that missed an object
    // created a moment ago see it instead of a "not in the schema cache" error.
    boost::asio::awaitable<bool> await_pending_reload(std::chrono::milliseconds limit);

    // The miss path of a request: waits for a pending reload, or, when none is pending but the
    // database's DDL counter moved past the snapshot's (the NOTIFY is still on its way), starts
    // one and waits for it. True when a newer snapshot is in place.
    boost::asio::awaitable<bool> catch_up(std::chrono::milliseconds limit);

    // Feeds one notification from the `pgrst` channel. PostgREST reloads the schema cache on
    // 'reload schema' and on an empty payload; 'reload config' is ignored here.
    void on_notification(std::string_view payload);

    // Remembers where debounced reloads run. stop() makes later requests no-ops.
    void start(boost::asio::any_io_executor executor);
    void stop();

private:
    boost::asio::awaitable<void> debounced_reload();

    std::vector<std::string> schemas_;
    db::Pool& pool_;
    std::chrono::milliseconds debounce_;
    std::atomic<std::shared_ptr<const SchemaSnapshot>> snapshot_;
    std::atomic<bool> scheduled_{false};  // a debounced reload is queued or running
    std::atomic<bool> dirty_{false};      // another request arrived while it ran
    std::atomic<bool> stopped_{false};
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<std::int64_t> loaded_version_{-1};  // DDL counter the current snapshot was read at
    std::mutex executor_mutex_;
    boost::asio::any_io_executor executor_;
};

}  // namespace basalt::meta
