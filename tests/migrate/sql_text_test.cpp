// Statement splitting, error position -> line mapping and the no-transaction marker.
#include "migrate/sql_text.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "migrate/detail/script_runner.hpp"

namespace basalt::migrate {
namespace {

std::vector<std::string> pieces(std::string_view sql) {
    std::vector<std::string> out;
    for (auto s : split_statements(sql)) out.emplace_back(sql.substr(s.begin, s.end - s.begin));
    return out;
}

TEST(SplitStatements, SimpleAndTrailingWithoutSemicolon) {
    EXPECT_EQ(pieces("create table a(x int);\ninsert into a values (1);\nselect 1"),
              (std::vector<std::string>{"create table a(x int);", "insert into a values (1);", "select 1"}));
}

TEST(SplitStatements, CommentsAndEmptyStatementsAreDropped) {
    EXPECT_EQ(pieces("-- header; with semicolon\n/* block; /* nested; */ still; */\n;;\nselect 1; -- tail;\n"),
              (std::vector<std::string>{"select 1;"}));
    EXPECT_TRUE(pieces("-- only a comment\n").empty());
    EXPECT_TRUE(pieces("").empty());
}

TEST(SplitStatements, QuotesHideSemicolons) {
    EXPECT_EQ(pieces("select 'a;b', \"c;d\", 'it''s;'; select 2;"),
              (std::vector<std::string>{"select 'a;b', \"c;d\", 'it''s;';", "select 2;"}));
    EXPECT_EQ(pieces("select E'x\\';y'; select 3;"),
              (std::vector<std::string>{"select E'x\\';y';", "select 3;"}));
    // Without E, a backslash is an ordinary character (standard_conforming_strings).
    EXPECT_EQ(pieces("select 'x\\'; select 4;"), (std::vector<std::string>{"select 'x\\';", "select 4;"}));
}

TEST(SplitStatements, DollarQuotes) {
    std::string fn =
        "create function f() returns int language plpgsql as $body$\nbegin\n  return 1; -- ;\nend;\n$body$;";
    EXPECT_EQ(pieces(fn + "\nselect f();"), (std::vector<std::string>{fn, "select f();"}));
    EXPECT_EQ(pieces("do $$ begin perform 1; end $$; select $1;"),
              (std::vector<std::string>{"do $$ begin perform 1; end $$;", "select $1;"}));
    EXPECT_EQ(pieces("select a$b from t; select 5;"), (std::vector<std::string>{"select a$b from t;", "select 5;"}));
}

TEST(SplitStatements, SqlStandardFunctionBody) {
    std::string fn =
        "CREATE OR REPLACE FUNCTION g(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 "
        "ELSE 0 END;\n  SELECT 2;\nEND;";
    EXPECT_EQ(pieces(fn + "\nselect g(1);"), (std::vector<std::string>{fn, "select g(1);"}));
    // BEGIN as a transaction statement is not a block.
    EXPECT_EQ(pieces("begin; select 1; commit;"), (std::vector<std::string>{"begin;", "select 1;", "commit;"}));
    // CASE ... END outside a routine body does not nest.
    EXPECT_EQ(pieces("select case when true then 1 end; select 2;"),
              (std::vector<std::string>{"select case when true then 1 end;", "select 2;"}));
}

TEST(PositionToLine, AsciiAndUtf8) {
    std::string sql = "select 1;\nselect * from nope;\n";
    // Position 25 is the 'n' of "nope" (1-based characters).
    EXPECT_EQ(sql[byte_offset_of_position(sql, 25)], 'n');
    EXPECT_EQ(line_of_position(sql, 25), 2);
    EXPECT_EQ(line_of_position(sql, 1), 1);
    EXPECT_EQ(line_of_position(sql, 0), 1);
    EXPECT_EQ(line_of_position(sql, 10000), 3);  // clamped to the end
    // Multibyte characters count once: "é" is 2 bytes, "→" is 3.
    std::string utf = "-- é→\nselect x;";
    EXPECT_EQ(utf[byte_offset_of_position(utf, 14)], 'x');
    EXPECT_EQ(line_of_position(utf, 14), 2);
}

TEST(NoTransactionMarker, Detection) {
    EXPECT_TRUE(has_no_transaction_marker("-- basalt:no-transaction\ncreate index concurrently i on t(x);"));
    EXPECT_TRUE(has_no_transaction_marker("-- header\n  --basalt:no-transaction  \nselect 1;"));
    EXPECT_TRUE(has_no_transaction_marker("select 1;\r\n-- basalt:no-transaction\r\n"));
    EXPECT_FALSE(has_no_transaction_marker("-- basalt:no-transactions\n"));
    EXPECT_FALSE(has_no_transaction_marker("select 1; -- basalt:no-transaction\n"));
    EXPECT_FALSE(has_no_transaction_marker("--   -- basalt:no-transaction\n"));  // the template's hint
}

TEST(FailureLine, FromPositionOrFailedStatement) {
    std::string sql = "create table a(x int);\n\ninsert into a values (1);\nselect * from nope;\n";
    db::PgDiagnostics d;
    d.position = static_cast<int>(sql.find("nope")) + 1;
    EXPECT_EQ(detail::failure_line(sql, 0, sql.size(), d, 2), 4);
    d.position = 0;  // runtime error: no position; statement index 1 starts on line 3
    EXPECT_EQ(detail::failure_line(sql, 0, sql.size(), d, 1), 3);
    EXPECT_EQ(detail::failure_line(sql, 0, sql.size(), d, -1), 0);
    // A single statement sent on its own (no-transaction mode): positions are relative to it.
    auto begin = sql.find("select");
    d.position = 15;  // "nope" within "select * from nope;"
    EXPECT_EQ(detail::failure_line(sql, begin, sql.size() - begin, d, 0), 4);
}

TEST(FailureError, NamesFileLineAndMessage) {
    db::PgDiagnostics d;
    d.severity = "ERROR";
    d.sqlstate = "42P01";
    d.message = "relation \"nope\" does not exist";
    d.hint = "check the name";
    auto e = detail::failure_error("migrations/20260101000000_x.up.sql", 12, d);
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.code, "migrate.failed");
    EXPECT_EQ(e.message, "migrations/20260101000000_x.up.sql:12: ERROR: relation \"nope\" does not exist");
    EXPECT_EQ(e.hint, "check the name");
    EXPECT_EQ(detail::failure_error("f.sql", 0, d).message.rfind("f.sql: ERROR:", 0), 0u);
}

}  // namespace
}  // namespace basalt::migrate
