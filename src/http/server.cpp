// Listener, I/O threads and shutdown. One acceptor on thread 0 hands accepted sockets round-robin
// to the threads' io_contexts (each connection then lives on one thread: no strands, no locks).
// We chose that over SO_REUSEPORT acceptors: it balances evenly even with few connections, and a
// second process can never silently bind the same port and steal half the traffic.
#include "http/server.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"
#include "http/detail/connection.hpp"

namespace basalt::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using asio::use_awaitable;

struct Server::Impl {
    using Clock = std::chrono::steady_clock;
    using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;

    explicit Impl(ServerOptions opts);

    Awaitable<void> accept_loop();
    Awaitable<void> drain();
    void run_thread(std::size_t index);
    Awaitable<void> signal_loop();
    void begin_stop();

    ServerOptions options;
    std::atomic<std::size_t> live{0};
    std::atomic<bool> stop_requested{false};
    std::atomic<bool> skip_grace{false};
    std::unique_ptr<detail::Pipeline> pipeline;
    // Order matters: threads (with their io_contexts) outlive the objects bound to them below.
    std::vector<std::unique_ptr<detail::ThreadState>> threads;
    std::vector<WorkGuard> guards;
    std::optional<tcp::acceptor> acceptor;
    std::optional<asio::signal_set> signals;
    unsigned short bound_port = 0;
    std::mutex start_error_mutex;
    std::exception_ptr start_error;  // first on_thread_start failure, rethrown by run()
};

Server::Impl::Impl(ServerOptions opts) : options(std::move(opts)) {
    if (options.router == nullptr) throw std::invalid_argument("http::Server needs a router");
    std::size_t n = options.settings.threads > 0 ? std::size_t(options.settings.threads)
                                                 : std::max(1u, std::thread::hardware_concurrency());
    pipeline = std::make_unique<detail::Pipeline>(detail::PipelineConfig{
        .settings = options.settings,
        .cors = options.cors,
        .rate_limits = options.rate_limits,
        .json_access_log = options.json_access_log,
        .router = options.router,
        .metrics = options.metrics,
        .authenticate = options.authenticate,
    });
    for (std::size_t i = 0; i < n; ++i) {
        threads.push_back(std::make_unique<detail::ThreadState>(i, live));
        guards.emplace_back(threads.back()->io.get_executor());
    }
}

Awaitable<void> Server::Impl::accept_loop() {
    std::size_t next = 0;
    asio::steady_timer backoff(threads[0]->io);
    while (acceptor && acceptor->is_open()) {
        detail::ThreadState& target = *threads[next++ % threads.size()];
        boost::system::error_code ec;
        tcp::socket socket = co_await acceptor->async_accept(target.io, asio::redirect_error(use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor->is_open()) break;
            // Typically EMFILE: back off instead of spinning on a full descriptor table.
            log::warn("http accept failed: {}", ec.message());
            backoff.expires_after(std::chrono::milliseconds(50));
            co_await backoff.async_wait(asio::redirect_error(use_awaitable, ec));
            continue;
        }
        live.fetch_add(1, std::memory_order_acq_rel);
        asio::post(target.io, [s = std::move(socket), &target, p = pipeline.get()]() mutable {
            detail::start_connection(std::move(s), target, *p);
        });
    }
}

// Shutdown sequence, on thread 0: stop accepting; close idle connections and mark busy ones to
// close after their response; wait for the count of live connections to reach zero (up to the
// grace period); force-close the rest; stop the event loops.
Awaitable<void> Server::Impl::drain() {
    boost::system::error_code ec;
    if (acceptor) acceptor->close(ec);
    for (auto& t : threads) {
        asio::post(t->io, [state = t.get()] {
            state->draining = true;
            const std::vector<detail::Connection*> snapshot(state->connections.begin(), state->connections.end());
            for (detail::Connection* c : snapshot) {
                if (state->connections.contains(c)) c->drain();
            }
        });
    }
    asio::steady_timer tick(threads[0]->io);
    auto wait_until = [&](Clock::time_point deadline, bool honour_skip) -> Awaitable<void> {
        while (live.load(std::memory_order_acquire) > 0 && Clock::now() < deadline &&
               !(honour_skip && skip_grace.load())) {
            tick.expires_after(std::chrono::milliseconds(10));
            co_await tick.async_wait(asio::redirect_error(use_awaitable, ec));
        }
    };
    co_await wait_until(Clock::now() + std::chrono::milliseconds(options.settings.shutdown_grace_ms), true);
    if (live.load() > 0) {
        log::warn("http shutdown: closing {} connection(s) still busy after the grace period", live.load());
        for (auto& t : threads) {
            asio::post(t->io, [state = t.get()] {
                const std::vector<detail::Connection*> snapshot(state->connections.begin(), state->connections.end());
                for (detail::Connection* c : snapshot) {
                    if (state->connections.contains(c)) c->force_close();
                }
            });
        }
        co_await wait_until(Clock::now() + std::chrono::seconds(1), false);
    }
    if (signals) signals->cancel(ec);
    for (auto& g : guards) g.reset();
    for (auto& t : threads) t->io.stop();
}

