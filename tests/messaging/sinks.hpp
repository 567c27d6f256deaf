// Real peers for the messaging pg tests: an SMTP server (Python's aiosmtpd, which parses each
// message with the standard email package and saves it as JSON) and an HTTP server that
// records SMS provider requests and answers with scripted replies. Both run as child processes
// on 127.0.0.1 and report the port they bound.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto.hpp"
#include "common/json.hpp"

extern char** environ;

namespace basalt::test {

namespace fs = std::filesystem;

inline const char* kSmtpSinkPy = R"PY(
import asyncio, email, json, logging, os, ssl, sys, warnings
from email import policy
from aiosmtpd.smtp import SMTP, AuthResult

warnings.filterwarnings('ignore')  # "AUTH without TLS": deliberate in tests
logging.getLogger('mail.log').setLevel(logging.CRITICAL)
out_dir, port, fail_first, fail_code, auth = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
tls_mode, cert, key = sys.argv[6], sys.argv[7], sys.argv[8]
state = {'seen': 0, 'saved': 0, 'login': None}

def write_json(name, obj):
    tmp = os.path.join(out_dir, '.' + name)
    with open(tmp, 'w') as f:
        json.dump(obj, f)
    os.rename(tmp, os.path.join(out_dir, name))

def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = auth.split(':', 1)
    ok = auth_data.login.decode() == user and auth_data.password.decode() == password
    if ok:
        state['login'] = user
    return AuthResult(success=ok, handled=False)

class Handler:
    async def handle_DATA(self, server, session, envelope):
        state['seen'] += 1
        if state['seen'] <= fail_first:
            return fail_code + ' temporarily unavailable, try again'
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=policy.default)
        parts, defects = [], [type(d).__name__ for d in msg.defects]
        for part in msg.walk():
            defects += [type(d).__name__ for d in part.defects]
            if part.is_multipart():
                continue
            parts.append({'content_type': part.get_content_type(), 'charset': part.get_content_charset(),
                          'cte': part.get('Content-Transfer-Encoding'), 'body': part.get_content()})
        state['saved'] += 1
        write_json('msg-%04d.json' % state['saved'], {
            'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos, 'raw': raw.decode('ascii', 'replace'),
            'subject': str(msg['subject']), 'from': str(msg['from']), 'to': str(msg['to']),
            'date': str(msg['date']), 'message_id': str(msg['message-id']),
            'mime_version': str(msg['mime-version']), 'content_type': msg.get_content_type(),
            'parts': parts, 'defects': defects, 'login': state['login']})
        return '250 2.0.0 queued'

async def main():
    kw = {'auth_require_tls': False}
    if auth:
        kw.update(authenticator=authenticator, auth_required=True)
    context = None
    if tls_mode != 'none':
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
    if tls_mode == 'starttls':
        kw.update(tls_context=context, require_starttls=True)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Handler(), **kw), '127.0.0.1', port,
                                      ssl=context if tls_mode == 'tls' else None)
    write_json('port', server.sockets[0].getsockname()[1])
    await server.serve_forever()

asyncio.run(main())
)PY";

inline const char* kHttpSinkPy = R"PY(
import http.server, json, os, sys, threading, time
out_dir = sys.argv[1]
replies = json.load(open(sys.argv[2]))
lock, count = threading.Lock(), [0]

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n).decode('utf-8', 'replace')
        with lock:
            i = count[0]
            count[0] += 1
            rec = {'method': self.command, 'path': self.path, 'body': body,
                   'headers': {k.lower(): v for k, v in self.headers.items()}}
            with open(os.path.join(out_dir, 'requests.jsonl'), 'a') as f:
                f.write(json.dumps(rec) + '\n')
        reply = replies[min(i, len(replies) - 1)]
        time.sleep(reply.get('delay_ms', 0) / 1000.0)
        data = reply.get('body', '').encode()
        self.send_response(reply['status'])
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *args):
        pass

srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
tmp = os.path.join(out_dir, '.port')
with open(tmp, 'w') as f:
    f.write(str(srv.server_address[1]))
os.rename(tmp, os.path.join(out_dir, 'port'))
srv.serve_forever()
)PY";

