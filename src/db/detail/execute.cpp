// Pipeline recipes: prepared statements with the per-connection cache, and transactions that
// set role and request.jwt.claims in the same round trip as the statement (DESIGN.md: four
// statements in one pipeline instead of four round trips).
#include "db/detail/execute.hpp"

#include <optional>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "common/log.hpp"
#include "db/detail/read_batch.hpp"

namespace basalt::db::detail {
namespace {

// Steps plus the DEALLOCATE texts they point into, kept alive together. Small-buffer storage:
// a request's pipeline is a handful of steps and should not cost an allocation per step.
class Pipeline {
public:
    std::size_t add(Step s) {
        steps.push_back(s);
        return steps.size() - 1;
    }

    // Statements evicted from the cache are dropped server-side in their own segment ahead of
    // the request, so a failure there (it should not happen) cannot abort the real work. Only
    // while the connection is outside a transaction.
    void deallocate_evicted(Connection& c) {
        if (!c.statements().has_evicted()) return;
        auto names = c.statements().take_evicted();
        owned.reserve(names.size());  // the steps point into these strings: no reallocation
        dealloc_begin = steps.size();
        for (auto& n : names) add(Step::query(owned.emplace_back("DEALLOCATE " + n)));
        add(Step::sync());
        dealloc_end = steps.size();
    }

    void log_deallocate_errors(const std::vector<ResultPtr>& results) const {
        for (std::size_t i = dealloc_begin; i < dealloc_end; ++i) {
            if (steps[i].kind != Step::Kind::kSync && is_error(results[i].get())) {
                log::debug("DEALLOCATE failed: {}", server_error(results[i].get()).internal);
            }
        }
    }

    [[nodiscard]] std::span<const Step> all() const { return {steps.data(), steps.size()}; }

    boost::container::small_vector<Step, 8> steps;
    std::vector<std::string> owned;
    std::size_t dealloc_begin = 0, dealloc_end = 0;
};

// A statement added through the cache: prepare (first use on this connection) + execute. The
// steps point into `name`, so a Prepared must stay where it is until the pipeline completed.
struct Prepared {
    std::string_view sql;
    std::string name;
    std::optional<std::size_t> prepare;  // step index of the Prepare, if sent
    std::size_t exec = 0;

    Prepared() = default;
    Prepared(const Prepared&) = delete;
    Prepared& operator=(const Prepared&) = delete;
};

void add_prepared(Pipeline& p, Prepared& out, StatementCache::Lookup lk, std::string_view sql,
                  StepParams params) {
    out.sql = sql;
    out.name = std::move(lk.name);
    if (lk.needs_prepare) out.prepare = p.add(Step::prepare(out.name, sql, params));
    out.exec = p.add(Step::exec(out.name, params));
}

// A Prepare that failed or was skipped (pipeline aborted earlier) left nothing on the server.
void forget_unprepared(Connection& c, const Prepared& st, const std::vector<ResultPtr>& results) {
    if (st.prepare && is_error(results[*st.prepare].get())) c.statements().forget(st.sql);
}

// The error to report: the first real failure, not the PIPELINE_ABORTED echoes after it.
const PGresult* first_failure(const std::vector<ResultPtr>& results, std::size_t from,
                              std::size_t to) {
    const PGresult* aborted = nullptr;
    for (std::size_t i = from; i < to; ++i) {
        const PGresult* r = results[i].get();
        if (!is_error(r)) continue;
        if (PQresultStatus(r) != PGRES_PIPELINE_ABORTED) return r;
        if (!aborted) aborted = r;
    }
    return aborted;
}

// 26000: our cache says prepared, the server disagrees (DEALLOCATE ALL, a pooler); 0A000:
// the statement's result type changed after DDL. Both are fixed by preparing again.
enum class Stale { kNo, kMissing, kInvalidated };
Stale stale_statement(const PGresult* r) {
    std::string state = result_sqlstate(r);
    if (state == "26000") return Stale::kMissing;
    if (state == "0A000") {
        const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        std::string_view msg = primary ? primary : "";
        if (msg.starts_with("cached plan must not change result type")) return Stale::kInvalidated;
    }
    return Stale::kNo;
}

void drop_stale(Connection& c, std::string_view sql, Stale s) {
    if (s == Stale::kMissing) c.statements().forget(sql);
    if (s == Stale::kInvalidated) c.statements().discard(sql);
}

// SELECT num_nulls(set_config($1, $2, true), set_config($3, $4, true), ...) with ('role', ..),
// ('request.jwt.claims', ..), extras. set_config('role', r, true) is SET LOCAL ROLE r (as
// PostgREST does). Names are parameters too, so the text depends only on how many settings there
// are: prepared once per count and connection, built once per count and thread. num_nulls()
// evaluates every argument and answers one small number, so the values (request headers,
// claims) are not echoed back. The values are borrowed from the TxContext, which outlives the
// pipeline.
// In an implicit transaction (no BEGIN) it also makes the transaction read-only: only turning
// read-only ON is allowed after the first snapshot, and that is the only way used here.
class GucStatement {
public:
    GucStatement(const TxContext& ctx, bool read_only) : read_only_(read_only) {
        values_.reserve(2 * (ctx.settings.size() + 2));
        if (ctx.role) add("role", *ctx.role);
        if (ctx.claims_json) add("request.jwt.claims", *ctx.claims_json);
        for (const auto& [k, v] : ctx.settings) add(k.c_str(), v);
    }

