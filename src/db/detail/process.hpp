// Child processes for the managed cluster (initdb, postgres): fork+exec with output appended
// to a log file, optionally as another user (PostgreSQL refuses to run as root), in its own
// session so a terminal's Ctrl-C reaches Basalt, which then stops the server in order.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace basalt::db::detail {

struct RunAs {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
};

// The identity to switch to: nullopt when we are not root (run as ourselves). Error when we
// are root and the user does not exist.
Result<std::optional<RunAs>> resolve_run_as(const std::string& user);

struct SpawnSpec {
    std::string program;                 // absolute path
    std::vector<std::string> args;       // without argv[0]
    std::string log_path;                // stdout+stderr appended here
    std::string cwd;
    const RunAs* run_as = nullptr;
    // SIGINT (fast shutdown) when the spawning thread dies, so a crashed Basalt does not leave
    // a server behind. Spawn from a thread that lives as long as the child (the main thread).
    bool die_with_parent = false;
};

// Exit codes the child uses before exec succeeds.
inline constexpr int kExitSetupFailed = 125;
inline constexpr int kExitExecFailed = 127;

Result<pid_t> spawn(const SpawnSpec& spec);

// Reaps our child if it exits within `timeout`: its wait status, or nullopt if still running.
std::optional<int> wait_child(pid_t pid, std::chrono::milliseconds timeout);

// A live process with this pid exists (ours or not); zombies (exited, not yet reaped by
// their parent) do not count.
bool process_exists(pid_t pid);

// "exited with status 1" / "killed by signal 9".
std::string describe_status(int wait_status);

// Last `max_bytes` of a text file, for error messages.
std::string file_tail(const std::string& path, std::size_t max_bytes = 2000);

}  // namespace basalt::db::detail
