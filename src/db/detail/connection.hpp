// One libpq connection driven by Asio: non-blocking connect, pipelines of
// prepare/execute/sync steps sent in one flush, simple-protocol scripts, and a deadline on
// every socket wait. Lives on one io_context thread; the pool and the listener build on it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <libpq-fe.h>

#include "db/detail/pg_result.hpp"
#include "db/detail/statement_cache.hpp"
#include "db/pool.hpp"

namespace basalt::db::detail {

// How to reach the server: the user's conninfo parsed once, plus application_name=basalt
// (as fallback, so the user's own wins) and statement_timeout appended to `options`.
class ConnectParams {
public:
    // Throws ErrorException (500 db.bad_conninfo) when libpq cannot parse the string.
    static ConnectParams make(std::string_view conninfo, std::int64_t statement_timeout_ms,
                              std::chrono::milliseconds connect_timeout);

    std::vector<std::string> keywords;
    std::vector<std::string> values;
    std::chrono::milliseconds connect_timeout{5000};
};

// Parameters of one step: owned strings (Params) or C strings borrowed from the caller
// (no copy on the hot path; nullptr is SQL NULL). Views must outlive pipeline().
struct StepParams {
    const Params* owned = nullptr;
    std::span<const char* const> borrowed;

    StepParams() = default;
    StepParams(const Params* p) : owned(p) {}  // NOLINT: implicit on purpose
    StepParams(std::span<const char* const> b) : borrowed(b) {}  // NOLINT
    [[nodiscard]] std::size_t size() const { return owned ? owned->size() : borrowed.size(); }
};

// One entry of a pipeline. Views must stay valid until pipeline() completes.
struct Step {
    enum class Kind { kQuery, kPrepare, kExecPrepared, kSync };
    Kind kind = Kind::kSync;
    std::string_view text;  // kQuery: SQL; kPrepare/kExecPrepared: statement name
    std::string_view sql;   // kPrepare: SQL to prepare
    StepParams params;      // kQuery/kExecPrepared (empty = none); kPrepare: only the count

    static Step query(std::string_view sql, StepParams p = {}) { return {Kind::kQuery, sql, {}, p}; }
    static Step prepare(std::string_view name, std::string_view sql, StepParams p) {
        return {Kind::kPrepare, name, sql, p};
    }
    static Step exec(std::string_view name, StepParams p) { return {Kind::kExecPrepared, name, {}, p}; }
    static Step sync() { return {}; }
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    explicit Connection(boost::asio::any_io_executor ex);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Throws ErrorException 503 db.unavailable (server down, auth failure, timeout).
    Awaitable<void> connect(const ConnectParams& params);

    // Sends every step in pipeline mode with ONE flush and returns one result per step (the
    // last result of a query step; PGRES_PIPELINE_SYNC for sync steps). Server errors come
    // back as error results; a lost connection or the deadline throws (and marks it broken).
    // `timeout` zero = no client-side deadline. Steps must end with a sync.
    Awaitable<std::vector<ResultPtr>> pipeline(std::span<const Step> steps,
                                               std::chrono::milliseconds timeout);

    // The parts of pipeline(), for a pipeline that several requests fill (read_batch.hpp):
    // start_pipeline() enters pipeline mode, queue() buffers steps without sending,
    // send_queued() flushes everything buffered, read_results() reads the results of the next
    // `steps` in order (out.size() == steps.size()), end_pipeline() leaves pipeline mode once
    // every result has been read. Arm a Deadline around the sending and reading.
    void start_pipeline();
    void queue(std::span<const Step> steps);
    Awaitable<void> send_queued();
    Awaitable<void> read_results(std::span<const Step> steps, std::span<ResultPtr> out);
    void end_pipeline();

    // Arms the connection's timer for one operation (zero = none); on expiry the pending
    // socket wait fails with 504 and the connection is marked broken.
    class Deadline;

    // Simple protocol (several statements, no parameters). Returns the first error result,
    // else the last result. Connection trouble throws like pipeline().
    Awaitable<ResultPtr> simple(std::string_view sql, std::chrono::milliseconds timeout);

    // Waits until the socket is readable, then consumes input (LISTEN). Returns false when
    // cancelled by cancel(); throws when the connection is lost.
    Awaitable<bool> wait_input();
    void cancel();

    // Marks the connection broken and throws 503 db.unavailable with libpq's message.
    [[noreturn]] void fail(std::string_view what);

    // Checkout check: reads pending bytes so a server-closed socket is noticed before use.
    bool alive();
    // A connection given back moments ago skips that check (one recv() per request saved on a
    // busy pool); if the server dropped it meanwhile, the request fails like an in-flight one.
    void mark_released(std::chrono::steady_clock::time_point now) { released_at_ = now; }
    [[nodiscard]] bool recently_released(std::chrono::steady_clock::time_point now) const {
        return now - released_at_ < std::chrono::seconds(1);
    }
    [[nodiscard]] bool broken() const { return broken_; }
    // Also forgets the socket at once (see drop_socket()).
    void mark_broken();
    [[nodiscard]] bool idle() const;  // connected, no transaction open, no result pending

    StatementCache& statements() { return statements_; }
    PGconn* raw() { return conn_; }

private:
    Awaitable<void> wait(boost::asio::posix::descriptor_base::wait_type type);
    Awaitable<void> flush();
    Awaitable<ResultPtr> next_result();
    void send(const Step& step);
    void rebind_socket();
    // Takes the socket out of the reactor now. libpq closes it itself when it sees the
    // connection fail, and its number can then be reused by the next connection this thread
    // opens; forgetting it later (when this object dies) would unregister that one instead.
    void drop_socket();

    boost::asio::any_io_executor ex_;
    PGconn* conn_ = nullptr;
    std::optional<boost::asio::posix::stream_descriptor> socket_;
    boost::asio::steady_timer timer_;
    std::uint64_t deadline_gen_ = 0;
    bool timed_out_ = false;
    bool broken_ = false;
    std::chrono::steady_clock::time_point released_at_{};
    StatementCache statements_;
};

class Connection::Deadline {
public:
    Deadline(Connection& c, std::chrono::milliseconds timeout);
    ~Deadline();
    Deadline(const Deadline&) = delete;
    Deadline& operator=(const Deadline&) = delete;

private:
    Connection& c_;
    bool armed_ = false;
};

}  // namespace basalt::db::detail
