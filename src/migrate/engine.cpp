// Engine: plans up/down against the history table, enforces drift and down-file rules, and
// serialises migrators with a session advisory lock (two servers starting at once).
#include "migrate/engine.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "common/log.hpp"
#include "migrate/detail/script_runner.hpp"
#include "migrate/sql_text.hpp"

namespace basalt::migrate {

namespace {

// pg_advisory_lock key shared by every Basalt migrator: the bytes of "basaltmg".
constexpr const char* kLockKey = "7089074150726462823";

constexpr const char* kCreateHistory = R"sql(
CREATE SCHEMA IF NOT EXISTS basalt;
CREATE TABLE IF NOT EXISTS basalt.schema_migrations (
    scope        text        NOT NULL,
    version      text        NOT NULL,
    name         text        NOT NULL,
    checksum     text        NOT NULL,
    applied_at   timestamptz NOT NULL DEFAULT now(),
    execution_ms bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, version)
);
)sql";

// Holds the migration lock for the engine call; a second process blocks here until the first
// is done, then sees its migrations in history and has nothing left to do.
class MigrationLock {
public:
    explicit MigrationLock(db::BlockingConnection& conn) : conn_(conn) {
        auto got = conn_.exec_params("SELECT pg_try_advisory_lock($1::bigint)", {kLockKey});
        if (got.get(0, 0) != "t") {
            log::info("migrate: another migrator holds the lock; waiting for it to finish");
            conn_.exec_params("SELECT pg_advisory_lock($1::bigint)", {kLockKey});
        }
    }
    ~MigrationLock() {
        try {
            conn_.exec_params("SELECT pg_advisory_unlock($1::bigint)", {kLockKey});
        } catch (const std::exception& e) {
            log::warn("migrate: releasing the advisory lock failed: {}", e.what());
        }
    }
    MigrationLock(const MigrationLock&) = delete;
    MigrationLock& operator=(const MigrationLock&) = delete;

private:
    db::BlockingConnection& conn_;
};

// A migration may change session state (pg_dump headers set search_path to ''); the next one
// must start from the session defaults again.
void reset_session(db::BlockingConnection& conn) {
    conn.exec("RESET SESSION AUTHORIZATION; RESET ROLE; RESET ALL");
}

std::string down_path_for(const Migration& m) {
    const std::string up = ".up.sql";
    const std::string& p = m.source_path;
    if (p.size() > up.size() && p.compare(p.size() - up.size(), up.size(), up) == 0) {
        return p.substr(0, p.size() - up.size()) + ".down.sql";
    }
    return {};
}

Error drift_error(const std::vector<std::string>& names, const std::string& scope) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    Error e = Error::conflict("migrate.drift", "applied migrations changed since they were applied: " + list);
    // System migrations ship inside the binary: a released one must never change, so drift
    // there means this database was migrated by a different Basalt build (a Basalt bug).
    e.hint = scope == kSystemScope
                 ? "this database was migrated by a Basalt build whose system migrations differ from this one's"
                 : "restore the original files (write a new migration for new changes), or pass --allow-drift";
    return e;
}

}  // namespace

const char* to_string(State s) {
    switch (s) {
        case State::kApplied: return "applied";
        case State::kPending: return "pending";
        case State::kDrifted: return "drifted";
        case State::kMissing: return "missing";
    }
    return "?";
}

std::size_t Status::count(State s) const {
    return static_cast<std::size_t>(std::count_if(entries.begin(), entries.end(),
                                                  [s](const StatusEntry& e) { return e.state == s; }));
}

Engine::Engine(db::BlockingConnection& conn, std::string scope) : conn_(conn), scope_(std::move(scope)) {}

bool Engine::history_exists() {
    return !conn_.exec("SELECT to_regclass('basalt.schema_migrations')").is_null(0, 0);
}

void Engine::ensure_history_table() { conn_.exec(kCreateHistory); }

std::vector<HistoryEntry> Engine::read_history() {
    auto r = conn_.exec_params(
        "SELECT version, name, checksum, "
        "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || 'Z', execution_ms "
        "FROM basalt.schema_migrations WHERE scope = $1 ORDER BY version",
        {scope_});
    std::vector<HistoryEntry> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({std::string(r.get(i, 0)), std::string(r.get(i, 1)), std::string(r.get(i, 2)),
                       std::string(r.get(i, 3)), std::stoll(std::string(r.get(i, 4)))});
    }
    return out;
}

std::vector<HistoryEntry> Engine::history() { return history_exists() ? read_history() : std::vector<HistoryEntry>{}; }

Status Engine::status(const std::vector<Migration>& migrations) {
    std::map<std::string, StatusEntry> merged;
    std::map<std::string, HistoryEntry> applied;
    for (auto& h : history()) applied.emplace(h.version, h);
    for (const auto& m : migrations) {
        StatusEntry e{m.version, m.name, State::kPending, m.source_path, std::nullopt};
        if (auto it = applied.find(m.version); it != applied.end()) {
            e.state = it->second.checksum == m.checksum() ? State::kApplied : State::kDrifted;
            e.applied_at = it->second.applied_at;
        }
        merged.emplace(m.version, std::move(e));
    }
    for (const auto& [version, h] : applied) {
        if (!merged.count(version)) merged.emplace(version, StatusEntry{version, h.name, State::kMissing, "", h.applied_at});
    }
    Status out;
    for (auto& [_, e] : merged) out.entries.push_back(std::move(e));
    return out;
}

