// Shape keys and the sentinel proof (pure parts of the shape cache).
#include "rest/detail/shape_cache.hpp"

#include <gtest/gtest.h>

namespace basalt::test {
namespace {

using rest::detail::Compiled;
using rest::detail::prove_slots;
using rest::detail::sentinel;
using rest::detail::shape_of;

http::Request get(std::vector<std::pair<std::string, std::string>> query) {
    http::Request r;
    r.method = "GET";
    r.query = std::move(query);
    return r;
}

TEST(ShapeCache, OnlySimpleComparisonValuesVary) {
    auto a = shape_of(get({{"select", "id"}, {"id", "eq.1"}, {"name", "like.a*"}}), "books", false);
    auto b = shape_of(get({{"select", "id"}, {"id", "eq.2"}, {"name", "like.a*"}}), "books", false);
    auto c = shape_of(get({{"select", "id"}, {"id", "eq.1"}, {"name", "like.b*"}}), "books", false);
    auto d = shape_of(get({{"select", "id"}, {"id", "not.gte.1"}}), "books", false);
    auto e = shape_of(get({{"select", "eq.1"}}), "books", false);
    ASSERT_TRUE(a && b && c && d && e);
    EXPECT_EQ(a->key, b->key);
    EXPECT_NE(a->key, c->key);
    ASSERT_EQ(a->values.size(), 1u);
    EXPECT_EQ(a->value(get({{"select", "id"}, {"id", "eq.1"}}), 0), "1");
    EXPECT_EQ(d->values.size(), 1u);
    EXPECT_TRUE(e->values.empty());  // select is never a comparison
    EXPECT_FALSE(shape_of(get({{"id", "eq.1"}}), "fn", true));  // RPC
    http::Request post = get({{"id", "eq.1"}});
    post.method = "POST";
    EXPECT_FALSE(shape_of(post, "books", false));
}

TEST(ShapeCache, KeysCannotBeForgedByDelimiters) {
    auto a = shape_of(get({{"a", "1"}, {"b", "2"}}), "books", false);
    auto b = shape_of(get({{"a", "1:1:b1:2"}}), "books", false);
    auto c = shape_of(get({{"a", "1"}, {"b", "2"}}), "books2", false);
    http::Request h = get({{"a", "1"}, {"b", "2"}});
    h.headers.add("Prefer", "count=exact");
    auto d = shape_of(h, "books", false);
    EXPECT_NE(a->key, b->key);
    EXPECT_NE(a->key, c->key);
    EXPECT_NE(a->key, d->key);
}

TEST(ShapeCache, ProofNeedsEachSentinelOnceAndNothingElseChanged) {
    Compiled real;
    real.stmt.text = "SELECT ... WHERE id = $1 LIMIT $2";
    real.stmt.params = {std::string("7"), std::string("25")};
    rest::Statement probe{real.stmt.text, {sentinel(0), std::string("25")}};
    EXPECT_TRUE(prove_slots(real, probe, 1));
    EXPECT_EQ(real.slots, std::vector<std::size_t>{0});

    rest::Statement other_text{"SELECT other", probe.params};
    EXPECT_FALSE(prove_slots(real, other_text, 1));
    rest::Statement twice{real.stmt.text, {sentinel(0), sentinel(0)}};
    EXPECT_FALSE(prove_slots(real, twice, 1));
    rest::Statement missing{real.stmt.text, {std::string("7"), std::string("25")}};
    EXPECT_FALSE(prove_slots(real, missing, 1));
    rest::Statement changed{real.stmt.text, {sentinel(0), std::string("26")}};
    EXPECT_FALSE(prove_slots(real, changed, 1));
}

}  // namespace
}  // namespace basalt::test
