// libpq on Asio: the socket is borrowed from libpq (released, never closed, by Asio), every
// wait carries the operation's deadline, and pipelines are flushed once then read in order.
#include "db/detail/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"

namespace basalt::db::detail {

namespace asio = boost::asio;
using namespace std::chrono_literals;

ServerError server_error(const PGresult* r) {
    ServerError e;
    auto field = [r](int code) -> std::optional<std::string> {
        const char* v = r ? PQresultErrorField(r, code) : nullptr;
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
    e.sqlstate = field(PG_DIAG_SQLSTATE).value_or("");
    e.message = field(PG_DIAG_MESSAGE_PRIMARY).value_or("");
    e.detail = field(PG_DIAG_MESSAGE_DETAIL);
    e.hint = field(PG_DIAG_MESSAGE_HINT);
    e.internal = r ? PQresultErrorMessage(r) : "no result";
    while (!e.internal.empty() && e.internal.back() == '\n') e.internal.pop_back();
    return e;
}

Error result_error(const PGresult* r, bool conn_ok, bool authenticated) {
    ServerError e = server_error(r);
    // No SQLSTATE means libpq made the error up (lost connection, protocol trouble).
    if (!conn_ok || e.sqlstate.empty()) return unavailable_error(e.internal);
    return to_error(e, authenticated);
}

ConnectParams ConnectParams::make(std::string_view conninfo, std::int64_t statement_timeout_ms,
                                  std::chrono::milliseconds connect_timeout) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(std::string(conninfo).c_str(), &err);
    if (opts == nullptr) {
        Error e = Error::internal_error(std::string("invalid database connection string: ") +
                                        (err ? err : "out of memory"));
        e.code = "db.bad_conninfo";
        e.message = "Invalid database connection string";
        if (err) PQfreemem(err);
        throw ErrorException(std::move(e));
    }
    ConnectParams p;
    p.connect_timeout = connect_timeout;
    std::string options;
    bool has_app_name = false;
    for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
        if (o->val == nullptr) continue;
        std::string_view key = o->keyword;
        if (key == "options") {
            options = o->val;
            continue;
        }
        if (key == "application_name" || key == "fallback_application_name") has_app_name = true;
        p.keywords.emplace_back(key);
        p.values.emplace_back(o->val);
    }
    PQconninfoFree(opts);
    if (!has_app_name) {
        p.keywords.emplace_back("fallback_application_name");
        p.values.emplace_back("basalt");
    }
    // Set at connect time so it costs nothing per request; a role's own setting (ALTER ROLE
    // ... SET statement_timeout) still wins after SET ROLE, as in PostgREST.
    if (!options.empty()) options += ' ';
    options += "-c statement_timeout=" + std::to_string(statement_timeout_ms);
    p.keywords.emplace_back("options");
    p.values.emplace_back(std::move(options));
    return p;
}

// On expiry the pending socket wait is cancelled and the operation fails with 504 (the
// connection is then discarded, since the server may still be running the statement).
Connection::Deadline::Deadline(Connection& c, std::chrono::milliseconds timeout) : c_(c) {
    c_.timed_out_ = false;
    if (timeout <= 0ms) return;
    armed_ = true;
    auto gen = ++c_.deadline_gen_;
    c_.timer_.expires_after(timeout);
    c_.timer_.async_wait([weak = c_.weak_from_this(), gen](boost::system::error_code ec) {
        if (ec) return;
        auto self = weak.lock();
        if (!self || self->deadline_gen_ != gen) return;
        self->timed_out_ = true;
        if (self->socket_) self->socket_->cancel();
    });
}

Connection::Deadline::~Deadline() {
    if (!armed_) return;
    ++c_.deadline_gen_;
    c_.timer_.cancel();
}

namespace {
void log_notice(void*, const char* message) { log::debug("postgres: {}", message); }
}  // namespace

Connection::Connection(asio::any_io_executor ex) : ex_(ex), timer_(ex) {}

Connection::~Connection() {
    // libpq owns the descriptor: Asio must forget it without closing it.
    if (socket_) socket_->release();
    if (conn_ != nullptr) PQfinish(conn_);
}

void Connection::drop_socket() {
    if (socket_) {
        socket_->release();
        socket_.reset();
    }
}

