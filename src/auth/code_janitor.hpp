// The periodic cleanup of auth.one_time_codes: an Asio timer on the janitor's own thread and
// io_context deletes expired codes every interval. Its own thread and a short-lived blocking
// connection per round keep it independent of the server's event loops and pool, so it can be
// stopped cleanly at any point of a shutdown (the pool may already be draining).
//
//   CodeJanitor janitor({.conninfo = conninfo, .interval = std::chrono::seconds(600), .keep_seconds = 60});
//   janitor.start();
//   ...
//   janitor.stop();  // joins; also done by the destructor
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace basalt::auth {

class CodeJanitor {
public:
    struct Options {
        std::string conninfo;
        std::chrono::seconds interval{600};
        // Expired codes sent within this many seconds are kept: the per-recipient send limit
        // reads their sent_at.
        std::int64_t keep_seconds = 60;
    };

    explicit CodeJanitor(Options options);
    ~CodeJanitor();
    CodeJanitor(const CodeJanitor&) = delete;
    CodeJanitor& operator=(const CodeJanitor&) = delete;

    void start();
    void stop();
    // One cleanup round now, on the calling thread (blocking); returns the rows deleted.
    // Throws ErrorException when the database is unreachable.
    std::int64_t run_once();

private:
    void schedule();

    Options options_;
    boost::asio::io_context io_;
    boost::asio::steady_timer timer_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
};

}  // namespace basalt::auth
