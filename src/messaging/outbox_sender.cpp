// Sender threads: one loop thread owns the database connection (claims, outcome updates,
// maintenance); `outbox.workers` threads run the blocking deliveries; an optional listener
// thread turns NOTIFY basalt_outbox into an immediate wake-up.
#include "messaging/outbox_sender.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "common/crypto.hpp"
#include "common/log.hpp"
#include "db/blocking_connection.hpp"
#include "db/listener.hpp"
#include "messaging/delivery.hpp"
#include "messaging/detail/curl.hpp"
#include "messaging/detail/outbox_sql.hpp"
#include "messaging/outbox.hpp"
#include "messaging/validate.hpp"

namespace basalt::messaging {

namespace {

using Kind = DeliveryOutcome::Kind;
using Clock = std::chrono::steady_clock;

constexpr std::array<const char*, 4> kResults{"sent", "captured", "retried", "failed"};
enum Counter { kSentN = 0, kCapturedN = 1, kRetriedN = 2, kFailedN = 3 };

std::int32_t random_sender_id() {
    const std::string b = crypto::random_bytes(4);
    std::uint32_t v = 0;
    for (unsigned char c : b) v = (v << 8) | c;
    return static_cast<std::int32_t>((v & 0x7fffffffu) | 1u);  // positive, never 0
}

std::int64_t to_int64(std::string_view s) {
    std::int64_t v = 0;
    bool neg = !s.empty() && s.front() == '-';
    for (char c : s.substr(neg ? 1 : 0)) v = v * 10 + (c - '0');
    return neg ? -v : v;
}

}  // namespace

std::chrono::milliseconds retry_delay(int attempts, const OutboxSettings& s, double jitter) {
    const double base = static_cast<double>(s.retry_base_ms);
    const double cap = static_cast<double>(std::max(s.retry_max_ms, s.retry_base_ms));
    const int exp = std::clamp(attempts - 1, 0, 40);
    const double delay = std::min(cap, base * std::pow(2.0, exp)) * jitter;
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::max(1.0, delay)));
}

struct OutboxSender::Impl {
    Impl(SmtpSettings smtp, SmsSettings sms, OutboxSettings o, std::string ci)
        : settings(std::move(o)), conninfo(std::move(ci)), deliverer(std::move(smtp), std::move(sms)) {}

    struct Done {
        OutboxItem item;
        DeliveryOutcome outcome;
    };

    const OutboxSettings settings;
    const std::string conninfo;
    const Deliverer deliverer;

    std::mutex mutex;
    std::condition_variable loop_cv;    // loop thread: results, wake-ups, stop
    std::condition_variable worker_cv;  // workers: jobs, stop
    std::deque<OutboxItem> jobs;
    std::deque<Done> results;
    bool woken = false;
    bool stopping = false;
    bool workers_quit = false;
    std::size_t in_flight = 0;          // claimed, result not yet recorded
    std::atomic<bool> cancel{false};    // aborts curl transfers
    std::array<std::array<std::atomic<std::uint64_t>, 4>, 2> counts{};

    std::thread loop_thread;
    std::vector<std::thread> workers;
    boost::asio::io_context listen_io;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> listen_guard;
    std::unique_ptr<db::Listener> listener;
    std::thread listen_thread;

    std::int32_t sender_id = random_sender_id();
    std::mt19937 rng{std::random_device{}()};
    Clock::time_point next_maintenance{};
    Clock::time_point next_retention{};

    void count(Channel ch, int result, std::uint64_t n = 1) {
        counts[ch == Channel::kEmail ? 0 : 1][result].fetch_add(n, std::memory_order_relaxed);
    }

    void wake() {
        {
            std::lock_guard lock(mutex);
            woken = true;
        }
        loop_cv.notify_one();
    }

    void worker_main() {
        for (;;) {
            OutboxItem item;
            {
                std::unique_lock lock(mutex);
                worker_cv.wait(lock, [&] { return workers_quit || !jobs.empty(); });
                if (jobs.empty()) return;  // quitting with nothing left
                item = std::move(jobs.front());
                jobs.pop_front();
            }
            DeliveryOutcome outcome = cancel ? DeliveryOutcome::of(Kind::kInterrupted)
                                             : deliverer.deliver(item, cancel);
            {
                std::lock_guard lock(mutex);
                results.push_back(Done{std::move(item), std::move(outcome)});
            }
            loop_cv.notify_one();
        }
    }

    // Session advisory lock naming this sender: while our connection lives, our 'sending' rows
    // are ours; when it dies (crash), PostgreSQL drops the lock and anyone may take them over.
    void take_sender_lock(db::BlockingConnection& conn) {
        for (int i = 0; i < 8; ++i) {
            auto r = conn.exec_params(detail::kTryLockSql, {std::to_string(detail::kSenderLockNamespace),
                                                           std::to_string(sender_id)});
            if (r.get(0, 0) == "t") return;
            sender_id = random_sender_id();  // another live sender drew the same id
        }
        throw ErrorException(Error::unavailable("messaging.lock", "could not take a sender advisory lock"));
    }

