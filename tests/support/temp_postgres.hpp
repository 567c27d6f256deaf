// The pg test binary's one temporary PostgreSQL cluster (db::ManagedCluster in a temp dir,
// fsync off): started on first use, stopped and deleted at exit. Tests skip loudly when the
// PostgreSQL server binaries are missing.
//
//   TEST(MySuite, Works) {
//       BASALT_REQUIRE_PG(pg);                          // GTEST_SKIP()s without PostgreSQL
//       auto conninfo = pg->create_database("my_suite", "create table t(id int);");
//       ...
//   }
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "db/managed_cluster.hpp"

namespace basalt::test {

class TempPostgres {
public:
    // The running cluster (started on the first call), or nullptr if it cannot run;
    // unavailable_reason() then says why.
    static TempPostgres* get();
    static const std::string& unavailable_reason();
    // Stops the cluster and removes its directory (the environment calls it at exit).
    static void shutdown();

    [[nodiscard]] std::string conninfo(std::string_view dbname = "postgres") const;

    // DROP DATABASE IF EXISTS (FORCE) + CREATE DATABASE `name`, then runs setup_sql in it
    // (several statements allowed). Returns the new database's conninfo.
    std::string create_database(std::string_view name, std::string_view setup_sql = {});

    // Blocking superuser statement(s) in `dbname`; throws ErrorException on failure.
    void exec(std::string_view sql, std::string_view dbname = "postgres") const;

    void stop();     // for outage tests: the server goes away (fast shutdown)
    void start();    // ...and comes back on the same socket
    void restart();  // stop() + start()

    db::ManagedCluster& cluster() { return *cluster_; }
    [[nodiscard]] const std::string& root_dir() const { return root_; }

    ~TempPostgres();

private:
    TempPostgres() = default;
    std::string root_;
    std::unique_ptr<db::ManagedCluster> cluster_;
};

// Registers the environment that shuts the cluster down after all tests (pg_test_main.cpp).
::testing::Environment* make_postgres_environment();

// Makes a temp directory the managed user (postgres, when we are root) can enter.
std::string make_temp_dir(std::string_view prefix);
void remove_tree(const std::string& dir);

}  // namespace basalt::test

#define BASALT_REQUIRE_PG(var)                                                        \
    ::basalt::test::TempPostgres* var = ::basalt::test::TempPostgres::get();         \
    if (var == nullptr) {                                                             \
        GTEST_SKIP() << "PostgreSQL unavailable: "                                    \
                     << ::basalt::test::TempPostgres::unavailable_reason();           \
    }
