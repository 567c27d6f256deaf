// Messaging end to end: the real binary's outbox sender delivering to a real SMTP server
// (smtp-server + mailparser from npm) and to a local stand-in for Arkesel's SMS API v2;
// delivery after a server restart; the development mailbox through `basalt mail`.
// Rows are inserted with SQL the way messaging::Outbox::enqueue writes them (the auth
// endpoints that enqueue for real have their own tests).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer, runCli, freePort, makeDataDir, waitFor } from './helpers/server.mjs';
import { SmtpSink, HttpSink } from './helpers/sinks.mjs';

// Dollar quoting keeps arbitrary text out of the SQL grammar.
const lit = (s) => (s === null || s === undefined ? 'NULL' : `$m$${s}$m$`);

function enqueue(srv, { channel = 'email', kind = 'magic_link', to, subject = null, text, html = null }) {
  return srv.psql(
    `INSERT INTO basalt.outbox (channel, kind, recipient, subject, text_body, html_body)
     VALUES (${lit(channel)}, ${lit(kind)}, ${lit(to)}, ${lit(subject)}, ${lit(text)}, ${lit(html)});
     SELECT pg_notify('basalt_outbox', '');`,
  );
}

function outboxRow(srv, to) {
  const out = srv.psql(`SELECT row_to_json(o) FROM basalt.outbox o WHERE recipient = ${lit(to)}`).trim();
  return out ? JSON.parse(out) : null;
}

