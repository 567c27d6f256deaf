// `basalt migrate ...`: resolves the database (starting the managed cluster only for the
// command's duration when `serve` is not running) and runs the migration command.
#include <iostream>

#include "app/app.hpp"
#include "app/database.hpp"
#include "messaging/mail_cli.hpp"
#include "migrate/cli.hpp"

namespace basalt::app {

int run_migrate(Context& ctx, const migrate::MigrateCommand& command) {
    migrate::MigrateCommand cmd = command;
    if (cmd.dir.empty()) cmd.dir = ctx.config.migrations.dir;
    if (!migrate::needs_database(cmd)) return migrate::run_migrate_command(cmd, "", std::cout);
    try {
        Database database = Database::open(ctx);
        int rc = migrate::run_migrate_command(cmd, database.conninfo(), std::cout);
        database.stop();
        return rc;
    } catch (const ErrorException& e) {
        std::cerr << "basalt: " << e.error().message << "\n";
        return 1;
    }
}

int run_mail(Context& ctx, const messaging::MailCommand& cmd) {
    try {
        Database database = Database::open(ctx);
        int rc = messaging::run_mail_command(cmd, database.conninfo(), std::cout);
        database.stop();
        return rc;
    } catch (const ErrorException& e) {
        std::cerr << "basalt: " << e.error().message << "\n";
        return 1;
    }
}

int print_db_url(Context& ctx) {
    if (!ctx.config.database.url.empty()) {
        std::cout << ctx.config.database.url << "\n";
        return 0;
    }
    try {
        std::cout << Database::managed_conninfo(ctx) << "\n";
        return 0;
    } catch (const ErrorException& e) {
        std::cerr << "basalt: " << e.error().message << "\n";
        return 1;
    }
}

}  // namespace basalt::app
