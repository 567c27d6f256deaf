// Connection transport: one coroutine per TCP connection reads requests with Beast's parser
// (header first, so limits are checked before any body byte is read), hands them to the
// pipeline, and writes responses in order (pipelining-safe). An upgrade becomes a WsConnection.
// This is the only file that includes Beast (it is slow to compile); see websocket.ipp below.
#include <array>
#include <charconv>
#include <chrono>
#include <ctime>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "common/log.hpp"
#include "http/detail/connection.hpp"

namespace basalt::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using asio::use_awaitable;

namespace {

constexpr std::size_t kReadChunk = 8192;
constexpr std::size_t kBodyReadChunk = 65536;
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerMaxBytes = 64u << 20;

// --- Response head ---------------------------------------------------------------------------

// "Date" changes once per second: format it once per second per thread, not per response.
std::string_view http_date() {
    thread_local std::time_t cached_second = 0;
    thread_local std::array<char, 64> buf{};
    thread_local std::size_t len = 0;
    const std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        std::tm tm{};
        gmtime_r(&now, &tm);
        len = std::strftime(buf.data(), buf.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cached_second = now;
    }
    return {buf.data(), len};
}

void append_number(std::string& out, std::uint64_t n) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, end);
}

// Header names are stored lower-cased; send them in the conventional Title-Case.
void append_header_name(std::string& out, std::string_view name) {
    bool upper = true;
    for (char c : name) {
        out.push_back(upper && c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c);
        upper = c == '-';
    }
}

bool is_managed_header(std::string_view lower_name) {
    return lower_name == "content-length" || lower_name == "connection" || lower_name == "transfer-encoding" ||
           lower_name == "date" || lower_name == "server" || lower_name == "keep-alive";
}

bool has_crlf(std::string_view s) {
    for (char c : s)
        if (c == '\r' || c == '\n') return true;
    return false;
}

// Serialises the status line and headers. The body goes out as a second buffer (no copy).
void serialize_head(std::string& out, Response& response, std::string_view request_id, bool keep_alive, int version,
                    bool& send_body) {
    int status = response.status;
    if (status < 100 || status > 999) status = 500;
    std::string_view reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
    if (reason.starts_with("<")) reason = "Unknown";
    // 1xx, 204 and 304 never carry a body; 1xx and 204 never carry Content-Length (RFC 9110 §8.6).
    const bool no_body = status < 200 || status == 204 || status == 304;
    if (no_body) response.body.clear();
    send_body = send_body && !no_body;

    out.clear();
    out += "HTTP/1.1 ";
    append_number(out, std::uint64_t(status));
    out += ' ';
    out += reason;
    out += "\r\nServer: basalt\r\nDate: ";
    out += http_date();
    out += "\r\n";
    if (status >= 200 && status != 204) {
        out += "Content-Length: ";
        // A HEAD handler may state the size of the body it did not produce (e.g. a stored object).
        auto declared = response.headers.get("content-length");
        if (!send_body && response.body.empty() && declared && !declared->empty() &&
            declared->find_first_not_of("0123456789") == std::string_view::npos) {
            out += *declared;
        } else {
            append_number(out, response.body.size());
        }
        out += "\r\n";
    }
    // Written here rather than stored in response.headers: saves two allocations per request.
    if (!request_id.empty() && !response.headers.has("x-request-id")) {
        out += "X-Request-Id: ";
        out += request_id;
        out += "\r\n";
    }
    if (!keep_alive) out += "Connection: close\r\n";
    else if (version == 10) out += "Connection: keep-alive\r\n";
    for (const auto& [name, value] : response.headers.items()) {
        // Handlers may echo client data into headers; a CR/LF there would split the response.
        if (is_managed_header(name) || has_crlf(name) || has_crlf(value)) continue;
        append_header_name(out, name);
        out += ": ";
        out += value;
        out += "\r\n";
    }
    out += "\r\n";
}

// --- Request parser --------------------------------------------------------------------------

