// Service construction and wiring: the only place that knows every feature module.
#include "app/services.hpp"

#include "auth/authenticator.hpp"
#include "auth/signing_keys.hpp"
#include "auth/verifier.hpp"

namespace basalt::app {

struct Services::Impl {
    const config::Config& config;
    db::Pool& pool;
    std::string conninfo;
    std::shared_ptr<const auth::SigningKeys> keys;
    std::unique_ptr<auth::Authenticator> authenticator;
};

Services::Services(const config::Config& config, db::Pool& pool, const std::string& conninfo)
    : impl_(std::make_unique<Impl>(Impl{config, pool, conninfo, nullptr, nullptr})) {
    auto keys = auth::SigningKeys::load(config.auth);
    if (!keys) throw ErrorException(keys.error());
    impl_->keys = std::move(*keys);
    impl_->authenticator = std::make_unique<auth::Authenticator>(config.auth, auth::Verifier(impl_->keys));
}

Services::~Services() = default;

void Services::register_routes(http::Router& router) {}

http::Authenticator Services::authenticator() const {
    const auth::Authenticator* a = impl_->authenticator.get();
    return [a](const http::Request& r) { return a->authenticate(r); };
}

void Services::on_thread_start(std::size_t, boost::asio::io_context&) {}
void Services::start() {}
void Services::stop() {}

}  // namespace basalt::app
