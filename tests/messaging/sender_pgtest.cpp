// The sender's durability and concurrency contract: rows left pending or abandoned in 'sending'
// by a dead sender are delivered after a restart; a live sender's claim is respected; two
// senders on one database never deliver a row twice; stop() hands unfinished rows back.
#include <set>

#include "messaging/detail/outbox_sql.hpp"
#include "messaging/outbox_fixture.hpp"

namespace basalt::test {
namespace {

using messaging::OutboxSender;

class Sender : public OutboxTest {
protected:
    // Marks a row as claimed by sender `claimer` (attempt 1 in progress), as a crash leaves it.
    void mark_sending(std::int64_t id, int claimer) {
        scalar("UPDATE basalt.outbox SET status = 'sending', attempts = 1, claimed_by = " + std::to_string(claimer) +
               ", claimed_at = now() WHERE id = " + std::to_string(id));
    }
};

TEST_F(Sender, RestartDeliversPendingAndAbandonedRows) {
    SmtpSink sink;
    // Committed while no sender ran (the server stopped between commit and delivery)...
    const auto pending = enqueue(email("pending@example.com"));
    // ...and one a sender was delivering when it died: its advisory lock went with it.
    const auto abandoned = enqueue(email("abandoned@example.com"));
    mark_sending(abandoned, 4242);

    OutboxSender sender(smtp_at(sink.port()), {}, fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(pending) == "sent" && status(abandoned) == "sent"; }))
        << row(pending).dump() << row(abandoned).dump();
    EXPECT_EQ(row(pending)["attempts"], 1);
    EXPECT_EQ(row(abandoned)["attempts"], 2);  // the interrupted attempt still counts
    ASSERT_TRUE(eventually([&] { return sink.messages().size() == 2; }));
}

TEST_F(Sender, LiveSendersClaimIsRespectedUntilItsSessionEnds) {
    SmtpSink sink;
    const auto held = enqueue(email("held@example.com"));
    mark_sending(held, 4242);
    auto other = std::make_unique<db::BlockingConnection>(conninfo_);  // the "other server"
    other->exec_params(messaging::detail::kTryLockSql,
                       {std::to_string(messaging::detail::kSenderLockNamespace), "4242"});

    OutboxSender sender(smtp_at(sink.port()), {}, fast(), conninfo_);
    sender.start();
    const auto probe = enqueue(email("probe@example.com"));
    ASSERT_TRUE(eventually([&] { return status(probe) == "sent"; }));
    sender.wake();
    ASSERT_TRUE(eventually([&] { return sender.in_flight() == 0; }));
    EXPECT_EQ(status(held), "sending") << "a claim whose owner is alive must not be taken over";

    other.reset();  // the other server goes away; its lock is released
    ASSERT_TRUE(eventually([&] { return status(held) == "sent"; })) << row(held).dump();
    ASSERT_TRUE(eventually([&] { return sink.messages().size() == 2; }));
}

TEST_F(Sender, StaleClaimOfALiveSenderIsTakenOverAfterTheLease) {
    SmtpSink sink;
    const auto held = enqueue(email("held@example.com"));
    mark_sending(held, 4242);
    scalar("UPDATE basalt.outbox SET claimed_at = now() - interval '1 hour'");
    db::BlockingConnection other(conninfo_);
    other.exec_params(messaging::detail::kTryLockSql, {std::to_string(messaging::detail::kSenderLockNamespace), "4242"});
    auto settings = fast();
    settings.lease_seconds = 60;
    OutboxSender sender(smtp_at(sink.port()), {}, settings, conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(held) == "sent"; })) << row(held).dump();
}

TEST_F(Sender, TwoSendersNeverDeliverARowTwice) {
    SmtpSink sink;
    constexpr int kMessages = 30;
    for (int i = 0; i < kMessages; ++i) enqueue(email("user" + std::to_string(i) + "@example.com"));
    auto settings = fast();
    settings.max_attempts = 1;  // a lost race would show up as a failed row, not a retry
    OutboxSender a(smtp_at(sink.port()), {}, settings, conninfo_);
    OutboxSender b(smtp_at(sink.port()), {}, settings, conninfo_);
    a.start();
    b.start();
    ASSERT_TRUE(eventually([&] {
        return scalar("SELECT count(*) FROM basalt.outbox WHERE status = 'sent'") == std::to_string(kMessages);
    }, std::chrono::seconds(60)));
    ASSERT_TRUE(eventually([&] { return sink.messages().size() == kMessages; }));
    a.stop();
    b.stop();
    EXPECT_EQ(scalar("SELECT max(attempts) FROM basalt.outbox"), "1");
    std::set<std::string> ids, to;
    for (const auto& m : sink.messages()) {
        ids.insert(m["message_id"].get<std::string>());
        to.insert(m["to"].get<std::string>());
    }
    EXPECT_EQ(ids.size(), std::size_t(kMessages));
    EXPECT_EQ(to.size(), std::size_t(kMessages));
    EXPECT_EQ(counter(a, "email", "sent") + counter(b, "email", "sent"), std::uint64_t(kMessages));
    EXPECT_GT(counter(a, "email", "sent"), 0u) << "both senders should have taken a share";
    EXPECT_GT(counter(b, "email", "sent"), 0u);
}

TEST_F(Sender, AbandonedRowAfterTheLastAttemptIsFailed) {
    const auto id = enqueue(email("user@example.com"));
    mark_sending(id, 4242);
    scalar("UPDATE basalt.outbox SET attempts = 3");
    OutboxSender sender(messaging::SmtpSettings{}, {}, fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(id) == "failed"; })) << row(id).dump();
    EXPECT_EQ(row(id)["last_error"], "delivery interrupted after the last attempt");
}

TEST_F(Sender, SurvivesADatabaseRestart) {
    auto settings = fast();
    OutboxSender sender(messaging::SmtpSettings{}, {}, settings, conninfo_);
    sender.start();
    const auto first = enqueue(email("first@example.com"));
    ASSERT_TRUE(eventually([&] { return status(first) == "captured"; }));
    pg_->restart();
    const auto second = enqueue(email("second@example.com"));
    ASSERT_TRUE(eventually([&] { return status(second) == "captured"; }, std::chrono::seconds(30)))
        << row(second).dump();
}

}  // namespace
}  // namespace basalt::test