// Parses straight into our Request (no intermediate beast::http::fields copy).
class RequestParser final : public bhttp::basic_parser<true> {
public:
    explicit RequestParser(Request& request) : request_(request) {}
    [[nodiscard]] int version() const { return version_; }

private:
    void on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target, int version,
                         beast::error_code&) override {
        request_.method.assign(method.data(), method.size());
        request_.target.assign(target.data(), target.size());
        version_ = version;
    }
    void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}
    void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value, beast::error_code&) override {
        request_.headers.add(std::string_view(name), std::string_view(value));
    }
    void on_header_impl(beast::error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& length, beast::error_code&) override {
        // Content-Length was checked against the route's limit before we get here. Reserve at
        // most 1 MiB up front: a client must send bytes, not just announce them, to use memory.
        if (length) request_.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, 1u << 20)));
    }
    std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
        request_.body.append(body.data(), body.size());
        return body.size();
    }
    void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
        request_.body.append(body.data(), body.size());
        return body.size();
    }
    void on_finish_impl(beast::error_code&) override {}

    Request& request_;
    int version_ = 11;
};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

Error make_error(int status, std::string code, std::string message) {
    Error e;
    e.status = status;
    e.code = std::move(code);
    e.message = std::move(message);
    return e;
}

bool is_syntax_error(const beast::error_code& ec) {
    return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
           ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

std::string client_ip_of(const tcp::socket& socket) {
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (ec) return "unknown";
    auto address = ep.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    }
    return address.to_string();
}

}  // namespace

#include "http/detail/websocket.ipp"

namespace {

// --- HTTP session ----------------------------------------------------------------------------

class HttpSession final : public Connection, public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(tcp::socket socket, ThreadState& thread, Pipeline& pipeline)
        : socket_(std::move(socket)), thread_(thread), pipeline_(pipeline), timer_(thread.io) {
        thread_.connections.insert(this);
    }
    ~HttpSession() override {
        thread_.connections.erase(this);
        thread_.live.fetch_sub(1, std::memory_order_acq_rel);
    }

    // Serves requests until the connection ends; `self` keeps the session alive meanwhile.
    static Awaitable<void> run(std::shared_ptr<HttpSession> self);
    void drain() override;
    void force_close() override { close_transport(); }

private:
    enum class State { kIdle, kBusy, kWebSocket };

    // One parsed request and what the loop needs to answer it.
    struct Incoming {
        Request request;
        Router::Match match;
        Clock::time_point start;
        int version = 11;
        bool keep_alive = false;
    };
    enum class ReadResult { kRequest, kUpgrade, kClosed };

    static Awaitable<void> watchdog(std::shared_ptr<HttpSession> self);
    Awaitable<ReadResult> read_request(Incoming& in);
    // Feeds buffered bytes to the parser until done() holds. False with need_more when it
    // wants more input, false with another code on a parse error.
    template <typename Done>
    bool feed(RequestParser& parser, Done done, beast::error_code& ec);
    // One socket read into the buffer; false (with ec set) at EOF or on error.
    Awaitable<bool> read_more(RequestParser& parser, std::size_t chunk, beast::error_code& ec);
    // Adds pipeline headers, serialises the head and arms the write deadline. Returns the
    // buffers to send and whether the body is among them.
    std::array<asio::const_buffer, 2> prepare_response(Incoming& in, Response& response);
    Awaitable<void> refuse(Incoming& in, const Error& error);
    Awaitable<void> linger();
    Awaitable<void> serve_websocket(Request& request, const Router::Match& match, Clock::time_point start);
    void close_transport();
    [[nodiscard]] bool draining() const { return draining_ || thread_.draining; }
    [[nodiscard]] std::chrono::milliseconds ms(std::int64_t v) const { return std::chrono::milliseconds(v); }

