// `basalt mail …`: CLI11 wiring and the development mailbox's output (a table, one message in
// full, or JSON for scripts and end-to-end tests that need the code from a captured message).
#include "messaging/mail_cli.hpp"

#include <memory>
#include <ostream>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/text_table.hpp"
#include "common/json.hpp"
#include "db/blocking_connection.hpp"

namespace basalt::messaging {

namespace {

using Action = MailCommand::Action;

constexpr std::string_view kColumns =
    "id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), channel, kind, status, recipient,"
    " subject, text_body, html_body, attempts, last_error,"
    " to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), provider";
enum Col { kId, kCreated, kChannel, kKind, kStatus, kTo, kSubject, kText, kHtml, kAttempts, kError, kSent, kProvider };

// Filters shared by list and clear; $1 to, $2 channel, $3 status (NULL = any).
constexpr std::string_view kFilter =
    " WHERE ($1::text IS NULL OR lower(recipient) = lower($1))"
    " AND ($2::text IS NULL OR channel = $2) AND ($3::text IS NULL OR status = $3)";

// One line of at most `max` characters (subjects and SMS texts in the list).
std::string summary(std::string_view s, std::size_t max = 60) {
    std::string out;
    for (char c : s) {
        if (out.size() >= max) return out + "...";
        out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
    }
    return out;
}

Json row_json(const db::BlockingResult& r, int i) {
    auto opt = [&](int col) -> Json {
        auto v = r.get_opt(i, col);
        return v ? Json(*v) : Json(nullptr);
    };
    return Json{{"id", std::stoll(std::string(r.get(i, kId)))},
                {"created_at", opt(kCreated)},
                {"channel", opt(kChannel)},
                {"kind", opt(kKind)},
                {"status", opt(kStatus)},
                {"to", opt(kTo)},
                {"subject", opt(kSubject)},
                {"text", opt(kText)},
                {"html", opt(kHtml)},
                {"attempts", std::stoi(std::string(r.get(i, kAttempts)))},
                {"last_error", opt(kError)},
                {"sent_at", opt(kSent)},
                {"provider", opt(kProvider)}};
}

db::Params filter_params(const MailCommand& cmd, std::optional<std::string> status) {
    return {cmd.to, cmd.channel, std::move(status)};
}

int list(db::BlockingConnection& conn, const MailCommand& cmd, std::ostream& out) {
    db::Params p = filter_params(cmd, cmd.status);
    p.push_back(std::to_string(cmd.limit));
    auto r = conn.exec_params("SELECT " + std::string(kColumns) + " FROM basalt.outbox" + std::string(kFilter) +
                                  " ORDER BY id DESC LIMIT $4::integer",
                              p);
    if (cmd.json) {
        Json arr = Json::array();
        for (int i = 0; i < r.rows(); ++i) arr.push_back(row_json(r, i));
        out << arr.dump(2) << "\n";
        return 0;
    }
    if (r.rows() == 0) {
        out << "no messages\n";
        return 0;
    }
    std::vector<std::vector<std::string>> rows{{"ID", "CREATED", "CHANNEL", "KIND", "STATUS", "TO", "SUBJECT"}};
    for (int i = 0; i < r.rows(); ++i) {
        const bool sms = r.get(i, kChannel) == "sms";
        std::string what = sms ? summary(r.get(i, kText)) : summary(r.get(i, kSubject));
        if (!sms && r.is_null(i, kText) && r.is_null(i, kHtml) && r.get(i, kStatus) == "sent") what += " (body erased)";
        rows.push_back({std::string(r.get(i, kId)), std::string(r.get(i, kCreated)), std::string(r.get(i, kChannel)),
                        std::string(r.get(i, kKind)), std::string(r.get(i, kStatus)), std::string(r.get(i, kTo)), what});
    }
    print_table(out, rows);
    return 0;
}

int show(db::BlockingConnection& conn, const MailCommand& cmd, std::ostream& out, std::ostream& err) {
    auto r = conn.exec_params("SELECT " + std::string(kColumns) + " FROM basalt.outbox WHERE id = $1::bigint",
                              {std::to_string(cmd.id)});
    if (r.rows() == 0) {
        err << "error: no message with id " << cmd.id << "\n";
        return 1;
    }
    if (cmd.json) {
        out << row_json(r, 0).dump(2) << "\n";
        return 0;
    }
    out << "ID:       " << r.get(0, kId) << "\n"
        << "Created:  " << r.get(0, kCreated) << "\n"
        << "Channel:  " << r.get(0, kChannel) << " (" << r.get(0, kKind) << ")\n"
        << "To:       " << r.get(0, kTo) << "\n";
    if (!r.is_null(0, kSubject)) out << "Subject:  " << r.get(0, kSubject) << "\n";
    out << "Status:   " << r.get(0, kStatus) << ", " << r.get(0, kAttempts) << " attempt(s)";
    if (!r.is_null(0, kProvider)) out << " via " << r.get(0, kProvider);
    if (!r.is_null(0, kSent)) out << " at " << r.get(0, kSent);
    out << "\n";
    if (!r.is_null(0, kError)) out << "Error:    " << r.get(0, kError) << "\n";
    out << "\n";
    const int body = cmd.html && !r.is_null(0, kHtml) ? kHtml : kText;
    if (r.is_null(0, body)) {
        out << "(body erased after delivery; set outbox.redact_sent: false to keep it)\n";
    } else {
        out << r.get(0, body);
        if (!r.get(0, body).empty() && r.get(0, body).back() != '\n') out << "\n";
    }
    return 0;
}

int clear(db::BlockingConnection& conn, const MailCommand& cmd, std::ostream& out) {
    auto r = conn.exec_params("DELETE FROM basalt.outbox" + std::string(kFilter), filter_params(cmd, "captured"));
    out << "deleted " << r.affected() << " captured message(s)\n";
    return 0;
}

}  // namespace

int run_mail_command(const MailCommand& cmd, const std::string& conninfo, std::ostream& out, std::ostream& err) {
    try {
        db::BlockingConnection conn(conninfo, "basalt-mail");
        switch (cmd.action) {
            case Action::kList: return list(conn, cmd, out);
            case Action::kShow: return show(conn, cmd, out, err);
            case Action::kClear: return clear(conn, cmd, out);
        }
    } catch (const ErrorException& e) {
        if (e.error().code == "42P01") {
            err << "error: the outbox table does not exist yet; run `basalt migrate up` or start the server once\n";
        } else {
            err << "error: " << e.error().message << "\n";
        }
    }
    return 1;
}

void register_mail_cli(CLI::App& app, std::function<int(const MailCommand&)> runner) {
    auto* mail = app.add_subcommand("mail", "development mailbox: emails and SMS kept when no provider is configured");
    mail->require_subcommand(1);
    auto cmd = std::make_shared<MailCommand>();
    auto run = [cmd, runner](Action action) {
        return [cmd, runner, action] {
            cmd->action = action;
            const int rc = runner(*cmd);
            if (rc != 0) throw CLI::RuntimeError(rc);
        };
    };
    auto add_filters = [cmd](CLI::App* sub) {
        sub->add_option_function<std::string>("--to", [cmd](const std::string& v) { cmd->to = v; },
                                              "only messages to this address or phone number");
        sub->add_option_function<std::string>("--channel", [cmd](const std::string& v) { cmd->channel = v; },
                                              "email or sms")
            ->check(CLI::IsMember({"email", "sms"}));
    };

    auto* list = mail->add_subcommand("list", "list messages, newest first");
    add_filters(list);
    list->add_option_function<std::string>("--status", [cmd](const std::string& v) { cmd->status = v; },
                                           "pending, sending, sent, failed or captured")
        ->check(CLI::IsMember({"pending", "sending", "sent", "failed", "captured"}));
    list->add_option("-n,--limit", cmd->limit, "how many messages (default 20)")->check(CLI::Range(1, 100000));
    list->add_flag("--json", cmd->json, "print JSON with the full bodies");
    list->callback(run(Action::kList));

    auto* show = mail->add_subcommand("show", "print one message in full");
    show->add_option("id", cmd->id, "message id (from mail list)")->required();
    show->add_flag("--html", cmd->html, "print the HTML part instead of the text part");
    show->add_flag("--json", cmd->json, "print JSON");
    show->callback(run(Action::kShow));

    auto* clear = mail->add_subcommand("clear", "delete captured messages");
    add_filters(clear);
    clear->callback(run(Action::kClear));
}

}  // namespace basalt::messaging