void Engine::apply(const Migration& m) {
    detail::run_script(conn_, m.up_sql, m.source_path, m.no_transaction, [&](std::int64_t ms) {
        conn_.exec_params(
            "INSERT INTO basalt.schema_migrations (scope, version, name, checksum, execution_ms) "
            "VALUES ($1, $2, $3, $4, $5)",
            {scope_, m.version, m.name, m.checksum(), std::to_string(ms)});
    });
}

void Engine::revert(const Migration& m) {
    detail::run_script(conn_, *m.down_sql, m.down_path, has_no_transaction_marker(*m.down_sql), [&](std::int64_t) {
        conn_.exec_params("DELETE FROM basalt.schema_migrations WHERE scope = $1 AND version = $2",
                          {scope_, m.version});
    });
}

ApplyReport Engine::up(const std::vector<Migration>& migrations, const UpOptions& options) {
    ApplyReport report;
    report.dry_run = options.dry_run;
    std::optional<MigrationLock> lock;
    if (!options.dry_run) {
        lock.emplace(conn_);
        ensure_history_table();
    }
    std::map<std::string, HistoryEntry> applied;
    for (auto& h : options.dry_run ? history() : read_history()) applied.emplace(h.version, h);

    if (options.to && std::none_of(migrations.begin(), migrations.end(),
                                   [&](const Migration& m) { return m.version == *options.to; })) {
        throw ErrorException(Error::bad_request("migrate.unknown_version", "no migration has version " + *options.to));
    }
    std::vector<std::string> drifted;
    for (const auto& m : migrations) {
        auto it = applied.find(m.version);
        if (it != applied.end() && it->second.checksum != m.checksum()) drifted.push_back(m.source_path);
    }
    if (!drifted.empty()) {
        if (!options.allow_drift) throw ErrorException(drift_error(drifted, scope_));
        for (const auto& d : drifted) report.warnings.push_back("drift allowed: " + d + " changed since it was applied");
    }
    std::string newest_applied = applied.empty() ? std::string() : applied.rbegin()->first;

    for (const auto& m : migrations) {
        if (applied.count(m.version) || (options.to && m.version > *options.to)) continue;
        if (m.version < newest_applied) {
            report.warnings.push_back(m.label() + " is older than the newest applied migration (" + newest_applied +
                                      "); applying it out of order");
        }
        AppliedStep step{m.version, m.name, m.source_path, 0};
        if (!options.dry_run) {
            auto start = std::chrono::steady_clock::now();
            apply(m);
            reset_session(conn_);
            step.execution_ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
            log::info("migrate: applied {} {} ({} ms)", scope_, m.label(), step.execution_ms);
        }
        report.applied.push_back(std::move(step));
    }
    return report;
}

ApplyReport Engine::down(const std::vector<Migration>& migrations, const DownOptions& options) {
    ApplyReport report;
    report.dry_run = options.dry_run;
    std::optional<MigrationLock> lock;
    if (!options.dry_run) {
        lock.emplace(conn_);
        ensure_history_table();
    }
    std::vector<HistoryEntry> applied = options.dry_run ? history() : read_history();
    std::reverse(applied.begin(), applied.end());  // newest first

    std::vector<HistoryEntry> targets;
    if (options.to) {
        bool all = *options.to == "0";
        if (!all && std::none_of(applied.begin(), applied.end(), [&](const HistoryEntry& h) { return h.version == *options.to; })) {
            throw ErrorException(Error::bad_request("migrate.unknown_version", "version " + *options.to + " is not applied"));
        }
        for (const auto& h : applied) {
            if (all || h.version > *options.to) targets.push_back(h);
        }
    } else {
        int n = options.steps.value_or(1);
        if (n < 0) throw ErrorException(Error::bad_request("migrate.invalid_steps", "N must be 0 or more"));
        for (const auto& h : applied) {
            if (static_cast<int>(targets.size()) == n) break;
            targets.push_back(h);
        }
    }

    // Check every target before touching anything, so a refusal leaves the database as it was.
    std::vector<const Migration*> plan;
    std::vector<std::string> drifted;
    for (const auto& h : targets) {
        auto it = std::find_if(migrations.begin(), migrations.end(), [&](const Migration& m) { return m.version == h.version; });
        if (it == migrations.end()) {
            throw ErrorException(Error::bad_request(
                "migrate.no_down", "cannot roll back " + h.version + "_" + h.name + ": its migration file is missing"));
        }
        if (!it->down_sql) {
            std::string expected = down_path_for(*it);
            throw ErrorException(Error::bad_request(
                "migrate.no_down", "cannot roll back " + it->label() + ": " +
                                       (expected.empty() ? it->source_path + " is an up-only (Supabase-style) migration"
                                                         : expected + " does not exist")));
        }
        if (h.checksum != it->checksum()) drifted.push_back(it->source_path);
        plan.push_back(&*it);
    }
    if (!drifted.empty()) {
        if (!options.allow_drift) throw ErrorException(drift_error(drifted, scope_));
        for (const auto& d : drifted) report.warnings.push_back("drift allowed: " + d + " changed since it was applied");
    }
    for (const Migration* m : plan) {
        AppliedStep step{m->version, m->name, m->down_path, 0};
        if (!options.dry_run) {
            auto start = std::chrono::steady_clock::now();
            revert(*m);
            reset_session(conn_);
            step.execution_ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
            log::info("migrate: reverted {} {} ({} ms)", scope_, m->label(), step.execution_ms);
        }
        report.applied.push_back(std::move(step));
    }
    return report;
}

}  // namespace basalt::migrate
