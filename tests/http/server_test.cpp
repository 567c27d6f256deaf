// In-process server test: a real Server on port 0 in a background thread, driven with raw
// sockets (and Beast's WebSocket client): keep-alive, pipelining, limits, timeouts, WebSocket
// echo, graceful stop.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "http/echo_websocket.hpp"
#include "http/health.hpp"

namespace basalt::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

class HttpServerTest : public ::testing::Test {
protected:
    void start(Settings settings = {}) {
        settings.host = "127.0.0.1";
        settings.port = 0;
        settings.threads = 2;
        settings.access_log = false;
        add_health_routes(router, {.version = "9.9.9", .metrics = &metrics});
        add_echo_websocket(router, "/ws/echo");
        router.add("POST", "/echo", [](Request& r) -> Awaitable<Response> {
            co_return Response::text(200, r.body);
        });
        router.add("GET", "/slow", [](Request&) -> Awaitable<Response> {
            asio::steady_timer t(co_await asio::this_coro::executor, 300ms);
            co_await t.async_wait(asio::use_awaitable);
            co_return Response::text(200, "slow done");
        });
        server = std::make_unique<Server>(ServerOptions{
            .settings = settings,
            .rate_limits = {.enabled = false},
            .router = &router,
            .metrics = &metrics,
        });
        server->listen();
        port = server->port();
        runner = std::async(std::launch::async, [this] { server->run(); });
    }

    void TearDown() override {
        if (server) {
            server->stop();
            ASSERT_EQ(runner.wait_for(10s), std::future_status::ready) << "run() did not return after stop()";
        }
    }

    tcp::socket connect() {
        tcp::socket s(client_io);
        s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        return s;
    }
    static void send(tcp::socket& s, std::string_view raw) { asio::write(s, asio::buffer(raw)); }
    bhttp::response<bhttp::string_body> receive(tcp::socket& s) {
        bhttp::response<bhttp::string_body> res;
        bhttp::read(s, buffer, res);
        return res;
    }
    // True when the server closed the connection (EOF/reset) within the socket's read timeout.
    static bool closed_by_server(tcp::socket& s) {
        char c;
        boost::system::error_code ec;
        s.read_some(asio::buffer(&c, 1), ec);
        return ec == asio::error::eof || ec == asio::error::connection_reset;
    }

    Router router;
    Metrics metrics;
    std::unique_ptr<Server> server;
    std::future<void> runner;
    unsigned short port = 0;
    asio::io_context client_io;
    beast::flat_buffer buffer;
};

