// Listener loop: connect, LISTEN every channel, deliver notifications as the socket becomes
// readable; on any failure wait (100 ms doubling to 5 s) and start over.
#include "db/listener.hpp"

#include <atomic>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"
#include "db/detail/connection.hpp"
#include "db/quote.hpp"

namespace basalt::db {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct Listener::State {
    State(asio::any_io_executor e, Options o)
        : ex(std::move(e)), opt(std::move(o)), backoff_timer(ex),
          params(detail::ConnectParams::make(opt.conninfo, 0, opt.connect_timeout)) {}

    asio::any_io_executor ex;
    Options opt;
    asio::steady_timer backoff_timer;
    detail::ConnectParams params;
    std::shared_ptr<detail::Connection> conn;  // executor thread only
    std::atomic<bool> stopping{false};
    std::atomic<bool> connected{false};
    bool started = false;
};

namespace {

void deliver(Listener::State& st, detail::Connection& conn) {
    while (PGnotify* n = PQnotifies(conn.raw())) {
        std::string channel = n->relname ? n->relname : "";
        std::string payload = n->extra ? n->extra : "";
        PQfreemem(n);
        if (st.stopping || !st.opt.on_notify) continue;
        try {
            st.opt.on_notify(channel, payload);
        } catch (const std::exception& e) {
            log::error("LISTEN callback for channel {} failed: {}", channel, e.what());
        }
    }
}

Awaitable<void> listen_once(std::shared_ptr<Listener::State> st) {
    auto conn = std::make_shared<detail::Connection>(st->ex);
    st->conn = conn;
    co_await conn->connect(st->params);
    std::string sql;
    for (const auto& ch : st->opt.channels) sql += "LISTEN " + quote_identifier(ch) + ";";
    if (!sql.empty()) {
        auto r = co_await conn->simple(sql, st->opt.connect_timeout);
        if (detail::is_error(r.get())) throw ErrorException(detail::result_error(r.get(), true, true));
    }
    st->connected = true;
    if (st->opt.on_connected && !st->stopping) {
        try {
            st->opt.on_connected();
        } catch (const std::exception& e) {
            log::error("LISTEN on_connected callback failed: {}", e.what());
        }
    }
    deliver(*st, *conn);
    while (!st->stopping && co_await conn->wait_input()) deliver(*st, *conn);
}

Awaitable<void> run(std::shared_ptr<Listener::State> st) {
    auto backoff = 0ms;
    bool reported = false;
    while (!st->stopping) {
        try {
            co_await listen_once(st);
        } catch (const ErrorException& e) {
            if (!reported) log::warn("LISTEN connection lost: {}", e.error().internal);
            reported = true;
        } catch (const std::exception& e) {
            log::error("LISTEN loop: {}", e.what());
        }
        if (st->connected) {
            backoff = 0ms;  // it worked for a while: retry quickly
            reported = false;
        }
        st->connected = false;
        st->conn.reset();
        if (st->stopping) break;
        backoff = backoff == 0ms ? 100ms : std::min(backoff * 2, std::chrono::milliseconds(5s));
        st->backoff_timer.expires_after(backoff);
        co_await st->backoff_timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

}  // namespace

Listener::Listener(asio::any_io_executor ex, Options options)
    : state_(std::make_shared<State>(std::move(ex), std::move(options))) {}

Listener::~Listener() { stop(); }

void Listener::start() {
    asio::post(state_->ex, [st = state_] {
        if (st->started || st->stopping) return;
        st->started = true;
        asio::co_spawn(st->ex, run(st), asio::detached);
    });
}

void Listener::stop() {
    if (state_->stopping.exchange(true)) return;
    asio::post(state_->ex, [st = state_] {
        st->backoff_timer.cancel();
        if (st->conn) st->conn->cancel();
    });
}

bool Listener::connected() const { return state_->connected; }

}  // namespace basalt::db