void Connection::mark_broken() {
    broken_ = true;
    drop_socket();
}

void Connection::fail(std::string_view what) {
    mark_broken();
    std::string msg(what);
    if (conn_ != nullptr) {
        std::string pq = PQerrorMessage(conn_);
        while (!pq.empty() && pq.back() == '\n') pq.pop_back();
        if (!pq.empty()) msg += ": " + pq;
    }
    throw ErrorException(unavailable_error(std::move(msg)));
}

// PQsocket can change while connecting (libpq retries other addresses), and a closed fd may be
// reused with the same number, so the Asio registration is redone from scratch each time.
void Connection::rebind_socket() {
    if (socket_) {
        socket_->release();
        socket_.reset();
    }
    int fd = PQsocket(conn_);
    if (fd < 0) fail("connection has no socket");
    socket_.emplace(ex_, fd);
}

Awaitable<void> Connection::wait(asio::posix::descriptor_base::wait_type type) {
    if (!socket_) fail("connection is broken");
    if (!timed_out_) {
        auto [ec] = co_await socket_->async_wait(type, asio::as_tuple(asio::use_awaitable));
        if (ec && !timed_out_) fail("socket wait failed: " + ec.message());
    }
    if (timed_out_) {
        mark_broken();
        Error e;
        e.status = 504;
        e.code = "db.timeout";
        e.message = "Database request timed out";
        e.internal = "client-side deadline expired waiting for PostgreSQL";
        throw ErrorException(std::move(e));
    }
}

Awaitable<void> Connection::connect(const ConnectParams& params) {
    std::vector<const char*> keys, vals;
    for (std::size_t i = 0; i < params.keywords.size(); ++i) {
        keys.push_back(params.keywords[i].c_str());
        vals.push_back(params.values[i].c_str());
    }
    keys.push_back(nullptr);
    vals.push_back(nullptr);
    conn_ = PQconnectStartParams(keys.data(), vals.data(), 0);
    if (conn_ == nullptr) fail("out of memory");
    if (PQstatus(conn_) == CONNECTION_BAD) fail("connection failed");
    Deadline deadline(*this, params.connect_timeout);
    // libpq's rule: before the first PQconnectPoll, behave as if it returned WRITING.
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK) {
        if (st == PGRES_POLLING_FAILED) fail("connection failed");
        rebind_socket();
        bool timed_out = false;
        try {
            co_await wait(st == PGRES_POLLING_READING ? asio::posix::descriptor_base::wait_read
                                                      : asio::posix::descriptor_base::wait_write);
        } catch (const ErrorException&) {
            if (!timed_out_) throw;
            timed_out = true;
        }
        // A connect that runs out of time is an unreachable server (503), not a slow query.
        if (timed_out) fail("connection attempt timed out");
        st = PQconnectPoll(conn_);
    }
    rebind_socket();
    if (PQsetnonblocking(conn_, 1) != 0) fail("cannot switch to non-blocking mode");
    PQsetNoticeProcessor(conn_, log_notice, nullptr);
}

bool Connection::alive() {
    if (broken_ || conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) return false;
    if (PQconsumeInput(conn_) == 0) return false;  // EOF: the server closed it while idle
    while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
    return idle();
}

