// Email through the outbox to a real SMTP server (aiosmtpd): transactional enqueue, headers and
// parts as Python's email parser sees them, AUTH, retries with backoff, permanent rejections,
// an SMTP outage, expiry, the development mailbox.
#include <boost/asio/io_context.hpp>
#include <set>

#include "messaging/mail_cli.hpp"
#include "messaging/outbox_fixture.hpp"
#include "support/async.hpp"

namespace basalt::test {
namespace {

using messaging::MessageKind;
using messaging::OutboxSender;

class EmailOutbox : public OutboxTest {};

TEST_F(EmailOutbox, RollbackSendsNothingCommitDeliversWithHeadersAndBothParts) {
    SmtpSink sink;
    boost::asio::io_context io;
    auto pool = std::make_unique<db::Pool>(db::Settings{}, conninfo_, 1);
    pool->attach(0, io);

    auto subject_msg = email("user@example.com", "777111");
    subject_msg.subject = "Código de acceso ✓";  // non-ASCII: RFC 2047 on the wire
    // Rolled back: the message must never exist, even though it was inserted.
    run_async(io, [&]() -> db::Awaitable<void> {
        auto tx = co_await pool->begin();
        co_await messaging::Outbox::enqueue(*tx, email("rolled-back@example.com", "000000"));
        co_await tx->rollback();
    }());
    const std::int64_t id = run_async(io, [&]() -> db::Awaitable<std::int64_t> {
        auto tx = co_await pool->begin();
        co_await tx->query("CREATE TABLE otp_like (code text)");  // the caller's own work
        auto id = co_await messaging::Outbox::enqueue(*tx, subject_msg);
        co_await tx->commit();
        co_return id;
    }());
    pool->close();

    OutboxSender sender(smtp_at(sink.port()), {}, fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(id) == "sent"; })) << row(id).dump();
    ASSERT_TRUE(eventually([&] { return sink.messages().size() == 1; }));
    sender.stop();

    EXPECT_EQ(scalar("SELECT count(*) FROM basalt.outbox"), "1");
    const Json m = sink.messages().at(0);
    EXPECT_EQ(m["mail_from"], "noreply@basalt.test");
    EXPECT_EQ(m["rcpt_tos"], Json::array({"user@example.com"}));
    EXPECT_EQ(m["from"], "Basalt Test <noreply@basalt.test>");
    EXPECT_EQ(m["to"], "user@example.com");
    EXPECT_EQ(m["subject"], "Código de acceso ✓");
    EXPECT_EQ(m["mime_version"], "1.0");
    EXPECT_EQ(m["content_type"], "multipart/alternative");
    EXPECT_NE(m["date"].get<std::string>().find("+0000"), std::string::npos);
    EXPECT_EQ(m["defects"], Json::array());
    ASSERT_EQ(m["parts"].size(), 2u);
    EXPECT_EQ(m["parts"][0]["content_type"], "text/plain");
    EXPECT_EQ(m["parts"][0]["charset"], "utf-8");
    EXPECT_NE(m["parts"][0]["body"].get<std::string>().find("777111"), std::string::npos);
    EXPECT_NE(m["parts"][0]["body"].get<std::string>().find("https://app.test/auth/v1/verify?token=777111&type=magiclink"),
              std::string::npos);
    EXPECT_EQ(m["parts"][1]["content_type"], "text/html");
    EXPECT_NE(m["parts"][1]["body"].get<std::string>().find(
                  "href=\"https://app.test/auth/v1/verify?token=777111&amp;type=magiclink\""),
              std::string::npos);

    const Json r = row(id);
    EXPECT_EQ(r["attempts"], 1);
    EXPECT_EQ(r["provider"], "smtp");
    EXPECT_EQ(r["provider_message_id"], m["message_id"]);
    EXPECT_FALSE(r["sent_at"].is_null());
    EXPECT_TRUE(r["text_body"].is_null()) << "the code must not stay readable after delivery";
    EXPECT_TRUE(r["html_body"].is_null());
    EXPECT_EQ(r["subject"], "Código de acceso ✓");
    EXPECT_EQ(counter(sender, "email", "sent"), 1u);
}

TEST_F(EmailOutbox, SmtpAuthUsesTheConfiguredCredentials) {
    SmtpSink sink({.auth = "mailer:s3cret"});
    auto smtp = smtp_at(sink.port());
    smtp.user = "mailer";
    smtp.password = "s3cret";
    const auto id = enqueue(email("user@example.com"));
    OutboxSender sender(smtp, {}, fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(id) == "sent"; })) << row(id).dump();
    ASSERT_TRUE(eventually([&] { return sink.messages().size() == 1; }));
    EXPECT_EQ(sink.messages()[0]["login"], "mailer");
}

