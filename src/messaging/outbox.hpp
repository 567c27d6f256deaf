// Writing messages into the durable outbox (basalt.outbox, migration 0005) inside the
// caller's transaction: a rollback sends nothing, a commit is delivered even across restarts.
// The INSERT also NOTIFYs basalt_outbox, which PostgreSQL delivers only at commit, so the
// sender wakes exactly when the row becomes visible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "db/blocking_connection.hpp"
#include "db/pool.hpp"
#include "messaging/message.hpp"

namespace basalt::messaging {

struct Statement {
    std::string sql;
    db::Params params;
};

class Outbox {
public:
    static constexpr std::string_view kNotifyChannel = "basalt_outbox";

    // The statement to run in your own transaction (returns one row: the outbox id). Fails
    // with messaging.invalid_message when validate_message does.
    static Result<Statement> insert_statement(const Message& message);

    // Usage (auth, in the same transaction as the one-time token row):
    //   auto tx = co_await pool.begin();
    //   co_await tx->query(insert_token_sql, {...});
    //   auto msg = messaging::compose_email(smtp, MessageKind::kMagicLink, email, data).unwrap();
    //   co_await messaging::Outbox::enqueue(*tx, msg);
    //   co_await tx->commit();
    // Returns the outbox id. Throws ErrorException (invalid message 400, database errors).
    static db::Awaitable<std::int64_t> enqueue(db::Pool::Transaction& tx, const Message& message);

    // Same for blocking code (CLI, tests). Runs in whatever transaction `conn` has open.
    static std::int64_t enqueue(db::BlockingConnection& conn, const Message& message);
};

}  // namespace basalt::messaging
