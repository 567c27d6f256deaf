// ManagedCluster on its own temp directory: first start with initdb, restart timing, settings
// in effect, stale postmaster.pid after a crash or pid reuse, missing binaries.
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "db/blocking_connection.hpp"
#include "db/detail/process.hpp"
#include "db/managed_cluster.hpp"
#include "support/temp_postgres.hpp"

namespace basalt::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string show(db::ManagedCluster& c, const std::string& setting) {
    db::BlockingConnection conn(c.conninfo());
    return std::string(conn.exec("show " + setting).get(0, 0));
}

pid_t postmaster_pid(const db::ManagedCluster& c) {
    std::ifstream in(c.pg_dir() / "postmaster.pid");
    pid_t pid = 0;
    in >> pid;
    return pid;
}

class ManagedClusterTest : public ::testing::Test {
protected:
    void SetUp() override {
        // Only to learn whether PostgreSQL binaries exist; these tests use their own cluster.
        if (TempPostgres::get() == nullptr) {
            GTEST_SKIP() << "PostgreSQL unavailable: " << TempPostgres::unavailable_reason();
        }
        dir_ = make_temp_dir("basalt-mc");
    }
    void TearDown() override {
        if (!dir_.empty()) remove_tree(dir_);
    }
    std::string dir_;
};

TEST_F(ManagedClusterTest, InitializesStartsStopsAndRestartsQuickly) {
    db::ManagedClusterOptions opt;
    opt.data_dir = dir_;
    opt.shared_buffers_mb = 32;
    db::ManagedCluster cluster(opt);  // fsync on, as in production

    auto start = Clock::now();
    ASSERT_TRUE(cluster.start().ok());
    EXPECT_LT(Clock::now() - start, 15s) << "first start including initdb";
    EXPECT_TRUE(cluster.is_running());
    EXPECT_EQ(cluster.socket_dir(), fs::path(dir_) / "pg" / "run");
    EXPECT_EQ(show(cluster, "wal_level"), "logical");
    EXPECT_EQ(show(cluster, "listen_addresses"), "");
    EXPECT_EQ(show(cluster, "server_encoding"), "UTF8");
    EXPECT_EQ(show(cluster, "max_replication_slots"), "10");
    EXPECT_TRUE(fs::exists(cluster.log_path()));
    if (geteuid() == 0) {
        struct stat st {};
        ASSERT_EQ(::stat(cluster.pg_dir().c_str(), &st), 0);
        EXPECT_NE(st.st_uid, 0u) << "the data directory belongs to the managed user";
    }

    ASSERT_TRUE(cluster.stop().ok());
    EXPECT_FALSE(cluster.is_running());
    EXPECT_FALSE(fs::exists(cluster.pg_dir() / "postmaster.pid"));

    start = Clock::now();
    ASSERT_TRUE(cluster.start().ok());
    EXPECT_LT(Clock::now() - start, 2s) << "start on an existing directory";
    ASSERT_TRUE(cluster.stop().ok());
}

