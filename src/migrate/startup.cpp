// Startup migrations for serve: system set, then user set (auto_apply), each on its own session.
#include "migrate/startup.hpp"

#include "common/log.hpp"

namespace basalt::migrate {

ApplyReport apply_system_migrations(const std::string& conninfo) {
    db::BlockingConnection conn(conninfo, "basalt-migrate");
    Engine engine(conn, kSystemScope);
    return engine.up(system_migrations());
}

StartupReport apply_startup_migrations(const std::string& conninfo, const Settings& settings) {
    StartupReport report;
    report.system = apply_system_migrations(conninfo);
    report.user_dir = resolve_migrations_dir(settings.dir.empty() ? "migrations" : settings.dir);
    if (!settings.auto_apply) {
        log::info("migrate: migrations.auto_apply is off; user migrations not applied");
        return report;
    }
    auto migrations = load_user_migrations(report.user_dir);
    if (!migrations) throw ErrorException(migrations.error());
    if (migrations->empty()) return report;
    db::BlockingConnection conn(conninfo, "basalt-migrate");
    Engine engine(conn, kUserScope);
    report.user = engine.up(*migrations);
    for (const auto& w : report.user.warnings) log::warn("migrate: {}", w);
    return report;
}

}  // namespace basalt::migrate
