// Routes one outbox row to SMTP, the SMS provider, or the development mailbox.
#include "messaging/delivery.hpp"

#include <exception>

#include "messaging/smtp_client.hpp"
#include "messaging/sms_provider.hpp"

namespace basalt::messaging {

Deliverer::Deliverer(SmtpSettings smtp, SmsSettings sms)
    : smtp_(std::move(smtp)), sms_(std::move(sms)), sms_provider_(make_sms_provider(sms_)) {}

Deliverer::~Deliverer() = default;

DeliveryOutcome Deliverer::deliver(const OutboxItem& item, const std::atomic<bool>& cancel) const {
    try {
        if (item.channel == Channel::kEmail) {
            // No SMTP server: keep it for `basalt mail list` (Supabase's local inbucket).
            if (!email_configured()) return DeliveryOutcome::of(DeliveryOutcome::Kind::kCaptured, "capture");
            return send_email(smtp_, item, cancel);
        }
        if (!sms_configured()) return DeliveryOutcome::of(DeliveryOutcome::Kind::kCaptured, "capture");
        return sms_provider_->send(item, cancel);
    } catch (const std::exception& e) {
        // Out of memory, curl init failure: transient from the message's point of view.
        return DeliveryOutcome::of(DeliveryOutcome::Kind::kRetry, "", std::string("internal: ") + e.what());
    }
}

}  // namespace basalt::messaging