describe('messaging: delivery through SMTP and Arkesel', () => {
  let srv, smtp, sms, smtpPort, env;
  const dataDir = makeDataDir();

  before(async () => {
    smtpPort = await freePort();
    smtp = new SmtpSink();
    await smtp.listen(smtpPort);
    sms = new HttpSink({
      status: 200,
      body: JSON.stringify({ status: 'success', data: [{ recipient: '233241234567', id: 'ark-1' }] }),
    });
    const smsUrl = await sms.listen();
    env = {
      BASALT_SMTP_HOST: '127.0.0.1',
      BASALT_SMTP_PORT: String(smtpPort),
      BASALT_SMTP_TLS: 'none',
      BASALT_SMTP_SENDER: 'noreply@basalt.test',
      BASALT_SMTP_SENDER_NAME: 'Basalt E2E',
      BASALT_SMS_PROVIDER: 'arkesel',
      BASALT_SMS_ARKESEL_API_KEY: 'e2e-key',
      BASALT_SMS_ARKESEL_SENDER_ID: 'BasaltE2E',
      BASALT_SMS_ARKESEL_BASE_URL: smsUrl,
      BASALT_OUTBOX_RETRY_BASE_MS: '100',
      BASALT_OUTBOX_RETRY_MAX_MS: '300',
      BASALT_OUTBOX_MAX_ATTEMPTS: '100',
    };
    srv = await startServer({ env, dataDir });
  });
  after(async () => {
    if (srv) await srv.stop();
    await smtp?.close().catch(() => {});
    await sms?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('an email row is delivered with proper headers and both parts', async () => {
    enqueue(srv, {
      to: 'alice@example.com',
      subject: 'Tu código ✓',
      text: 'Your code is 123456\nhttps://app.test/verify?token=abc\n',
      html: '<p>Your code is <b>123456</b></p>',
    });
    await waitFor(() => smtp.messages.some((m) => m.mail.to?.text === 'alice@example.com'), { what: 'mail to alice' });
    const { mail, envelope } = smtp.messages.find((m) => m.mail.to?.text === 'alice@example.com');
    assert.equal(envelope.mailFrom.address, 'noreply@basalt.test');
    assert.deepEqual(envelope.rcptTo.map((r) => r.address), ['alice@example.com']);
    assert.equal(mail.subject, 'Tu código ✓');
    assert.equal(mail.from.value[0].name, 'Basalt E2E');
    assert.equal(mail.from.value[0].address, 'noreply@basalt.test');
    assert.equal(mail.headers.get('mime-version'), '1.0');
    assert.ok(mail.date instanceof Date && Math.abs(Date.now() - mail.date.getTime()) < 120000);
    assert.match(mail.messageId, /^<basalt\.\d+\.\d+@basalt\.test>$/);
    assert.equal(mail.text.trim(), 'Your code is 123456\nhttps://app.test/verify?token=abc');
    assert.equal(mail.html.trim(), '<p>Your code is <b>123456</b></p>');
    await waitFor(() => outboxRow(srv, 'alice@example.com')?.status === 'sent', { what: 'row sent', intervalMs: 300 });
    const row = outboxRow(srv, 'alice@example.com');
    assert.equal(row.provider_message_id, mail.messageId);
    assert.equal(row.text_body, null, 'the body (codes, links) is erased once sent');
  });

  test('an SMS row reaches Arkesel in the documented format', async () => {
    enqueue(srv, { channel: 'sms', kind: 'otp', to: '+233241234567', text: 'Your code is 654321' });
    await waitFor(() => sms.requests.length === 1, { what: 'Arkesel request' });
    const r = sms.requests[0];
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/api/v2/sms/send');
    assert.equal(r.headers['api-key'], 'e2e-key');
    assert.match(r.headers['content-type'], /^application\/json/);
    assert.deepEqual(JSON.parse(r.body), {
      sender: 'BasaltE2E',
      message: 'Your code is 654321',
      recipients: ['233241234567'],
    });
    await waitFor(() => outboxRow(srv, '+233241234567')?.status === 'sent', { what: 'sms row sent', intervalMs: 300 });
    assert.equal(outboxRow(srv, '+233241234567').provider_message_id, 'ark-1');
  });

  test('GET /metrics counts deliveries', async () => {
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    assert.match(text, /basalt_outbox_messages_total\{channel="email",result="sent"\} 1/);
    assert.match(text, /basalt_outbox_messages_total\{channel="sms",result="sent"\} 1/);
  });

  test('a message committed while SMTP is down is delivered after a server restart', async () => {
    await smtp.close();
    enqueue(srv, { to: 'bob@example.com', subject: 'Later', text: 'still here' });
    await waitFor(
      () => {
        const row = outboxRow(srv, 'bob@example.com');
        return row && row.attempts >= 1 && row.status === 'pending' && row.last_error;
      },
      { what: 'a failed first attempt', intervalMs: 300 },
    );
    assert.equal((await srv.stop()).code, 0);

    smtp = new SmtpSink();
    await smtp.listen(smtpPort);
    srv = await startServer({ env, dataDir });
    await waitFor(() => smtp.messages.some((m) => m.mail.to?.text === 'bob@example.com'), { what: 'mail to bob' });
    await waitFor(() => outboxRow(srv, 'bob@example.com')?.status === 'sent', { what: 'row sent', intervalMs: 300 });
    assert.equal(smtp.messages.filter((m) => m.mail.to?.text === 'bob@example.com').length, 1);
  });
});

describe('messaging: development mailbox', () => {
  let srv;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    if (srv) await srv.stop();
  });

  test('without SMTP or an SMS provider, messages are captured and listed by `basalt mail`', async () => {
    enqueue(srv, {
      to: 'dev@example.com',
      subject: 'Your sign-in link',
      text: 'Your code is 246810',
      html: '<p>246810</p>',
    });
    enqueue(srv, { channel: 'sms', kind: 'otp', to: '+233241234567', text: 'Your code is 135791' });
    const list = () => JSON.parse(runCli(['mail', 'list', '--json'], { dataDir: srv.dataDir }));
    await waitFor(() => list().filter((m) => m.status === 'captured').length === 2, { what: 'two captured messages', intervalMs: 500 });
    const [smsMsg, mailMsg] = list();
    assert.equal(mailMsg.to, 'dev@example.com');
    assert.equal(mailMsg.channel, 'email');
    assert.match(mailMsg.text, /246810/);
    assert.equal(smsMsg.to, '+233241234567');
    assert.equal(smsMsg.text, 'Your code is 135791');

    const table = runCli(['mail', 'list'], { dataDir: srv.dataDir });
    assert.match(table, /dev@example\.com/);
    assert.match(table, /captured/);
    const shown = runCli(['mail', 'show', String(mailMsg.id)], { dataDir: srv.dataDir });
    assert.match(shown, /Subject:\s+Your sign-in link/);
    assert.match(shown, /Your code is 246810/);
    const html = runCli(['mail', 'show', String(mailMsg.id), '--html'], { dataDir: srv.dataDir });
    assert.match(html, /<p>246810<\/p>/);
    const smsOnly = JSON.parse(runCli(['mail', 'list', '--json', '--channel', 'sms'], { dataDir: srv.dataDir }));
    assert.deepEqual(smsOnly.map((m) => m.to), ['+233241234567']);
  });
});