    tcp::socket socket_;
    ThreadState& thread_;
    Pipeline& pipeline_;
    asio::steady_timer timer_;
    Clock::time_point deadline_ = Clock::time_point::max();
    beast::flat_buffer buffer_;
    std::string head_;
    std::string client_ip_;
    std::shared_ptr<WsConnection> ws_;
    State state_ = State::kBusy;
    bool draining_ = false;
    bool done_ = false;
};

void HttpSession::close_transport() {
    beast::error_code ec;
    if (ws_) ws_->force_close();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
}

void HttpSession::drain() {
    draining_ = true;
    if (state_ == State::kIdle) close_transport();
    else if (state_ == State::kWebSocket && ws_) ws_->request_close(websocket::close_code::going_away);
}

// One timer per connection enforces every deadline. Deadlines only move forward, so the timer
// simply re-arms when it fires early; setting a deadline costs no timer operation (and no
// syscall) on the request path.
Awaitable<void> HttpSession::watchdog(std::shared_ptr<HttpSession> self) {
    while (!self->done_) {
        if (self->deadline_ <= Clock::now()) {
            self->close_transport();
            co_return;
        }
        self->timer_.expires_at(self->deadline_);
        beast::error_code ec;
        co_await self->timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    }
}

// The request loop. Reading is its own coroutine, but handling and writing stay inline here:
// fewer coroutine frames per request keeps Asio's per-thread frame cache hitting (no malloc).
Awaitable<void> HttpSession::run(std::shared_ptr<HttpSession> self) {
    HttpSession& s = *self;
    s.client_ip_ = client_ip_of(s.socket_);
    beast::error_code ec;
    s.socket_.set_option(tcp::no_delay(true), ec);
    s.deadline_ = Clock::now() + s.ms(s.pipeline_.settings().request_timeout_ms);
    asio::co_spawn(s.thread_.io, watchdog(self), asio::detached);
    try {
        while (!s.draining() || s.buffer_.size() > 0) {
            Incoming in;
            const ReadResult read = co_await s.read_request(in);
            if (read == ReadResult::kClosed) break;
            if (read == ReadResult::kUpgrade) {
                co_await s.serve_websocket(in.request, in.match, in.start);
                break;
            }
            Response response = co_await s.pipeline_.handle(in.request, in.match);
            in.keep_alive = in.keep_alive && !s.draining();
            const auto buffers = s.prepare_response(in, response);
            co_await asio::async_write(s.socket_, buffers, asio::redirect_error(use_awaitable, ec));
            s.pipeline_.record(in.request, response.status, buffers[1].size(), in.start);
            if (ec || !in.keep_alive) break;
        }
    } catch (const std::exception& e) {
        log::warn("http connection from {} ended by error: {}", s.client_ip_, e.what());
    }
    s.done_ = true;
    s.close_transport();
    s.timer_.cancel();
}

