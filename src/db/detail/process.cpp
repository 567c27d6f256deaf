// fork+exec for the managed cluster. Everything the child needs is prepared before fork;
// between fork and exec only async-signal-safe calls are made (we may be multithreaded).
#include "db/detail/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

extern char** environ;

namespace basalt::db::detail {

Result<std::optional<RunAs>> resolve_run_as(const std::string& user) {
    if (geteuid() != 0) return std::optional<RunAs>();
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
        return Error::internal_error("managed PostgreSQL: system user '" + user +
                                     "' does not exist; create it (e.g. `adduser --system " + user +
                                     "`), set database.managed_user, or run Basalt as a non-root user");
    }
    RunAs r;
    r.name = user;
    r.uid = pw.pw_uid;
    r.gid = pw.pw_gid;
    int n = 64;
    r.groups.resize(n);
    if (getgrouplist(user.c_str(), r.gid, r.groups.data(), &n) < 0) {
        r.groups.resize(n);
        getgrouplist(user.c_str(), r.gid, r.groups.data(), &n);
    }
    r.groups.resize(n);
    if (r.uid == 0) {
        return Error::internal_error("managed PostgreSQL: database.managed_user '" + user +
                                     "' is root; PostgreSQL refuses to run as root");
    }
    return std::optional<RunAs>(std::move(r));
}

namespace {

// Environment for the child: ours minus PG* (PGDATA, PGHOST... would confuse the tools) and
// locale variables (the cluster is initialised with --locale=C).
std::vector<std::string> child_environment() {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view kv = *e;
        if (kv.starts_with("PG") || kv.starts_with("LC_") || kv.starts_with("LANG=") ||
            kv.starts_with("LANGUAGE=")) {
            continue;
        }
        env.emplace_back(kv);
    }
    env.emplace_back("LC_ALL=C");
    return env;
}

void child_fail(int fd, const char* what, int code) {
    // Only write(2) here: async-signal-safe.
    const char* err = strerror(errno);  // glibc: safe enough for a message before _exit
    if (fd >= 0) {
        (void)!write(fd, "basalt: ", 8);
        (void)!write(fd, what, std::strlen(what));
        (void)!write(fd, ": ", 2);
        (void)!write(fd, err, std::strlen(err));
        (void)!write(fd, "\n", 1);
    }
    _exit(code);
}

}  // namespace

Result<pid_t> spawn(const SpawnSpec& spec) {
    std::vector<std::string> argv_s{spec.program};
    argv_s.insert(argv_s.end(), spec.args.begin(), spec.args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s = child_environment();
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    const pid_t parent = getpid();

    pid_t pid = fork();
    if (pid < 0) return Error::internal_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid > 0) return pid;

    // ---- child ----
    int log = open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log < 0) _exit(kExitSetupFailed);
    if (spec.run_as && fchown(log, spec.run_as->uid, spec.run_as->gid) != 0) {
        child_fail(log, "chown log", kExitSetupFailed);
    }
    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0) {
        child_fail(log, "redirect", kExitSetupFailed);
    }
    // Nothing of ours (listening sockets, pooled connections) may leak into the server.
    syscall(SYS_close_range, 3U, ~0U, 0U);
    setsid();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
    if (spec.run_as) {
        if (setgroups(spec.run_as->groups.size(), spec.run_as->groups.data()) != 0 ||
            setgid(spec.run_as->gid) != 0 || setuid(spec.run_as->uid) != 0) {
            child_fail(2, "switching user", kExitSetupFailed);
        }
    }
    // After setuid: a credential change clears the parent-death signal.
    if (spec.die_with_parent) {
        prctl(PR_SET_PDEATHSIG, SIGINT);
        if (getppid() != parent) _exit(kExitSetupFailed);
    }
    if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) {
        child_fail(2, "cannot enter the data directory (check that every parent directory is "
                      "searchable by the managed user)", kExitSetupFailed);
    }
    execve(argv[0], argv.data(), envp.data());
    child_fail(2, "exec", kExitExecFailed);
    return pid;  // not reached
}

std::optional<int> wait_child(pid_t pid, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto step = std::chrono::milliseconds(2);
    for (;;) {
        int status = 0;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return 0;  // not our child any more (already reaped)
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(step);
        step = std::min(step * 2, std::chrono::milliseconds(50));
    }
}

bool process_exists(pid_t pid) {
    if (pid <= 0) return false;
    if (kill(pid, 0) != 0 && errno != EPERM) return false;
    // "pid (comm) S ...": the state follows the last ')' (comm may contain spaces/parens).
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    std::getline(in, stat);
    auto paren = stat.rfind(')');
    return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "stopped";
}

std::string file_tail(const std::string& path, std::size_t max_bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    in.seekg(0, std::ios::end);
    auto size = static_cast<std::size_t>(in.tellg());
    std::size_t from = size > max_bytes ? size - max_bytes : 0;
    in.seekg(static_cast<std::streamoff>(from));
    std::string out(size - from, '\0');
    in.read(out.data(), static_cast<std::streamsize>(out.size()));
    if (from > 0) {
        if (auto nl = out.find('\n'); nl != std::string::npos) out.erase(0, nl + 1);
    }
    return out;
}

}  // namespace basalt::db::detail
