// RoleGuard: the verdict query and its per-shard cache.
#include "db/detail/role_guard.hpp"

#include "common/log.hpp"
#include "db/detail/execute.hpp"

namespace basalt::db::detail {

namespace {
constexpr std::size_t kMaxEntries = 1024;  // roles come from signed tokens; bound it anyway
}

std::string_view RoleGuard::verdict_sql() {
    // pg_has_role(..., 'MEMBER') is what SET ROLE requires (on PostgreSQL 16+ the SET option
    // also has to be granted, which only matters when the login itself is `authenticator`, and
    // then SET ROLE checks it anyway).
    return "SELECT CASE"
           " WHEN r.oid IS NULL THEN 'missing'"
           " WHEN r.rolsuper OR r.rolcanlogin OR (r.rolbypassrls AND r.rolname <> 'service_role')"
           "  THEN 'denied'"
           " WHEN pg_catalog.pg_has_role(coalesce("
           "   (SELECT a.oid FROM pg_catalog.pg_roles a WHERE a.rolname = 'authenticator'),"
           "   (SELECT s.oid FROM pg_catalog.pg_roles s WHERE s.rolname = session_user)),"
           "  r.oid, 'MEMBER') THEN 'allowed'"
           " ELSE 'denied' END"
           " FROM (SELECT $1::text AS name) q"
           " LEFT JOIN pg_catalog.pg_roles r ON r.rolname = q.name";
}

void RoleGuard::refuse(Verdict v, const std::string& role, bool authenticated) {
    ServerError e;
    if (v == Verdict::kMissing) {
        e.sqlstate = "22023";
        e.message = "role \"" + role + "\" does not exist";
    } else {
        e.sqlstate = "42501";
        e.message = "permission denied to set role \"" + role + "\"";
    }
    e.internal = "request role refused: " + e.message;
    throw ErrorException(to_error(e, authenticated));
}

bool RoleGuard::allowed_from_cache(const TxContext& ctx) {
    if (!ctx.role) return true;
    auto it = verdicts_.find(std::string_view(*ctx.role));
    if (it == verdicts_.end() || it->second.expires <= std::chrono::steady_clock::now()) return false;
    if (it->second.verdict != Verdict::kAllowed) refuse(it->second.verdict, *ctx.role, is_authenticated(ctx));
    return true;
}

Awaitable<void> RoleGuard::check(Connection& c, const TxContext& ctx,
                                 std::chrono::milliseconds timeout) {
    if (!ctx.role) co_return;
    if (allowed_from_cache(ctx)) co_return;
    const std::string& role = *ctx.role;
    const auto now = std::chrono::steady_clock::now();
    Params params;
    params.emplace_back(role);
    Rows rows = co_await run_statement(c, verdict_sql(), params, is_authenticated(ctx),
                                       /*in_transaction=*/false, timeout);
    const std::string_view answer = rows.empty() ? std::string_view("missing") : rows.get(0, 0);
    const Verdict verdict = answer == "allowed"   ? Verdict::kAllowed
                            : answer == "missing" ? Verdict::kMissing
                                                  : Verdict::kDenied;
    if (verdicts_.size() >= kMaxEntries) verdicts_.clear();
    verdicts_.insert_or_assign(role, Entry{verdict, now + kVerdictTtl});
    if (verdict != Verdict::kAllowed) {
        log::debug("db: refused request role {}", role);
        refuse(verdict, role, is_authenticated(ctx));
    }
}

}  // namespace basalt::db::detail
