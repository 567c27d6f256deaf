// RestService wiring: routes, the LISTEN pgrst loop feeding the schema cache, error rendering.
#include "rest/rest_service.hpp"

#include "common/log.hpp"
#include "rest/detail/service_impl.hpp"
#include "rest/sql/statement.hpp"

namespace basalt::rest {

namespace {
std::string make_search_path(const std::string& schema, const std::vector<std::string>& extra) {
    std::string out = quote_identifier(schema);
    for (const auto& s : extra) {
        if (s != schema) out += ", " + quote_identifier(s);
    }
    return out;
}
}  // namespace

RestService::Impl::Impl(Settings s, db::Pool& p, std::string conninfo)
    : settings(std::move(s)),
      pool(p),
      listen_conninfo(std::move(conninfo)),
      cache(settings.schemas, pool, std::chrono::milliseconds(settings.schema_reload_debounce_ms)) {
    for (const auto& schema : settings.schemas) {
        search_paths_.emplace_back(schema, make_search_path(schema, settings.extra_search_path));
    }
}

const std::string& RestService::Impl::search_path(const std::string& schema) const {
    for (const auto& [name, path] : search_paths_) {
        if (name == schema) return path;
    }
    // Not an exposed schema (parse rejects those first); quote it anyway.
    thread_local std::string other;
    other = make_search_path(schema, settings.extra_search_path);
    return other;
}

RestService::RestService(Settings settings, db::Pool& pool, std::string listen_conninfo)
    : impl_(std::make_unique<Impl>(std::move(settings), pool, std::move(listen_conninfo))) {}

RestService::~RestService() { stop(); }

meta::SchemaCache& RestService::schema_cache() { return impl_->cache; }
const Settings& RestService::settings() const { return impl_->settings; }

void RestService::register_routes(http::Router& router) {
    Impl* impl = impl_.get();
    http::RouteOptions options;
    if (impl->settings.max_body_bytes > 0) {
        options.max_body_bytes = static_cast<std::size_t>(impl->settings.max_body_bytes);
    }
    auto table = [impl](http::Request& r) { return detail::handle_api(*impl, r, false); };
    auto rpc = [impl](http::Request& r) { return detail::handle_api(*impl, r, true); };
    for (const char* method : {"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"}) {
        router.add(method, "/rest/v1/:table", table, options);
    }
    for (const char* method : {"GET", "HEAD", "POST"}) {
        router.add(method, "/rest/v1/rpc/:fn", rpc, options);
    }
    auto root = [impl](http::Request& r) { return detail::handle_openapi(*impl, r); };
    router.add("GET", "/rest/v1", root, options);
    router.add("HEAD", "/rest/v1", root, options);
}

void RestService::start(boost::asio::io_context& io) {
    impl_->cache.start(io.get_executor());
    if (impl_->listen_conninfo.empty()) {
        impl_->cache.request_reload();
        return;
    }
    meta::SchemaCache* cache = &impl_->cache;
    db::Listener::Options opts;
    opts.conninfo = impl_->listen_conninfo;
    opts.channels.emplace_back(meta::SchemaCache::kChannel);
    opts.on_notify = [cache](std::string_view, std::string_view payload) {
        cache->on_notification(payload);
    };
    // Notifications sent while disconnected are lost: reload after every (re)connect. This is
    // also the first load.
    opts.on_connected = [cache] { cache->request_reload(); };
    impl_->listener = std::make_unique<db::Listener>(io.get_executor(), std::move(opts));
    impl_->listener->start();
}

void RestService::stop() {
    if (!impl_) return;
    // Drop our reference to the LISTEN state now, while the io_context still exists: its
    // connection must be released before (or while) the event loop is torn down, never after
    // (the app destroys the server before the services).
    if (impl_->listener) {
        impl_->listener->stop();
        impl_->listener.reset();
    }
    impl_->cache.stop();
}

namespace detail {

Error no_schema_cache_error() {
    return Error::unavailable("PGRST002",
                              "Could not query the database for the schema cache. Retrying.");
}

http::Response error_response(const http::Request& request, Error error) {
    if (error.code == "42501") error.status = request.auth.role == "anon" ? 401 : 403;
    if (error.status >= 500) {
        log::error("rest request {} failed: {} {}", request.request_id, error.code,
                   error.internal.empty() ? error.message : error.internal);
    }
    http::Response r = http::Response::error(error, request.request_id);
    if (error.status == 401) r.headers.set("WWW-Authenticate", "Bearer");
    return r;
}

}  // namespace detail
}  // namespace basalt::rest
