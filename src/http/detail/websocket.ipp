// WsConnection: http::WebSocket over beast::websocket with a single writer. Included only by
// session.cpp (keeps Beast in one translation unit); not a standalone header.
//
// Threading: read() is called by the upgrade handler, which runs on the connection's I/O
// thread. write() and close() may be called from any thread: they hop onto that thread and only
// enqueue. One writer coroutine drains the bounded queue, so at most one write is in flight;
// a client too slow to keep the queue under its bounds is disconnected (never buffered forever).

namespace {

class WsConnection final : public WebSocket, public std::enable_shared_from_this<WsConnection> {
public:
    using Stream = websocket::stream<tcp::socket>;

    static constexpr std::size_t kMaxQueuedMessages = 1024;
    static constexpr std::size_t kMaxQueuedBytes = 16u << 20;

    WsConnection(tcp::socket socket, asio::io_context& io, const Settings& settings)
        : ws_(std::move(socket)), io_(io), wake_(io), settings_(settings) {}

    Stream& stream() { return ws_; }

    void configure(const std::string& request_id) {
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = std::chrono::seconds(10);
        timeouts.idle_timeout = std::chrono::milliseconds(settings_.idle_timeout_ms);
        timeouts.keep_alive_pings = true;  // ping at half the idle time; drop dead peers
        ws_.set_option(timeouts);
        ws_.set_option(websocket::stream_base::decorator([request_id](websocket::response_type& res) {
            res.set(bhttp::field::server, "basalt");
            res.set("X-Request-Id", request_id);
        }));
        const auto max_message = std::min<std::int64_t>(settings_.max_body_bytes, 16 << 20);
        ws_.read_message_max(static_cast<std::size_t>(std::max<std::int64_t>(max_message, 64 * 1024)));
    }

    Awaitable<std::optional<std::string>> read() override {
        auto self = shared_from_this();
        read_buffer_.clear();
        beast::error_code ec;
        co_await ws_.async_read(read_buffer_, asio::redirect_error(use_awaitable, ec));
        if (ec) {
            // Peer closed (Beast already answered its close frame) or the transport failed:
            // let the writer finish so the session can end.
            request_close(websocket::close_code::normal);
            co_return std::nullopt;
        }
        last_binary_ = ws_.got_binary();
        co_return beast::buffers_to_string(read_buffer_.data());
    }

    Awaitable<void> write(std::string message, bool binary) override {
        if (io_.get_executor().running_in_this_thread()) {
            enqueue(std::move(message), binary);
        } else {
            asio::post(io_, [self = shared_from_this(), m = std::move(message), binary]() mutable {
                self->enqueue(std::move(m), binary);
            });
        }
        co_return;
    }

    Awaitable<void> close() override {
        request_close(websocket::close_code::normal);
        co_return;
    }

    [[nodiscard]] bool last_message_binary() const override { return last_binary_; }

    // Any thread. Queued messages are still sent, then the close frame.
    void request_close(websocket::close_code code) {
        if (!io_.get_executor().running_in_this_thread()) {
            asio::post(io_, [self = shared_from_this(), code] { self->request_close(code); });
            return;
        }
        if (close_requested_) return;
        close_requested_ = true;
        close_code_ = code;
        wake_.cancel();
    }

    // Own thread only: drop the connection now (slow client, shutdown deadline, watchdog).
    void force_close() {
        finished_ = true;
        beast::error_code ec;
        beast::get_lowest_layer(ws_).close(ec);
        wake_.cancel();
    }

    // The single writer; returns once the close frame went out or the transport failed.
    Awaitable<void> run_writer() {
        auto self = shared_from_this();
        beast::error_code ec;
        while (!finished_) {
            if (queue_.empty()) {
                if (close_requested_) break;
                wake_.expires_at(Clock::time_point::max());
                co_await wake_.async_wait(asio::redirect_error(use_awaitable, ec));
                continue;
            }
            Outgoing message = std::move(queue_.front());
            queue_.pop_front();
            queued_bytes_ -= message.data.size();
            ws_.binary(message.binary);
            co_await ws_.async_write(asio::buffer(message.data), asio::redirect_error(use_awaitable, ec));
            if (ec) finished_ = true;
        }
        if (!finished_ && ws_.is_open()) {
            co_await ws_.async_close(close_code_, asio::redirect_error(use_awaitable, ec));
        }
        finished_ = true;
        queue_.clear();
        queued_bytes_ = 0;
    }

private:
    struct Outgoing {
        std::string data;
        bool binary = false;
    };

    void enqueue(std::string message, bool binary) {
        if (finished_ || close_requested_) return;
        if (queue_.size() >= kMaxQueuedMessages || queued_bytes_ + message.size() > kMaxQueuedBytes) {
            log::warn("closing websocket: client is not reading (queue {} messages, {} bytes)", queue_.size(),
                      queued_bytes_);
            force_close();
            return;
        }
        queued_bytes_ += message.size();
        queue_.push_back(Outgoing{std::move(message), binary});
        wake_.cancel();
    }

    Stream ws_;
    asio::io_context& io_;
    asio::steady_timer wake_;
    const Settings& settings_;
    beast::flat_buffer read_buffer_;
    std::deque<Outgoing> queue_;
    std::size_t queued_bytes_ = 0;
    websocket::close_code close_code_ = websocket::close_code::normal;
    bool close_requested_ = false;
    bool finished_ = false;
    bool last_binary_ = false;
};

}  // namespace
