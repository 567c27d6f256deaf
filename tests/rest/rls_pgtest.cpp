// Row-level security decides what each caller sees and changes: two signed-in users each see
// and change only their own todos, anon sees what policies allow, service_role sees all.
#include "rest/rest_pg_fixture.hpp"

namespace basalt::test {
namespace {

class RlsPg : public RestPgTest {};

Call req(std::string method, std::string target, std::string body = {}) {
    Call c{.method = std::move(method), .target = std::move(target), .body = std::move(body)};
    c.headers.add("Content-Type", "application/json");
    return c;
}

std::vector<std::string> tasks(const http::Response& r) {
    std::vector<std::string> out;
    for (const auto& row : body_json(r)) out.push_back(row["task"].get<std::string>());
    return out;
}

TEST_F(RlsPg, EachUserSeesOnlyTheirRows) {
    auto alice = call(as_user(req("GET", "/rest/v1/todos?select=task&order=id"), kAlice));
    ASSERT_EQ(alice.status, 200) << alice.body;
    EXPECT_EQ(tasks(alice), (std::vector<std::string>{"alice: write tests", "alice: ship"}));
    auto bob = call(as_user(req("GET", "/rest/v1/todos?select=task"), kBob));
    EXPECT_EQ(tasks(bob), std::vector<std::string>{"bob: review"});
    auto anon = call(req("GET", "/rest/v1/todos"));
    EXPECT_EQ(anon.status, 200);
    EXPECT_EQ(anon.body, "[]");
    auto service = call(as_service(req("GET", "/rest/v1/todos?select=task")));
    EXPECT_EQ(tasks(service).size(), 3u);

    // counts follow the policies too
    auto counted = call([&] {
        auto c = as_user(req("GET", "/rest/v1/todos?select=id"), kBob);
        c.headers.add("Prefer", "count=exact");
        return c;
    }());
    EXPECT_EQ(counted.headers.get("Content-Range"), "0-0/1");
}

TEST_F(RlsPg, EachUserChangesOnlyTheirRows) {
    // Bob cannot update or delete Alice's rows: they are invisible, so nothing matches.
    auto upd = call(as_user(req("PATCH", "/rest/v1/todos?task=like.alice*", R"({"done":true})"), kBob));
    EXPECT_EQ(upd.status, 204);
    EXPECT_EQ(scalar("select count(*) from public.todos where done"), "1");
    auto del = call(as_user(req("DELETE", "/rest/v1/todos"), kBob));
    EXPECT_EQ(del.status, 204);
    EXPECT_EQ(scalar("select count(*) from public.todos"), "2");  // only bob's row went

    // Alice inserts for herself (user_id defaults to auth.uid())...
    auto mine = call([&] {
        auto c = as_user(req("POST", "/rest/v1/todos", R"({"task":"alice: new"})"), kAlice);
        c.headers.add("Prefer", "return=representation");
        return c;
    }());
    ASSERT_EQ(mine.status, 201) << mine.body;
    EXPECT_EQ(body_json(mine)[0]["user_id"], kAlice);
    // ...but not for Bob: WITH CHECK fails -> 42501 -> 403 for a signed-in user
    auto forged = call(as_user(req("POST", "/rest/v1/todos", std::string(R"({"task":"x","user_id":")") + kBob + "\"}"),
                               kAlice));
    EXPECT_EQ(forged.status, 403) << forged.body;
    EXPECT_EQ(body_json(forged)["code"], "42501");
    // and she cannot move her row to Bob
    auto moved = call(as_user(req("PATCH", "/rest/v1/todos?task=eq.alice: ship", std::string(R"({"user_id":")") + kBob + "\"}"),
                              kAlice));
    EXPECT_EQ(moved.status, 403);
    EXPECT_EQ(scalar("select count(*) from public.todos where user_id = '" + std::string(kBob) + "'"), "0");
}

TEST_F(RlsPg, AnonSeesWhatPoliciesAllow) {
    auto anon = call(req("GET", "/rest/v1/notices?select=body"));
    EXPECT_EQ(body_json(anon), Json::parse(R"([{"body":"hello world"}])"));
    auto user = call(as_user(req("GET", "/rest/v1/notices?select=id&order=id"), kAlice));
    EXPECT_EQ(body_json(user), Json::parse(R"([{"id":1},{"id":2}])"));
    // anon writing where no policy allows it: 42501 -> 401 with WWW-Authenticate
    auto write = call(req("POST", "/rest/v1/notices", R"({"id":3,"body":"spam"})"));
    EXPECT_EQ(write.status, 401) << write.body;
    EXPECT_EQ(write.headers.get("WWW-Authenticate"), "Bearer");
    EXPECT_EQ(scalar("select count(*) from public.notices"), "2");
}

Call as_role(Call c, std::string role) {
    c.role = role;
    c.claims = Json{{"sub", kAlice}, {"role", role}};
    return c;
}

// A signed token is not a licence to become any role: only roles granted to authenticator that
// cannot log in, are no superuser and do not bypass RLS (service_role excepted) may run a
// request. Above all, a token saying "postgres" must not run as the superuser the pool logs in
// as (it would see and change everything, RLS or not).
TEST_F(RlsPg, TokenRoleMustBeAnApiRole) {
    sql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rest_test_login') THEN "
        "CREATE ROLE rest_test_login LOGIN; END IF; END $$; GRANT rest_test_login TO authenticator;");
    for (const char* role : {"postgres", "authenticator", "rest_test_login"}) {
        auto read = call(as_role(req("GET", "/rest/v1/todos?select=task"), role));
        EXPECT_EQ(read.status, 403) << role << " " << read.body;
        EXPECT_EQ(body_json(read)["code"], "42501") << role;
        EXPECT_EQ(body_json(read)["message"], std::string("permission denied to set role \"") + role + "\"");
        auto write = call(as_role(req("POST", "/rest/v1/todos", R"({"task":"pwned"})"), role));
        EXPECT_EQ(write.status, 403) << role << " " << write.body;
    }
    EXPECT_EQ(scalar("select count(*) from public.todos where task = 'pwned'"), "0");
    auto missing = call(as_role(req("GET", "/rest/v1/todos"), "no_such_role"));
    EXPECT_EQ(missing.status, 401) << missing.body;
    EXPECT_EQ(body_json(missing)["code"], "22023");
    // The API roles keep working.
    EXPECT_EQ(call(as_user(req("GET", "/rest/v1/todos?select=task"), kAlice)).status, 200);
    EXPECT_EQ(tasks(call(as_service(req("GET", "/rest/v1/todos?select=task")))).size(), 3u);
    EXPECT_EQ(call(req("GET", "/rest/v1/todos")).status, 200);
}

// Reports what the request settings look like from inside PostgreSQL.
constexpr const char* kWhoami = R"(CREATE FUNCTION public.whoami() RETURNS json LANGUAGE sql STABLE AS $$
             SELECT json_build_object('role', current_user, 'uid', auth.uid(),
                                      'method', current_setting('request.method', true),
                                      'path', current_setting('request.path', true),
                                      'agent', current_setting('request.headers', true)::json->>'x-agent',
                                      'cookie', current_setting('request.cookies', true)::json->>'theme',
                                      'claims_sub', current_setting('request.jwt.claims', true)::json->>'sub',
                                      'legacy', nullif(current_setting('request.jwt.claim.sub', true), ''))$$;
           GRANT EXECUTE ON FUNCTION public.whoami() TO anon, authenticated, service_role;)";