    std::vector<OutboxItem> claim(db::BlockingConnection& conn, std::size_t limit) {
        auto r = conn.exec_params(detail::kClaimSql,
                                  {std::to_string(limit), std::to_string(settings.lease_seconds),
                                   std::to_string(detail::kSenderLockNamespace), std::to_string(sender_id),
                                   std::to_string(settings.max_attempts)});
        std::vector<OutboxItem> items;
        for (int i = 0; i < r.rows(); ++i) {
            items.push_back(OutboxItem{
                .id = to_int64(r.get(i, 0)),
                .channel = r.get(i, 1) == "sms" ? Channel::kSms : Channel::kEmail,
                .kind = std::string(r.get(i, 2)),
                .to = std::string(r.get(i, 3)),
                .subject = std::string(r.get(i, 4)),
                .text = std::string(r.get(i, 5)),
                .html = std::string(r.get(i, 6)),
                .attempts = static_cast<int>(to_int64(r.get(i, 7))),
                .created_us = to_int64(r.get(i, 8)),
            });
        }
        return items;
    }

    void record(db::BlockingConnection& conn, const Done& d) {
        const OutboxItem& it = d.item;
        const DeliveryOutcome& o = d.outcome;
        const std::string id = std::to_string(it.id), me = std::to_string(sender_id);
        const std::string_view ch = channel_name(it.channel);
        switch (o.kind) {
            case Kind::kSent:
            case Kind::kCaptured: {
                const bool sent = o.kind == Kind::kSent;
                conn.exec_params(detail::kDoneSql, {id, me, sent ? "sent" : "captured", o.provider,
                                                    o.provider_message_id.empty() ? std::nullopt
                                                                                  : std::optional(o.provider_message_id),
                                                    sent && settings.redact_sent ? "true" : "false"});
                count(it.channel, sent ? kSentN : kCapturedN);
                if (sent)
                    log::info("outbox: {} #{} ({}) sent via {} after {} attempt(s)", ch, it.id, it.kind, o.provider, it.attempts);
                else
                    log::info("outbox: {} #{} ({}) captured in the development mailbox (basalt mail list)", ch, it.id, it.kind);
                return;
            }
            case Kind::kInterrupted:
                conn.exec_params(detail::kReleaseSql, {id, me});
                return;
            case Kind::kRetry:
                if (it.attempts < settings.max_attempts) {
                    std::uniform_real_distribution<double> jitter(0.8, 1.2);
                    const auto delay = retry_delay(it.attempts, settings, jitter(rng));
                    conn.exec_params(detail::kRetrySql, {id, me, std::to_string(delay.count()), o.error, o.provider});
                    count(it.channel, kRetriedN);
                    log::warn("outbox: {} #{} ({}) attempt {}/{} failed, retrying in {} ms: {}", ch, it.id, it.kind,
                              it.attempts, settings.max_attempts, delay.count(), o.error);
                    return;
                }
                [[fallthrough]];
            case Kind::kFailed: {
                std::string error = o.error;
                if (o.kind == Kind::kRetry) error += " (gave up after " + std::to_string(it.attempts) + " attempts)";
                conn.exec_params(detail::kFailSql, {id, me, error, o.provider});
                count(it.channel, kFailedN);
                log::error("outbox: {} #{} ({}) failed: {}", ch, it.id, it.kind, error);
                return;
            }
        }
    }

    void maintenance(db::BlockingConnection& conn) {
        const auto now = Clock::now();
        if (now >= next_maintenance) {
            next_maintenance = now + std::chrono::seconds(5);
            auto r = conn.exec_params(detail::kGiveUpSql, {std::to_string(settings.lease_seconds),
                                                           std::to_string(detail::kSenderLockNamespace),
                                                           std::to_string(settings.max_attempts)});
            for (int i = 0; i < r.rows(); ++i) count(r.get(i, 0) == "sms" ? Channel::kSms : Channel::kEmail, kFailedN);
            if (r.rows() > 0) log::warn("outbox: gave up on {} expired or abandoned message(s)", r.rows());
        }
        if (settings.retention_hours > 0 && now >= next_retention) {
            next_retention = now + std::chrono::minutes(10);
            conn.exec_params(detail::kRetentionSql, {std::to_string(settings.retention_hours)});
        }
    }

    // Records finished deliveries; on a database error they stay queued for the next connection.
    void drain_results(db::BlockingConnection& conn) {
        for (;;) {
            std::optional<Done> d;
            {
                std::lock_guard lock(mutex);
                if (results.empty()) return;
                d = std::move(results.front());
            }
            record(conn, *d);
            std::lock_guard lock(mutex);
            results.pop_front();
            --in_flight;
        }
    }

    void dispatch(std::vector<OutboxItem> items) {
        if (items.empty()) return;
        {
            std::lock_guard lock(mutex);
            in_flight += items.size();
            for (auto& it : items) jobs.push_back(std::move(it));
        }
        worker_cv.notify_all();
    }