    [[nodiscard]] bool empty() const { return values_.empty() && !read_only_; }
    [[nodiscard]] std::span<const char* const> params() const { return {values_.data(), values_.size()}; }

    [[nodiscard]] const std::string& sql() const {
        thread_local std::vector<std::string> texts[2];
        auto& cache = texts[read_only_ ? 1 : 0];
        const std::size_t pairs = values_.size() / 2;
        if (cache.size() <= pairs) cache.resize(pairs + 1);
        std::string& text = cache[pairs];
        if (text.empty()) {
            // A function takes at most 100 arguments: one num_nulls column per kPerCall calls.
            constexpr std::size_t kPerCall = 64;
            text = "SELECT pg_catalog.num_nulls(";
            std::size_t in_call = 0;
            const auto next_argument = [&] {
                if (in_call == kPerCall) {
                    text += "), pg_catalog.num_nulls(";
                    in_call = 0;
                } else if (in_call > 0) {
                    text += ", ";
                }
                ++in_call;
            };
            if (read_only_) {
                next_argument();
                text += "set_config('transaction_read_only', 'on', true)";
            }
            for (std::size_t i = 0; i < pairs; ++i) {
                next_argument();
                text += "set_config($" + std::to_string(2 * i + 1) + ", $" + std::to_string(2 * i + 2) + ", true)";
            }
            text += ")";
        }
        return text;
    }

private:
    void add(const char* key, const std::string& value) {
        values_.push_back(key);
        values_.push_back(value.c_str());
    }

