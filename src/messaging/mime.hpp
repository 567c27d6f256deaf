// Internet message building for SMTP: headers (RFC 5322, RFC 2047 for non-ASCII), a
// multipart/alternative body with quoted-printable text and HTML parts (RFC 2045/2046). Pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace basalt::messaging {

struct MimeMessage {
    std::string from_address;  // "noreply@example.com"
    std::string from_name;     // display name; may be non-ASCII
    std::string to;            // one address
    std::string subject;       // may be non-ASCII
    std::string text;          // text/plain part (LF or CRLF line ends)
    std::string html;          // text/html part; empty = text-only message
    std::string message_id;    // without angle brackets; the same on every retry of a message
    std::chrono::system_clock::time_point date;
    std::string boundary;      // empty = random
};

// The complete message, CRLF line ends, every line at most 78 characters except long ASCII
// header words, 7-bit clean (so no server needs 8BITMIME or SMTPUTF8 for the body).
std::string build_mime(const MimeMessage& m);

// Header value: as-is when printable ASCII (folded at spaces past 78 columns), else RFC 2047
// "=?UTF-8?B?...?=" words of at most 75 characters split on UTF-8 character boundaries.
// `used` is the length of "Name: " already on the first line.
std::string encode_header_text(std::string_view text, std::size_t used);

// "Name <addr>" with the name quoted or RFC 2047-encoded as needed; just addr when no name.
std::string format_mailbox(std::string_view name, std::string_view address);

// Quoted-printable (RFC 2045 6.7) with CRLF hard line breaks, soft breaks before 76 columns,
// and a leading '.' or "From " escaped so no transport can alter the line.
std::string quoted_printable(std::string_view text);

// "Tue, 01 Jul 2025 10:00:00 +0000" (RFC 5322 3.3, always UTC).
std::string rfc5322_date(std::chrono::system_clock::time_point t);

// Stable id for an outbox row: "basalt.<id>.<created_us>@<sender domain>".
std::string make_message_id(std::int64_t outbox_id, std::int64_t created_us, std::string_view sender_address);

}  // namespace basalt::messaging
