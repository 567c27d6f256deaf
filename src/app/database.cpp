// Database resolution for every command: external URL or the managed cluster.
#include "app/database.hpp"

#include "db/managed_cluster.hpp"

namespace basalt::app {

namespace {
db::ManagedClusterOptions cluster_options(const Context& ctx) {
    return db::ManagedClusterOptions::from(ctx.config.database, ctx.data_dir);
}
}  // namespace

Database Database::open(const Context& ctx) {
    Database db;
    if (!ctx.config.database.url.empty()) {
        db.conninfo_ = ctx.config.database.url;
        return db;
    }
    db.cluster_ = std::make_unique<db::ManagedCluster>(cluster_options(ctx));
    // A cluster that `serve` already runs is shared, never stopped by us.
    db.started_here_ = !db.cluster_->is_running();
    if (auto r = db.cluster_->start(); !r) throw ErrorException(r.error());
    db.conninfo_ = db.cluster_->conninfo();
    return db;
}

std::string Database::managed_conninfo(const Context& ctx) {
    db::ManagedCluster cluster(cluster_options(ctx));
    return cluster.conninfo();
}

Database::~Database() { stop(); }
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;

void Database::stop() {
    if (!cluster_) return;
    if (started_here_) (void)cluster_->stop();
    cluster_.reset();  // a cluster another process runs is left alone
}

}  // namespace basalt::app
