// Real peers for message delivery in e2e tests: an SMTP server (npm smtp-server, mails parsed
// with mailparser) and a small HTTP server recording requests (a stand-in for an SMS API such
// as Arkesel's), both on 127.0.0.1.
//   const smtp = new SmtpSink(); await smtp.listen(port);   // smtp.messages: [{mail, envelope}]
//   startServer({ env: { ...smtp.env('auth@basalt.test'), ... } });   // basalt pointed at it
//   const sms = new HttpSink({ status: 200, body: '{}' }); const url = await sms.listen();
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export class SmtpSink {
  constructor() {
    this.messages = [];
  }
  async listen(port) {
    this.port = port;
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.messages.push({ mail, envelope: session.envelope });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', resolve);
    });
  }
  // The server settings that deliver to this sink (plain SMTP, no auth).
  env(sender) {
    return {
      BASALT_SMTP_HOST: '127.0.0.1',
      BASALT_SMTP_PORT: String(this.port),
      BASALT_SMTP_TLS: 'none',
      BASALT_SMTP_SENDER: sender,
    };
  }
  close() {
    return new Promise((resolve) => this.server.close(resolve));
  }
}

export class HttpSink {
  constructor(reply) {
    this.requests = [];
    this.reply = reply;
  }
  async listen() {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        this.requests.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(this.reply.status, { 'content-type': 'application/json' });
        res.end(this.reply.body);
      });
    });
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${this.server.address().port}`;
  }
  close() {
    return new Promise((resolve) => this.server.close(resolve));
  }
}