TEST_F(EmailOutbox, WrongPasswordIsRetriedThenFailedAndKept) {
    SmtpSink sink({.auth = "mailer:s3cret"});
    auto smtp = smtp_at(sink.port());
    smtp.user = "mailer";
    smtp.password = "wrong";
    const auto id = enqueue(email("user@example.com"));
    OutboxSender sender(smtp, {}, fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(id) == "failed"; })) << row(id).dump();
    const Json r = row(id);
    EXPECT_EQ(r["attempts"], 3);
    EXPECT_NE(r["last_error"].get<std::string>().find("gave up after 3 attempts"), std::string::npos) << r.dump();
    EXPECT_FALSE(r["text_body"].is_null()) << "a failed message keeps its body for inspection";
    EXPECT_TRUE(sink.messages().empty());
    EXPECT_EQ(counter(sender, "email", "retried"), 2u);
    EXPECT_EQ(counter(sender, "email", "failed"), 1u);
}

TEST_F(EmailOutbox, SmtpDownIsRetriedWithBackoffThenFailed) {
    const auto id = enqueue(email("user@example.com"));
    OutboxSender sender(smtp_at(closed_port()), {}, fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(id) == "failed"; })) << row(id).dump();
    sender.stop();
    const Json r = row(id);
    EXPECT_EQ(r["attempts"], 3);
    EXPECT_NE(r["last_error"].get<std::string>().find("smtp:"), std::string::npos) << r.dump();
    // Two backoff waits of ~100 ms and ~200 ms (+-20%) lie between the first and last attempt.
    const double spent = std::stod(scalar("SELECT extract(epoch FROM updated_at - created_at) FROM basalt.outbox"));
    EXPECT_GE(spent, 0.24);
    EXPECT_EQ(counter(sender, "email", "retried"), 2u);
    EXPECT_EQ(counter(sender, "email", "failed"), 1u);
}

TEST_F(EmailOutbox, NothingIsLostWhileSmtpIsDown) {
    const int port = closed_port();
    auto settings = fast();
    settings.max_attempts = 50;
    settings.retry_max_ms = 200;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 3; ++i) ids.push_back(enqueue(email("user" + std::to_string(i) + "@example.com")));
    OutboxSender sender(smtp_at(port), {}, settings, conninfo_);
    sender.start();
    // Every message has failed at least once and is waiting for its retry.
    ASSERT_TRUE(eventually([&] {
        return scalar("SELECT count(*) FROM basalt.outbox WHERE attempts >= 1 AND last_error IS NOT NULL") == "3";
    }));
    SmtpSink sink({.port = port});
    ASSERT_TRUE(eventually([&] { return scalar("SELECT count(*) FROM basalt.outbox WHERE status = 'sent'") == "3"; }));
    ASSERT_TRUE(eventually([&] { return sink.messages().size() == 3; }));
    std::set<std::string> to;
    for (const auto& m : sink.messages()) to.insert(m["to"].get<std::string>());
    EXPECT_EQ(to, (std::set<std::string>{"user0@example.com", "user1@example.com", "user2@example.com"}));
}

TEST_F(EmailOutbox, TransientRejectionIsRetriedPermanentOneIsNot) {
    {
        SmtpSink sink({.fail_first = 2, .fail_code = "451"});
        const auto id = enqueue(email("user@example.com"));
        OutboxSender sender(smtp_at(sink.port()), {}, fast(), conninfo_);
        sender.start();
        ASSERT_TRUE(eventually([&] { return status(id) == "sent"; })) << row(id).dump();
        EXPECT_EQ(row(id)["attempts"], 3);
    }
    {
        SmtpSink sink({.fail_first = 100, .fail_code = "550"});
        const auto id = enqueue(email("nobody@example.com"));
        OutboxSender sender(smtp_at(sink.port()), {}, fast(), conninfo_);
        sender.start();
        ASSERT_TRUE(eventually([&] { return status(id) == "failed"; })) << row(id).dump();
        EXPECT_EQ(row(id)["attempts"], 1);
        EXPECT_NE(row(id)["last_error"].get<std::string>().find("550"), std::string::npos) << row(id).dump();
    }
}

TEST_F(EmailOutbox, StarttlsAndImplicitTls) {
    for (const char* mode : {"starttls", "tls"}) {
        SCOPED_TRACE(mode);
        SmtpSink sink({.tls = mode});
        auto smtp = smtp_at(sink.port());
        smtp.tls = mode;
        smtp.tls_verify = false;  // the sink's certificate is self-signed
        const auto id = enqueue(email(std::string(mode) + "@example.com"));
        OutboxSender sender(smtp, {}, fast(), conninfo_);
        sender.start();
        ASSERT_TRUE(eventually([&] { return status(id) == "sent"; })) << row(id).dump();
        ASSERT_TRUE(eventually([&] { return sink.messages().size() == 1; }));
        EXPECT_EQ(sink.messages()[0]["to"], std::string(mode) + "@example.com");
    }
}

