// Internal state of RestService shared by its handler files.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "db/listener.hpp"
#include "db/pool.hpp"
#include "http/message.hpp"
#include "meta/schema_cache.hpp"
#include "rest/rest_service.hpp"

namespace basalt::rest {

struct RestService::Impl {
    Settings settings;
    db::Pool& pool;
    std::string listen_conninfo;
    meta::SchemaCache cache;
    std::unique_ptr<db::Listener> listener;

    Impl(Settings s, db::Pool& p, std::string conninfo);

    // search_path of a request on `schema` (the exposed schema, then extra_search_path),
    // quoted once at startup rather than per request.
    [[nodiscard]] const std::string& search_path(const std::string& schema) const;

private:
    std::vector<std::pair<std::string, std::string>> search_paths_;  // schema -> search_path
};

namespace detail {

// Table and RPC requests: /rest/v1/:table, /rest/v1/rpc/:fn.
boost::asio::awaitable<http::Response> handle_api(RestService::Impl& impl, http::Request& request,
                                                  bool rpc);
// GET /rest/v1/: the OpenAPI (Swagger 2.0) description of the exposed schema.
boost::asio::awaitable<http::Response> handle_openapi(RestService::Impl& impl,
                                                      http::Request& request);

// An error as PostgREST sends it: 42501 is 401 for anon and 403 otherwise, 401 carries
// WWW-Authenticate, server errors are logged with their internal cause.
http::Response error_response(const http::Request& request, Error error);
Error no_schema_cache_error();

}  // namespace detail
}  // namespace basalt::rest