// Reads one request: waits (idle deadline) for its first byte, parses the header, checks the
// size limits, reads the body. Malformed or oversized requests are answered here and end the
// connection (kClosed).
Awaitable<HttpSession::ReadResult> HttpSession::read_request(Incoming& in) {
    const Settings& settings = pipeline_.settings();
    beast::error_code ec;

    if (buffer_.size() == 0) {
        state_ = State::kIdle;
        deadline_ = Clock::now() + ms(settings.idle_timeout_ms);
        const std::size_t n =
            co_await socket_.async_read_some(buffer_.prepare(kReadChunk), asio::redirect_error(use_awaitable, ec));
        if (ec) co_return ReadResult::kClosed;
        buffer_.commit(n);
    }
    state_ = State::kBusy;
    in.start = Clock::now();
    // The request deadline covers reading the whole request and handling it (slowloris).
    deadline_ = in.start + ms(settings.request_timeout_ms);

    Request& request = in.request;
    request.client_ip = client_ip_;
    RequestParser parser(request);
    parser.header_limit(static_cast<std::uint32_t>(settings.max_header_bytes));
    parser.body_limit(boost::none);  // the route decides, once the header is known
    // Parsing our own buffer (instead of Beast's async_read composed ops) keeps the hot path to
    // one plain socket read per request.
    const auto header_done = [&] { return parser.is_header_done(); };
    while (!feed(parser, header_done, ec)) {
        if (ec != bhttp::error::need_more) break;
        if (!co_await read_more(parser, kReadChunk, ec)) break;
    }
    in.version = parser.version();
    if (ec == bhttp::error::header_limit) {
        co_await refuse(in, make_error(431, "http.header_too_large", "Request header fields too large"));
        co_return ReadResult::kClosed;
    }
    if (ec) {
        if (is_syntax_error(ec)) co_await refuse(in, Error::bad_request("http.bad_request", "Malformed HTTP request"));
        co_return ReadResult::kClosed;
    }
    pipeline_.begin(request);

    // WebSocket upgrade: only for WebSocket routes; anything else is served as plain HTTP.
    if (parser.upgrade() && iequals(request.headers.get("upgrade").value_or(""), "websocket")) {
        in.match = pipeline_.route(request, true);
        if (in.match.ws_handler != nullptr) co_return ReadResult::kUpgrade;
    }
    in.match = pipeline_.route(request, false);

    // Body limit from Content-Length before reading any body byte; chunked bodies are counted
    // by the parser as they arrive.
    const std::size_t limit = pipeline_.body_limit(in.match);
    const auto too_large = [&] {
        return Error::too_large("Request body is larger than " + std::to_string(limit) + " bytes");
    };
    if (auto length = parser.content_length(); length && *length > limit) {
        co_await refuse(in, too_large());
        co_return ReadResult::kClosed;
    }
    if (!parser.is_done()) {
        parser.body_limit(limit);
        if (iequals(request.headers.get("expect").value_or(""), "100-continue")) {
            static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            co_await asio::async_write(socket_, asio::buffer(kContinue), asio::redirect_error(use_awaitable, ec));
            if (ec) co_return ReadResult::kClosed;
        }
        parser.eager(true);
        const auto body_done = [&] { return parser.is_done(); };
        while (!feed(parser, body_done, ec)) {
            if (ec != bhttp::error::need_more) break;
            if (!co_await read_more(parser, kBodyReadChunk, ec)) break;
        }
        if (ec == bhttp::error::body_limit) {
            co_await refuse(in, too_large());
            co_return ReadResult::kClosed;
        }
        if (ec) {
            if (is_syntax_error(ec)) {
                co_await refuse(in, Error::bad_request("http.bad_request", "Malformed HTTP request body"));
            }
            co_return ReadResult::kClosed;
        }
    }
    in.keep_alive = parser.keep_alive();
    co_return ReadResult::kRequest;
}

template <typename Done>
bool HttpSession::feed(RequestParser& parser, Done done, beast::error_code& ec) {
    ec = {};
    while (!done()) {
        if (buffer_.size() == 0) {
            ec = bhttp::error::need_more;
            return false;
        }
        const std::size_t used = parser.put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec) return false;
    }
    return true;
}

Awaitable<bool> HttpSession::read_more(RequestParser& parser, std::size_t chunk, beast::error_code& ec) {
    ec = {};
    const std::size_t n =
        co_await socket_.async_read_some(buffer_.prepare(chunk), asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::eof) {
        ec = parser.got_some() ? bhttp::error::partial_message : bhttp::error::end_of_stream;
    }
    if (ec) co_return false;
    buffer_.commit(n);
    co_return true;
}

std::array<asio::const_buffer, 2> HttpSession::prepare_response(Incoming& in, Response& response) {
    pipeline_.finish(in.request, response);
    bool send_body = in.request.method != "HEAD";
    serialize_head(head_, response, in.request.request_id, in.keep_alive, in.version, send_body);
    state_ = State::kBusy;
    deadline_ = std::max(deadline_, Clock::now() + ms(pipeline_.settings().request_timeout_ms));
    return {asio::buffer(head_), send_body ? asio::buffer(response.body) : asio::const_buffer{}};
}

