// LISTEN/NOTIFY on a dedicated connection (schema cache reload, cross-node fan-out): calls
// back on every notification, reconnects with backoff and LISTENs again after an outage.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

namespace basalt::db {

class Listener {
public:
    using NotifyCallback = std::function<void(std::string_view channel, std::string_view payload)>;

    struct Options {
        std::string conninfo;
        // Exact channel names (they are quoted: `NOTIFY pgrst` arrives on "pgrst", lowercase).
        std::vector<std::string> channels;
        NotifyCallback on_notify;
        // After every successful (re)connect + LISTEN. Notifications sent while we were
        // disconnected are lost, so a cache should reload here as well.
        std::function<void()> on_connected;
        std::chrono::milliseconds connect_timeout{5000};
    };

    // Callbacks run on `ex` (one thread). Nothing happens before start().
    Listener(boost::asio::any_io_executor ex, Options options);
    ~Listener();  // stop()
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    void start();
    // Any thread. Closes the connection; no callback runs after the executor processes it.
    void stop();
    // LISTENing right now (false while connecting or backing off).
    [[nodiscard]] bool connected() const;

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace basalt::db