    // One round: record outcomes, housekeeping, claim as many rows as there are idle workers.
    void round(db::BlockingConnection& conn) {
        drain_results(conn);
        maintenance(conn);
        std::size_t free = 0;
        {
            std::lock_guard lock(mutex);
            if (stopping) return;
            const auto workers_n = static_cast<std::size_t>(settings.workers);
            free = in_flight < workers_n ? workers_n - in_flight : 0;
        }
        if (free > 0) dispatch(claim(conn, free));
    }

    void wait_for_event(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex);
        loop_cv.wait_for(lock, timeout, [&] { return stopping || woken || !results.empty(); });
        woken = false;
    }

    void loop_main() {
        std::optional<db::BlockingConnection> conn;
        auto backoff = std::chrono::milliseconds(100);
        bool outage_logged = false;
        const auto poll = std::chrono::milliseconds(settings.poll_interval_ms);
        for (;;) {
            {
                std::lock_guard lock(mutex);
                if (stopping) break;
            }
            try {
                if (!conn) {
                    conn.emplace(conninfo, "basalt-outbox");
                    take_sender_lock(*conn);
                    if (outage_logged) log::info("outbox: database connection restored");
                    outage_logged = false;
                    backoff = std::chrono::milliseconds(100);
                }
                round(*conn);
                wait_for_event(poll);
            } catch (const std::exception& e) {
                if (!outage_logged) log::warn("outbox: database unavailable, retrying: {}", detail::short_text(e.what()));
                outage_logged = true;
                conn.reset();
                wait_for_event(backoff);
                backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
            }
        }
        shutdown_workers(conn);
    }

    // Stop: abort transfers, let workers hand back what they held, record it while our claim
    // (the advisory lock) still stands, then close the connection.
    void shutdown_workers(std::optional<db::BlockingConnection>& conn) {
        {
            std::lock_guard lock(mutex);
            workers_quit = true;
            // Jobs never started go straight back; they were not attempted.
            for (auto& it : jobs) results.push_back(Done{std::move(it), DeliveryOutcome::of(Kind::kInterrupted)});
            jobs.clear();
        }
        worker_cv.notify_all();
        for (auto& t : workers) t.join();
        workers.clear();
        if (conn) {
            try {
                drain_results(*conn);
            } catch (const std::exception& e) {
                log::warn("outbox: could not record results at shutdown: {}", e.what());
            }
        }
    }

    void start_listener() {
        listen_guard.emplace(listen_io.get_executor());
        db::Listener::Options opt;
        opt.conninfo = conninfo;
        opt.channels = {std::string(Outbox::kNotifyChannel)};
        opt.on_notify = [this](std::string_view, std::string_view) { wake(); };
        opt.on_connected = [this] { wake(); };
        listener = std::make_unique<db::Listener>(listen_io.get_executor(), std::move(opt));
        listener->start();
        listen_thread = std::thread([this] { listen_io.run(); });
    }

    void stop_listener() {
        if (!listener) return;
        listener->stop();
        listen_guard.reset();
        // Let the listener's coroutine observe the stop, then end the loop.
        boost::asio::post(listen_io, [this] { listen_io.stop(); });
        if (listen_thread.joinable()) listen_thread.join();
        listener.reset();
    }
};

OutboxSender::OutboxSender(SmtpSettings smtp, SmsSettings sms, OutboxSettings outbox, std::string conninfo) {
    validate_settings(smtp, sms, outbox).unwrap();
    impl_ = std::make_shared<Impl>(std::move(smtp), std::move(sms), std::move(outbox), std::move(conninfo));
}

OutboxSender::~OutboxSender() { stop(); }

void OutboxSender::start() {
    Impl& s = *impl_;
    if (s.loop_thread.joinable()) return;
    if (!s.deliverer.email_configured())
        log::info("outbox: no smtp.host configured; emails are kept in the development mailbox (basalt mail list)");
    if (!s.deliverer.sms_configured())
        log::info("outbox: sms.provider is none; SMS are kept in the development mailbox (basalt mail list)");
    for (std::int64_t i = 0; i < s.settings.workers; ++i) s.workers.emplace_back([&s] { s.worker_main(); });
    s.loop_thread = std::thread([&s] { s.loop_main(); });
    if (s.settings.listen) s.start_listener();
}

void OutboxSender::stop() {
    Impl& s = *impl_;
    {
        std::lock_guard lock(s.mutex);
        s.stopping = true;
    }
    s.cancel = true;
    s.loop_cv.notify_all();
    s.stop_listener();
    if (s.loop_thread.joinable()) s.loop_thread.join();
}

void OutboxSender::wake() { impl_->wake(); }

std::vector<OutboxSender::CounterSample> OutboxSender::counters() const {
    std::vector<CounterSample> out;
    for (int ch = 0; ch < 2; ++ch)
        for (int r = 0; r < 4; ++r)
            out.push_back(CounterSample{ch == 0 ? "email" : "sms", kResults[r],
                                        impl_->counts[ch][r].load(std::memory_order_relaxed)});
    return out;
}

std::size_t OutboxSender::in_flight() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->in_flight;
}

}  // namespace basalt::messaging
