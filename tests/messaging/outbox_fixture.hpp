// Shared fixture for messaging pg tests: a fresh migrated database per test, fast retry
// settings, helpers to enqueue messages, read outbox rows and count counters.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cctype>
#include <string>

#include <gtest/gtest.h>

#include "common/json.hpp"
#include "db/blocking_connection.hpp"
#include "messaging/outbox.hpp"
#include "messaging/outbox_sender.hpp"
#include "messaging/settings.hpp"
#include "messaging/templates.hpp"
#include "migrate/startup.hpp"
#include "support/temp_postgres.hpp"
#include "messaging/sinks.hpp"

namespace basalt::test {

class OutboxTest : public ::testing::Test {
protected:
    void SetUp() override {
        pg_ = TempPostgres::get();
        if (pg_ == nullptr) GTEST_SKIP() << "PostgreSQL unavailable: " << TempPostgres::unavailable_reason();
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = "msg_" + std::string(info->test_suite_name()) + "_" + info->name();
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        conninfo_ = pg_->create_database(name.substr(0, 60));
        migrate::apply_system_migrations(conninfo_);
    }

    // Retries fast enough for a test: 3 attempts, 100 ms doubling.
    static messaging::OutboxSettings fast() {
        messaging::OutboxSettings s;
        s.max_attempts = 3;
        s.retry_base_ms = 100;
        s.retry_max_ms = 400;
        s.poll_interval_ms = 50;
        s.workers = 2;
        return s;
    }

    static messaging::SmtpSettings smtp_at(int port) {
        messaging::SmtpSettings s;
        s.host = "127.0.0.1";
        s.port = port;
        s.tls = "none";
        s.sender = "noreply@basalt.test";
        s.sender_name = "Basalt Test";
        s.timeout_ms = 10000;
        return s;
    }

    // A port nothing listens on (bound and released; nothing else here takes ports).
    static int closed_port() {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        socklen_t len = sizeof addr;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        ::close(fd);
        return ntohs(addr.sin_port);
    }

    messaging::Message email(const std::string& to, const std::string& token = "123456",
                             messaging::MessageKind kind = messaging::MessageKind::kMagicLink) {
        messaging::TemplateData data;
        data.token = token;
        data.confirmation_url = "https://app.test/auth/v1/verify?token=" + token + "&type=magiclink";
        data.site_url = "https://app.test";
        data.email = to;
        return messaging::compose_email(messaging::SmtpSettings{}, kind, to, data).value();
    }

    std::int64_t enqueue(const messaging::Message& m) {
        db::BlockingConnection conn(conninfo_);
        return messaging::Outbox::enqueue(conn, m);
    }

    // The outbox row as JSON (timestamps as text), or null.
    Json row(std::int64_t id) {
        db::BlockingConnection conn(conninfo_);
        auto r = conn.exec_params("SELECT to_jsonb(o) FROM basalt.outbox o WHERE id = $1::bigint", {std::to_string(id)});
        return r.rows() == 0 ? Json(nullptr) : Json::parse(r.get(0, 0));
    }

    std::string status(std::int64_t id) {
        Json r = row(id);
        return r.is_null() ? "<none>" : r["status"].get<std::string>();
    }

    std::string scalar(const std::string& sql) {
        db::BlockingConnection conn(conninfo_);
        auto r = conn.exec(sql);
        return r.rows() == 0 ? std::string() : std::string(r.get(0, 0));
    }

    static std::uint64_t counter(const messaging::OutboxSender& s, std::string_view channel, std::string_view result) {
        for (const auto& c : s.counters())
            if (c.channel == channel && c.result == result) return c.value;
        return 0;
    }

    TempPostgres* pg_ = nullptr;
    std::string conninfo_;
};

}  // namespace basalt::test
