// The HTTP/WebSocket server: one io_context per I/O thread, HTTP/1.1 keep-alive, limits and
// timeouts, the middleware pipeline (detail/pipeline.hpp) and graceful shutdown. No Beast types
// here: the transport lives in session.cpp.
//
//   http::Router router;
//   http::Metrics metrics;
//   http::add_health_routes(router, {.version = BASALT_VERSION, .metrics = &metrics});
//   http::Server server({.settings = cfg.server, .cors = cfg.cors, .rate_limits = cfg.rate_limits,
//                        .router = &router, .metrics = &metrics,
//                        .authenticate = http::make_bearer_authenticator(verify),
//                        .on_thread_start = [&](std::size_t i, asio::io_context& io) { pool.attach(i, io); },
//                        .handle_signals = true});
//   server.listen();   // throws ErrorException("http.listen_failed") e.g. when the port is taken
//   server.run();      // returns after SIGINT/SIGTERM (or stop()) and the drain
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "http/auth_context.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/settings.hpp"

namespace basalt::http {

struct ServerOptions {
    Settings settings;
    CorsSettings cors;
    RateLimitSettings rate_limits;
    bool json_access_log = false;    // access-log lines as JSON objects instead of text
    Router* router = nullptr;        // required; must outlive the server and not change once run() starts
    Metrics* metrics = nullptr;      // optional; request counters and latency go here
    Authenticator authenticate;      // empty = every request is anonymous
    // Runs on I/O thread `thread_index` before its event loop starts (attach per-thread state
    // such as a db pool shard). Thread 0 is the thread that calls run(). If it throws, the
    // server stops at once and run() rethrows the first such exception.
    std::function<void(std::size_t thread_index, boost::asio::io_context&)> on_thread_start;
    // run() installs SIGINT/SIGTERM handlers calling stop(); a second signal skips the grace period.
    bool handle_signals = false;
};

class Server {
public:
    explicit Server(ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens on settings.host:settings.port (port 0 = any free port; see port()).
    // Throws ErrorException{code "http.listen_failed"} with the address and the OS reason.
    void listen();
    // The bound port (the real one when settings.port was 0). Valid after listen().
    [[nodiscard]] unsigned short port() const;
    [[nodiscard]] std::size_t thread_count() const;
    // Event loop of I/O thread i (0 <= i < thread_count()); valid for the server's lifetime.
    [[nodiscard]] boost::asio::io_context& io_context(std::size_t i);

    // Runs every I/O thread (the caller becomes thread 0) until stop() completes its drain.
    // Call once, after listen(). When it returns the event loops are stopped, possibly with
    // handlers of other components (db pool timers...) still queued: they are destroyed with
    // the Server, so destroy the Server before what those handlers reference — or restart()
    // and run io_context(i) yourself to let such components finish their own shutdown.
    void run();

    // Graceful shutdown, callable from any thread (including a signal handler running on an
    // I/O thread) and any number of times; it never blocks. Stops accepting, closes idle
    // keep-alive connections, lets in-flight requests finish for up to shutdown_grace_ms, then
    // closes what is left and makes run() return. Calling it before run() makes run() return
    // right after it starts.
    void stop();
    // Like stop(), but without the grace period.
    void stop_now();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace basalt::http
