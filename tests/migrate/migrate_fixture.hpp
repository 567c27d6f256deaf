// Shared fixture for migrate pg tests: a fresh database per test, a temp migrations folder,
// and helpers to write migration files and query the database.
#pragma once

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "common/crypto.hpp"
#include "db/blocking_connection.hpp"
#include "migrate/engine.hpp"
#include "migrate/migration.hpp"
#include "support/temp_postgres.hpp"

namespace basalt::test {

class MigrateTest : public ::testing::Test {
protected:
    void SetUp() override {
        pg_ = TempPostgres::get();
        if (pg_ == nullptr) GTEST_SKIP() << "PostgreSQL unavailable: " << TempPostgres::unavailable_reason();
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = "mig_" + std::string(info->test_suite_name()) + "_" + info->name();
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        conninfo_ = pg_->create_database(name.substr(0, 60));
        dir_ = std::filesystem::temp_directory_path() / ("basalt_mig_" + crypto::random_token(6));
        std::filesystem::create_directories(dir_ / "migrations");
    }
    void TearDown() override {
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }

    std::filesystem::path migrations_dir() const { return dir_ / "migrations"; }

    void write(const std::string& file, const std::string& sql, const std::filesystem::path& folder = {}) const {
        auto dir = folder.empty() ? migrations_dir() : folder;
        std::filesystem::create_directories(dir);
        std::ofstream(dir / file, std::ios::binary) << sql;
    }

    std::vector<migrate::Migration> load(const std::filesystem::path& folder = {}) const {
        auto r = migrate::load_user_migrations(folder.empty() ? migrations_dir() : folder);
        if (!r) throw ErrorException(r.error());
        return std::move(*r);
    }

    // First column of the first row, as text ("" for NULL / no row).
    std::string scalar(const std::string& sql) {
        db::BlockingConnection conn(conninfo_);
        auto r = conn.exec(sql);
        return r.rows() == 0 ? std::string() : std::string(r.get(0, 0));
    }

    bool table_exists(const std::string& name) { return scalar("select to_regclass('" + name + "') is not null") == "t"; }

    int history_count(const std::string& scope = "user") {
        if (scalar("select to_regclass('basalt.schema_migrations') is null") == "t") return 0;
        return std::stoi(scalar("select count(*) from basalt.schema_migrations where scope = '" + scope + "'"));
    }

    // Runs fn and returns the ErrorException's Error (records a failure when nothing throws).
    template <typename Fn>
    Error error_of(Fn&& fn) {
        try {
            fn();
        } catch (const ErrorException& e) {
            return e.error();
        }
        ADD_FAILURE() << "expected an ErrorException";
        return {};
    }

    TempPostgres* pg_ = nullptr;
    std::string conninfo_;
    std::filesystem::path dir_;
};

}  // namespace basalt::test
