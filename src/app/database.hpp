// Where the database comes from: database.url, or the managed cluster under <data-dir>/pg
// (created on first run, started as a child process, stopped on shutdown).
#pragma once

#include <memory>
#include <string>

#include "app/app.hpp"

namespace basalt::db {
class ManagedCluster;
}

namespace basalt::app {

class Database {
public:
    // Starts the managed cluster when needed (attaching to one that `serve` already runs).
    // Throws ErrorException with a message fit for the terminal.
    static Database open(const Context& ctx);
    // Connection string of the managed cluster's superuser, without starting anything.
    static std::string managed_conninfo(const Context& ctx);
    ~Database();
    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;

    [[nodiscard]] const std::string& conninfo() const { return conninfo_; }
    [[nodiscard]] bool managed() const { return cluster_ != nullptr; }
    // Stops the managed cluster if this process started it; no-op otherwise.
    void stop();

private:
    Database() = default;
    std::string conninfo_;
    std::unique_ptr<db::ManagedCluster> cluster_;
    bool started_here_ = false;
};

}  // namespace basalt::app
