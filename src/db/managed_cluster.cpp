// Managed cluster lifecycle: locate binaries, initdb, write basalt.conf, start the postmaster
// as a child (dropping root), wait for readiness with PQping, stop with SIGINT then SIGQUIT.
#include "db/managed_cluster.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include <libpq-fe.h>

#include "common/crypto.hpp"
#include "common/log.hpp"
#include "db/detail/process.hpp"
#include "db/quote.hpp"

namespace basalt::db {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct ManagedCluster::Identity {
    std::optional<detail::RunAs> run_as;  // nullopt: run as ourselves
};

namespace {

constexpr int kPort = 5432;  // only names the socket file: there is no TCP listener
// sun_path holds 108 bytes including the NUL; PostgreSQL refuses longer socket paths.
constexpr std::size_t kMaxSocketPath = 107;

Error cluster_error(std::string message) {
    Error e = Error::internal_error(message);
    e.code = "db.managed_cluster";
    e.message = std::move(message);
    return e;
}

bool has_server_binaries(const fs::path& dir) {
    std::error_code ec;
    return fs::exists(dir / "initdb", ec) && fs::exists(dir / "postgres", ec);
}

std::string read_first_line(const fs::path& p) {
    std::ifstream in(p);
    std::string line;
    std::getline(in, line);
    return line;
}

// Socket next to the data; a hashed /tmp directory when that path would be too long.
fs::path choose_socket_dir(const fs::path& pg_dir) {
    fs::path preferred = pg_dir / "run";
    std::string sock = (preferred / (".s.PGSQL." + std::to_string(kPort))).string();
    if (sock.size() <= kMaxSocketPath) return preferred;
    std::string digest = crypto::hex(crypto::sha256(pg_dir.string())).substr(0, 16);
    return fs::path("/tmp") / ("basalt-" + digest);
}

std::string conf_quote(const std::string& v) {
    std::string out = "'";
    for (char c : v) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

}  // namespace

ManagedClusterOptions ManagedClusterOptions::from(const Settings& s, fs::path data_dir) {
    ManagedClusterOptions o;
    o.data_dir = std::move(data_dir);
    o.pg_bin_dir = s.pg_bin_dir;
    o.managed_user = s.managed_user;
    return o;
}

ManagedCluster::ManagedCluster(ManagedClusterOptions options)
    : opt_(std::move(options)), identity_(std::make_unique<Identity>()) {
    opt_.data_dir = fs::absolute(opt_.data_dir).lexically_normal();
    pg_dir_ = opt_.data_dir / "pg";
    socket_dir_ = choose_socket_dir(pg_dir_);
}

ManagedCluster::~ManagedCluster() {
    if (child_ == 0) return;
    if (auto r = stop(); !r) log::error("stopping PostgreSQL: {}", r.error().internal);
}

Result<fs::path> ManagedCluster::find_bin_dir(const std::string& configured, std::string_view major) {
    std::vector<fs::path> looked;
    if (!configured.empty()) {
        if (has_server_binaries(configured)) return fs::path(configured);
        looked.emplace_back(configured);
    } else {
        // /usr/lib/postgresql/<ver>/bin, newest version first (numeric order: 9 < 10).
        std::vector<std::pair<int, fs::path>> versions;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
            std::string name = e.path().filename().string();
            int v = std::atoi(name.c_str());
            if (v > 0) versions.emplace_back(v, e.path() / "bin");
        }
        std::sort(versions.begin(), versions.end(), [](auto& a, auto& b) { return a.first > b.first; });
        if (!major.empty()) {
            for (auto& [v, dir] : versions) {
                if (std::to_string(v) == major && has_server_binaries(dir)) return dir;
            }
        }
        for (auto& [v, dir] : versions) {
            if (has_server_binaries(dir)) return dir;
        }
        looked.emplace_back("/usr/lib/postgresql/*/bin");
        std::vector<fs::path> more{"/usr/local/pgsql/bin"};
        if (const char* path = std::getenv("PATH")) {
            std::stringstream ss(path);
            for (std::string d; std::getline(ss, d, ':');) {
                if (!d.empty()) more.emplace_back(d);
            }
        }
        for (auto& dir : more) {
            if (has_server_binaries(dir)) return dir;
        }
        looked.emplace_back("/usr/local/pgsql/bin and PATH");
    }
    std::string where;
    for (auto& l : looked) where += (where.empty() ? "" : ", ") + l.string();
    return cluster_error("PostgreSQL server binaries not found (looked in " + where +
                         "); install the Debian package postgresql-15 or set database.pg_bin_dir");
}

Result<void> ManagedCluster::prepare() {
    if (!bin_dir_.empty()) return {};
    std::string major = read_first_line(pg_dir_ / "PG_VERSION");
    auto bin = find_bin_dir(opt_.pg_bin_dir, major);
    if (!bin) return bin.error();
    auto who = detail::resolve_run_as(opt_.managed_user);
    if (!who) return who.error();
    identity_->run_as = std::move(*who);
    bin_dir_ = std::move(*bin);
    return {};
}

Result<void> ManagedCluster::make_owned_dir(const fs::path& dir) const {
    std::error_code ec;
    // The /tmp socket fallback is in a world-writable place: never follow a planted symlink
    // or adopt a directory another user made (it would get the superuser socket).
    struct stat st {};
    if (::lstat(dir.c_str(), &st) == 0) {
        const uid_t owner = identity_->run_as ? identity_->run_as->uid : geteuid();
        if (!S_ISDIR(st.st_mode) || (st.st_uid != owner && st.st_uid != geteuid())) {
            return cluster_error(dir.string() + " exists but is not a directory owned by us; remove it");
        }
    }
    fs::create_directories(dir, ec);
    if (ec) return cluster_error("cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
    if (identity_->run_as && ::chown(dir.c_str(), identity_->run_as->uid, identity_->run_as->gid) != 0) {
        return cluster_error("cannot chown " + dir.string() + " to " + identity_->run_as->name);
    }
    return {};
}

Result<void> ManagedCluster::ensure_initialized() {
    if (auto r = prepare(); !r) return r;
    std::error_code ec;
    if (fs::exists(pg_dir_ / "PG_VERSION", ec)) {
        std::string have = read_first_line(pg_dir_ / "PG_VERSION");
        std::string bin_major = bin_dir_.parent_path().filename().string();
        if (bin_dir_.string().starts_with("/usr/lib/postgresql/") && have != bin_major) {
            return cluster_error("data directory " + pg_dir_.string() + " was created by PostgreSQL " +
                                 have + " but the binaries in " + bin_dir_.string() +
                                 " are version " + bin_major + "; install postgresql-" + have +
                                 " or upgrade the cluster with pg_upgrade");
        }
        return write_config();
    }
    if (fs::exists(pg_dir_, ec) && !fs::is_empty(pg_dir_, ec)) {
        return cluster_error(pg_dir_.string() + " exists but is not a PostgreSQL data directory");
    }
    fs::create_directories(opt_.data_dir, ec);
    if (auto r = make_owned_dir(pg_dir_); !r) return r;

    // initdb wants an empty directory, so its log goes beside it until the cluster exists.
    std::string initdb_log = (opt_.data_dir / ".pg-initdb.log").string();
    fs::remove(initdb_log, ec);
    detail::SpawnSpec spec{
        .program = (bin_dir_ / "initdb").string(),
        .args = {"-D", pg_dir_.string(), "-U", "postgres", "--auth-local=trust",
                 "--auth-host=reject", "--encoding=UTF8", "--locale=C"},
        .log_path = initdb_log,
        .cwd = pg_dir_.string(),
        .run_as = identity_->run_as ? &*identity_->run_as : nullptr,
    };
    if (!opt_.fsync) spec.args.emplace_back("--no-sync");
    log::info("initializing PostgreSQL cluster in {}", pg_dir_.string());
    auto pid = detail::spawn(spec);
    if (!pid) return pid.error();
    auto status = detail::wait_child(*pid, 120s);
    if (!status) {
        ::kill(*pid, SIGKILL);
        detail::wait_child(*pid, 5s);
        return cluster_error("initdb did not finish within 120 s");
    }
    if (*status != 0) {
        return cluster_error("initdb " + detail::describe_status(*status) + ":\n" +
                             detail::file_tail(initdb_log));
    }
    if (auto r = make_owned_dir(pg_dir_ / "log"); !r) return r;
    fs::rename(initdb_log, pg_dir_ / "log" / "initdb.log", ec);
    {
        std::ofstream conf(pg_dir_ / "postgresql.conf", std::ios::app);
        conf << "\n# Basalt: managed settings (rewritten on every start). Override them with\n"
                "# ALTER SYSTEM or below this line.\ninclude_if_exists = 'basalt.conf'\n";
        if (!conf) return cluster_error("cannot append to postgresql.conf");
    }
    return write_config();
}

Result<void> ManagedCluster::write_config() const {
    fs::path path = pg_dir_ / "basalt.conf";
    std::ofstream out(path, std::ios::trunc);
    out << "# Written by Basalt on every start; do not edit (use ALTER SYSTEM).\n"
        << "listen_addresses = ''\n"
        << "port = " << kPort << "\n"
        << "unix_socket_directories = " << conf_quote(socket_dir_.string()) << "\n"
        << "unix_socket_permissions = 0700\n"
        << "max_connections = " << opt_.max_connections << "\n"
        << "shared_buffers = '" << opt_.shared_buffers_mb << "MB'\n"
        << "wal_level = logical\n"
        << "max_wal_senders = 10\n"
        << "max_replication_slots = 10\n"
        << "fsync = " << (opt_.fsync ? "on" : "off") << "\n"
        << "full_page_writes = " << (opt_.fsync ? "on" : "off") << "\n"
        << "logging_collector = off\n"
        << "log_destination = 'stderr'\n"
        << "log_line_prefix = '%m [%p] '\n";
    out.close();
    if (!out) return cluster_error("cannot write " + path.string());
    if (identity_->run_as) {
        if (::chown(path.c_str(), identity_->run_as->uid, identity_->run_as->gid) != 0) {
            return cluster_error("cannot chown " + path.string());
        }
    }
    return {};
}

std::optional<pid_t> ManagedCluster::running_pid() const {
    std::string line = read_first_line(pg_dir_ / "postmaster.pid");
    pid_t pid = static_cast<pid_t>(std::atol(line.c_str()));
    // A pid in a stale file may have been reused (containers restart pids from 1): accept it
    // only if that process is a postgres whose working directory is this data directory.
    if (pid <= 0 || pid == getpid() || !detail::process_exists(pid)) return std::nullopt;
    std::string proc = "/proc/" + std::to_string(pid);
    std::string comm = read_first_line(proc + "/comm");
    if (!comm.empty() && comm != "postgres") return std::nullopt;
    std::error_code ec;
    fs::path cwd = fs::read_symlink(proc + "/cwd", ec);
    if (!ec && fs::weakly_canonical(cwd, ec) != fs::weakly_canonical(pg_dir_, ec)) return std::nullopt;
    return pid;
}

bool ManagedCluster::is_running() const { return running_pid().has_value(); }

std::string ManagedCluster::conninfo(std::string_view dbname) const {
    return "host=" + quote_conninfo_value(socket_dir_.string()) + " port=" + std::to_string(kPort) +
           " dbname=" + quote_conninfo_value(dbname) + " user=postgres";
}

Result<void> ManagedCluster::start() {
    if (auto r = ensure_initialized(); !r) return r;
    if (child_ != 0 && detail::wait_child(child_, 0ms)) {
        log::warn("PostgreSQL (pid {}) had exited", child_);
        child_ = 0;  // reaped: it crashed or was killed behind our back
    }
    if (auto pid = running_pid()) {
        log::info("PostgreSQL already running on {} (pid {}); using it", pg_dir_.string(), *pid);
        return wait_until_ready(0);
    }
    std::error_code ec;
    if (fs::remove(pg_dir_ / "postmaster.pid", ec)) {
        log::warn("removed stale postmaster.pid in {} (previous server did not shut down)",
                  pg_dir_.string());
    }
    // The socket lock file names the dead postmaster's pid; if that pid is now a zombie that
    // nobody reaps (containers without a real init), PostgreSQL would think it alive and
    // refuse to start. No server serves this private socket dir, so the leftovers can go.
    const std::string socket_name = ".s.PGSQL." + std::to_string(kPort);
    fs::remove(socket_dir_ / (socket_name + ".lock"), ec);
    fs::remove(socket_dir_ / socket_name, ec);
    for (const auto& dir : {pg_dir_ / "log", socket_dir_}) {
        if (auto r = make_owned_dir(dir); !r) return r;
    }
    detail::SpawnSpec spec{
        .program = (bin_dir_ / "postgres").string(),
        .args = {"-D", pg_dir_.string()},
        .log_path = log_path().string(),
        .cwd = pg_dir_.string(),
        .run_as = identity_->run_as ? &*identity_->run_as : nullptr,
        .die_with_parent = true,
    };
    auto pid = detail::spawn(spec);
    if (!pid) return pid.error();
    child_ = *pid;
    if (auto r = wait_until_ready(child_); !r) {
        (void)stop(5s);
        return r;
    }
    log::info("PostgreSQL started (pid {}, socket {})", child_, socket_dir_.string());
    return {};
}

Result<void> ManagedCluster::wait_until_ready(pid_t child) {
    const std::string info = conninfo() + " connect_timeout=2";
    const auto deadline = std::chrono::steady_clock::now() + opt_.start_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (PQping(info.c_str()) == PQPING_OK) return {};
        if (child != 0) {
            if (auto status = detail::wait_child(child, 0ms)) {
                child_ = 0;
                return cluster_error("PostgreSQL " + detail::describe_status(*status) +
                                     " during startup; end of " + log_path().string() + ":\n" +
                                     detail::file_tail(log_path().string()));
            }
        }
        std::this_thread::sleep_for(20ms);
    }
    return cluster_error("PostgreSQL did not accept connections within " +
                         std::to_string(opt_.start_timeout.count()) + " s; end of " +
                         log_path().string() + ":\n" + detail::file_tail(log_path().string()));
}

Result<void> ManagedCluster::stop(std::chrono::seconds timeout) {
    pid_t pid = child_;
    if (pid == 0) {
        auto running = running_pid();
        if (!running) return {};
        pid = *running;
    }
    const bool ours = pid == child_;
    auto wait_gone = [&](std::chrono::milliseconds t) {
        if (ours) return detail::wait_child(pid, t).has_value();
        auto deadline = std::chrono::steady_clock::now() + t;
        while (detail::process_exists(pid)) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            std::this_thread::sleep_for(10ms);
        }
        return true;
    };
    // SIGINT = fast shutdown: roll back sessions, checkpoint, exit. SIGQUIT = immediate
    // (crash recovery on next start) if that takes too long; SIGKILL as the last resort.
    if (::kill(pid, SIGINT) != 0 && errno != ESRCH) {
        return cluster_error("cannot signal PostgreSQL (pid " + std::to_string(pid) + ")");
    }
    bool gone = wait_gone(timeout);
    if (!gone) {
        log::warn("PostgreSQL did not stop within {} s; sending SIGQUIT", timeout.count());
        ::kill(pid, SIGQUIT);
        gone = wait_gone(5s);
    }
    if (!gone) {
        // Our child leads its own process group (setsid): take its backends down with it.
        ::kill(ours ? -pid : pid, SIGKILL);
        gone = wait_gone(5s);
    }
    if (ours) child_ = 0;
    if (!gone) return cluster_error("PostgreSQL (pid " + std::to_string(pid) + ") did not exit");
    log::info("PostgreSQL stopped");
    return {};
}

}  // namespace basalt::db
