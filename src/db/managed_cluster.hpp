// The embedded PostgreSQL cluster under <data-dir>/pg: initdb on first use, start as a child
// process (as an unprivileged user when we are root), Unix socket only, stop in order.
// Calls block (startup/shutdown time only, never on an I/O thread).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "db/settings.hpp"

namespace basalt::db {

struct ManagedClusterOptions {
    std::filesystem::path data_dir;         // the cluster lives in <data_dir>/pg
    std::string pg_bin_dir;                 // empty = newest /usr/lib/postgresql/<ver>/bin
    std::string managed_user = "postgres";  // runs the server when Basalt runs as root
    bool fsync = true;                      // test clusters turn it off
    int shared_buffers_mb = 128;
    int max_connections = 100;
    std::chrono::seconds start_timeout{30};

    static ManagedClusterOptions from(const Settings& settings, std::filesystem::path data_dir);
};

// Layout: <data_dir>/pg is the PostgreSQL data directory (0700, owned by the managed user);
// pg/log/postgres.log gets the server's output; the socket lives in pg/run unless that path
// is too long for a Unix socket (~107 bytes), then in /tmp/basalt-<hash of the data dir>.
// The database is `postgres`, superuser `postgres`, trust auth on the socket only (the
// socket is 0700, so only the managed user and root can reach it; no TCP listener).
class ManagedCluster {
public:
    explicit ManagedCluster(ManagedClusterOptions options);
    ~ManagedCluster();  // stops the server if this object started it
    ManagedCluster(const ManagedCluster&) = delete;
    ManagedCluster& operator=(const ManagedCluster&) = delete;

    // initdb on first use (UTF8, locale C) and Basalt's settings; a no-op afterwards.
    Result<void> ensure_initialized();

    // ensure_initialized(), then start the server and wait until it accepts connections. A
    // server already running on this directory (is_running()) is used as is. A stale
    // postmaster.pid left by a crash is removed. Call it from the main thread: the server
    // gets SIGINT when the thread that started it exits (so a crashed Basalt leaves no
    // postgres behind), which a short-lived worker thread would trigger early.
    Result<void> start();

    // Fast shutdown (SIGINT); SIGQUIT after `timeout`. Also stops a server we did not start.
    Result<void> stop(std::chrono::seconds timeout = std::chrono::seconds(30));

    // A live postmaster serves this data directory (for CLI commands that attach to it).
    [[nodiscard]] bool is_running() const;

    // libpq connection string for the superuser over the socket.
    [[nodiscard]] std::string conninfo(std::string_view dbname = "postgres") const;

    [[nodiscard]] const std::filesystem::path& pg_dir() const { return pg_dir_; }
    [[nodiscard]] const std::filesystem::path& socket_dir() const { return socket_dir_; }
    [[nodiscard]] std::filesystem::path log_path() const { return pg_dir_ / "log" / "postgres.log"; }
    [[nodiscard]] const std::filesystem::path& bin_dir() const { return bin_dir_; }

    // Where initdb/postgres live: `configured` if set, else the newest (or the one matching
    // `major`, e.g. an existing cluster's PG_VERSION) /usr/lib/postgresql/<ver>/bin, then
    // /usr/local/pgsql/bin and PATH.
    static Result<std::filesystem::path> find_bin_dir(const std::string& configured,
                                                      std::string_view major = {});

private:
    Result<void> prepare();  // bin dir + run-as user, once
    Result<void> write_config() const;
    Result<void> make_owned_dir(const std::filesystem::path& dir) const;
    Result<void> wait_until_ready(pid_t child);
    [[nodiscard]] std::optional<pid_t> running_pid() const;

    ManagedClusterOptions opt_;
    std::filesystem::path pg_dir_;
    std::filesystem::path socket_dir_;
    std::filesystem::path bin_dir_;
    struct Identity;
    std::unique_ptr<Identity> identity_;
    pid_t child_ = 0;  // the postmaster we started (0 = none)
};

}  // namespace basalt::db
