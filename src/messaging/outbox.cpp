// The outbox INSERT (+ NOTIFY at commit) for the async pool and for blocking connections.
#include "messaging/outbox.hpp"

#include <chrono>
#include <cstdio>

namespace basalt::messaging {

namespace {

// pg_notify inside the INSERT's statement: notifications are queued with the transaction and
// dropped on rollback, so a rolled-back message never even wakes the sender.
constexpr std::string_view kInsertSql =
    "WITH ins AS ("
    " INSERT INTO basalt.outbox (channel, kind, recipient, subject, text_body, html_body, user_id, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7::uuid, pg_catalog.to_timestamp($8::double precision))"
    " RETURNING id)"
    " SELECT ins.id, pg_catalog.pg_notify('basalt_outbox', '') FROM ins";

std::optional<std::string> non_empty(const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::int64_t parse_id(std::string_view text) {
    std::int64_t id = 0;
    for (char c : text) id = id * 10 + (c - '0');
    return id;
}

}  // namespace

Result<Statement> Outbox::insert_statement(const Message& m) {
    if (auto ok = validate_message(m); !ok) return ok.error();
    std::optional<std::string> expires;
    if (m.expires_at) {
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(m.expires_at->time_since_epoch()).count();
        char buf[40];
        std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(us / 1000000),
                      static_cast<long long>(us % 1000000));
        expires = buf;
    }
    const bool email = m.channel == Channel::kEmail;
    return Statement{
        .sql = std::string(kInsertSql),
        .params = {std::string(channel_name(m.channel)), m.kind, m.to, email ? non_empty(m.subject) : std::nullopt,
                   m.text, email ? non_empty(m.html) : std::nullopt, m.user_id, expires},
    };
}

db::Awaitable<std::int64_t> Outbox::enqueue(db::Pool::Transaction& tx, const Message& message) {
    Statement st = insert_statement(message).unwrap();
    db::Rows rows = co_await tx.query(st.sql, std::move(st.params));
    co_return parse_id(rows.get(0, 0));
}

std::int64_t Outbox::enqueue(db::BlockingConnection& conn, const Message& message) {
    Statement st = insert_statement(message).unwrap();
    auto r = conn.exec_params(st.sql, st.params);
    return parse_id(r.get(0, 0));
}

}  // namespace basalt::messaging
