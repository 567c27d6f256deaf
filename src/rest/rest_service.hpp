// The /rest/v1 service: routes for tables, RPC and the OpenAPI root, the schema cache with its
// LISTEN pgrst reload loop, and the per-request pipeline parse -> plan -> to_sql -> one
// transaction on the pool under the caller's role and JWT claims.
//
//   rest::RestService rest(config.rest, pool, conninfo);   // conninfo: for LISTEN
//   rest.register_routes(router);
//   rest.start(server.io_context(0));   // loads the schema cache, LISTENs on "pgrst"
//   ...
//   rest.stop();
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "db/pool.hpp"
#include "http/router.hpp"
#include "meta/schema_cache.hpp"
#include "rest/settings.hpp"

namespace basalt::rest {

class RestService {
public:
    // `listen_conninfo` opens the dedicated LISTEN connection; empty = no automatic reloads
    // (tests can call schema_cache().reload() themselves).
    RestService(Settings settings, db::Pool& pool, std::string listen_conninfo);
    ~RestService();
    RestService(const RestService&) = delete;
    RestService& operator=(const RestService&) = delete;

    // GET /rest/v1/ (OpenAPI), GET|HEAD|POST|PATCH|PUT|DELETE /rest/v1/:table,
    // GET|HEAD|POST /rest/v1/rpc/:fn.
    void register_routes(http::Router& router);

    // Starts the LISTEN loop on `io`; every (re)connect reloads the schema cache, so the first
    // load happens here too. Requests get 503 PGRST002 until a snapshot exists.
    void start(boost::asio::io_context& io);
    void stop();

    meta::SchemaCache& schema_cache();
    [[nodiscard]] const Settings& settings() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace basalt::rest
