// The catalog statement against a real database: its document for the REST fixture equals
// tests/golden/meta/rest_fixture_snapshot.json (UPDATE_GOLDEN=1 rewrites it), and the schema
// cache reloads by itself after DDL (event trigger -> NOTIFY pgrst) and on a manual NOTIFY.
#include <cstdlib>
#include <fstream>

#include "db/listener.hpp"
#include "rest/rest_pg_fixture.hpp"

namespace basalt::test {
namespace {

class CatalogPg : public RestPgTest {};

TEST_F(CatalogPg, FixtureSnapshotMatchesGolden) {
    db::TxContext ctx;
    ctx.settings.emplace_back("search_path", "");
    ctx.read_only = true;
    db::Params params;
    params.emplace_back(meta::schemas_param({"public"}));
    auto rows = run_async(io_, pool_->run_in_tx(ctx, meta::catalog_query(), params));
    ASSERT_EQ(rows.size(), 1);
    Json actual = Json::parse(rows.get(0, 0));
    const auto path = tests_dir() / "golden" / "meta" / "rest_fixture_snapshot.json";
    if (std::getenv("UPDATE_GOLDEN") != nullptr) {
        std::ofstream(path, std::ios::binary) << actual.dump(1, ' ', false);
        return;
    }
    Json expected = Json::parse(read_text_file(path));
    EXPECT_EQ(expected, actual) << "catalog document changed; rerun with UPDATE_GOLDEN=1 and review";

    auto snap = service_->schema_cache().current();
    ASSERT_NE(snap, nullptr);
    EXPECT_NE(snap->find_table("public", "books"), nullptr);
}

TEST_F(CatalogPg, ExplicitReloadSeesNewTables) {
    sql("CREATE TABLE public.fresh (id int primary key)");
    EXPECT_EQ(service_->schema_cache().current()->find_table("public", "fresh"), nullptr);
    auto before = service_->schema_cache().current();
    run_async(io_, service_->schema_cache().reload());
    EXPECT_NE(service_->schema_cache().current()->find_table("public", "fresh"), nullptr);
    // the old snapshot is untouched: requests in flight keep a consistent view
    EXPECT_EQ(before->find_table("public", "fresh"), nullptr);
}

TEST_F(CatalogPg, CatchUpSeesDdlWhoseNotificationHasNotArrived) {
    // No LISTEN connection here: only the DDL counter (0009) can tell the cache it is stale.
    auto& cache = service_->schema_cache();
    sql("CREATE TABLE public.caught_up (id int primary key)");
    EXPECT_EQ(cache.current()->find_table("public", "caught_up"), nullptr);
    EXPECT_TRUE(run_async(io_, cache.catch_up(std::chrono::seconds(10))));
    EXPECT_NE(cache.current()->find_table("public", "caught_up"), nullptr);

    // Nothing changed since: a miss costs one small query, not a reload.
    const auto gen = cache.generation();
    EXPECT_FALSE(run_async(io_, cache.catch_up(std::chrono::seconds(10))));
    EXPECT_EQ(cache.generation(), gen);

    // A column added later is found the same way.
    sql("ALTER TABLE public.caught_up ADD COLUMN note text");
    EXPECT_TRUE(run_async(io_, cache.catch_up(std::chrono::seconds(10))));
    const auto* t = cache.current()->find_table("public", "caught_up");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->columns.size(), 2u);
}

TEST_F(CatalogPg, DdlAndNotifyReloadThroughTheListener) {
    // A second service with a LISTEN connection, as the server runs it.
    rest::Settings s;
    s.schema_reload_debounce_ms = 20;
    rest::RestService live(s, *pool_, conninfo_);
    live.start(io_);
    auto& cache = live.schema_cache();
    ASSERT_TRUE(run_until(io_, [&] { return cache.ready(); }, std::chrono::seconds(10)));

    // DDL fires the 0003 event trigger, which NOTIFYs pgrst.
    const auto gen = cache.generation();
    sql("CREATE TABLE public.created_later (id int primary key, note text)");
    ASSERT_TRUE(run_until(io_, [&] {
        auto snap = cache.current();
        return snap && snap->find_table("public", "created_later") != nullptr;
    }, std::chrono::seconds(10)));
    EXPECT_GT(cache.generation(), gen);

    // A manual NOTIFY (PostgREST's documented way) reloads too; a burst reloads once or twice,
    // not once per message.
    sql("CREATE FUNCTION public.later() RETURNS int LANGUAGE sql AS 'select 1'");
    ASSERT_TRUE(run_until(io_, [&] { return !cache.current()->find_functions("public", "later").empty(); },
                          std::chrono::seconds(10)));
    const auto gen2 = cache.generation();
    sql("NOTIFY pgrst, 'reload schema'; NOTIFY pgrst, 'reload schema'; NOTIFY pgrst, 'reload schema'");
    ASSERT_TRUE(run_until(io_, [&] { return cache.generation() > gen2; }, std::chrono::seconds(10)));
    run_until(io_, [] { return false; }, std::chrono::milliseconds(300));
    EXPECT_LE(cache.generation(), gen2 + 2);
    live.stop();
    run_until(io_, [] { return false; }, std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace basalt::test