// A child process killed (SIGTERM, then SIGKILL) when the object goes away.
class ChildProcess {
public:
    ChildProcess() = default;
    // quiet: stdout and stderr go to /dev/null.
    explicit ChildProcess(const std::vector<std::string>& argv, bool quiet = false) {
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        if (quiet) {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        }
        const int rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess() { stop(); }
    [[nodiscard]] bool running() {
        if (pid_ <= 0) return false;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        return true;
    }
    void stop() {
        if (pid_ <= 0) return;
        kill(pid_, SIGTERM);
        for (int i = 0; i < 100; ++i) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    pid_t pid_ = -1;
};

inline std::string python() { return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

inline std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Polls pred every 20 ms until it holds or the deadline passes; returns pred().
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= deadline) return pred();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

class SinkBase {
public:
    ~SinkBase() {
        process_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    [[nodiscard]] int port() const { return port_; }
    void stop() { process_.reset(); }

protected:
    SinkBase() : dir_(fs::temp_directory_path() / ("basalt-sink-" + crypto::random_token(6))) {
        fs::create_directories(dir_);
    }
    void launch(std::vector<std::string> argv) {
        fs::remove(dir_ / "port");
        process_ = std::make_unique<ChildProcess>(argv);
        const bool up = eventually([&] { return fs::exists(dir_ / "port") || !process_->running(); },
                                   std::chrono::seconds(60));
        if (!up || !fs::exists(dir_ / "port")) throw std::runtime_error("sink did not start: " + argv[1]);
        port_ = std::stoi(read_file(dir_ / "port"));
    }
    fs::path dir_;
    std::unique_ptr<ChildProcess> process_;
    int port_ = 0;
};

struct SmtpSinkOptions {
    int port = 0;              // 0 = any free port
    int fail_first = 0;        // answer DATA of the first N messages with fail_code
    std::string fail_code = "451";
    std::string auth;          // "user:password" = AUTH required
    std::string tls = "none";  // none | starttls (required) | tls (implicit); self-signed cert
};

// SMTP server saving each accepted message as parsed JSON (see kSmtpSinkPy for the fields).
class SmtpSink : public SinkBase {
public:
    using Options = SmtpSinkOptions;
    SmtpSink() : SmtpSink(Options{}) {}
    explicit SmtpSink(Options o) {
        const auto script = dir_ / "smtp_sink.py";
        std::ofstream(script) << kSmtpSinkPy;
        const std::string cert = (dir_ / "cert.pem").string(), key = (dir_ / "key.pem").string();
        if (o.tls != "none") {
            ChildProcess openssl({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                                  "/CN=localhost", "-keyout", key, "-out", cert},
                                 true);
            if (!eventually([&] { return !openssl.running(); }, std::chrono::seconds(60)) || !fs::exists(cert))
                throw std::runtime_error("openssl could not make a test certificate");
        }
        launch({python(), script.string(), dir_.string(), std::to_string(o.port), std::to_string(o.fail_first),
                o.fail_code, o.auth, o.tls, cert, key});
    }
    std::vector<Json> messages() const {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(dir_))
            if (e.path().filename().string().rfind("msg-", 0) == 0) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        std::vector<Json> out;
        for (const auto& f : files) out.push_back(Json::parse(read_file(f)));
        return out;
    }
};

// HTTP server recording every POST; reply i is replies[min(i, n-1)]:
// {"status": 200, "body": "...", "delay_ms": 0}.
class HttpSink : public SinkBase {
public:
    explicit HttpSink(const Json& replies) {
        const auto script = dir_ / "http_sink.py";
        std::ofstream(script) << kHttpSinkPy;
        std::ofstream(dir_ / "replies.json") << replies.dump();
        launch({python(), script.string(), dir_.string(), (dir_ / "replies.json").string()});
    }
    [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<Json> requests() const {
        std::vector<Json> out;
        std::ifstream in(dir_ / "requests.jsonl");
        std::string line;
        while (std::getline(in, line)) {
            Json j = parse_json_or_discarded(line);
            if (!j.is_discarded()) out.push_back(std::move(j));
        }
        return out;
    }
};

}  // namespace basalt::test
