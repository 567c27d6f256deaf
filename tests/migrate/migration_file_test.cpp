// Migration file names, folder loading (Basalt pairs and Supabase files), `new`, checksums and
// the embedded system migrations.
#include "migrate/migration.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "common/crypto.hpp"

namespace basalt::migrate {
namespace {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        path_ = fs::temp_directory_path() / ("basalt_migrate_test_" + crypto::random_token(6));
        fs::create_directories(path_);
    }
    ~TempDir() { fs::remove_all(path_); }
    const fs::path& path() const { return path_; }
    void write(const std::string& name, const std::string& text) const { std::ofstream(path_ / name) << text; }

private:
    fs::path path_;
};

TEST(MigrationFilename, ValidNames) {
    auto up = parse_migration_filename("20260101120000_create_todos.up.sql");
    ASSERT_TRUE(up.ok());
    EXPECT_EQ(up->version, "20260101120000");
    EXPECT_EQ(up->name, "create_todos");
    EXPECT_EQ(up->kind, FileKind::kUp);
    auto down = parse_migration_filename("20260101120000_create_todos.down.sql");
    ASSERT_TRUE(down.ok());
    EXPECT_EQ(down->kind, FileKind::kDown);
    auto single = parse_migration_filename("20240229235959_remote_schema.sql");  // leap day
    ASSERT_TRUE(single.ok());
    EXPECT_EQ(single->kind, FileKind::kSingle);
    EXPECT_EQ(single->name, "remote_schema");
    // Supabase accepts any digits and even an empty name.
    EXPECT_TRUE(parse_migration_filename("001_init.sql").ok());
    EXPECT_TRUE(parse_migration_filename("20240101000000_.sql").ok());
}

TEST(MigrationFilename, InvalidNames) {
    for (const char* bad : {"2026_x.up.sql", "20261301000000_bad_month.up.sql", "20260230000000_feb30.up.sql",
                            "20250229000000_not_leap.up.sql", "20260101250000_hour.up.sql",
                            "2026010112000_short.up.sql", "20260101120000.up.sql", "20260101120000_.down.sql",
                            "abc_x.sql", "create_todos.sql", "12x_y.sql", "notes.txt"}) {
        EXPECT_FALSE(parse_migration_filename(bad).ok()) << bad;
    }
    EXPECT_FALSE(is_timestamp_version("2026010112000a"));
    EXPECT_TRUE(is_timestamp_version("19991231235959"));
}

TEST(LoadUserMigrations, PairsAndSingleFilesSorted) {
    TempDir dir;
    dir.write("20260102000000_second.up.sql", "select 2;");
    dir.write("20260102000000_second.down.sql", "select -2;");
    dir.write("20260101000000_first.sql", "-- basalt:no-transaction\nselect 1;");
    dir.write("README.md", "not a migration");
    auto loaded = load_user_migrations(dir.path());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    ASSERT_EQ(loaded->size(), 2u);
    const auto& first = (*loaded)[0];
    EXPECT_EQ(first.label(), "20260101000000_first");
    EXPECT_TRUE(first.no_transaction);
    EXPECT_FALSE(first.down_sql.has_value());
    const auto& second = (*loaded)[1];
    EXPECT_EQ(second.up_sql, "select 2;");
    EXPECT_EQ(second.down_sql.value_or(""), "select -2;");
    EXPECT_EQ(second.source_path, (dir.path() / "20260102000000_second.up.sql").string());
    EXPECT_FALSE(second.no_transaction);
}