TEST_F(RlsPg, RequestSettingsReachPostgres) {
    sql(kWhoami);
    run_async(io_, service_->schema_cache().reload());
    auto c = as_user(req("GET", "/rest/v1/rpc/whoami"), kAlice);
    c.headers.add("Cookie", "theme=dark; lang=en");
    c.headers.add("X-Agent", "tests");
    auto r = call(c);
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = body_json(r);
    EXPECT_EQ(j["role"], "authenticated");
    EXPECT_EQ(j["uid"], kAlice);
    EXPECT_EQ(j["method"], "GET");
    EXPECT_EQ(j["path"], "/rpc/whoami");
    EXPECT_EQ(j["agent"], "tests");
    EXPECT_EQ(j["cookie"], "dark");
    EXPECT_EQ(j["claims_sub"], kAlice);
    EXPECT_EQ(j["legacy"], nullptr);  // PostgREST on PostgreSQL 14+ sets no per-claim settings
    // namespaced custom claims (Hasura style) must not break the request
    auto custom = as_user(req("GET", "/rest/v1/rpc/whoami"), kAlice);
    custom.claims["https://example.com/claims"] = Json{{"x-role", "admin"}};
    custom.claims["a b"] = "c";
    auto with_custom = call(custom);
    EXPECT_EQ(with_custom.status, 200) << with_custom.body;
    auto anon = body_json(call(req("GET", "/rest/v1/rpc/whoami")));
    EXPECT_EQ(anon["role"], "anon");
    EXPECT_EQ(anon["uid"], nullptr);
}

// rest.legacy_claim_settings: request.jwt.claim.<name> as well, for old policies.
class RlsLegacyPg : public RestPgTest {
protected:
    rest::Settings settings() const override {
        rest::Settings s;
        s.legacy_claim_settings = true;
        return s;
    }
};

TEST_F(RlsLegacyPg, PerClaimSettingsWhenEnabled) {
    sql(kWhoami);
    run_async(io_, service_->schema_cache().reload());
    auto r = call(as_user(req("GET", "/rest/v1/rpc/whoami"), kAlice));
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = body_json(r);
    EXPECT_EQ(j["legacy"], kAlice);
    EXPECT_EQ(j["uid"], kAlice);
}

}  // namespace
}  // namespace basalt::test
