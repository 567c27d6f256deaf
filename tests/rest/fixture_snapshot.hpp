// Test helper: the schema-cache snapshot of tests/fixtures/rest_schema.sql, as stored in
// tests/golden/meta/rest_fixture_snapshot.json (refreshed by the meta pg test with
// UPDATE_GOLDEN=1), so planner and SQL unit tests need no PostgreSQL.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "meta/schema_snapshot.hpp"

namespace basalt::test {

inline std::filesystem::path tests_dir() {
    return std::filesystem::path(__FILE__).parent_path().parent_path();
}

inline std::string read_text_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline const meta::SchemaSnapshot& fixture_snapshot() {
    static const meta::SchemaSnapshot snap = [] {
        auto text = read_text_file(tests_dir() / "golden" / "meta" / "rest_fixture_snapshot.json");
        auto doc = Json::parse(text);
        return meta::snapshot_from_json(doc, {"public"}).value();
    }();
    return snap;
}

}  // namespace basalt::test