TEST_F(EmailOutbox, TlsIsNeverSilentlyWeakened) {
    {
        SmtpSink sink({.tls = "tls"});
        auto smtp = smtp_at(sink.port());
        smtp.tls = "tls";  // tls_verify defaults to true: a self-signed certificate is refused
        const auto id = enqueue(email("verify@example.com"));
        OutboxSender sender(smtp, {}, fast(), conninfo_);
        sender.start();
        ASSERT_TRUE(eventually([&] { return status(id) == "failed"; })) << row(id).dump();
        EXPECT_NE(row(id)["last_error"].get<std::string>().find("certificate"), std::string::npos) << row(id).dump();
        EXPECT_TRUE(sink.messages().empty());
    }
    {
        SmtpSink sink;  // offers no STARTTLS
        auto smtp = smtp_at(sink.port());
        smtp.tls = "starttls";
        const auto id = enqueue(email("plain@example.com"));
        OutboxSender sender(smtp, {}, fast(), conninfo_);
        sender.start();
        ASSERT_TRUE(eventually([&] { return status(id) == "failed"; })) << row(id).dump();
        EXPECT_TRUE(sink.messages().empty()) << "must not fall back to plain text";
    }
}

TEST_F(EmailOutbox, ExpiredMessageIsNotSent) {
    SmtpSink sink;
    auto late = email("late@example.com");
    late.expires_at = std::chrono::system_clock::now() - std::chrono::seconds(1);
    const auto late_id = enqueue(late);
    const auto ok_id = enqueue(email("ok@example.com"));
    OutboxSender sender(smtp_at(sink.port()), {}, fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(ok_id) == "sent" && status(late_id) == "failed"; }));
    EXPECT_EQ(row(late_id)["last_error"], "expired before delivery");
    ASSERT_TRUE(eventually([&] { return sink.messages().size() == 1; }));
    EXPECT_EQ(sink.messages()[0]["to"], "ok@example.com");
}

TEST_F(EmailOutbox, WithoutSmtpEmailsAreCapturedForTheMailCli) {
    const auto id = enqueue(email("dev@example.com", "424242"));
    OutboxSender sender(messaging::SmtpSettings{}, {}, fast(), conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(id) == "captured"; })) << row(id).dump();
    sender.stop();
    EXPECT_FALSE(row(id)["text_body"].is_null()) << "captured mail keeps its body";
    EXPECT_EQ(counter(sender, "email", "captured"), 1u);

    std::ostringstream out, err;
    messaging::MailCommand list;
    list.json = true;
    ASSERT_EQ(messaging::run_mail_command(list, conninfo_, out, err), 0) << err.str();
    const Json j = Json::parse(out.str());
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["to"], "dev@example.com");
    EXPECT_EQ(j[0]["status"], "captured");
    EXPECT_NE(j[0]["text"].get<std::string>().find("424242"), std::string::npos);

    std::ostringstream table;
    list.json = false;
    ASSERT_EQ(messaging::run_mail_command(list, conninfo_, table, err), 0);
    EXPECT_NE(table.str().find("dev@example.com"), std::string::npos);
    EXPECT_NE(table.str().find("captured"), std::string::npos);
    EXPECT_NE(table.str().find("Your sign-in link"), std::string::npos);

    std::ostringstream shown;
    messaging::MailCommand show;
    show.action = messaging::MailCommand::Action::kShow;
    show.id = id;
    ASSERT_EQ(messaging::run_mail_command(show, conninfo_, shown, err), 0);
    EXPECT_NE(shown.str().find("424242"), std::string::npos);
    show.id = 999999;
    EXPECT_EQ(messaging::run_mail_command(show, conninfo_, shown, err), 1);

    std::ostringstream cleared;
    messaging::MailCommand clear;
    clear.action = messaging::MailCommand::Action::kClear;
    ASSERT_EQ(messaging::run_mail_command(clear, conninfo_, cleared, err), 0);
    EXPECT_EQ(cleared.str(), "deleted 1 captured message(s)\n");
    EXPECT_EQ(scalar("SELECT count(*) FROM basalt.outbox"), "0");
}

TEST_F(EmailOutbox, MailCliExplainsAMissingTable) {
    scalar("DROP TABLE basalt.outbox");
    std::ostringstream out, err;
    EXPECT_EQ(messaging::run_mail_command({}, conninfo_, out, err), 1);
    EXPECT_NE(err.str().find("basalt migrate up"), std::string::npos) << err.str();
}

TEST_F(EmailOutbox, RetentionDeletesOldFinishedRows) {
    const auto old_id = enqueue(email("old@example.com"));
    const auto new_id = enqueue(email("new@example.com"));
    scalar("UPDATE basalt.outbox SET status = 'sent', updated_at = now() - interval '3 hours' WHERE id = " +
           std::to_string(old_id));
    auto settings = fast();
    settings.retention_hours = 2;
    OutboxSender sender(messaging::SmtpSettings{}, {}, settings, conninfo_);
    sender.start();
    ASSERT_TRUE(eventually([&] { return status(new_id) == "captured" && status(old_id) == "<none>"; }));
}

}  // namespace
}  // namespace basalt::test
