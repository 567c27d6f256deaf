// WebSocket echo handler (transport-neutral: it only sees http::WebSocket).
#include "http/echo_websocket.hpp"

namespace basalt::http {

void add_echo_websocket(Router& router, std::string_view path) {
    router.add_websocket(path, [](Request&, std::shared_ptr<WebSocket> ws) -> Awaitable<void> {
        while (auto message = co_await ws->read()) {
            co_await ws->write(std::move(*message), ws->last_message_binary());
        }
    });
}

}  // namespace basalt::http
