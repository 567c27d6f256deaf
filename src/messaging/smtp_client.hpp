// Email over SMTP with libcurl: smtp:// (plain or STARTTLS) or smtps://, AUTH when a user is
// set, MAIL FROM / RCPT TO from the settings and the row, the MIME message as DATA. Blocking.
#pragma once

#include <atomic>
#include <string>

#include "messaging/delivery.hpp"
#include "messaging/settings.hpp"

namespace basalt::messaging {

// "smtp://host:587" / "smtps://host:465" (IPv6 literals bracketed, port from the tls mode
// when smtp.port is 0).
std::string smtp_url(const SmtpSettings& s);

// Builds the MIME message for the row (Message-ID stable across retries) and sends it.
// 5xx replies that concern this message (mailbox unknown, rejected) fail it for good;
// connection, TLS, authentication and 4xx problems are retried.
DeliveryOutcome send_email(const SmtpSettings& s, const OutboxItem& item, const std::atomic<bool>& cancel);

}  // namespace basalt::messaging