    boost::container::small_vector<const char*, 24> values_;
    bool read_only_;
};

std::string_view begin_sql(const TxContext& ctx) {
    return ctx.read_only ? "BEGIN READ ONLY" : "BEGIN";
}

// After a failed transaction pipeline the session sits in an aborted block: end it so the
// connection goes back clean. If even that fails the connection is discarded.
Awaitable<void> rollback_if_open(Connection& c, std::chrono::milliseconds timeout) {
    if (c.idle() || c.broken()) co_return;
    const Step steps[] = {Step::query("ROLLBACK"), Step::sync()};
    auto results = co_await c.pipeline(steps, timeout);
    if (is_error(results[0].get()) || !c.idle()) c.mark_broken();
}

[[noreturn]] void throw_result(Connection& c, const PGresult* r, bool authenticated) {
    throw ErrorException(result_error(r, PQstatus(c.raw()) == CONNECTION_OK, authenticated));
}

}  // namespace

bool is_authenticated(const TxContext& ctx) {
    return !ctx.anonymous.value_or(ctx.role.has_value() && *ctx.role == "anon");
}

Awaitable<Rows> run_statement(Connection& c, std::string_view sql, const Params& params,
                              bool authenticated, bool in_transaction,
                              std::chrono::milliseconds timeout) {
    for (int attempt = 0;; ++attempt) {
        auto lk = c.statements().lookup(sql);
        Pipeline p;
        if (!in_transaction) p.deallocate_evicted(c);
        Prepared st;
        add_prepared(p, st, std::move(lk), sql, &params);
        p.add(Step::sync());
        auto results = co_await c.pipeline(p.all(), timeout);
        p.log_deallocate_errors(results);
        forget_unprepared(c, st, results);
        const PGresult* err = first_failure(results, p.dealloc_end, results.size());
        if (!err) co_return Rows(results[st.exec]);
        Stale stale = stale_statement(err);
        drop_stale(c, sql, stale);
        if (stale == Stale::kNo || in_transaction || attempt > 0) throw_result(c, err, authenticated);
    }
}

namespace {

// The pipeline of one whole transaction: [DEALLOCATE ...; Sync] [BEGIN] set_config statement,
// the statement, [COMMIT|ROLLBACK] Sync. Stays in place: its steps point into it.
struct TxPipeline {
    Pipeline p;
    Prepared set, st;
    std::size_t first = 0;  // the transaction's first step (after the DEALLOCATE segment)
    bool has_gucs = false;

    TxPipeline(Connection& c, const TxContext& ctx, const GucStatement& gucs, bool implicit,
               bool rollback, std::string_view sql, const Params& params) {
        // Look both statements up before building, so evictions are known for the prologue.
        std::optional<StatementCache::Lookup> gucs_lk;
        if (!gucs.empty()) gucs_lk = c.statements().lookup(gucs.sql());
        auto lk = c.statements().lookup(sql);
        p.deallocate_evicted(c);
        first = p.steps.size();
        if (!implicit) p.add(Step::query(begin_sql(ctx)));
        has_gucs = gucs_lk.has_value();
        if (gucs_lk) add_prepared(p, set, std::move(*gucs_lk), gucs.sql(), gucs.params());
        add_prepared(p, st, std::move(lk), sql, &params);
        if (!implicit) p.add(Step::query(rollback ? "ROLLBACK" : "COMMIT"));
        p.add(Step::sync());
    }
    TxPipeline(const TxPipeline&) = delete;
    TxPipeline& operator=(const TxPipeline&) = delete;

    // Books the results into the statement cache; the failure to report, or null.
    const PGresult* settle(Connection& c, const std::vector<ResultPtr>& results) const {
        p.log_deallocate_errors(results);
        if (has_gucs) forget_unprepared(c, set, results);
        forget_unprepared(c, st, results);
        return first_failure(results, first, results.size());
    }

