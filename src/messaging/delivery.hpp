// One delivery attempt of one outbox row: SMTP for email, the configured SMS provider, or the
// development mailbox when nothing is configured. Blocking (libcurl): run it on the sender's
// worker threads, never on an I/O thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "messaging/message.hpp"
#include "messaging/settings.hpp"

namespace basalt::messaging {

// A claimed outbox row as the sender hands it to a worker.
struct OutboxItem {
    std::int64_t id = 0;
    Channel channel = Channel::kEmail;
    std::string kind;
    std::string to;
    std::string subject;
    std::string text;
    std::string html;
    int attempts = 0;             // including the one about to run
    std::int64_t created_us = 0;  // for a Message-ID that is the same on every retry
};

struct DeliveryOutcome {
    enum class Kind {
        kSent,         // the provider accepted it
        kCaptured,     // kept in the development mailbox (no provider configured)
        kRetry,        // transient failure: try again later (until max attempts)
        kFailed,       // permanent failure: the provider rejected this message
        kInterrupted,  // the server is stopping; not a real attempt
    };
    Kind kind = Kind::kRetry;
    std::string error;                // for kRetry / kFailed: short, no secrets, no message body
    std::string provider;             // "smtp", "arkesel", "webhook", "capture"
    std::string provider_message_id;  // Message-ID, provider's id

    static DeliveryOutcome of(Kind kind, std::string provider = {}, std::string error = {}, std::string id = {}) {
        DeliveryOutcome o;
        o.kind = kind;
        o.provider = std::move(provider);
        o.error = std::move(error);
        o.provider_message_id = std::move(id);
        return o;
    }
};

// Sends through SMS providers; one instance per configured provider, used from several
// worker threads at once (implementations keep no mutable state).
class SmsProvider {
public:
    virtual ~SmsProvider() = default;
    [[nodiscard]] virtual std::string_view name() const = 0;
    virtual DeliveryOutcome send(const OutboxItem& item, const std::atomic<bool>& cancel) const = 0;
};

// nullptr when sms.provider is none (messages are captured).
std::unique_ptr<SmsProvider> make_sms_provider(const SmsSettings& settings);

class Deliverer {
public:
    Deliverer(SmtpSettings smtp, SmsSettings sms);
    ~Deliverer();
    // Thread-safe. `cancel` set by another thread aborts a transfer in progress (kInterrupted).
    DeliveryOutcome deliver(const OutboxItem& item, const std::atomic<bool>& cancel) const;
    [[nodiscard]] bool email_configured() const { return !smtp_.host.empty(); }
    [[nodiscard]] bool sms_configured() const { return sms_provider_ != nullptr; }

private:
    SmtpSettings smtp_;
    SmsSettings sms_;
    std::unique_ptr<SmsProvider> sms_provider_;
};

}  // namespace basalt::messaging
