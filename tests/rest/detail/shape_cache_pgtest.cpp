// Reads that share a shape share a compiled statement: every request must still get its own
// rows, errors and refusals exactly as if it had been compiled alone.
#include "rest/rest_pg_fixture.hpp"

namespace basalt::test {
namespace {

class ShapeCachePg : public RestPgTest {};

Call get(std::string target) { return as_service(Call{.method = "GET", .target = std::move(target)}); }

TEST_F(ShapeCachePg, SameShapeDifferentValuesGetTheirOwnRows) {
    for (int round = 0; round < 2; ++round) {  // the second round runs from the cache
        for (int id = 1; id <= 5; ++id) {
            auto r = call(get("/rest/v1/books?select=id&id=eq." + std::to_string(id)));
            ASSERT_EQ(r.status, 200) << r.body;
            EXPECT_EQ(body_json(r), Json::parse("[{\"id\":" + std::to_string(id) + "}]"));
        }
        auto range = call(get("/rest/v1/books?select=id&id=gt.1&id=lte.3&order=id"));
        EXPECT_EQ(body_json(range), Json::parse(R"([{"id":2},{"id":3}])")) << range.body;
        auto other = call(get("/rest/v1/books?select=id&id=gt.3&id=lte.5&order=id"));
        EXPECT_EQ(body_json(other), Json::parse(R"([{"id":4},{"id":5}])")) << other.body;
        auto negated = call(get("/rest/v1/books?select=id&id=not.eq.2&order=id&limit=2"));
        EXPECT_EQ(body_json(negated), Json::parse(R"([{"id":1},{"id":3}])")) << negated.body;
        auto text = call(get("/rest/v1/books?select=id&title=eq.Solaris"));
        EXPECT_EQ(body_json(text), Json::parse(R"([{"id":3}])"));
        auto hostile = call(get("/rest/v1/books?select=id&title=eq." + std::string("Untitled \"draft\"; DROP TABLE books;--")));
        EXPECT_EQ(body_json(hostile), Json::parse(R"([{"id":5}])")) << hostile.body;
    }
    // Two filters with the same value in one request cannot be told apart: never cached, still right.
    for (int round = 0; round < 2; ++round) {
        auto same = call(get("/rest/v1/books?select=id&id=eq.3&author_id=eq.3"));
        EXPECT_EQ(body_json(same), Json::parse("[]"));
        auto both = call(get("/rest/v1/books?select=id&id=eq.3&author_id=eq.2"));
        EXPECT_EQ(body_json(both), Json::parse(R"([{"id":3}])")) << both.body;
    }
}

TEST_F(ShapeCachePg, ServicesOnOneThreadKeepTheirOwnSettings) {
    // The shape cache is per thread: a second service with another max_rows must not be
    // answered from the first one's compiled statement, nor the other way round.
    rest::Settings capped;
    capped.max_rows = 1;
    rest::RestService other(capped, *pool_, std::string());
    other.schema_cache().start(io_.get_executor());
    run_async(io_, other.schema_cache().reload());
    http::Router other_routes;
    other.register_routes(other_routes);
    for (int round = 0; round < 2; ++round) {
        auto all = call(get("/rest/v1/books?select=id&id=gt." + std::to_string(round) + "&order=id"));
        EXPECT_EQ(body_json(all).size(), 5u - round) << all.body;
        auto one = call(get("/rest/v1/books?select=id&id=gt." + std::to_string(round) + "&order=id"), &other_routes);
        EXPECT_EQ(body_json(one), Json::parse("[{\"id\":" + std::to_string(round + 1) + "}]")) << one.body;
    }
    other.stop();
}

TEST_F(ShapeCachePg, ValuesStillFailWhereTheyWouldAlone) {
    ASSERT_EQ(call(get("/rest/v1/books?select=id&id=eq.1")).status, 200);
    auto bad = call(get("/rest/v1/books?select=id&id=eq.abc"));
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_EQ(body_json(bad)["code"], "22P02");
    auto nul = call(get("/rest/v1/books?select=id&id=eq.1%00"));
    EXPECT_EQ(nul.status, 400) << nul.body;
    EXPECT_EQ(call(get("/rest/v1/books?select=id&id=eq.2")).body, R"([{"id":2}])");
}

TEST_F(ShapeCachePg, HeadersAndRolesAreNotShared) {
    auto json = call(get("/rest/v1/books?select=id&id=eq.1"));
    auto object = call([] {
        auto c = get("/rest/v1/books?select=id&id=eq.1");
        c.headers.add("Accept", "application/vnd.pgrst.object+json");
        return c;
    }());
    EXPECT_EQ(json.body, R"([{"id":1}])");
    EXPECT_EQ(object.body, R"({"id":1})");
    // RLS still applies per request: the statement is shared, the role and claims are not.
    auto alice = call(as_user(Call{.method = "GET", .target = "/rest/v1/todos?select=task&done=eq.false"}, kAlice));
    auto bob = call(as_user(Call{.method = "GET", .target = "/rest/v1/todos?select=task&done=eq.false"}, kBob));
    EXPECT_EQ(body_json(alice), Json::parse(R"([{"task":"alice: write tests"}])"));
    EXPECT_EQ(body_json(bob), Json::parse(R"([{"task":"bob: review"}])"));
}

TEST_F(ShapeCachePg, ASchemaReloadIsSeen) {
    EXPECT_EQ(call(get("/rest/v1/books?select=id&id=eq.1")).status, 200);
    sql("ALTER TABLE public.books RENAME COLUMN id TO book_id");
    run_async(io_, service_->schema_cache().reload());
    auto r = call(get("/rest/v1/books?select=id&id=eq.1"));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(call(get("/rest/v1/books?select=book_id&book_id=eq.1")).body, R"([{"book_id":1}])");
}

}  // namespace
}  // namespace basalt::test