    // A stale prepared statement (either one) was dropped: true if retrying may help.
    static bool drop_if_stale(Connection& c, const GucStatement& gucs, std::string_view sql,
                              const PGresult* err) {
        Stale stale = stale_statement(err);
        if (stale == Stale::kNo) return false;
        drop_stale(c, sql, stale);
        if (!gucs.empty()) drop_stale(c, gucs.sql(), stale);
        return true;
    }
};

ResultPtr keep_alive(const std::vector<ResultPtr>& results, const PGresult* r) {
    for (const auto& x : results) {
        if (x.get() == r) return x;
    }
    return nullptr;
}

}  // namespace

// A read-only request that is not rolled back needs no BEGIN/COMMIT: the statements before a
// Sync form one implicit transaction (PostgreSQL commits it at the Sync, or rolls it back after
// an error), set_config(..., true) lasts until then, and the settings statement makes it read
// only. Two statements instead of four: less work for PostgreSQL and for us. Writes keep the
// explicit block, so that a deferred constraint failing at COMMIT comes back as that
// statement's error.
Awaitable<Rows> run_transaction(Connection& c, const TxContext& ctx, std::string_view sql,
                                const Params& params, bool rollback,
                                std::chrono::milliseconds timeout) {
    const bool authed = is_authenticated(ctx);
    const bool implicit = ctx.read_only && !rollback;
    const GucStatement gucs(ctx, implicit);
    for (int attempt = 0;; ++attempt) {
        TxPipeline tx(c, ctx, gucs, implicit, rollback, sql, params);
        auto results = co_await c.pipeline(tx.p.all(), timeout);
        const PGresult* err = tx.settle(c, results);
        if (!err) co_return Rows(results[tx.st.exec]);
        // Keep the failed result alive across the ROLLBACK round trip below.
        ResultPtr failed = keep_alive(results, err);
        co_await rollback_if_open(c, timeout);
        // Everything was rolled back, so retrying after a stale statement is safe.
        if (TxPipeline::drop_if_stale(c, gucs, sql, err) && attempt == 0) continue;
        throw_result(c, failed.get(), authed);
    }
}

// The same implicit transaction, sent in the read batch this thread is gathering. Its Sync
// ends it on the server whatever happens, so there is never anything to roll back here. When
// the batch's connection is lost before any answer to this read arrived (a connection the
// server closed while it sat idle, or a batch cut short by an earlier read), the read goes
// once more on another connection: it is read-only, so running it again changes nothing.
Awaitable<Rows> run_batched_read(Shard& shard, const TxContext& ctx, std::string_view sql,
                                 const Params& params, std::chrono::milliseconds acquire_timeout,
                                 std::chrono::milliseconds timeout) {
    const bool authed = is_authenticated(ctx);
    const GucStatement gucs(ctx, /*read_only=*/true);
    bool resent = false;
    for (int attempt = 0;; ++attempt) {
        ReadBatch* batch = co_await shard.join_read_batch(acquire_timeout, timeout);
        // Held past the batch: the statement cache is updated after the results are in.
        std::shared_ptr<Connection> conn = batch->connection();
        TxPipeline tx(*conn, ctx, gucs, /*implicit=*/true, /*rollback=*/false, sql, params);
        ReadBatch::Outcome out = co_await batch->submit(tx.p.all());
        if (out.error) {
            if (!out.unanswered || resent) std::rethrow_exception(out.error);
            log::debug("db: read batch lost its connection before answering; sending the read again");
            resent = true;
            continue;
        }
        shard.read_times.record(sql, out.took);
        const auto& results = out.results;
        const PGresult* err = tx.settle(*conn, results);
        if (!err) co_return Rows(results[tx.st.exec]);
        if (TxPipeline::drop_if_stale(*conn, gucs, sql, err) && attempt == 0) continue;
        throw_result(*conn, err, authed);
    }
}

Awaitable<void> open_transaction(Connection& c, const TxContext& ctx,
                                 std::chrono::milliseconds timeout) {
    const GucStatement gucs(ctx, /*read_only=*/false);
    std::optional<StatementCache::Lookup> gucs_lk;
    if (!gucs.empty()) gucs_lk = c.statements().lookup(gucs.sql());
    Pipeline p;
    p.deallocate_evicted(c);
    const std::size_t begin = p.add(Step::query(begin_sql(ctx)));
    Prepared set;
    if (gucs_lk) add_prepared(p, set, std::move(*gucs_lk), gucs.sql(), gucs.params());
    p.add(Step::sync());
    auto results = co_await c.pipeline(p.all(), timeout);
    p.log_deallocate_errors(results);
    if (gucs_lk) forget_unprepared(c, set, results);
    const PGresult* err = first_failure(results, begin, results.size());
    if (!err) co_return;
    ResultPtr failed = keep_alive(results, err);
    if (!gucs.empty()) drop_stale(c, gucs.sql(), stale_statement(err));
    co_await rollback_if_open(c, timeout);
    throw_result(c, failed.get(), is_authenticated(ctx));
}

Awaitable<void> end_transaction(Connection& c, std::string_view command, bool authenticated,
                                std::chrono::milliseconds timeout) {
    const Step steps[] = {Step::query(command), Step::sync()};
    auto results = co_await c.pipeline(steps, timeout);
    if (is_error(results[0].get())) {
        ResultPtr failed = results[0];
        co_await rollback_if_open(c, timeout);
        throw_result(c, failed.get(), authenticated);
    }
}

}  // namespace basalt::db::detail
