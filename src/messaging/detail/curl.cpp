// libcurl helpers: every transfer gets deadlines and can be aborted by the sender on shutdown.
#include "messaging/detail/curl.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace basalt::messaging::detail {

namespace {

constexpr std::size_t kMaxResponse = 64 * 1024;

int on_progress(void* data, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* cancel = static_cast<const std::atomic<bool>*>(data);
    return cancel->load(std::memory_order_relaxed) ? 1 : 0;  // non-zero aborts the transfer
}

size_t on_write(char* ptr, size_t size, size_t nmemb, void* data) {
    auto* out = static_cast<std::string*>(data);
    const size_t n = size * nmemb;
    if (out->size() < kMaxResponse) out->append(ptr, std::min(n, kMaxResponse - out->size()));
    return n;
}

}  // namespace

void ensure_curl_initialised() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
    });
}

CurlHandle make_handle(const std::atomic<bool>& cancel, long timeout_ms) {
    ensure_curl_initialised();
    CurlHandle h(curl_easy_init());
    if (!h) throw std::runtime_error("curl_easy_init failed");
    CURL* c = h.get();
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&cancel));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10000L));
    return h;
}

HttpReply http_post(const HttpCall& call, long timeout_ms, const std::atomic<bool>& cancel) {
    HttpReply reply;
    CurlHandle h = make_handle(cancel, timeout_ms);
    CURL* c = h.get();
    Slist headers;
    for (const auto& [name, value] : call.headers) {
        const std::string line = name + ": " + value;
        curl_slist* next = curl_slist_append(headers.get(), line.c_str());
        if (next == nullptr) throw std::runtime_error("curl_slist_append failed");
        headers.release();
        headers.reset(next);
    }
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    // Providers never need redirects; following one could leak the API key to another host.
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    reply.code = curl_easy_perform(c);
    if (reply.code == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
    } else {
        reply.error = errbuf[0] ? errbuf : curl_easy_strerror(reply.code);
    }
    return reply;
}

std::string short_text(std::string_view s, std::size_t max) {
    std::string out;
    out.reserve(std::min(s.size(), max));
    for (char c : s) {
        if (out.size() >= max) {
            out += "...";
            break;
        }
        out.push_back(c == '\r' || c == '\n' || c == '\t' ? ' ' : c);
    }
    return out;
}

}  // namespace basalt::messaging::detail
