// TempPostgres: a ManagedCluster under /tmp for the pg test binary, plus blocking helpers.
#include "support/temp_postgres.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "db/blocking_connection.hpp"
#include "db/quote.hpp"

namespace basalt::test {

namespace fs = std::filesystem;

namespace {
std::unique_ptr<TempPostgres> g_instance;
std::string g_reason;
bool g_tried = false;
}  // namespace

std::string make_temp_dir(std::string_view prefix) {
    std::string templ = "/tmp/" + std::string(prefix) + "-XXXXXX";
    if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    // Searchable by the postgres user, which runs the cluster when the tests run as root.
    fs::permissions(templ, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    return templ;
}

void remove_tree(const std::string& dir) {
    std::error_code ec;
    fs::remove_all(dir, ec);
}

TempPostgres* TempPostgres::get() {
    if (g_tried) return g_instance.get();
    g_tried = true;
    auto pg = std::unique_ptr<TempPostgres>(new TempPostgres());
    pg->root_ = make_temp_dir("basalt-pgtest");
    db::ManagedClusterOptions opt;
    opt.data_dir = pg->root_;
    opt.fsync = false;
    opt.shared_buffers_mb = 32;
    pg->cluster_ = std::make_unique<db::ManagedCluster>(opt);
    auto started = pg->cluster_->start();
    if (!started) {
        g_reason = started.error().message;
        std::cerr << "\n*** PostgreSQL tests SKIPPED: " << g_reason << "\n\n";
        pg->cluster_.reset();
        remove_tree(pg->root_);
        return nullptr;
    }
    g_instance = std::move(pg);
    return g_instance.get();
}

const std::string& TempPostgres::unavailable_reason() { return g_reason; }

void TempPostgres::shutdown() { g_instance.reset(); }

TempPostgres::~TempPostgres() {
    if (cluster_) {
        (void)cluster_->stop();
        cluster_.reset();
    }
    if (!root_.empty()) remove_tree(root_);
}

std::string TempPostgres::conninfo(std::string_view dbname) const { return cluster_->conninfo(dbname); }

void TempPostgres::exec(std::string_view sql, std::string_view dbname) const {
    db::BlockingConnection conn(conninfo(dbname), "basalt-test");
    conn.exec(sql);
}

std::string TempPostgres::create_database(std::string_view name, std::string_view setup_sql) {
    {
        db::BlockingConnection conn(conninfo(), "basalt-test");
        conn.exec("DROP DATABASE IF EXISTS " + db::quote_identifier(name) + " WITH (FORCE)");
        conn.exec("CREATE DATABASE " + db::quote_identifier(name));
    }
    if (!setup_sql.empty()) exec(setup_sql, name);
    return conninfo(name);
}

void TempPostgres::stop() {
    if (auto r = cluster_->stop(); !r) throw ErrorException(r.error());
}

void TempPostgres::start() {
    if (auto r = cluster_->start(); !r) throw ErrorException(r.error());
}

void TempPostgres::restart() {
    stop();
    start();
}

namespace {
class PostgresEnvironment : public ::testing::Environment {
public:
    void TearDown() override { TempPostgres::shutdown(); }
};
}  // namespace

::testing::Environment* make_postgres_environment() { return new PostgresEnvironment(); }

}  // namespace basalt::test
