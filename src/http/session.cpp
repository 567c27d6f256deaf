// Connection transport: one coroutine per TCP connection reads requests with Beast's parser
// (header first, so limits are checked before any body byte is read), hands them to the
// pipeline, and writes responses in order (pipelining-safe). An upgrade becomes a WsConnection.
// This is the only translation unit that includes Beast (it is slow to compile); the wire format
// helpers and the WebSocket live in detail/http_wire.ipp and detail/websocket.ipp, included here.
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

#include "http/detail/http_wire.ipp"

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