// Answers a request we will not read to the end, then closes the connection gracefully.
Awaitable<void> HttpSession::refuse(Incoming& in, const Error& error) {
    if (in.request.request_id.empty()) pipeline_.begin(in.request);
    Response response = pipeline_.error_response(in.request, error);
    in.keep_alive = false;
    const auto buffers = prepare_response(in, response);
    beast::error_code ec;
    co_await asio::async_write(socket_, buffers, asio::redirect_error(use_awaitable, ec));
    pipeline_.record(in.request, response.status, buffers[1].size(), in.start);
    if (!ec) co_await linger();
}

// Lingering close (as nginx does): after refusing a request whose body is still arriving,
// closing at once would make the kernel reset the connection, and the client could lose our
// response before reading it. Shut down our side and discard input for a short while instead.
Awaitable<void> HttpSession::linger() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    deadline_ = Clock::now() + kLingerTime;
    std::array<char, 16384> sink;
    std::size_t total = 0;
    while (!ec && total < kLingerMaxBytes) {
        total += co_await socket_.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
    }
}

Awaitable<void> HttpSession::serve_websocket(Request& request, const Router::Match& match, Clock::time_point start) {
    if (auto refused = pipeline_.admit_websocket(request, match)) {
        Incoming in{.request = std::move(request), .match = match, .start = start, .version = 11, .keep_alive = false};
        const auto buffers = prepare_response(in, *refused);
        beast::error_code ec;
        co_await asio::async_write(socket_, buffers, asio::redirect_error(use_awaitable, ec));
        pipeline_.record(in.request, refused->status, buffers[1].size(), start);
        co_return;
    }
    bhttp::request<bhttp::empty_body> upgrade;
    upgrade.method_string(request.method);
    upgrade.target(request.target);
    upgrade.version(11);
    for (const auto& [name, value] : request.headers.items()) upgrade.insert(name, value);

    const Settings& settings = pipeline_.settings();
    ws_ = std::make_shared<WsConnection>(std::move(socket_), thread_.io, settings);
    ws_->configure(request.request_id);
    state_ = State::kWebSocket;
    beast::error_code ec;
    co_await ws_->stream().async_accept(upgrade, asio::redirect_error(use_awaitable, ec));
    if (ec) {
        pipeline_.record(request, 400, 0, start);
        co_return;
    }
    // The WebSocket stream enforces its own handshake/idle timeouts and pings from here on.
    deadline_ = Clock::time_point::max();
    pipeline_.record(request, 101, 0, start);
    if (draining_) ws_->request_close(websocket::close_code::going_away);

    auto run_handler = [](std::shared_ptr<WsConnection> ws, Request& req, const WsHandler& handler) -> Awaitable<void> {
        try {
            co_await handler(req, ws);
        } catch (const std::exception& e) {
            log::error("websocket handler for {} failed (request {}): {}", req.route, req.request_id, e.what());
        }
        ws->request_close(websocket::close_code::normal);
    };
    using namespace asio::experimental::awaitable_operators;
    co_await (run_handler(ws_, request, *match.ws_handler) && ws_->run_writer());
}

}  // namespace

void start_connection(tcp::socket socket, ThreadState& thread, Pipeline& pipeline) {
    std::shared_ptr<HttpSession> session;
    try {
        session = std::make_shared<HttpSession>(std::move(socket), thread, pipeline);
    } catch (const std::exception& e) {
        thread.live.fetch_sub(1, std::memory_order_acq_rel);
        log::error("cannot start http session: {}", e.what());
        return;
    }
    if (thread.draining) return;  // shutdown began: the session's destructor closes the socket
    asio::co_spawn(thread.io, HttpSession::run(std::move(session)), [](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            log::error("http session crashed: {}", ex.what());
        } catch (...) {
            log::error("http session crashed");
        }
    });
}

}  // namespace basalt::http::detail