TEST_F(ManagedClusterTest, RecoversFromStalePidFiles) {
    db::ManagedClusterOptions opt;
    opt.data_dir = dir_;
    opt.fsync = false;
    opt.shared_buffers_mb = 32;
    db::ManagedCluster cluster(opt);
    ASSERT_TRUE(cluster.start().ok());

    // Crash: the postmaster dies without cleaning up; postmaster.pid stays behind.
    pid_t pm = postmaster_pid(cluster);
    ASSERT_GT(pm, 0);
    ::kill(pm, SIGKILL);
    // The orphaned auxiliary processes notice the postmaster's death and exit.
    auto deadline = Clock::now() + 10s;
    bool restarted = false;
    while (!restarted && Clock::now() < deadline) {
        std::this_thread::sleep_for(200ms);
        restarted = cluster.start().ok();
    }
    ASSERT_TRUE(restarted);
    EXPECT_NE(postmaster_pid(cluster), pm);
    ASSERT_TRUE(cluster.stop().ok());

    // Pid reuse: the stale file names a live process of the same user that is not postgres
    // (PostgreSQL alone would refuse to start: "lock file already exists").
    auto who = db::detail::resolve_run_as("postgres");
    ASSERT_TRUE(who.ok());
    db::detail::SpawnSpec spec;
    spec.program = "/bin/sleep";
    spec.args = {"30"};
    spec.log_path = "/dev/null";
    spec.run_as = *who ? &**who : nullptr;
    auto sleeper = db::detail::spawn(spec);
    ASSERT_TRUE(sleeper.ok());
    {
        std::ofstream pidfile(cluster.pg_dir() / "postmaster.pid");
        pidfile << *sleeper << "\n" << cluster.pg_dir().string() << "\n";
    }
    EXPECT_FALSE(cluster.is_running());
    auto started = cluster.start();
    EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().message);
    EXPECT_TRUE(cluster.is_running());
    ::kill(*sleeper, SIGKILL);
    db::detail::wait_child(*sleeper, 5s);
    ASSERT_TRUE(cluster.stop().ok());
}

TEST_F(ManagedClusterTest, AdoptsAServerAlreadyRunningOnTheDirectory) {
    db::ManagedClusterOptions opt;
    opt.data_dir = dir_;
    opt.fsync = false;
    opt.shared_buffers_mb = 32;
    db::ManagedCluster first(opt);
    ASSERT_TRUE(first.start().ok());
    db::ManagedCluster second(opt);  // e.g. `basalt migrate` while `basalt serve` runs
    EXPECT_TRUE(second.is_running());
    ASSERT_TRUE(second.start().ok());
    EXPECT_EQ(show(second, "wal_level"), "logical");
    // The second instance can stop a server it did not start (it is not its child).
    auto start = Clock::now();
    ASSERT_TRUE(second.stop(5s).ok());
    EXPECT_LT(Clock::now() - start, 3s);
    EXPECT_FALSE(first.is_running());
    EXPECT_TRUE(first.stop().ok());  // reaps its exited child
}

TEST(ManagedClusterStatic, MissingBinariesGiveOneClearError) {
    auto r = db::ManagedCluster::find_bin_dir("/nonexistent/pg/bin");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("PostgreSQL server binaries not found (looked in /nonexistent/pg/bin)"),
              std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("postgresql-15"), std::string::npos);

    db::ManagedClusterOptions opt;
    opt.data_dir = "/tmp/basalt-never-created";
    opt.pg_bin_dir = "/nonexistent/pg/bin";
    db::ManagedCluster cluster(opt);
    auto started = cluster.start();
    ASSERT_FALSE(started.ok());
    EXPECT_NE(started.error().message.find("binaries not found"), std::string::npos);
    EXPECT_FALSE(fs::exists("/tmp/basalt-never-created"));
}

TEST(ManagedClusterStatic, LongDataDirectoryGetsAShortSocketDirectory) {
    db::ManagedClusterOptions opt;
    opt.data_dir = "/tmp/" + std::string(120, 'd');
    db::ManagedCluster cluster(opt);
    EXPECT_TRUE(cluster.socket_dir().string().starts_with("/tmp/basalt-")) << cluster.socket_dir();
    EXPECT_LT(cluster.socket_dir().string().size(), 40u);
    EXPECT_NE(cluster.conninfo().find("host='/tmp/basalt-"), std::string::npos);

    db::ManagedClusterOptions short_opt;
    short_opt.data_dir = "/srv/basalt_data";
    db::ManagedCluster near(short_opt);
    EXPECT_EQ(near.socket_dir(), fs::path("/srv/basalt_data/pg/run"));
    EXPECT_EQ(near.conninfo("app"), "host='/srv/basalt_data/pg/run' port=5432 dbname='app' user=postgres");
}

}  // namespace
}  // namespace basalt::test
