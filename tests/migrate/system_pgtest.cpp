// System migrations on a real PostgreSQL: Supabase's roles, schemas and auth.* helpers, RLS
// policies using auth.uid(), idempotence across databases, Supabase-style project folders.
#include <thread>

#include "migrate/migrate_fixture.hpp"
#include "migrate/startup.hpp"

namespace basalt::test {
namespace {

using migrate::Engine;

constexpr const char* kUser1 = "11111111-1111-1111-1111-111111111111";
constexpr const char* kUser2 = "22222222-2222-2222-2222-222222222222";

// Runs `sql` after the given SET LOCAL ROLE and request.jwt.claims in one transaction;
// returns the first column of the first row.
std::string as_role(db::BlockingConnection& conn, const std::string& role, const std::string& claims,
                    const std::string& sql) {
    conn.exec("BEGIN");
    conn.exec_params("SELECT set_config('role', $1, true), set_config('request.jwt.claims', $2, true)", {role, claims});
    auto r = conn.exec(sql);
    std::string out = r.rows() ? std::string(r.get(0, 0)) : std::string();
    conn.exec("ROLLBACK");
    return out;
}

TEST_F(MigrateTest, SystemMigrationsCreateSupabaseConventions) {
    auto report = migrate::apply_system_migrations(conninfo_);
    EXPECT_EQ(report.applied.size(), migrate::system_migrations().size());
    EXPECT_EQ(history_count("system"), static_cast<int>(migrate::system_migrations().size()));

    EXPECT_EQ(scalar("select string_agg(rolname || ':' || rolcanlogin::int || rolbypassrls::int, ',' order by rolname) from "
                     "pg_roles where rolname in ('anon','authenticated','service_role','authenticator')"),
              "anon:00,authenticated:00,authenticator:10,service_role:01");
    for (const char* role : {"anon", "authenticated", "service_role"}) {
        EXPECT_EQ(scalar(std::string("select pg_has_role('authenticator', '") + role + "', 'MEMBER')"), "t") << role;
    }
    EXPECT_EQ(scalar("select count(*) from pg_namespace where nspname in ('auth','storage','extensions','basalt')"), "4");
    EXPECT_EQ(scalar("select has_schema_privilege('anon', 'basalt', 'USAGE')"), "f");
    EXPECT_EQ(scalar("select has_schema_privilege('authenticated', 'auth', 'USAGE')"), "t");
    EXPECT_EQ(scalar("select has_schema_privilege('anon', 'public', 'USAGE')"), "t");

    // Idempotent: nothing left to apply the second time.
    EXPECT_TRUE(migrate::apply_system_migrations(conninfo_).applied.empty());
}

TEST_F(MigrateTest, SystemMigrationsApplyInASecondDatabaseOfTheCluster) {
    auto other = pg_->create_database("mig_second_database");
    // Both databases at once: roles are cluster-wide, so they race on them.
    std::string errors[2];
    std::thread a([&] {
        try {
            migrate::apply_system_migrations(conninfo_);
        } catch (const std::exception& e) {
            errors[0] = e.what();
        }
    });
    std::thread b([&] {
        try {
            migrate::apply_system_migrations(other);
        } catch (const std::exception& e) {
            errors[1] = e.what();
        }
    });
    a.join();
    b.join();
    EXPECT_EQ(errors[0], "");
    EXPECT_EQ(errors[1], "");
    db::BlockingConnection conn(other);
    EXPECT_EQ(conn.exec("select count(*) from basalt.schema_migrations where scope = 'system'").get(0, 0),
              std::to_string(migrate::system_migrations().size()));
    EXPECT_EQ(conn.exec("select to_regprocedure('auth.uid()') is not null").get(0, 0), "t");
}

TEST_F(MigrateTest, AuthHelpersReadRequestClaims) {
    migrate::apply_system_migrations(conninfo_);
    db::BlockingConnection conn(conninfo_);
    std::string claims = std::string(R"({"sub":")") + kUser1 + R"(","role":"authenticated","email":"a@example.com"})";
    EXPECT_EQ(as_role(conn, "authenticated", claims, "select auth.uid()"), kUser1);
    EXPECT_EQ(as_role(conn, "authenticated", claims, "select auth.role()"), "authenticated");
    EXPECT_EQ(as_role(conn, "authenticated", claims, "select auth.email()"), "a@example.com");
    EXPECT_EQ(as_role(conn, "authenticated", claims, "select auth.jwt() ->> 'email'"), "a@example.com");
    // Unset or empty claims are NULL, not an error.
    EXPECT_EQ(as_role(conn, "anon", "", "select coalesce(auth.uid()::text, 'null')"), "null");
    EXPECT_EQ(as_role(conn, "anon", "", "select coalesce(auth.jwt()::text, 'null')"), "null");
    // The legacy per-claim setting wins, as in Supabase.
    conn.exec("BEGIN");
    conn.exec_params("select set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.sub', $2, true)",
                     {claims, kUser2});
    EXPECT_EQ(conn.exec("select auth.uid()").get(0, 0), kUser2);
    conn.exec("ROLLBACK");
}

TEST_F(MigrateTest, RlsPolicyUsingAuthUidFiltersRows) {
    migrate::apply_system_migrations(conninfo_);
    write("20260101000000_todos.up.sql",
          "create table todos (id serial primary key, user_id uuid not null, task text);\n"
          "alter table todos enable row level security;\n"
          "create policy own_todos on todos for all to authenticated\n"
          "  using (auth.uid() = user_id) with check (auth.uid() = user_id);\n");
    {
        db::BlockingConnection conn(conninfo_);
        Engine(conn, migrate::kUserScope).up(load());
    }
    db::BlockingConnection conn(conninfo_);
    conn.exec_params("insert into todos (user_id, task) values ($1, 'a'), ($1, 'b'), ($2, 'c')", {kUser1, kUser2});
    auto claims = [](const char* sub) { return std::string(R"({"role":"authenticated","sub":")") + sub + "\"}"; };

    // Default privileges granted the new table (and its sequence) to the API roles.
    EXPECT_EQ(as_role(conn, "authenticated", claims(kUser1), "select count(*) from todos"), "2");
    EXPECT_EQ(as_role(conn, "authenticated", claims(kUser2), "select string_agg(task, ',') from todos"), "c");
    EXPECT_EQ(as_role(conn, "anon", R"({"role":"anon"})", "select count(*) from todos"), "0");
    EXPECT_EQ(as_role(conn, "service_role", R"({"role":"service_role"})", "select count(*) from todos"), "3");
    // WITH CHECK: inserting someone else's row is refused; one's own works (sequence granted).
    EXPECT_EQ(as_role(conn, "authenticated", claims(kUser1),
                      std::string("insert into todos (user_id, task) values ('") + kUser1 + "', 'd') returning task"),
              "d");
    Error e = error_of([&] {
        as_role(conn, "authenticated", claims(kUser1),
                std::string("insert into todos (user_id, task) values ('") + kUser2 + "', 'x')");
    });
    EXPECT_EQ(e.code, "42501");
    conn.exec("ROLLBACK");
}

TEST_F(MigrateTest, SupabaseStyleProjectFolderApplies) {
    auto supabase = dir_ / "project" / "supabase" / "migrations";
    write("20240101000000_init.sql",
          "create table public.profiles (\n"
          "  id uuid primary key default uuid_generate_v4(),\n"  // extensions schema on search_path
          "  owner uuid default auth.uid(),\n"
          "  name text\n);\n"
          "alter table public.profiles enable row level security;\n"
          "create policy \"Owners read\" on public.profiles for select using (auth.uid() = owner);\n",
          supabase);
    write("20240102000000_.sql", "create index profiles_name on public.profiles (name);\n", supabase);
    migrate::Settings settings;
    settings.dir = (dir_ / "project" / "migrations").string();  // absent: falls back to supabase/
    auto report = migrate::apply_startup_migrations(conninfo_, settings);
    EXPECT_EQ(report.user_dir, supabase);
    ASSERT_EQ(report.user.applied.size(), 2u);
    EXPECT_EQ(scalar("insert into profiles (name) values ('x') returning length(id::text)"), "36");
    EXPECT_TRUE(table_exists("profiles_name"));

    // auto_apply off: system migrations only.
    write("20240103000000_more.sql", "create table more (id int);\n", supabase);
    settings.auto_apply = false;
    EXPECT_TRUE(migrate::apply_startup_migrations(conninfo_, settings).user.applied.empty());
    EXPECT_FALSE(table_exists("more"));
}

}  // namespace
}  // namespace basalt::test
