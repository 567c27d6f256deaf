// rest::plan against the fixture snapshot: name resolution errors with PostgREST's codes,
// relationship choice and hints, RPC overloads, PUT rules, RETURNING lists.
#include <gtest/gtest.h>

#include "rest/request_case.hpp"

namespace basalt::test {
namespace {

struct ErrorCase {
    RestCase request;
    int status;
    std::string code;
    std::string message_part;
};

TEST(RestPlan, Errors) {
    const ErrorCase cases[] = {
        {{.name = "unknown_table", .resource = "nope"}, 404, "PGRST205",
         "Could not find the table 'public.nope' in the schema cache"},
        {{.name = "unknown_column_select", .resource = "books", .query = {{"select", "id,nope"}}}, 400,
         "42703", "column books.nope does not exist"},
        {{.name = "unknown_column_filter", .resource = "books", .query = {{"nope", "eq.1"}}}, 400, "42703",
         "nope"},
        {{.name = "unknown_column_order", .resource = "books", .query = {{"order", "nope.desc"}}}, 400,
         "42703", "nope"},
        {{.name = "no_relationship", .resource = "books", .query = {{"select", "*,moods(*)"}}}, 400,
         "PGRST200", "Could not find a relationship between 'books' and 'moods' in the schema cache"},
        {{.name = "ambiguous_embed", .resource = "books", .query = {{"select", "*,authors(*)"}}}, 300,
         "PGRST201", "more than one relationship was found for 'books' and 'authors'"},
        {{.name = "bad_hint", .resource = "books", .query = {{"select", "*,authors!nope(*)"}}}, 400,
         "PGRST200", "authors"},
        {{.name = "filter_not_embedded", .resource = "books", .query = {{"authors.name", "eq.x"}}}, 400,
         "PGRST108", "'authors' is not an embedded resource in this request"},
        {{.name = "embed_bad_operator", .resource = "authors",
          .query = {{"select", "*,books!author_id(*)"}, {"books", "eq.1"}}}, 400, "PGRST120", "books"},
        {{.name = "related_order_to_many", .resource = "authors",
          .query = {{"select", "*,books!author_id(*)"}, {"order", "books(title)"}}}, 400, "PGRST118", "books"},
        {{.name = "spread_to_many", .resource = "authors", .query = {{"select", "*,...books!author_id(*)"}}}, 400,
         "PGRST119", "books"},
        {{.name = "aggregates_disabled", .resource = "books", .query = {{"select", "price.sum()"}}}, 400,
         "PGRST123", "aggregate"},
        {{.name = "payload_unknown_column", .method = "POST", .resource = "books",
          .body = R"({"title":"x","nope":1})"}, 400, "PGRST204",
         "Could not find the 'nope' column of 'books' in the schema cache"},
        {{.name = "put_without_pk_filter", .method = "PUT", .resource = "tags", .body = R"({"id":1,"name":"x"})"},
         405, "PGRST105", "primary key"},
        {{.name = "put_non_eq", .method = "PUT", .resource = "tags", .query = {{"id", "gt.1"}},
          .body = R"({"id":1,"name":"x"})"}, 405, "PGRST105", "primary key"},
        {{.name = "put_mismatch", .method = "PUT", .resource = "tags", .query = {{"id", "eq.2"}},
          .body = R"({"id":1,"name":"x"})"}, 400, "PGRST115", "Payload values do not match"},
        {{.name = "put_limit", .method = "PUT", .resource = "tags", .query = {{"id", "eq.1"}, {"limit", "1"}},
          .body = R"({"id":1,"name":"x"})"}, 400, "PGRST114", "limit/offset"},
        {{.name = "rpc_unknown", .method = "POST", .resource = "nope", .rpc = true, .body = "{}"}, 404,
         "PGRST202", "Could not find the function public.nope without parameters in the schema cache"},
        {{.name = "rpc_wrong_args", .method = "POST", .resource = "add", .rpc = true,
          .body = R"({"a":1,"c":2})"}, 404, "PGRST202", "public.add(a, c)"},
        {{.name = "rpc_missing_required", .method = "POST", .resource = "add", .rpc = true,
          .body = R"({"a":1})"}, 404, "PGRST202", "public.add(a)"},
        {{.name = "rpc_ambiguous", .method = "POST", .resource = "overloaded", .rpc = true,
          .body = R"({"a":1})"}, 300, "PGRST203", "Could not choose the best candidate function"},
        {{.name = "rpc_get_scalar_extra_param", .resource = "add", .rpc = true,
          .query = {{"a", "1"}, {"b", "2"}, {"c", "eq.3"}}}, 404, "PGRST202", "public.add(a, b, c)"},
        {{.name = "rpc_filter_unknown_column", .resource = "books_by", .rpc = true,
          .query = {{"author", "1"}, {"nope", "eq.1"}}}, 400, "42703", "nope"},
        {{.name = "hostile_column", .resource = "books",
          .query = {{"select", "\"id\\\"; DROP TABLE books;--\""}}}, 400, "42703", "does not exist"},
        {{.name = "hostile_table", .resource = "books\"; DROP TABLE books;--"}, 404, "PGRST205", "DROP"},
    };
    for (const auto& c : cases) {
        auto r = compile(c.request);
        ASSERT_FALSE(r.ok()) << c.request.name;
        EXPECT_EQ(r.error().status, c.status) << c.request.name << ": " << r.error().message;
        EXPECT_EQ(r.error().code, c.code) << c.request.name << ": " << r.error().message;
        EXPECT_NE(r.error().message.find(c.message_part), std::string::npos)
            << c.request.name << ": " << r.error().message;
    }
}

TEST(RestPlan, AmbiguityDetailsListTheCandidates) {
    auto r = compile({.name = "x", .resource = "books", .query = {{"select", "*,authors(*)"}}});
    ASSERT_FALSE(r.ok());
    ASSERT_TRUE(r.error().details.is_array());
    EXPECT_EQ(r.error().details.size(), 2u);
    EXPECT_EQ(r.error().details[0]["cardinality"], "many-to-one");
    EXPECT_NE(r.error().hint.get<std::string>().find("'authors!books_author_id_fkey'"), std::string::npos);
}

TEST(RestPlan, HintsChooseTheRelationship) {
    for (const char* sel : {"*,authors!author_id(*)", "*,authors!books_author_id_fkey(*)",
                            "*,author_id(*)", "*,books_author_id_fkey(*)"}) {
        auto r = compile({.name = sel, .resource = "books", .query = {{"select", sel}}});
        ASSERT_TRUE(r.ok()) << sel << ": " << r.error().message;
        ASSERT_EQ(r->plan.root.embeds.size(), 1u) << sel;
        EXPECT_EQ(r->plan.root.embeds[0].relationship->constraint, "books_author_id_fkey") << sel;
        EXPECT_TRUE(r->plan.root.embeds[0].to_one) << sel;
    }
    auto m2m = compile({.name = "m2m", .resource = "tags", .query = {{"select", "*,books!book_tags(id)"}}});
    ASSERT_TRUE(m2m.ok()) << m2m.error().message;
    EXPECT_FALSE(m2m->plan.root.embeds[0].to_one);
    auto o2m = compile({.name = "o2m", .resource = "books", .query = {{"select", "*,book_tags(*)"}}});
    ASSERT_TRUE(o2m.ok());
    EXPECT_FALSE(o2m->plan.root.embeds[0].to_one);
    // self reference: the FK column names the parent, the table (or table!fk_col) the children
    auto parent = compile({.name = "p", .resource = "categories", .query = {{"select", "*,parent_id(*)"}}});
    ASSERT_TRUE(parent.ok()) << parent.error().message;
    EXPECT_TRUE(parent->plan.root.embeds[0].to_one);
    for (const char* sel : {"*,categories(*)", "*,categories!parent_id(*)"}) {
        auto children = compile({.name = sel, .resource = "categories", .query = {{"select", sel}}});
        ASSERT_TRUE(children.ok()) << sel << ": " << children.error().message;
        EXPECT_FALSE(children->plan.root.embeds[0].to_one) << sel;
    }
    auto o2o = compile({.name = "o2o", .resource = "authors", .query = {{"select", "*,profiles(*)"}}});
    ASSERT_TRUE(o2o.ok());
    EXPECT_TRUE(o2o->plan.root.embeds[0].to_one);
}

TEST(RestPlan, ReturningOnlyWhatTheRepresentationNeeds) {
    auto minimal = compile({.name = "m", .method = "POST", .resource = "books", .body = R"({"title":"x"})"});
    ASSERT_TRUE(minimal.ok());
    EXPECT_FALSE(minimal->plan.mutation.returning);
    EXPECT_NE(minimal->statement.text.find("RETURNING 1"), std::string::npos);

    auto some = compile({.name = "s", .method = "POST", .resource = "books",
                         .query = {{"select", "title,authors!author_id(name)"}},
                         .headers = {{"prefer", "return=representation"}}, .body = R"({"title":"x"})"});
    ASSERT_TRUE(some.ok());
    EXPECT_EQ(some->plan.mutation.returning_columns,
              (std::vector<std::string>{"title", "author_id", "id"}));
}

TEST(RestPlan, ReadOnlyTransactions) {
    EXPECT_TRUE(compile({.name = "r", .resource = "books"})->plan.read_only);
    EXPECT_FALSE(compile({.name = "w", .method = "DELETE", .resource = "books"})->plan.read_only);
    EXPECT_TRUE(compile({.name = "c", .method = "POST", .resource = "add", .rpc = true,
                         .body = R"({"a":1,"b":2})"})->plan.read_only);
    EXPECT_FALSE(compile({.name = "v", .method = "POST", .resource = "rename_author", .rpc = true,
                          .body = R"({"author":1,"new_name":"x"})"})->plan.read_only);
}

}  // namespace
}  // namespace basalt::test
