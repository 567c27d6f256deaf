// Service-level fixture for auth pg tests: a fresh database with the system migrations, a
// pool, an AuthService with its routes, and call() which plays the gateway (route match,
// auth context from the service's authenticator) and runs the handler.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "auth/service.hpp"
#include "common/crypto.hpp"
#include "common/jwt.hpp"
#include "db/pool_fixture.hpp"
#include "http/router.hpp"
#include "migrate/startup.hpp"

namespace basalt::test {

inline const std::string kAuthSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

class AuthTest : public PoolTest {
protected:
    // Tests tweak settings before calling start().
    auth::Settings settings_;
    auth::ServiceOptions options_;

    void SetUp() override {
        PoolTest::SetUp();
        if (IsSkipped()) return;
        migrate::apply_system_migrations(conninfo_);
        settings_.jwt_secret = kAuthSecret;
        settings_.password_bcrypt_cost = 4;
        settings_.password_hash_threads = 2;
        settings_.anonymous_enabled = true;
        options_.rate_limits.enabled = false;
        options_.external_url = "http://localhost:8080";
    }

    void start() {
        pool_ = make_pool();
        service_ = std::make_unique<auth::AuthService>(settings_, *pool_, options_);
        router_ = std::make_unique<http::Router>();
        service_->register_routes(*router_);
    }

    struct Reply {
        int status = 0;
        Json body;
        http::Headers headers;
        std::vector<std::string> cookies() const {
            std::vector<std::string> out;
            for (auto v : headers.get_all("set-cookie")) out.emplace_back(v);
            return out;
        }
    };

    Reply call(std::string method, const std::string& target, const Json& body = nullptr,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
        http::Request req;
        req.method = std::move(method);
        req.target = target;
        auto q = target.find('?');
        req.path = target.substr(0, q);
        if (q != std::string::npos) {
            req.raw_query = target.substr(q + 1);
            req.query = http::parse_query(req.raw_query);
        }
        req.client_ip = "127.0.0.1";
        req.request_id = "test";
        for (auto& [k, v] : headers) req.headers.add(k, v);
        if (!body.is_null()) req.body = body.is_string() ? body.get<std::string>() : body.dump();
        auto match = router_->match(req.method, req.path);
        if (match.handler == nullptr) return Reply{404, Json{{"code", "no_route"}}, {}};
        req.path_params = match.params;
        auto ctx = service_->authenticate(req);  // the gateway's hook
        if (!ctx) return Reply{ctx.error().status, Json{{"code", ctx.error().code}}, {}};
        req.auth = std::move(*ctx);
        http::Response res = run((*match.handler)(req));
        Reply out{res.status, res.body.empty() ? Json() : Json::parse(res.body), res.headers};
        return out;
    }

    static std::pair<std::string, std::string> bearer(const std::string& token) {
        return {"Authorization", "Bearer " + token};
    }
    std::string service_key() const {
        return jwt::sign_hs256({{"role", "service_role"}, {"iss", "basalt"}, {"exp", jwt::unix_now() + 3600}}, kAuthSecret);
    }
    std::string anon_key() const {
        return jwt::sign_hs256({{"role", "anon"}, {"iss", "basalt"}, {"exp", jwt::unix_now() + 3600}}, kAuthSecret);
    }

    Reply signup(const std::string& email, const std::string& password = "password1", Json extra = Json::object()) {
        Json body{{"email", email}, {"password", password}, {"gotrue_meta_security", Json::object()}};
        body.update(extra);
        return call("POST", "/auth/v1/signup", body, {bearer(anon_key())});
    }
    Reply login(const Json& body) { return call("POST", "/auth/v1/token?grant_type=password", body, {bearer(anon_key())}); }
    Reply refresh(const std::string& token) {
        return call("POST", "/auth/v1/token?grant_type=refresh_token", Json{{"refresh_token", token}}, {bearer(anon_key())});
    }
    Reply get_user(const std::string& access) { return call("GET", "/auth/v1/user", nullptr, {bearer(access)}); }

    // Synchronous SQL on the test database (superuser).
    db::Rows sql(const std::string& text, db::Params params = {}) { return run(pool_->query(text, std::move(params))); }

    std::unique_ptr<db::Pool> pool_;
    std::unique_ptr<auth::AuthService> service_;
    std::unique_ptr<http::Router> router_;
};

}  // namespace basalt::test
