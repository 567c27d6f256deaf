// libcurl plumbing shared by the SMTP client and the SMS providers: global init, an RAII easy
// handle, cancellation through the progress callback, and a JSON-over-HTTPS POST.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <curl/curl.h>

#include "messaging/detail/http_call.hpp"

namespace basalt::messaging::detail {

// curl_global_init once per process (it is not thread-safe itself).
void ensure_curl_initialised();

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// A new easy handle with the options every call wants: no signals (threads), the
// cancellation progress callback wired to `cancel`, connect and total deadlines.
CurlHandle make_handle(const std::atomic<bool>& cancel, long timeout_ms);

struct HttpReply {
    CURLcode code = CURLE_OK;  // transport result; CURLE_ABORTED_BY_CALLBACK = cancelled
    long status = 0;           // HTTP status when code == CURLE_OK
    std::string body;          // first 64 KiB of the response
    std::string error;         // curl's message when code != CURLE_OK
};

HttpReply http_post(const HttpCall& call, long timeout_ms, const std::atomic<bool>& cancel);

// Text for logs and outbox.last_error: bounded, single line, never the request.
std::string short_text(std::string_view s, std::size_t max = 300);

}  // namespace basalt::messaging::detail
