// Service construction and wiring: the only place that knows every feature module.
#include "app/services.hpp"

#include "auth/service.hpp"
#include "messaging/outbox_sender.hpp"
#include "rest/rest_service.hpp"

namespace basalt::app {

namespace {
std::string public_url(const config::Config& c) {
    if (!c.server.public_url.empty()) return c.server.public_url;
    return "http://" + c.server.host + ":" + std::to_string(c.server.port);
}
}  // namespace

struct Services::Impl {
    std::unique_ptr<auth::AuthService> auth;
    std::unique_ptr<rest::RestService> rest;
    std::unique_ptr<messaging::OutboxSender> outbox;
};

Services::Services(const config::Config& config, db::Pool& pool, const std::string& conninfo)
    : impl_(std::make_unique<Impl>(Impl{})) {
    impl_->auth = std::make_unique<auth::AuthService>(config.auth, pool,
                                                      auth::ServiceOptions{.rate_limits = config.rate_limits,
                                                                           .external_url = public_url(config),
                                                                           .smtp = config.smtp,
                                                                           .sms = config.sms,
                                                                           .conninfo = conninfo});
    impl_->rest = std::make_unique<rest::RestService>(config.rest, pool, conninfo);
    impl_->outbox = std::make_unique<messaging::OutboxSender>(config.smtp, config.sms, config.outbox, conninfo);
}

Services::~Services() = default;

void Services::register_routes(http::Router& router) {
    impl_->auth->register_routes(router);
    impl_->rest->register_routes(router);
}

http::Authenticator Services::authenticator() const {
    const auth::AuthService* a = impl_->auth.get();
    return [a](const http::Request& r) { return a->authenticate(r); };
}

void Services::on_thread_start(std::size_t, boost::asio::io_context&) {}
void Services::start(boost::asio::io_context& io) {
    impl_->rest->start(io);
    impl_->outbox->start();
    impl_->auth->start();
}
void Services::stop() {
    impl_->auth->stop();
    impl_->outbox->stop();
    impl_->rest->stop();
}

void Services::register_metrics(http::Metrics& metrics) {
    const messaging::OutboxSender* outbox = impl_->outbox.get();
    metrics.add_callback("basalt_outbox_messages_total", "Outbox deliveries by channel and result",
                         http::MetricType::kCounter, [outbox] {
                             std::vector<http::MetricSample> out;
                             for (const auto& c : outbox->counters())
                                 out.push_back({{{"channel", c.channel}, {"result", c.result}}, double(c.value)});
                             return out;
                         });
}
bool Services::ready() const { return impl_->rest->schema_cache().ready(); }

}  // namespace basalt::app