// SIGINT/SIGTERM start the drain; a second signal cuts the grace period short.
Awaitable<void> Server::Impl::signal_loop() {
    while (signals) {
        boost::system::error_code ec;
        const int signo = co_await signals->async_wait(asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;
        if (stop_requested.load()) {
            log::info("signal {} again: stopping without grace period", signo);
            skip_grace = true;
        } else {
            log::info("signal {}: draining connections (up to {} ms)", signo, options.settings.shutdown_grace_ms);
            begin_stop();
        }
    }
}

void Server::Impl::begin_stop() {
    if (stop_requested.exchange(true)) return;
    // Posted, never run inline: safe from any thread, from a signal handler on an I/O thread,
    // and before run() (the drain then starts as soon as thread 0 runs).
    asio::post(threads[0]->io, [this] { asio::co_spawn(threads[0]->io, drain(), asio::detached); });
}

void Server::Impl::run_thread(std::size_t index) {
    detail::ThreadState& t = *threads[index];
    if (options.on_thread_start) {
        try {
            options.on_thread_start(index, t.io);
        } catch (...) {
            // A thread without its per-thread state (e.g. no db pool shard) must not serve:
            // stop everything and let run() rethrow.
            {
                std::lock_guard lock(start_error_mutex);
                if (!start_error) start_error = std::current_exception();
            }
            skip_grace = true;
            begin_stop();
        }
    }
    while (true) {
        try {
            t.io.run();
            return;
        } catch (const std::exception& e) {
            // A handler escaped its try/catch; keep serving the other connections.
            log::error("http thread {}: unhandled exception: {}", index, e.what());
        }
    }
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() {
    if (impl_) {
        for (auto& t : impl_->threads) t->io.stop();
    }
}

void Server::listen() {
    const Settings& s = impl_->options.settings;
    asio::io_context& io = impl_->threads[0]->io;
    const auto fail = [&](std::string_view step, const boost::system::error_code& ec) {
        Error err;
        err.status = 500;
        err.code = "http.listen_failed";
        err.message = "cannot listen on " + s.host + ":" + std::to_string(s.port) + ": " + std::string(step) +
                      ": " + ec.message();
        throw ErrorException(std::move(err));
    };
    boost::system::error_code ec;
    tcp::endpoint endpoint;
    auto address = asio::ip::make_address(s.host, ec);
    if (!ec) {
        endpoint = tcp::endpoint(address, static_cast<unsigned short>(s.port));
    } else {
        tcp::resolver resolver(io);
        auto results = resolver.resolve(s.host, std::to_string(s.port), ec);
        if (ec) fail("resolve", ec);
        if (results.empty()) fail("resolve", asio::error::host_not_found);
        endpoint = results.begin()->endpoint();
    }
    tcp::acceptor acceptor(io);
    if (acceptor.open(endpoint.protocol(), ec); ec) fail("socket", ec);
    if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec) fail("setsockopt", ec);
    if (acceptor.bind(endpoint, ec); ec) fail("bind", ec);
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) fail("listen", ec);
    impl_->bound_port = acceptor.local_endpoint(ec).port();
    impl_->acceptor.emplace(std::move(acceptor));
}

unsigned short Server::port() const { return impl_->bound_port; }

std::size_t Server::thread_count() const { return impl_->threads.size(); }

boost::asio::io_context& Server::io_context(std::size_t i) { return impl_->threads.at(i)->io; }

void Server::run() {
    Impl& impl = *impl_;
    if (!impl.acceptor) throw std::logic_error("http::Server::run() before listen()");
    if (impl.options.handle_signals) {
        impl.signals.emplace(impl.threads[0]->io, SIGINT, SIGTERM);
        asio::co_spawn(impl.threads[0]->io, impl.signal_loop(), asio::detached);
    }
    asio::co_spawn(impl.threads[0]->io, impl.accept_loop(), asio::detached);
    std::vector<std::thread> workers;
    for (std::size_t i = 1; i < impl.threads.size(); ++i) {
        workers.emplace_back([&impl, i] { impl.run_thread(i); });
    }
    impl.run_thread(0);
    for (auto& w : workers) w.join();
    std::lock_guard lock(impl.start_error_mutex);
    if (impl.start_error) std::rethrow_exception(impl.start_error);
}

void Server::stop() { impl_->begin_stop(); }

void Server::stop_now() {
    impl_->skip_grace = true;
    stop();
}

}  // namespace basalt::http
