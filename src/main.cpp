// basalt: parse the command line, load config, hand over to app/.
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/app.hpp"
#include "app/secrets.hpp"
#include "common/json.hpp"
#include "common/log.hpp"
#include "config/config.hpp"
#include "messaging/mail_cli.hpp"
#include "migrate/cli.hpp"

namespace {

using basalt::app::Context;

struct GlobalFlags {
    std::string config_file;
    std::string data_dir = "./basalt_data";
};

void add_global_flags(CLI::App* cmd, GlobalFlags& flags) {
    cmd->add_option("--config", flags.config_file, "config file (default ./basalt.yaml if present)");
    cmd->add_option("--data-dir", flags.data_dir, "data directory")->capture_default_str();
}

// Loads config; prints the named error and returns false when it is invalid.
bool load_context(const GlobalFlags& flags, Context& ctx) {
    basalt::config::LoadOptions opts;
    if (!flags.config_file.empty()) opts.file = flags.config_file;
    opts.env = basalt::config::process_environment();
    auto cfg = basalt::config::load(opts);
    if (!cfg) {
        std::cerr << "basalt: invalid configuration: " << cfg.error().message << "\n";
        return false;
    }
    ctx.config = std::move(*cfg);
    ctx.data_dir = flags.data_dir;
    basalt::log::init(ctx.config.log.level,
                      ctx.config.log.format == "json" ? basalt::log::Format::kJson : basalt::log::Format::kText);
    return true;
}

int run_keys(Context& ctx, bool as_json) {
    auto secret = basalt::app::resolve_jwt_secret(ctx.config.auth.jwt_secret, ctx.data_dir);
    if (!secret) {
        std::cerr << "basalt: " << secret.error().message << "\n";
        return 1;
    }
    auto keys = basalt::app::mint_api_keys(*secret, ctx.config.auth.jwt_issuer);
    if (as_json) {
        std::cout << basalt::Json{{"anon", keys.anon}, {"service_role", keys.service_role}, {"jwt_secret", *secret}}.dump()
                  << "\n";
    } else {
        std::cout << "anon:         " << keys.anon << "\nservice_role: " << keys.service_role << "\n";
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"Basalt: a self-hosted backend (auth, REST, realtime, storage) on PostgreSQL"};
    cli.require_subcommand(1);
    cli.set_version_flag("--version", std::string("basalt ") + BASALT_VERSION);
    GlobalFlags flags;
    int exit_code = 0;
    auto with_context = [&](auto&& fn) {
        return [&flags, &exit_code, fn]() {
            Context ctx;
            if (!load_context(flags, ctx)) {
                exit_code = 2;
                return;
            }
            exit_code = fn(ctx);
        };
    };

    auto* serve = cli.add_subcommand("serve", "run the server (managed PostgreSQL unless database.url is set)");
    add_global_flags(serve, flags);
    serve->callback(with_context([](Context& ctx) { return basalt::app::serve(ctx); }));

    auto* config = cli.add_subcommand("config", "configuration commands");
    config->require_subcommand(1);
    auto* check = config->add_subcommand("check", "validate and print the effective config (secrets masked)");
    add_global_flags(config, flags);
    add_global_flags(check, flags);
    check->callback(with_context([](Context& ctx) {
        std::cout << basalt::config::describe(ctx.config);
        std::cerr << "config OK\n";
        return 0;
    }));

    auto* example = config->add_subcommand("example", "print a documented basalt.yaml with every default");
    add_global_flags(example, flags);
    example->callback([] { std::cout << basalt::config::example_yaml(); });

    bool keys_json = false;
    auto* keys = cli.add_subcommand("keys", "print the anon and service_role API keys");
    add_global_flags(keys, flags);
    keys->add_flag("--json", keys_json, "print {\"anon\",\"service_role\",\"jwt_secret\"} as JSON");
    keys->callback(with_context([&keys_json](Context& ctx) { return run_keys(ctx, keys_json); }));

    auto* db = cli.add_subcommand("db", "database commands");
    db->require_subcommand(1);
    auto* url = db->add_subcommand("url", "print a libpq connection string for the database (superuser)");
    add_global_flags(db, flags);
    add_global_flags(url, flags);
    url->callback(with_context([](Context& ctx) { return basalt::app::print_db_url(ctx); }));

    auto* version = cli.add_subcommand("version", "print the version");
    add_global_flags(version, flags);
    version->callback([] { std::cout << "basalt " << BASALT_VERSION << "\n"; });

    basalt::migrate::register_migrate_cli(cli, [&](const basalt::migrate::MigrateCommand& cmd) {
        Context ctx;
        if (!load_context(flags, ctx)) return 2;
        return basalt::app::run_migrate(ctx, cmd);
    });
    // Every subcommand takes --config and --data-dir, migrate's included.
    if (auto* migrate = cli.get_subcommand("migrate")) {
        add_global_flags(migrate, flags);
        for (auto* sub : migrate->get_subcommands({})) add_global_flags(sub, flags);
    }

    basalt::messaging::register_mail_cli(cli, [&](const basalt::messaging::MailCommand& cmd) {
        Context ctx;
        if (!load_context(flags, ctx)) return 2;
        return basalt::app::run_mail(ctx, cmd);
    });
    if (auto* mail = cli.get_subcommand("mail")) {
        add_global_flags(mail, flags);
        for (auto* sub : mail->get_subcommands({})) add_global_flags(sub, flags);
    }

    try {
        cli.parse(argc, argv);
    } catch (const CLI::Error& e) {
        return cli.exit(e);
    }
    return exit_code;
}
