// Expired one-time code (and PKCE flow state) cleanup on a timer.
#include "auth/code_janitor.hpp"

#include <boost/asio/post.hpp>

#include "common/log.hpp"
#include "db/blocking_connection.hpp"

namespace basalt::auth {

CodeJanitor::CodeJanitor(Options options) : options_(std::move(options)), timer_(io_) {}

CodeJanitor::~CodeJanitor() { stop(); }

void CodeJanitor::start() {
    if (thread_.joinable() || options_.conninfo.empty()) return;
    stopping_ = false;
    schedule();
    thread_ = std::thread([this] { io_.run(); });
}

void CodeJanitor::stop() {
    if (!thread_.joinable()) return;
    // Posted so the timer is only touched on its own thread. A round in progress finishes
    // first (one short DELETE).
    boost::asio::post(io_, [this] {
        stopping_ = true;
        timer_.cancel();
    });
    thread_.join();
    io_.restart();
}

void CodeJanitor::schedule() {
    timer_.expires_after(options_.interval);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping_) return;
        try {
            if (const std::int64_t n = run_once(); n > 0) log::debug("auth: deleted {} expired one-time code(s)", n);
        } catch (const std::exception& e) {
            log::warn("auth: one-time code cleanup failed: {}", e.what());
        }
        if (!stopping_) schedule();
    });
}

std::int64_t CodeJanitor::run_once() {
    db::BlockingConnection conn(options_.conninfo, "basalt-auth-janitor");
    auto result = conn.exec_params(
        "DELETE FROM auth.one_time_codes WHERE expires_at < now() AND sent_at < now() - $1::bigint * interval '1 second'",
        {std::to_string(options_.keep_seconds)});
    // PKCE flows whose link or auth code expired (rows of an adopted GoTrue table have no
    // expires_at and are left alone).
    auto flows = conn.exec_params("DELETE FROM auth.flow_state WHERE expires_at < now()", {});
    return result.affected() + flows.affected();
}

}  // namespace basalt::auth
