// Database options (config section "database").
#pragma once

#include <cstdint>
#include <string>

#include "common/settings_field.hpp"

namespace basalt::db {

struct Settings {
    std::string url;                      // empty = managed embedded cluster
    std::int64_t pool_size = 16;          // total connections across all I/O threads
    std::int64_t statement_timeout_ms = 10000;
    std::int64_t connect_timeout_ms = 5000;
    std::int64_t acquire_timeout_ms = 5000;
    bool batch_reads = true;              // read batching (db/detail/read_batch.hpp)
    std::string pg_bin_dir = "";          // empty = search /usr/lib/postgresql/<ver>/bin
    std::string managed_user = "postgres"; // system user running the cluster when we are root

    template <typename V>
    static void visit(Settings& s, V&& v) {
        v("url", s.url, {.secret = true, .help = "external PostgreSQL URL; empty = managed cluster under <data-dir>/pg"});
        v("pool_size", s.pool_size, {.min = 1, .max = 1000, .help = "connections in the pool"});
        v("statement_timeout_ms", s.statement_timeout_ms, {.min = 0, .max = 86400000, .help = "statement_timeout for API queries"});
        v("connect_timeout_ms", s.connect_timeout_ms, {.min = 100, .max = 600000, .help = "connection attempt deadline"});
        v("acquire_timeout_ms", s.acquire_timeout_ms, {.min = 10, .max = 600000, .help = "wait for a free pooled connection"});
        v("batch_reads", s.batch_reads, {.help = "send the read-only requests an I/O thread has ready at once in one pipeline (each its own transaction)"});
        v("pg_bin_dir", s.pg_bin_dir, {.help = "directory holding initdb/pg_ctl/postgres for the managed cluster"});
        v("managed_user", s.managed_user, {.help = "system user that runs the managed cluster when basalt runs as root"});
    }
};

}  // namespace basalt::db
