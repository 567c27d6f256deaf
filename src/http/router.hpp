// Route table: method + path pattern -> handler. Patterns use ":name" for one segment and
// "*name" for the rest of the path ("/storage/v1/object/:bucket/*path"). Registration is
// explicit from app/ (no static-init magic); matching is done once per request.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace basalt::http {

template <typename T>
using Awaitable = boost::asio::awaitable<T>;

using Handler = std::function<Awaitable<Response>(Request&)>;

// Transport-neutral WebSocket handed to upgrade handlers (realtime builds on it).
// read() must be awaited only from the upgrade handler's coroutine (the connection's I/O thread).
// write() and close() may be called from any thread: they enqueue and return at once; a single
// writer sends in order. A peer that lets the bounded outgoing queue fill up is disconnected
// (read() then returns nullopt). Writes after close are dropped.
class WebSocket {
public:
    virtual ~WebSocket() = default;
    // Next message, or nullopt once the peer closed / the socket failed.
    virtual Awaitable<std::optional<std::string>> read() = 0;
    virtual Awaitable<void> write(std::string message, bool binary = false) = 0;
    virtual Awaitable<void> close() = 0;
    // Whether the message last returned by read() was a binary frame (text otherwise).
    [[nodiscard]] virtual bool last_message_binary() const { return false; }
};

using WsHandler = std::function<Awaitable<void>(Request&, std::shared_ptr<WebSocket>)>;

struct RouteOptions {
    bool rate_limited = true;       // apply the per-IP / per-user limiter
    bool requires_apikey = false;   // 401 when no valid apikey/bearer is present
    std::size_t max_body_bytes = 0; // 0 = server default
};

class Router {
public:
    void add(std::string_view method, std::string_view pattern, Handler handler, RouteOptions options = {});
    void add_websocket(std::string_view pattern, WsHandler handler);

    struct Match {
        const Handler* handler = nullptr;
        const WsHandler* ws_handler = nullptr;
        const RouteOptions* options = nullptr;
        std::string pattern;
        std::map<std::string, std::string> params;
        bool method_not_allowed = false;  // path matched, method did not
    };
    // ws=true looks only at WebSocket routes.
    [[nodiscard]] Match match(std::string_view method, std::string_view path, bool ws = false) const;

private:
    struct Route {
        std::string method;  // empty for WebSocket routes
        std::string pattern;
        std::vector<std::string> segments;
        Handler handler;
        WsHandler ws_handler;
        RouteOptions options;
    };
    void index(std::size_t route_index);

    std::vector<Route> routes_;
    // Candidates by first path segment, so a request only looks at routes that can match:
    // routes whose first segment is a literal, and routes starting with ":param"/"*rest"
    // (or the root pattern), which every request must consider.
    std::map<std::string, std::vector<std::size_t>, std::less<>> by_first_segment_;
    std::vector<std::size_t> dynamic_first_segment_;
};

}  // namespace basalt::http
