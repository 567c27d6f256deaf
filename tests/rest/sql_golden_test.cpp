// Plan -> SQL golden files: each case in golden_cases.hpp must render exactly the statement in
// tests/golden/rest/<name>.sql (reviewed as diffs). UPDATE_GOLDEN=1 rewrites the files.
// Also checks the generator's promises: values only as parameters, stable text per shape.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "rest/golden_cases.hpp"

namespace basalt::test {
namespace {

// One clause per line so a golden diff points at the clause that changed.
std::string layout(const std::string& sql) {
    static const char* breaks[] = {" FROM ", " LEFT JOIN LATERAL ", " INNER JOIN LATERAL ",
                                   " WHERE ", " GROUP BY ", " ORDER BY ", " LIMIT ", " ON CONFLICT",
                                   " RETURNING ", " SELECT ", " pgrst_rows AS "};
    std::string out = sql;
    for (const char* b : breaks) {
        std::string needle = b;
        std::string repl = "\n" + needle.substr(1);
        for (std::size_t pos = out.find(needle); pos != std::string::npos;
             pos = out.find(needle, pos + repl.size())) {
            out.replace(pos, needle.size(), repl);
        }
    }
    return out;
}

std::string render(const RestCase& c, const rest::Statement& s) {
    std::string out = "-- " + c.method + " /rest/v1/" + (c.rpc ? "rpc/" : "") + c.resource;
    for (std::size_t i = 0; i < c.query.size(); ++i) {
        out += (i == 0 ? "?" : "&") + c.query[i].first + "=" + c.query[i].second;
    }
    out += "\n" + layout(s.text) + "\n-- params\n";
    for (std::size_t i = 0; i < s.params.size(); ++i) {
        out += "$" + std::to_string(i + 1) + " = " +
               (s.params[i] ? Json(*s.params[i]).dump() : std::string("NULL")) + "\n";
    }
    return out;
}

TEST(RestSqlGolden, MatchesFiles) {
    const bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
    const auto dir = tests_dir() / "golden" / "rest";
    for (const auto& c : golden_cases()) {
        auto compiled = compile(c);
        ASSERT_TRUE(compiled.ok()) << c.name << ": " << compiled.error().code << " "
                                   << compiled.error().message;
        const std::string actual = render(c, compiled->statement);
        const auto path = dir / (c.name + ".sql");
        if (update) {
            std::filesystem::create_directories(dir);
            std::ofstream(path, std::ios::binary) << actual;
            continue;
        }
        ASSERT_TRUE(std::filesystem::exists(path)) << "missing golden " << path
                                                   << " (run with UPDATE_GOLDEN=1)";
        EXPECT_EQ(read_text_file(path), actual) << "golden mismatch for " << c.name;
    }
}

TEST(RestSqlGolden, ValuesNeverReachTheText) {
    for (const auto& c : golden_cases()) {
        auto compiled = compile(c);
        ASSERT_TRUE(compiled.ok()) << c.name;
        const auto& text = compiled->statement.text;
        EXPECT_EQ(text.find("DROP"), std::string::npos) << c.name;
        for (const auto& [k, v] : c.query) {
            if (k == "select" || k == "order" || k == "columns" || k == "on_conflict" || v.size() < 4 ||
                v.starts_with("is.") || v.starts_with("not.is.")) {
                continue;
            }
            // filter values, whatever they are, appear only among the parameters
            const auto op_end = v.find('.');
            const auto value = op_end == std::string::npos ? v : v.substr(op_end + 1);
            if (value.size() >= 4) EXPECT_EQ(text.find(value), std::string::npos) << c.name << " " << value;
        }
    }
}

TEST(RestSqlGolden, SameShapeSameText) {
    RestCase a{.name = "a", .resource = "books", .query = {{"id", "eq.1"}, {"title", "in.(a,b)"}, {"limit", "5"}}};
    RestCase b{.name = "b", .resource = "books",
               .query = {{"id", "eq.999"}, {"title", "in.(x,y,z,\"w,v\")"}, {"limit", "77"}}};
    auto ca = compile(a);
    auto cb = compile(b);
    ASSERT_TRUE(ca.ok() && cb.ok());
    EXPECT_EQ(ca->statement.text, cb->statement.text);
    EXPECT_NE(ca->statement.params, cb->statement.params);
    EXPECT_EQ(cb->statement.params[1], std::optional<std::string>(R"({"x","y","z","w,v"})"));
}

TEST(RestSqlGolden, HugeInListIsOneParameter) {
    std::string list = "(";
    for (int i = 0; i < 20000; ++i) list += (i ? "," : "") + std::to_string(i);
    list += ")";
    RestCase c{.name = "huge", .resource = "books", .query = {{"id", "in." + list}}};
    auto compiled = compile(c);
    ASSERT_TRUE(compiled.ok());
    EXPECT_EQ(compiled->statement.params.size(), 1u);
    EXPECT_LT(compiled->statement.text.size(), 1000u);
}

}  // namespace
}  // namespace basalt::test