TEST_F(HttpServerTest, KeepAliveTwoRequests) {
    start();
    auto s = connect();
    send(s, "GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
    auto a = receive(s);
    EXPECT_EQ(a.result_int(), 200);
    EXPECT_EQ(Json::parse(a.body())["version"], "9.9.9");
    EXPECT_EQ(a[bhttp::field::server], "basalt");
    EXPECT_FALSE(a[bhttp::field::date].empty());
    EXPECT_FALSE(a["X-Request-Id"].empty());
    EXPECT_TRUE(a.keep_alive());
    send(s, "GET /health HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc-123\r\n\r\n");
    auto b = receive(s);
    EXPECT_EQ(b.result_int(), 200);
    EXPECT_EQ(b["X-Request-Id"], "abc-123");
}

TEST_F(HttpServerTest, PipelinedRequestsAnsweredInOrder) {
    start();
    auto s = connect();
    send(s, "GET /nope HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhelloGET "
            "/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(receive(s).result_int(), 404);
    auto echo = receive(s);
    EXPECT_EQ(echo.result_int(), 200);
    EXPECT_EQ(echo.body(), "hello");
    auto last = receive(s);
    EXPECT_EQ(last.result_int(), 200);
    EXPECT_FALSE(last.keep_alive());
    EXPECT_TRUE(closed_by_server(s));
}

TEST_F(HttpServerTest, NotFoundIsJson) {
    start();
    auto s = connect();
    send(s, "GET /nope/nothing?x=1 HTTP/1.1\r\nHost: t\r\n\r\n");
    auto r = receive(s);
    EXPECT_EQ(r.result_int(), 404);
    EXPECT_EQ(r[bhttp::field::content_type], "application/json; charset=utf-8");
    Json body = Json::parse(r.body());
    EXPECT_EQ(body["code"], "http.not_found");
    EXPECT_EQ(body["request_id"], std::string(r["X-Request-Id"]));
}

TEST_F(HttpServerTest, HeadHasLengthButNoBody) {
    start();
    auto s = connect();
    send(s, "HEAD /health HTTP/1.1\r\nHost: t\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n");
    bhttp::response_parser<bhttp::string_body> head_parser;
    head_parser.skip(true);
    bhttp::read(s, buffer, head_parser);
    EXPECT_EQ(head_parser.get().result_int(), 200);
    EXPECT_NE(head_parser.get()[bhttp::field::content_length], "0");
    EXPECT_EQ(receive(s).result_int(), 200);  // framing intact after the bodiless HEAD answer
}

TEST_F(HttpServerTest, BigContentLengthIs413BeforeTheBody) {
    Settings settings;
    settings.max_body_bytes = 1024;
    start(settings);
    auto s = connect();
    // POST to a GET-only route: the size check comes before routing (413, not 405).
    send(s, "POST /health HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\nxxxx");
    auto r = receive(s);
    EXPECT_EQ(r.result_int(), 413);
    EXPECT_FALSE(r.keep_alive());
    EXPECT_EQ(Json::parse(r.body())["code"], "http.payload_too_large");
}

TEST_F(HttpServerTest, ChunkedBodies) {
    Settings settings;
    settings.max_body_bytes = 16;
    start(settings);
    auto s = connect();
    send(s, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    auto ok = receive(s);
    EXPECT_EQ(ok.result_int(), 200);
    EXPECT_EQ(ok.body(), "hello world");
    send(s, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n");
    EXPECT_EQ(receive(s).result_int(), 413);
}

TEST_F(HttpServerTest, HugeHeaderIs431) {
    Settings settings;
    settings.max_header_bytes = 4096;
    start(settings);
    auto s = connect();
    send(s, "GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
    auto r = receive(s);
    EXPECT_EQ(r.result_int(), 431);
    EXPECT_EQ(Json::parse(r.body())["code"], "http.header_too_large");
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
    start();
    auto s = connect();
    send(s, "GET /health HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n");
    EXPECT_EQ(receive(s).result_int(), 400);
}

TEST_F(HttpServerTest, IdleAndSlowlorisConnectionsAreClosed) {
    Settings settings;
    settings.idle_timeout_ms = 200;
    settings.request_timeout_ms = 300;
    start(settings);
    auto idle = connect();
    auto slow = connect();
    send(slow, "GET /health HTTP/1.1\r\nHost: t\r\n");  // never finishes the header
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(closed_by_server(idle));
    EXPECT_TRUE(closed_by_server(slow));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
}

TEST_F(HttpServerTest, WebSocketEcho) {
    start();
    beast::websocket::stream<tcp::socket> ws(connect());
    ws.handshake("127.0.0.1", "/ws/echo");
    ws.text(true);
    ws.write(asio::buffer(std::string("hello basalt")));
    beast::flat_buffer in;
    ws.read(in);
    EXPECT_TRUE(ws.got_text());
    EXPECT_EQ(beast::buffers_to_string(in.data()), "hello basalt");
    in.clear();
    ws.binary(true);
    ws.write(asio::buffer(std::string("\x01\x02\x00", 3)));
    ws.read(in);
    EXPECT_TRUE(ws.got_binary());
    EXPECT_EQ(beast::buffers_to_string(in.data()), std::string("\x01\x02\x00", 3));
    ws.close(beast::websocket::close_code::normal);
}

TEST_F(HttpServerTest, StopDrainsInFlightAndClosesIdle) {
    start();
    auto idle = connect();
    send(idle, "GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_EQ(receive(idle).result_int(), 200);
    auto busy = connect();
    send(busy, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
    std::this_thread::sleep_for(50ms);  // let the slow handler start
    const auto t0 = std::chrono::steady_clock::now();
    server->stop();
    server->stop();  // idempotent
    beast::flat_buffer b2;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(busy, b2, res);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "slow done");
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(closed_by_server(idle));
    ASSERT_EQ(runner.wait_for(5s), std::future_status::ready);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    // New connections are refused once stopped.
    tcp::socket late(client_io);
    boost::system::error_code ec;
    late.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    EXPECT_TRUE(ec);
}

TEST_F(HttpServerTest, StopClosesWebSocketsWithGoingAway) {
    start();
    beast::websocket::stream<tcp::socket> ws(connect());
    ws.handshake("127.0.0.1", "/ws/echo");
    ws.write(asio::buffer(std::string("ping")));
    beast::flat_buffer in;
    ws.read(in);
    const auto t0 = std::chrono::steady_clock::now();
    server->stop();
    in.clear();
    boost::system::error_code ec;
    ws.read(in, ec);  // the server's close frame ends the read
    EXPECT_EQ(ec, beast::websocket::error::closed);
    EXPECT_EQ(ws.reason().code, beast::websocket::close_code::going_away);
    ASSERT_EQ(runner.wait_for(5s), std::future_status::ready);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST_F(HttpServerTest, HeadHandlerMayDeclareLength) {
    router.add("HEAD", "/object", [](Request&) -> Awaitable<Response> {
        Response r = Response::empty(200);
        r.headers.set("Content-Length", "12345");
        co_return r;
    });
    start();
    auto s = connect();
    send(s, "HEAD /object HTTP/1.1\r\nHost: t\r\n\r\n");
    bhttp::response_parser<bhttp::string_body> p;
    p.skip(true);
    bhttp::read(s, buffer, p);
    EXPECT_EQ(p.get()[bhttp::field::content_length], "12345");
}

TEST_F(HttpServerTest, CorsHeadersOnTheWire) {
    start();
    auto s = connect();
    send(s, "OPTIONS /rest/v1/todos HTTP/1.1\r\nHost: t\r\nOrigin: http://example.test\r\n"
            "Access-Control-Request-Method: PATCH\r\nAccess-Control-Request-Headers: authorization,apikey\r\n\r\n");
    auto pre = receive(s);
    EXPECT_EQ(pre.result_int(), 204);
    EXPECT_EQ(pre["Access-Control-Allow-Origin"], "*");
    EXPECT_EQ(pre["Access-Control-Allow-Headers"], "authorization,apikey");
    EXPECT_FALSE(pre.has_content_length());
    send(s, "GET /health HTTP/1.1\r\nHost: t\r\nOrigin: http://example.test\r\n\r\n");
    auto get = receive(s);
    EXPECT_EQ(get["Access-Control-Allow-Origin"], "*");
    EXPECT_NE(get["Access-Control-Expose-Headers"].find("X-Total-Count"), std::string_view::npos);
}

TEST_F(HttpServerTest, StopBeforeRunReturnsImmediately) {
    Settings settings;
    settings.host = "127.0.0.1";
    settings.port = 0;
    settings.threads = 1;
    Server s(ServerOptions{.settings = settings, .router = &router});
    s.listen();
    s.stop();
    auto done = std::async(std::launch::async, [&] { s.run(); });
    EXPECT_EQ(done.wait_for(5s), std::future_status::ready);
}

TEST_F(HttpServerTest, ListenFailsClearlyWhenPortIsTaken) {
    start();
    Settings settings;
    settings.host = "127.0.0.1";
    settings.port = port;
    Server other(ServerOptions{.settings = settings, .router = &router});
    try {
        other.listen();
        FAIL() << "listen on a taken port succeeded";
    } catch (const ErrorException& e) {
        EXPECT_EQ(e.error().code, "http.listen_failed");
        EXPECT_NE(e.error().message.find(std::to_string(port)), std::string::npos);
        EXPECT_NE(e.error().message.find("bind: "), std::string::npos) << e.error().message;
    }
}

TEST_F(HttpServerTest, OnThreadStartRunsOncePerThread) {
    Settings settings;
    settings.host = "127.0.0.1";
    settings.port = 0;
    settings.threads = 3;
    std::atomic<int> calls{0};
    Server s(ServerOptions{.settings = settings,
                           .router = &router,
                           .on_thread_start = [&](std::size_t, asio::io_context&) { ++calls; }});
    s.listen();
    EXPECT_EQ(s.thread_count(), 3u);
    auto done = std::async(std::launch::async, [&] { s.run(); });
    std::this_thread::sleep_for(50ms);
    s.stop();
    ASSERT_EQ(done.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(calls.load(), 3);
}

TEST_F(HttpServerTest, FailingThreadStartStopsAndRethrows) {
    Settings settings;
    settings.host = "127.0.0.1";
    settings.port = 0;
    settings.threads = 2;
    Server s(ServerOptions{.settings = settings,
                           .router = &router,
                           .on_thread_start = [](std::size_t i, asio::io_context&) {
                               if (i == 1) throw std::runtime_error("no pool shard");
                           }});
    s.listen();
    auto done = std::async(std::launch::async, [&] { s.run(); });
    ASSERT_EQ(done.wait_for(5s), std::future_status::ready);
    EXPECT_THROW(done.get(), std::runtime_error);
}

}  // namespace
}  // namespace basalt::http
