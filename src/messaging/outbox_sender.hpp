// The background sender: claims due outbox rows (FOR UPDATE SKIP LOCKED, so several servers
// share the work and never send a row twice), delivers them on a few worker threads, and
// records sent / retry with exponential backoff / failed. Plain threads and a blocking
// connection of its own: nothing here touches the server's event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "messaging/settings.hpp"

namespace basalt::messaging {

// Delay before attempt `attempts + 1` after `attempts` failed ones:
// base * 2^(attempts-1), capped at max, times jitter (0.8..1.2 spreads retries of a burst).
std::chrono::milliseconds retry_delay(int attempts, const OutboxSettings& s, double jitter = 1.0);

// Usage (app/services.cpp):
//   sender_ = std::make_unique<messaging::OutboxSender>(config.smtp, config.sms, config.outbox, conninfo);
//   sender_->start();     // after migrations; returns at once
//   ...
//   sender_->stop();      // aborts transfers in flight (they go back to pending), joins threads
//
// A row in 'sending' whose sender died (crash, kill -9, lost connection) is picked up again
// immediately: each sender holds a session advisory lock naming it, and a claim is only
// respected while that lock is held (or for outbox.lease_seconds at most).
class OutboxSender {
public:
    // Throws ErrorException (config.invalid) when validate_settings fails, so a broken
    // template or a provider without its key stops startup with the key at fault.
    OutboxSender(SmtpSettings smtp, SmsSettings sms, OutboxSettings outbox, std::string conninfo);
    ~OutboxSender();  // stop()
    OutboxSender(const OutboxSender&) = delete;
    OutboxSender& operator=(const OutboxSender&) = delete;

    void start();
    // Idempotent; any thread. Returns when every thread has finished.
    void stop();
    // Look for due rows now (tests; the LISTEN wake-up calls it too).
    void wake();

    // Counters since start, for http::Metrics::add_callback:
    //   basalt_outbox_messages_total{channel="email|sms", result="sent|captured|retried|failed"}
    struct CounterSample {
        std::string channel;
        std::string result;
        std::uint64_t value = 0;
    };
    [[nodiscard]] std::vector<CounterSample> counters() const;
    // Rows this sender is delivering right now.
    [[nodiscard]] std::size_t in_flight() const;

    struct Impl;

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace basalt::messaging
