// `basalt mail list|show|clear`: the development mailbox. Without smtp.host / an SMS provider
// every message is kept in basalt.outbox with status 'captured' and read here, so `make run`
// works offline (Supabase's local inbucket). main.cpp registers the subcommands; the runner it
// passes obtains a conninfo (starting the managed cluster when needed) and calls
// run_mail_command.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <iostream>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace basalt::messaging {

struct MailCommand {
    enum class Action { kList, kShow, kClear };
    Action action = Action::kList;
    std::optional<std::string> to;       // list/clear: only this recipient
    std::optional<std::string> channel;  // list/clear: "email" | "sms"
    std::optional<std::string> status;   // list: pending|sending|sent|failed|captured
    int limit = 20;                      // list: newest first
    bool json = false;                   // list/show: JSON (bodies included) for scripts
    std::int64_t id = 0;                 // show
    bool html = false;                   // show: print the HTML part instead of the text
};

// Prints to out, errors to err as "error: ...". Returns the exit code: 0 ok, 1 failed.
//   list   ID  CREATED  CHANNEL  STATUS  TO  SUBJECT (SMS: the text)
//   show   headers, status, attempts, last error, then the body
//   clear  deletes captured messages (never pending ones)
int run_mail_command(const MailCommand& cmd, const std::string& conninfo, std::ostream& out,
                     std::ostream& err = std::cerr);

// Adds `mail` with list/show/clear (each with --help). A non-zero runner result is thrown as
// CLI::RuntimeError(code), like register_migrate_cli.
void register_mail_cli(CLI::App& app, std::function<int(const MailCommand&)> runner);

}  // namespace basalt::messaging
