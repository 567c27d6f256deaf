// `basalt serve`: builds every module in dependency order, registers their routes, runs the
// gateway until SIGTERM/SIGINT, then shuts down in reverse: drain HTTP, close the pool, stop
// PostgreSQL.
#include <iostream>
#include <optional>
#include <thread>

#include "app/app.hpp"
#include "app/database.hpp"
#include "app/secrets.hpp"
#include "app/services.hpp"
#include "common/log.hpp"
#include "db/pool.hpp"
#include "http/echo_websocket.hpp"
#include "http/health.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "migrate/startup.hpp"

namespace basalt::app {

namespace {

std::size_t io_threads(const http::Settings& s) {
    if (s.threads > 0) return std::size_t(s.threads);
    return std::max(1u, std::thread::hardware_concurrency());
}

void run_startup_migrations(const std::string& conninfo, const migrate::Settings& settings) {
    auto report = migrate::apply_startup_migrations(conninfo, settings);
    if (!report.system.applied.empty())
        log::info("applied {} system migration(s)", report.system.applied.size());
    if (!report.user.applied.empty())
        log::info("applied {} user migration(s) from {}", report.user.applied.size(), report.user_dir.string());
}

void register_pool_metrics(http::Metrics& metrics, db::Pool& pool) {
    metrics.add_callback("db_pool_connections", "Pooled PostgreSQL connections by state",
                         http::MetricType::kGauge, [&pool] {
                             auto s = pool.stats();
                             return std::vector<http::MetricSample>{{{{"state", "in_use"}}, double(s.in_use)},
                                                                    {{{"state", "idle"}}, double(s.idle)},
                                                                    {{{"state", "waiting"}}, double(s.waiting)},
                                                                    {{{"state", "total"}}, double(s.total)}};
                         });
    metrics.add_callback("db_read_batches_total", "Read batches sent to PostgreSQL (database.batch_reads)",
                         http::MetricType::kCounter, [&pool] {
                             return std::vector<http::MetricSample>{{{}, double(pool.stats().read_batches)}};
                         });
    metrics.add_callback("db_batched_reads_total", "Read-only requests sent in read batches",
                         http::MetricType::kCounter, [&pool] {
                             return std::vector<http::MetricSample>{{{}, double(pool.stats().batched_reads)}};
                         });
    metrics.add_gauge("pg_up", "1 when PostgreSQL answered the last check",
                      [&pool] { return pool.stats().database_up ? 1.0 : 0.0; });
}

}  // namespace

int serve(Context& ctx) {
    auto& cfg = ctx.config;
    try {
        auto secret = resolve_jwt_secret(cfg.auth.jwt_secret, ctx.data_dir);
        if (!secret) throw ErrorException(secret.error());
        cfg.auth.jwt_secret = *secret;

        Database database = Database::open(ctx);
        run_startup_migrations(database.conninfo(), cfg.migrations);

        const std::size_t threads = io_threads(cfg.server);
        // The pool's sockets are registered with the server's io_contexts, so it must be destroyed
        // while they exist: the optional is reset after run(), before ~Server.
        std::optional<db::Pool> pool_holder(std::in_place, cfg.database, database.conninfo(), threads);
        db::Pool& pool = *pool_holder;
        http::Router router;
        http::Metrics metrics;
        register_pool_metrics(metrics, pool);
        Services services(cfg, pool, database.conninfo());
        http::add_health_routes(router, {.version = BASALT_VERSION,
                                         .ready_check = [&pool, &services]() -> http::Awaitable<bool> {
                                             if (!services.ready()) co_return false;
                                             co_return co_await pool.ping(std::chrono::milliseconds(2000));
                                         },
                                         .metrics = &metrics});
        http::add_echo_websocket(router, "/ws/echo");
        services.register_routes(router);
        services.register_metrics(metrics);

        http::Settings server_settings = cfg.server;
        server_settings.threads = std::int64_t(threads);
        http::Server server({.settings = server_settings,
                             .cors = cfg.cors,
                             .rate_limits = cfg.rate_limits,
                             .json_access_log = cfg.log.format == "json",
                             .router = &router,
                             .metrics = &metrics,
                             .authenticate = services.authenticator(),
                             .on_thread_start =
                                 [&](std::size_t i, boost::asio::io_context& io) {
                                     pool.attach(i, io);
                                     services.on_thread_start(i, io);
                                 },
                             .handle_signals = true});
        server.listen();
        services.start(server.io_context(0));
        log::info("basalt {} listening on http://{}:{} ({} threads, {} database)", BASALT_VERSION,
                  cfg.server.host, server.port(), threads, database.managed() ? "managed" : "external");
        server.run();
        log::info("shutting down");
        services.stop();
        pool_holder.reset();
        database.stop();
        return 0;
    } catch (const ErrorException& e) {
        std::cerr << "basalt: " << e.error().message;
        if (!e.error().internal.empty() && e.error().internal != e.error().message)
            std::cerr << "\n  " << e.error().internal;
        std::cerr << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "basalt: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace basalt::app
