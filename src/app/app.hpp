// Composition root entry points used by main: each runs one CLI command end to end.
#pragma once

#include <string>

#include "config/config.hpp"

namespace basalt::app {

struct Context {
    config::Config config;
    std::string data_dir;
};

// `basalt serve`: managed or external PostgreSQL, system + user migrations, HTTP gateway with
// every service, until SIGTERM/SIGINT. Returns the process exit code.
int serve(Context& ctx);

// `basalt db url`: libpq connection string of the managed cluster (superuser) or database.url.
int print_db_url(Context& ctx);

}  // namespace basalt::app

namespace basalt::migrate {
struct MigrateCommand;
}
namespace basalt::messaging {
struct MailCommand;
}

namespace basalt::app {
// `basalt migrate ...`: starts the managed cluster when serve is not running, runs the command.
int run_migrate(Context& ctx, const migrate::MigrateCommand& cmd);
// `basalt mail list|show`: the development mailbox (messages kept when no SMTP is configured).
int run_mail(Context& ctx, const messaging::MailCommand& cmd);
}  // namespace basalt::app
