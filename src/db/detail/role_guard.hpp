// Which roles a request may switch to. The role comes from the JWT, and the pool logs in as
// the database owner (a superuser in managed mode), who may SET ROLE to anything: a token whose
// role claim says "postgres" must not get a superuser session. As in PostgREST's model, a
// request role must be one that `authenticator` (the API's login role) is a member of; on top
// of that it must not be able to log in, must not be a superuser, and must not bypass RLS
// (service_role excepted). Without an `authenticator` role, membership of the pool's own login
// counts instead.
//
// Verdicts are cached per shard for kVerdictTtl, so GRANT/REVOKE/ALTER ROLE take effect within
// that time; a miss costs one round trip on the leased connection before the request.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

#include "db/detail/connection.hpp"
#include "db/pool.hpp"

namespace basalt::db::detail {

class RoleGuard {
public:
    static constexpr std::chrono::seconds kVerdictTtl{2};

    // Throws ErrorException unless ctx.role (if any) is an allowed API role: 401 22023
    // (role does not exist, as PostgreSQL says) or 42501 permission denied to set role (403 with
    // a user identity, 401 when anonymous).
    Awaitable<void> check(Connection& c, const TxContext& ctx, std::chrono::milliseconds timeout);

    // Decides from the cache alone: true if ctx.role (if any) is allowed, false if the verdict
    // is unknown or expired (call check() on a connection); throws like check() if refused.
    bool allowed_from_cache(const TxContext& ctx);

    // The statement deciding one role: one row, "allowed" | "missing" | "denied".
    static std::string_view verdict_sql();

private:
    enum class Verdict { kAllowed, kMissing, kDenied };
    struct Entry {
        Verdict verdict;
        std::chrono::steady_clock::time_point expires;
    };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    [[noreturn]] static void refuse(Verdict v, const std::string& role, bool authenticated);

    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> verdicts_;
};

}  // namespace basalt::db::detail