bool Connection::idle() const {
    return !broken_ && conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK &&
           PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

Awaitable<void> Connection::flush() {
    for (;;) {
        int r = PQflush(conn_);
        if (r == 0) co_return;
        if (r < 0) fail("sending to PostgreSQL failed");
        co_await wait(asio::posix::descriptor_base::wait_write);
        // Read what the server sent meanwhile so neither side stalls on a full buffer.
        if (PQconsumeInput(conn_) == 0) fail("connection lost");
    }
}

Awaitable<ResultPtr> Connection::next_result() {
    while (PQisBusy(conn_) != 0) {
        co_await wait(asio::posix::descriptor_base::wait_read);
        if (PQconsumeInput(conn_) == 0) fail("connection lost");
    }
    co_return adopt_result(PQgetResult(conn_));
}

namespace {
// libpq wants const char* arrays; borrowed parameters already are one.
class ParamArrays {
public:
    explicit ParamArrays(const StepParams& p) {
        if (p.owned == nullptr) {
            data_ = p.borrowed.empty() ? nullptr : p.borrowed.data();
            count_ = static_cast<int>(p.borrowed.size());
            return;
        }
        copy_.reserve(p.owned->size());
        for (const auto& v : *p.owned) copy_.push_back(v ? v->c_str() : nullptr);
        data_ = copy_.empty() ? nullptr : copy_.data();
        count_ = static_cast<int>(copy_.size());
    }
    [[nodiscard]] int count() const { return count_; }
    [[nodiscard]] const char* const* data() const { return data_; }

private:
    std::vector<const char*> copy_;
    const char* const* data_ = nullptr;
    int count_ = 0;
};

}  // namespace

void Connection::send(const Step& step) {
    int ok = 0;
    switch (step.kind) {
        case Step::Kind::kQuery: {
            ParamArrays p(step.params);
            ok = PQsendQueryParams(conn_, std::string(step.text).c_str(), p.count(), nullptr, p.data(),
                                   nullptr, nullptr, 0);
            break;
        }
        case Step::Kind::kPrepare: {
            ok = PQsendPrepare(conn_, std::string(step.text).c_str(), std::string(step.sql).c_str(),
                               static_cast<int>(step.params.size()), nullptr);
            break;
        }
        case Step::Kind::kExecPrepared: {
            ParamArrays p(step.params);
            ok = PQsendQueryPrepared(conn_, std::string(step.text).c_str(), p.count(), p.data(), nullptr,
                                     nullptr, 0);
            break;
        }
        case Step::Kind::kSync:
            ok = PQpipelineSync(conn_);
            break;
    }
    if (ok == 0) fail("queueing a statement failed");
}

void Connection::start_pipeline() {
    if (broken_) fail("connection is broken");
    if (PQenterPipelineMode(conn_) == 0) fail("cannot enter pipeline mode");
}

void Connection::queue(std::span<const Step> steps) {
    if (broken_) fail("connection is broken");
    for (const Step& s : steps) send(s);
}

Awaitable<void> Connection::send_queued() {
    if (broken_) fail("connection is broken");
    co_await flush();
}

Awaitable<void> Connection::read_results(std::span<const Step> steps, std::span<ResultPtr> out) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (steps[i].kind == Step::Kind::kSync) {
            out[i] = co_await next_result();
            if (!out[i] || PQresultStatus(out[i].get()) != PGRES_PIPELINE_SYNC) {
                fail("pipeline out of step");
            }
            continue;
        }
        // A statement's results end with a NULL; keep the last (one unless single-row mode).
        while (ResultPtr r = co_await next_result()) out[i] = std::move(r);
        if (!out[i] || PQstatus(conn_) != CONNECTION_OK) fail("connection lost");
    }
}

void Connection::end_pipeline() {
    if (PQexitPipelineMode(conn_) == 0) fail("cannot leave pipeline mode");
}

Awaitable<std::vector<ResultPtr>> Connection::pipeline(std::span<const Step> steps,
                                                       std::chrono::milliseconds timeout) {
    Deadline deadline(*this, timeout);
    start_pipeline();
    queue(steps);
    co_await send_queued();
    std::vector<ResultPtr> results(steps.size());
    co_await read_results(steps, results);
    end_pipeline();
    co_return results;
}

Awaitable<ResultPtr> Connection::simple(std::string_view sql, std::chrono::milliseconds timeout) {
    if (broken_) fail("connection is broken");
    Deadline deadline(*this, timeout);
    if (PQsendQuery(conn_, std::string(sql).c_str()) == 0) fail("sending a query failed");
    co_await flush();
    ResultPtr first_error, last;
    while (ResultPtr r = co_await next_result()) {
        if (is_error(r.get()) && !first_error) first_error = r;
        last = std::move(r);
    }
    if (PQstatus(conn_) != CONNECTION_OK) fail("connection lost");
    co_return first_error ? first_error : last;
}

Awaitable<bool> Connection::wait_input() {
    if (!socket_) fail("connection is broken");
    auto [ec] = co_await socket_->async_wait(asio::posix::descriptor_base::wait_read,
                                             asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted) co_return false;
    if (ec) fail("socket wait failed: " + ec.message());
    if (PQconsumeInput(conn_) == 0) fail("connection lost");
    co_return true;
}

void Connection::cancel() {
    if (socket_) socket_->cancel();
}

}  // namespace basalt::db::detail
