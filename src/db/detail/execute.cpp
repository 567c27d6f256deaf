// Pipeline recipes: prepared statements with the per-connection cache, and transactions that
// set role and request.jwt.claims in the same round trip as the statement (DESIGN.md: four
// statements in one pipeline instead of four round trips).
#include "db/detail/execute.hpp"

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "common/log.hpp"

namespace basalt::db::detail {
namespace {

// Steps plus the strings they point into (DEALLOCATE texts), kept alive together.
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
        auto names = c.statements().take_evicted();
        if (names.empty()) return;
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

    std::vector<Step> steps;
    std::deque<std::string> owned;
    std::size_t dealloc_begin = 0, dealloc_end = 0;
};

// A statement added through the cache: prepare (first use on this connection) + execute.
struct Prepared {
    std::string_view sql;
    std::optional<std::size_t> prepare;  // step index of the Prepare, if sent
    std::size_t exec = 0;
};

Prepared add_prepared(Pipeline& p, const StatementCache::Lookup& lk, std::string_view sql,
                      const Params* params) {
    Prepared out;
    out.sql = sql;
    std::string_view name = p.owned.emplace_back(lk.name);
    if (lk.needs_prepare) out.prepare = p.add(Step::prepare(name, sql, params));
    out.exec = p.add(Step::exec(name, params));
    return out;
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

// SELECT set_config($1,$2,true), set_config($3,$4,true), ... with ('role', ..),
// ('request.jwt.claims', ..), extras: names are parameters too, so the text depends only on
// how many settings there are and is prepared once per count. set_config('role', r, true) is
// SET LOCAL ROLE r (PostgREST does the same).
struct GucStatement {
    std::string sql;
    Params params;
};

std::optional<GucStatement> settings_statement(const TxContext& ctx) {
    GucStatement s;
    auto add = [&](std::string key, std::string value) {
        std::size_t n = s.params.size();
        s.sql += s.sql.empty() ? "SELECT " : ", ";
        s.sql += "set_config($" + std::to_string(n + 1) + ", $" + std::to_string(n + 2) + ", true)";
        s.params.emplace_back(std::move(key));
        s.params.emplace_back(std::move(value));
    };
    if (ctx.role) add(std::string("role"), *ctx.role);
    if (ctx.claims_json) add(std::string("request.jwt.claims"), *ctx.claims_json);
    for (const auto& [k, v] : ctx.settings) add(k, v);
    if (s.params.empty()) return std::nullopt;
    return s;
}

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
        Prepared st = add_prepared(p, lk, sql, &params);
        p.add(Step::sync());
        auto results = co_await c.pipeline(p.steps, timeout);
        p.log_deallocate_errors(results);
        forget_unprepared(c, st, results);
        const PGresult* err = first_failure(results, p.dealloc_end, results.size());
        if (!err) co_return Rows(results[st.exec]);
        Stale stale = stale_statement(err);
        drop_stale(c, sql, stale);
        if (stale == Stale::kNo || in_transaction || attempt > 0) throw_result(c, err, authenticated);
    }
}

Awaitable<Rows> run_transaction(Connection& c, const TxContext& ctx, std::string_view sql,
                                const Params& params, bool rollback,
                                std::chrono::milliseconds timeout) {
    const bool authed = is_authenticated(ctx);
    const auto settings = settings_statement(ctx);
    for (int attempt = 0;; ++attempt) {
        // Look both statements up before building, so evictions are known for the prologue.
        std::optional<StatementCache::Lookup> settings_lk;
        if (settings) settings_lk = c.statements().lookup(settings->sql);
        auto lk = c.statements().lookup(sql);
        Pipeline p;
        p.deallocate_evicted(c);
        const std::size_t begin = p.add(Step::query(begin_sql(ctx)));
        std::optional<Prepared> set;
        if (settings) set = add_prepared(p, *settings_lk, settings->sql, &settings->params);
        Prepared st = add_prepared(p, lk, sql, &params);
        p.add(Step::query(rollback ? "ROLLBACK" : "COMMIT"));
        p.add(Step::sync());

        auto results = co_await c.pipeline(p.steps, timeout);
        p.log_deallocate_errors(results);
        if (set) forget_unprepared(c, *set, results);
        forget_unprepared(c, st, results);
        const PGresult* err = first_failure(results, begin, results.size());
        if (!err) co_return Rows(results[st.exec]);

        // Keep the failed result alive across the ROLLBACK round trip below.
        ResultPtr failed;
        for (auto& r : results) {
            if (r.get() == err) failed = r;
        }
        co_await rollback_if_open(c, timeout);
        Stale stale = stale_statement(err);
        if (stale != Stale::kNo) {
            // Whichever statement went stale; everything was rolled back, so retrying is safe.
            drop_stale(c, sql, stale);
            if (settings) drop_stale(c, settings->sql, stale);
            if (attempt == 0) continue;
        }
        throw_result(c, failed.get(), authed);
    }
}

Awaitable<void> open_transaction(Connection& c, const TxContext& ctx,
                                 std::chrono::milliseconds timeout) {
    const auto settings = settings_statement(ctx);
    std::optional<StatementCache::Lookup> settings_lk;
    if (settings) settings_lk = c.statements().lookup(settings->sql);
    Pipeline p;
    p.deallocate_evicted(c);
    const std::size_t begin = p.add(Step::query(begin_sql(ctx)));
    std::optional<Prepared> set;
    if (settings) set = add_prepared(p, *settings_lk, settings->sql, &settings->params);
    p.add(Step::sync());
    auto results = co_await c.pipeline(p.steps, timeout);
    p.log_deallocate_errors(results);
    if (set) forget_unprepared(c, *set, results);
    const PGresult* err = first_failure(results, begin, results.size());
    if (!err) co_return;
    ResultPtr failed;
    for (auto& r : results) {
        if (r.get() == err) failed = r;
    }
    if (settings) drop_stale(c, settings->sql, stale_statement(err));
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