TEST(LoadUserMigrations, Errors) {
    {
        TempDir dir;
        dir.write("2026_typo.up.sql", "select 1;");
        auto r = load_user_migrations(dir.path());
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, "migrate.invalid_file");
        EXPECT_NE(r.error().message.find("YYYYMMDDHHMMSS"), std::string::npos) << r.error().message;
    }
    {
        TempDir dir;
        dir.write("20260101000000_a.up.sql", "select 1;");
        dir.write("20260101000000_b.sql", "select 1;");
        EXPECT_FALSE(load_user_migrations(dir.path()).ok());
    }
    {
        TempDir dir;
        dir.write("20260101000000_a.down.sql", "select 1;");
        EXPECT_FALSE(load_user_migrations(dir.path()).ok());
    }
    {
        TempDir dir;
        dir.write("20260101000000_a.up.sql", "select 1;");
        dir.write("20260101000000_b.down.sql", "select 1;");  // name mismatch
        EXPECT_FALSE(load_user_migrations(dir.path()).ok());
    }
    auto missing = load_user_migrations("/nonexistent/basalt/migrations");
    ASSERT_TRUE(missing.ok());
    EXPECT_TRUE(missing->empty());
}

TEST(ResolveMigrationsDir, FallsBackToSupabaseFolder) {
    TempDir root;
    EXPECT_EQ(resolve_migrations_dir(root.path() / "migrations"), root.path() / "migrations");
    fs::create_directories(root.path() / "supabase" / "migrations");
    EXPECT_EQ(resolve_migrations_dir(root.path() / "migrations"), root.path() / "supabase" / "migrations");
    fs::create_directories(root.path() / "migrations");
    EXPECT_EQ(resolve_migrations_dir(root.path() / "migrations"), root.path() / "migrations");
}

TEST(Checksum, Sha256HexOfUpFile) {
    Migration m;
    m.up_sql = "abc";
    EXPECT_EQ(m.checksum(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    m.up_sql = "abc ";
    EXPECT_NE(m.checksum(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CreateMigration, WritesTimestampedPair) {
    TempDir dir;
    auto now = std::chrono::sys_days{std::chrono::year{2026} / 3 / 4} + std::chrono::hours{5} +
               std::chrono::minutes{6} + std::chrono::seconds{7};
    EXPECT_EQ(format_version(now), "20260304050607");
    auto created = create_migration(dir.path() / "migrations", "Create Todos-list", now);
    ASSERT_TRUE(created.ok()) << created.error().message;
    EXPECT_EQ(created->up_path.filename(), "20260304050607_create_todos_list.up.sql");
    ASSERT_TRUE(created->down_path);
    EXPECT_EQ(created->down_path->filename(), "20260304050607_create_todos_list.down.sql");
    // Same second again: the version moves on instead of colliding.
    auto again = create_migration(dir.path() / "migrations", "second", now);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->up_path.filename(), "20260304050608_second.up.sql");
    auto loaded = load_user_migrations(dir.path() / "migrations");
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->size(), 2u);
    EXPECT_FALSE((*loaded)[0].no_transaction);  // the template mentions the marker but does not set it
    EXPECT_FALSE(create_migration(dir.path(), "bad/name", now).ok());
    EXPECT_FALSE(create_migration(dir.path(), "  ", now).ok());
}

TEST(CreateMigration, SupabaseFolderGetsSingleFile) {
    TempDir dir;
    dir.write("20240101000000_init.sql", "select 1;");
    auto created = create_migration(dir.path(), "more", std::chrono::sys_days{std::chrono::year{2026} / 1 / 1});
    ASSERT_TRUE(created.ok());
    EXPECT_EQ(created->up_path.filename(), "20260101000000_more.sql");
    EXPECT_FALSE(created->down_path);
}

TEST(SystemMigrations, EmbeddedAndOrdered) {
    const auto& all = system_migrations();
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all[0].version, "0001");
    EXPECT_EQ(all[0].name, "roles_and_schemas");
    EXPECT_EQ(all[0].source_path, "system/0001_roles_and_schemas.sql");
    EXPECT_NE(all[0].up_sql.find("CREATE OR REPLACE FUNCTION auth.uid()"), std::string::npos);
    for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].version, all[i].version);
    // The embedded bytes are the file's bytes.
    auto repo = fs::path(__FILE__).parent_path().parent_path().parent_path();
    std::ifstream in(repo / "src/migrate/system/0001_roles_and_schemas.sql");
    if (in) {
        std::stringstream ss;
        ss << in.rdbuf();
        EXPECT_EQ(all[0].up_sql, ss.str());
    }
}

}  // namespace
}  // namespace basalt::migrate
