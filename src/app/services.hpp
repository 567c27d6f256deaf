// The feature services (auth, rest, ...) built in dependency order, with their routes and
// the gateway's authenticator. Adding a service means adding it here and nowhere else.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "config/config.hpp"
#include "db/pool.hpp"
#include "http/auth_context.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace basalt::app {

class Services {
public:
    Services(const config::Config& config, db::Pool& pool, const std::string& conninfo);
    ~Services();

    void register_routes(http::Router& router);
    void register_metrics(http::Metrics& metrics);
    [[nodiscard]] http::Authenticator authenticator() const;
    // Per I/O thread state (none yet beyond the pool).
    void on_thread_start(std::size_t index, boost::asio::io_context& io);
    // Background work that needs a running server (schema-cache listener, job runners).
    void start(boost::asio::io_context& io);
    // Everything a request needs is loaded (e.g. the REST schema cache).
    [[nodiscard]] bool ready() const;
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace basalt::app
