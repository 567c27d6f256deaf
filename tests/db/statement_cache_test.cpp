// Prepared-statement name cache: reuse, LRU eviction with deferred DEALLOCATE, forget/discard.
#include <gtest/gtest.h>

#include "db/detail/statement_cache.hpp"
#include "db/quote.hpp"

namespace basalt::db::detail {
namespace {

TEST(StatementCache, ReusesNamesAndEvictsLeastRecentlyUsed) {
    StatementCache c(2);
    auto a = c.lookup("select 1");
    EXPECT_TRUE(a.needs_prepare);
    EXPECT_EQ(a.name, "s1");
    auto again = c.lookup("select 1");
    EXPECT_FALSE(again.needs_prepare);
    EXPECT_EQ(again.name, "s1");
    auto b = c.lookup("select 2");
    c.lookup("select 1");  // touch: "select 2" is now the oldest
    auto d = c.lookup("select 3");
    EXPECT_EQ(d.name, "s3");
    EXPECT_EQ(c.size(), 2u);
    EXPECT_EQ(c.take_evicted(), std::vector<std::string>{b.name});
    EXPECT_TRUE(c.take_evicted().empty());
    EXPECT_FALSE(c.lookup("select 1").needs_prepare);
    EXPECT_TRUE(c.lookup("select 2").needs_prepare);
}

TEST(StatementCache, ForgetAndDiscard) {
    StatementCache c;
    auto a = c.lookup("a");
    c.forget("a");  // never reached the server: nothing to deallocate
    EXPECT_FALSE(c.has_evicted());
    EXPECT_TRUE(c.lookup("a").needs_prepare);
    auto b = c.lookup("b");
    c.discard("b");  // on the server but unusable: deallocate later
    EXPECT_EQ(c.take_evicted(), std::vector<std::string>{b.name});
    EXPECT_NE(c.lookup("b").name, b.name);
}

TEST(Quote, IdentifiersLiteralsAndConninfo) {
    EXPECT_EQ(quote_identifier("plain"), "\"plain\"");
    EXPECT_EQ(quote_identifier("we\"ird"), "\"we\"\"ird\"");
    EXPECT_EQ(quote_literal("it's"), "'it''s'");
    EXPECT_EQ(quote_literal("a\\b'"), "E'a\\\\b'''");
    EXPECT_THROW(quote_identifier(std::string("a\0b", 3)), std::invalid_argument);
    EXPECT_EQ(quote_conninfo_value("/tmp/a b/it's"), "'/tmp/a b/it\\'s'");
}

}  // namespace
}  // namespace basalt::db::detail
