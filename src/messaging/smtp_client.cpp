// SMTP delivery through libcurl's SMTP support: curl speaks the protocol (EHLO, STARTTLS,
// AUTH, dot-stuffing); we supply the envelope and the message bytes.
#include "messaging/smtp_client.hpp"

#include <algorithm>
#include <cstring>

#include "messaging/detail/curl.hpp"
#include "messaging/mime.hpp"

namespace basalt::messaging {

namespace {

struct Upload {
    const std::string* data;
    std::size_t offset = 0;
};

size_t on_read(char* buffer, size_t size, size_t nitems, void* userdata) {
    auto* up = static_cast<Upload*>(userdata);
    const std::size_t room = size * nitems;
    const std::size_t n = std::min(room, up->data->size() - up->offset);
    std::memcpy(buffer, up->data->data() + up->offset, n);
    up->offset += n;
    return n;  // 0 ends the DATA phase
}

// Replies that reject this message or recipient (RFC 5321 4.2.2/4.2.3); retrying cannot help.
bool is_permanent_reply(long code) {
    return code == 501 || code == 550 || code == 551 || code == 552 || code == 553 || code == 554 || code == 555;
}

}  // namespace

std::string smtp_url(const SmtpSettings& s) {
    const bool implicit_tls = s.tls == "tls";
    std::int64_t port = s.port;
    if (port == 0) port = implicit_tls ? 465 : (s.tls == "starttls" ? 587 : 25);
    std::string host = s.host;
    if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
    return std::string(implicit_tls ? "smtps://" : "smtp://") + host + ":" + std::to_string(port);
}

DeliveryOutcome send_email(const SmtpSettings& s, const OutboxItem& item, const std::atomic<bool>& cancel) {
    DeliveryOutcome out;
    out.provider = "smtp";
    const std::string message_id = make_message_id(item.id, item.created_us, s.sender);
    const std::string data = build_mime(MimeMessage{
        .from_address = s.sender,
        .from_name = s.sender_name,
        .to = item.to,
        .subject = item.subject,
        .text = item.text,
        .html = item.html,
        .message_id = message_id,
        .date = std::chrono::system_clock::now(),
        .boundary = {},
    });

    detail::CurlHandle h = detail::make_handle(cancel, static_cast<long>(s.timeout_ms));
    CURL* c = h.get();
    const std::string url = smtp_url(s);
    const std::string from = "<" + s.sender + ">";
    detail::Slist rcpt(curl_slist_append(nullptr, ("<" + item.to + ">").c_str()));
    Upload upload{&data};
    char errbuf[CURL_ERROR_SIZE] = {0};

    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_USE_SSL, s.tls == "none" ? static_cast<long>(CURLUSESSL_NONE)
                                                          : static_cast<long>(CURLUSESSL_ALL));
    if (!s.tls_verify) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!s.user.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, s.user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, s.password.c_str());
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(c, CURLOPT_READFUNCTION, &on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

    const CURLcode code = curl_easy_perform(c);
    if (code == CURLE_OK) {
        out.kind = DeliveryOutcome::Kind::kSent;
        out.provider_message_id = "<" + message_id + ">";
        return out;
    }
    if (code == CURLE_ABORTED_BY_CALLBACK) {
        out.kind = DeliveryOutcome::Kind::kInterrupted;
        out.error = "interrupted by shutdown";
        return out;
    }
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    out.error = "smtp: " + detail::short_text(errbuf[0] ? errbuf : curl_easy_strerror(code));
    if (reply != 0) out.error += " (server replied " + std::to_string(reply) + ")";
    out.kind = code != CURLE_LOGIN_DENIED && is_permanent_reply(reply) ? DeliveryOutcome::Kind::kFailed
                                                                        : DeliveryOutcome::Kind::kRetry;
    return out;
}

}  // namespace basalt::messaging
