// Startup checks of the messaging configuration that single fields cannot express: the provider
// a setting names has what it needs, addresses are usable, every template renders. A mistake
// stops `basalt serve` with the key at fault instead of failing the first user's sign-in.
#pragma once

#include "common/error.hpp"
#include "messaging/settings.hpp"

namespace basalt::messaging {

// Error code config.invalid (400), message "<key>: <reason>" like the config loader's:
//   sms.arkesel.api_key: required when sms.provider is arkesel
Result<void> validate_settings(const SmtpSettings& smtp, const SmsSettings& sms, const OutboxSettings& outbox);

}  // namespace basalt::messaging
