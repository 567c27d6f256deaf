// Every golden statement runs on PostgreSQL against the fixture (as service_role, rolled back)
// and returns one row whose body is valid JSON/CSV; some bodies are checked exactly.
#include <map>

#include "rest/golden_cases.hpp"
#include "rest/rest_pg_fixture.hpp"
#include "rest/sql/statement.hpp"

namespace basalt::test {
namespace {

class GoldenPg : public RestPgTest {};

TEST_F(GoldenPg, EveryGoldenStatementRuns) {
    const std::map<std::string, std::string> expected_bodies = {
        {"read_filters_comparison", R"([{"id":2}])"},
        {"read_filters_pattern", R"([{"id":1}])"},
        {"read_filters_arrays_ranges", R"([{"id":1}])"},
        {"read_filters_in_is", R"([{"id":2}])"},
        {"read_fts", R"([{"id":1}])"},
        {"read_order_limit_offset", R"([{"id":2,"title":"The Dispossessed"},{"id":1,"title":"The Left Hand of Darkness"}])"},
        {"rpc_scalar_post", "3"},
        {"rpc_scalar_get", "3"},
        {"rpc_default_argument", R"("hello world")"},
        {"rpc_array_argument", "6"},
        {"rpc_setof_scalar", "[1,2,3]"},
        {"rpc_single_json_param", R"({"anything":[1,2]})"},
        {"rpc_setof_table_filters", R"([{"id":2,"title":"The Dispossessed"}])"},
        // record text output quotes values with spaces, as PostgREST's CSV does
        {"read_csv", "id,name\n1,\"Ursula K. Le Guin\"\n2,\"Stanisław Lem\"\n3,\"Octavia E. Butler\"\n4,\"Nobody O'Brien\""},
        {"embed_spread", ""},
    };
    // Statements that must reach PostgreSQL and fail there (constraints, not syntax).
    const std::map<std::string, std::string> expected_errors = {
        {"insert_empty_object", "23502"},  // todos.task has no default
    };
    for (const auto& c : golden_cases()) {
        auto compiled = compile(c);
        ASSERT_TRUE(compiled.ok()) << c.name;
        db::TxContext ctx;
        ctx.role = "service_role";
        ctx.claims_json = R"({"role":"service_role"})";
        ctx.read_only = compiled->plan.read_only;
        ctx.settings.emplace_back("search_path", "\"public\", \"extensions\"");
        db::Rows rows;
        try {
            rows = run_async(io_, pool_->run_in_tx(ctx, compiled->statement.text,
                                                   compiled->statement.params, true));
        } catch (const ErrorException& e) {
            if (auto it = expected_errors.find(c.name); it != expected_errors.end()) {
                EXPECT_EQ(e.error().code, it->second) << c.name;
                continue;
            }
            ADD_FAILURE() << c.name << ": " << e.error().code << " " << e.error().message << "\n"
                          << compiled->statement.text;
            continue;
        }
        ASSERT_EQ(rows.size(), 1) << c.name;
        ASSERT_EQ(rows.columns(), 5) << c.name;
        auto body = rows.get_opt(0, rest::kColBody);
        if (compiled->plan.head) {
            EXPECT_FALSE(body.has_value()) << c.name;
            continue;
        }
        if (!body) continue;  // minimal mutations, void
        if (compiled->plan.media != rest::MediaType::kCsv) {
            EXPECT_FALSE(parse_json_or_discarded(*body).is_discarded()) << c.name << ": " << *body;
        }
        auto it = expected_bodies.find(c.name);
        if (it != expected_bodies.end() && !it->second.empty()) {
            if (compiled->plan.media == rest::MediaType::kCsv) {
                EXPECT_EQ(*body, it->second) << c.name;
            } else {
                EXPECT_EQ(Json::parse(*body), Json::parse(it->second)) << c.name;
            }
        }
    }
}

}  // namespace
}  // namespace basalt::test
