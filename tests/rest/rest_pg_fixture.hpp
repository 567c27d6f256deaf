// Fixture for REST pg tests: a database with the system migrations (0001 roles/auth helpers,
// 0003 schema-reload trigger) and tests/fixtures/rest_{schema,data}.sql, a pool, and a
// RestService whose routes are called directly with http::Request values (no sockets).
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "db/blocking_connection.hpp"
#include "db/pool.hpp"
#include "http/router.hpp"
#include "rest/fixture_snapshot.hpp"
#include "rest/rest_service.hpp"
#include "support/async.hpp"
#include "support/temp_postgres.hpp"

namespace basalt::test {

inline std::string rest_fixture_sql() {
    const auto root = tests_dir().parent_path();
    return read_text_file(root / "src" / "migrate" / "system" / "0001_roles_and_schemas.sql") + "\n" +
           read_text_file(root / "src" / "migrate" / "system" / "0003_rest_schema_reload.sql") + "\n" +
           read_text_file(root / "src" / "migrate" / "system" / "0009_rest_schema_version.sql") + "\n" +
           read_text_file(tests_dir() / "fixtures" / "rest_schema.sql") + "\n" +
           read_text_file(tests_dir() / "fixtures" / "rest_data.sql");
}

struct Call {
    std::string method = "GET";
    std::string target;  // "/rest/v1/books?select=id"
    http::Headers headers;
    std::string body;
    std::string role = "anon";
    Json claims = Json::object();
};

inline Call get_call(std::string target) {
    Call c;
    c.target = std::move(target);
    return c;
}

inline const char* kAlice = "11111111-1111-1111-1111-111111111111";
inline const char* kBob = "22222222-2222-2222-2222-222222222222";

inline Call as_user(Call c, const char* sub) {
    c.role = "authenticated";
    c.claims = Json{{"sub", sub}, {"role", "authenticated"}};
    return c;
}

inline Call as_service(Call c) {
    c.role = "service_role";
    c.claims = Json{{"role", "service_role"}};
    return c;
}

class RestPgTest : public ::testing::Test {
protected:
    void SetUp() override {
        pg_ = TempPostgres::get();
        if (pg_ == nullptr) GTEST_SKIP() << "PostgreSQL unavailable: " << TempPostgres::unavailable_reason();
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = "rest_" + std::string(info->test_suite_name()) + "_" + info->name();
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        dbname_ = name.substr(0, 60);
        conninfo_ = pg_->create_database(dbname_, rest_fixture_sql());
        pool_ = std::make_unique<db::Pool>(db::Settings{}, conninfo_, 1);
        pool_->attach(0, io_);
        service_ = std::make_unique<rest::RestService>(settings(), *pool_, std::string());
        service_->schema_cache().start(io_.get_executor());
        run_async(io_, service_->schema_cache().reload());
        service_->register_routes(router_);
    }

    void TearDown() override {
        service_.reset();
        if (pool_) pool_->close();
        pool_.reset();
    }

    virtual rest::Settings settings() const { return {}; }

    // Through the fixture's service, or through `router` (another service's routes).
    http::Response call(Call c, const http::Router* router = nullptr) {
        http::Request r;
        r.method = c.method;
        r.target = c.target;
        auto q = c.target.find('?');
        r.path = http::percent_decode(c.target.substr(0, q), false);
        if (q != std::string::npos) {
            r.raw_query = c.target.substr(q + 1);
            r.query = http::parse_query(r.raw_query);
        }
        r.headers = c.headers;
        r.body = c.body;
        r.request_id = "test";
        r.auth.role = c.role;
        r.auth.claims = c.claims;
        r.auth.has_token = c.role != "anon";
        auto match = (router != nullptr ? *router : router_).match(r.method, r.path);
        if (match.handler == nullptr) {
            http::Response none;
            none.status = match.method_not_allowed ? 405 : 404;
            return none;
        }
        r.path_params = match.params;
        try {
            return run_async(io_, (*match.handler)(r));
        } catch (const ErrorException& e) {
            return http::Response::error(e.error(), "test");
        }
    }

    // Superuser SQL on the test database (setup, "tables are intact" checks).
    void sql(const std::string& statement) { pg_->exec(statement, dbname_); }
    std::string scalar(const std::string& query) {
        db::BlockingConnection conn(conninfo_, "basalt-test");
        auto r = conn.exec(query);
        return r.empty() ? std::string() : std::string(r.get(0, 0));
    }

    boost::asio::io_context io_;
    TempPostgres* pg_ = nullptr;
    std::string dbname_;
    std::string conninfo_;
    std::unique_ptr<db::Pool> pool_;
    std::unique_ptr<rest::RestService> service_;
    http::Router router_;
};

inline Json body_json(const http::Response& r) { return parse_json_or_discarded(r.body); }

}  // namespace basalt::test
