// Shared fixture for db pg tests: a fresh database per test, an io_context, pools attached to
// it, and helpers to run coroutines and capture the basalt::Error they throw.
#pragma once

#include <initializer_list>
#include <memory>
#include <utility>
#include <string>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "db/pool.hpp"
#include "support/async.hpp"
#include "support/temp_postgres.hpp"

namespace basalt::test {

class PoolTest : public ::testing::Test {
protected:
    // Each test gets its own database named after the test, created from `setup_sql()`.
    virtual std::string setup_sql() const { return ""; }

    // SQL creating `authenticator` and each {name, attributes} role unless it exists (roles are
    // cluster-wide and outlive a test's database).
    static std::string roles_sql(std::initializer_list<std::pair<const char*, const char*>> roles) {
        std::string sql = "do $$ begin ";
        auto add = [&sql](const std::string& name, const std::string& attributes) {
            sql += "if not exists (select from pg_roles where rolname = '" + name + "') then create role " +
                   name + " " + attributes + "; end if; ";
        };
        add("authenticator", "login noinherit");
        for (const auto& [name, attributes] : roles) add(name, attributes);
        return sql + "end $$;";
    }

    void SetUp() override {
        pg_ = TempPostgres::get();
        if (pg_ == nullptr) GTEST_SKIP() << "PostgreSQL unavailable: " << TempPostgres::unavailable_reason();
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = std::string(info->test_suite_name()) + "_" + info->name();
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        conninfo_ = pg_->create_database(name.substr(0, 60), setup_sql());
    }

    std::unique_ptr<db::Pool> make_pool(db::Settings s = {}) {
        auto pool = std::make_unique<db::Pool>(s, conninfo_, 1);
        pool->attach(0, io_);
        return pool;
    }

    template <typename T>
    T run(boost::asio::awaitable<T> task) {
        return run_async(io_, std::move(task));
    }

    // The Error the coroutine throws; records a failure if it succeeds.
    template <typename T>
    Error error_of(boost::asio::awaitable<T> task) {
        try {
            run_async(io_, std::move(task));
        } catch (const ErrorException& e) {
            return e.error();
        }
        ADD_FAILURE() << "expected an error";
        return {};
    }

    boost::asio::io_context io_;  // declared first: pools (test locals) die before it
    TempPostgres* pg_ = nullptr;
    std::string conninfo_;
};

}  // namespace basalt::test
