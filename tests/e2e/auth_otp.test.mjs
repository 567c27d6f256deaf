// One-time codes end to end: the real binary, the unmodified supabase-js client, a real SMTP
// server (smtp-server) receiving the mails and a local stand-in for Arkesel's SMS API recording
// the SMS. Codes and links are read from what was actually delivered: email OTP and magic
// links, wrong/reused/expired/exhausted codes, the per-recipient send limit, sign-up
// confirmation, password recovery, email and phone change, resend, SMS sign-in; and without
// SMTP: sign-ups confirmed at once, codes in the development mailbox (`basalt mail list`).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startServer, runCli, freePort, waitFor } from './helpers/server.mjs';
import { SmtpSink, HttpSink } from './helpers/sinks.mjs';

const clientOptions = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  realtime: { transport: WebSocket },
};

const codeIn = (text) => /(?:code: |code is )(\d{6})/.exec(text)?.[1];
const linkIn = (text) => /(http:\/\/127\.0\.0\.1:\d+\/auth\/v1\/verify\?\S+)/.exec(text)?.[1];
const fragmentOf = (url) => Object.fromEntries(new URLSearchParams(new URL(url).hash.slice(1)));

// A running server with SMTP and Arkesel sinks, and helpers to read what they received.
async function withSinks(extraEnv = {}) {
  const smtpPort = await freePort();
  const smtp = new SmtpSink();
  await smtp.listen(smtpPort);
  const arkesel = new HttpSink({
    status: 200,
    body: JSON.stringify({ status: 'success', data: [{ recipient: '233241234567', id: 'ark-1' }] }),
  });
  const smsUrl = await arkesel.listen();
  const srv = await startServer({
    env: {
      BASALT_RATE_LIMITS_ENABLED: 'false',
      ...smtp.env('auth@basalt.test'),
      BASALT_SMS_PROVIDER: 'arkesel',
      BASALT_SMS_ARKESEL_API_KEY: 'e2e-key',
      BASALT_SMS_ARKESEL_SENDER_ID: 'BasaltOTP',
      BASALT_SMS_ARKESEL_BASE_URL: smsUrl,
      BASALT_SMS_DEFAULT_COUNTRY_CODE: '233',
      BASALT_AUTH_SITE_URL: 'http://app.test',
      BASALT_AUTH_REDIRECT_URLS: 'http://localhost:3000/**',
      BASALT_OUTBOX_RETRY_BASE_MS: '100',
      ...extraEnv,
    },
  });
  const mailsTo = (to) => smtp.messages.filter((m) => m.mail.to?.text === to).map((m) => m.mail);
  // Arkesel requests to a number: {method, url, headers, body (parsed)}.
  const smsTo = (digits) =>
    arkesel.requests
      .map((r) => ({ ...r, body: JSON.parse(r.body) }))
      .filter((r) => r.body.recipients?.includes(digits));
  return {
    srv,
    client: () => createClient(srv.url, srv.anonKey, clientOptions),
    mailsTo,
    // The n-th mail (1-based) to an address, once it has arrived.
    async mail(to, n = 1) {
      await waitFor(() => mailsTo(to).length >= n, { what: `mail #${n} to ${to}` });
      return mailsTo(to)[n - 1];
    },
    async sms(digits, n = 1) {
      await waitFor(() => smsTo(digits).length >= n, { what: `SMS #${n} to ${digits}` });
      return smsTo(digits)[n - 1];
    },
    async stop() {
      await srv.stop();
      await smtp.close().catch(() => {});
      await arkesel.close();
    },
  };
}

describe('auth one-time codes over SMTP and Arkesel (supabase-js)', () => {
  let t;
  before(async () => {
    t = await withSinks({ BASALT_AUTH_OTP_MAX_ATTEMPTS: '3' });
  });
  after(async () => {
    await t?.stop();
  });

  test('signInWithOtp by email: one mail with a code and a link; the code gives a session once', async () => {
    const c = t.client();
    const sent = await c.auth.signInWithOtp({ email: 'Otp@Example.com', options: { data: { plan: 'pro' } } });
    assert.equal(sent.error, null);
    const mail = await t.mail('otp@example.com');
    assert.equal(mail.from.value[0].address, 'auth@basalt.test');
    const code = codeIn(mail.text);
    assert.match(code, /^\d{6}$/);
    assert.ok(linkIn(mail.text), mail.text);
    assert.match(mail.html, new RegExp(code));

    const { data, error } = await c.auth.verifyOtp({ email: 'otp@example.com', token: code, type: 'email' });
    assert.equal(error, null);
    assert.ok(data.session.access_token);
    assert.equal(data.user.email, 'otp@example.com');
    assert.ok(data.user.email_confirmed_at);
    assert.equal(data.user.user_metadata.plan, 'pro');
    const me = await c.auth.getUser();
    assert.equal(me.data.user.id, data.user.id);

    const reused = await t.client().auth.verifyOtp({ email: 'otp@example.com', token: code, type: 'email' });
    assert.equal(reused.error?.code, 'otp_expired');
    assert.equal(reused.error?.status, 403);
  });

  test('a second code within 60 s is refused with 429', async () => {
    const c = t.client();
    assert.equal((await c.auth.signInWithOtp({ email: 'busy@example.com' })).error, null);
    const again = await c.auth.signInWithOtp({ email: 'busy@example.com' });
    assert.equal(again.error?.status, 429);
    assert.equal(again.error?.code, 'over_email_send_rate_limit');
    assert.match(again.error.message, /^For security purposes, you can only request this after \d+ seconds\.$/);
  });

  test('magic link: GET redirects to redirect_to with a working session in the fragment', async () => {
    const c = t.client();
    const sent = await c.auth.signInWithOtp({
      email: 'link@example.com',
      options: { emailRedirectTo: 'http://localhost:3000/welcome' },
    });
    assert.equal(sent.error, null);
    const link = linkIn((await t.mail('link@example.com')).text);
    assert.ok(link);
    const res = await fetch(link, { redirect: 'manual' });
    assert.equal(res.status, 303);
    const location = res.headers.get('location');
    assert.ok(location.startsWith('http://localhost:3000/welcome#'), location);
    const f = fragmentOf(location);
    assert.equal(f.token_type, 'bearer');
    assert.equal(f.type, 'magiclink');
    assert.equal(f.expires_in, '3600');
    assert.ok(Number(f.expires_at) > Date.now() / 1000);
    const me = await c.auth.getUser(f.access_token);
    assert.equal(me.error, null);
    assert.equal(me.data.user.email, 'link@example.com');
    const session = await c.auth.setSession({ access_token: f.access_token, refresh_token: f.refresh_token });
    assert.equal(session.error, null);

    const used = await fetch(link, { redirect: 'manual' });
    const err = fragmentOf(used.headers.get('location'));
    assert.deepEqual(err, {
      error: 'access_denied',
      error_code: 'otp_expired',
      error_description: 'Email link is invalid or has expired',
    });
  });

  test('wrong codes fail, and after the attempt limit the right code is dead too', async () => {
    const c = t.client();
    await c.auth.signInWithOtp({ email: 'guess@example.com' });
    const code = codeIn((await t.mail('guess@example.com')).text);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++) {
      const r = await c.auth.verifyOtp({ email: 'guess@example.com', token: wrong, type: 'email' });
      assert.equal(r.error?.code, 'otp_expired');
    }
    const dead = await c.auth.verifyOtp({ email: 'guess@example.com', token: code, type: 'email' });
    assert.equal(dead.error?.code, 'otp_expired');
  });

  test('signUp needs confirmation: no session, email_not_confirmed, then verifyOtp type signup', async () => {
    const c = t.client();
    const up = await c.auth.signUp({ email: 'new@example.com', password: 'password1' });
    assert.equal(up.error, null);
    assert.equal(up.data.session, null);
    assert.equal(up.data.user.email, 'new@example.com');
    assert.ok(up.data.user.confirmation_sent_at);

    const early = await c.auth.signInWithPassword({ email: 'new@example.com', password: 'password1' });
    assert.equal(early.error?.code, 'email_not_confirmed');
    assert.equal(early.error?.status, 400);

    const mail = await t.mail('new@example.com');
    assert.equal(mail.subject, 'Confirm your email');
    const ok = await c.auth.verifyOtp({ email: 'new@example.com', token: codeIn(mail.text), type: 'signup' });
    assert.equal(ok.error, null);
    assert.ok(ok.data.session.access_token);
    const later = await t.client().auth.signInWithPassword({ email: 'new@example.com', password: 'password1' });
    assert.equal(later.error, null);
  });

  test('resend while a confirmation is fresh is refused; nothing pending answers quietly', async () => {
    const c = t.client();
    await c.auth.signUp({ email: 'again@example.com', password: 'password1' });
    await t.mail('again@example.com');
    const r = await c.auth.resend({ type: 'signup', email: 'again@example.com' });
    assert.equal(r.error?.code, 'over_email_send_rate_limit');
    const none = await c.auth.resend({ type: 'signup', email: 'nobody-here@example.com' });
    assert.equal(none.error, null);
  });

  test('resetPasswordForEmail, verify recovery, updateUser password, sign in with it', async () => {
    const c = t.client();
    const unknown = await c.auth.resetPasswordForEmail('ghost@example.com');
    assert.equal(unknown.error, null);
    assert.deepEqual(unknown.data, {});

    await c.auth.signUp({ email: 'forgot@example.com', password: 'old-password' });
    await c.auth.verifyOtp({
      email: 'forgot@example.com',
      token: codeIn((await t.mail('forgot@example.com')).text),
      type: 'signup',
    });
    const sent = await c.auth.resetPasswordForEmail('forgot@example.com', { redirectTo: 'http://localhost:3000/reset' });
    assert.equal(sent.error, null);
    const mail = await t.mail('forgot@example.com', 2);
    assert.equal(mail.subject, 'Reset your password');
    assert.match(linkIn(mail.text), /type=recovery&redirect_to=http%3A%2F%2Flocalhost%3A3000%2Freset/);

    const r = t.client();
    const v = await r.auth.verifyOtp({ email: 'forgot@example.com', token: codeIn(mail.text), type: 'recovery' });
    assert.equal(v.error, null);
    const upd = await r.auth.updateUser({ password: 'new-password' });
    assert.equal(upd.error, null);
    const ok = await t.client().auth.signInWithPassword({ email: 'forgot@example.com', password: 'new-password' });
    assert.equal(ok.error, null);
    const old = await t.client().auth.signInWithPassword({ email: 'forgot@example.com', password: 'old-password' });
    assert.equal(old.error?.code, 'invalid_credentials');
  });

  test('email change: confirmation to the new address, applied by verifyOtp email_change', async () => {
    const c = t.client();
    await c.auth.signInWithOtp({ email: 'before@example.com' });
    await c.auth.verifyOtp({
      email: 'before@example.com',
      token: codeIn((await t.mail('before@example.com')).text),
      type: 'email',
    });
    const upd = await c.auth.updateUser({ email: 'after@example.com' });
    assert.equal(upd.error, null);
    assert.equal(upd.data.user.email, 'before@example.com');
    assert.equal(upd.data.user.new_email, 'after@example.com');
    const mail = await t.mail('after@example.com');
    assert.equal(mail.subject, 'Confirm your new email address');
    assert.match(mail.text, /before@example\.com/);

    const resent = await c.auth.resend({ type: 'email_change', email: 'before@example.com' });
    assert.equal(resent.error?.code, 'over_email_send_rate_limit');

    const v = await c.auth.verifyOtp({ email: 'after@example.com', token: codeIn(mail.text), type: 'email_change' });
    assert.equal(v.error, null);
    assert.equal(v.data.user.email, 'after@example.com');
    const me = await c.auth.getUser(v.data.session.access_token);
    assert.equal(me.data.user.email, 'after@example.com');
    assert.ok(!me.data.user.new_email);
  });

  test('signInWithOtp by phone: the SMS reaches Arkesel in its format and the code verifies', async () => {
    const c = t.client();
    const sent = await c.auth.signInWithOtp({ phone: '024 123 4567' });
    assert.equal(sent.error, null);
    const req = await t.sms('233241234567');
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/api/v2/sms/send');
    assert.equal(req.headers['api-key'], 'e2e-key');
    const body = req.body;
    assert.deepEqual(Object.keys(body).sort(), ['message', 'recipients', 'sender']);
    assert.equal(body.sender, 'BasaltOTP');
    assert.deepEqual(body.recipients, ['233241234567']);
    assert.match(body.message, /^Your code is \d{6}$/);

    const v = await c.auth.verifyOtp({ phone: '+233241234567', token: codeIn(body.message), type: 'sms' });
    assert.equal(v.error, null);
    assert.equal(v.data.user.phone, '233241234567');
    assert.ok(v.data.user.phone_confirmed_at);

    // phone_change: a code to the new number, applied by verifyOtp type phone_change.
    const upd = await c.auth.updateUser({ phone: '+233501112222' });
    assert.equal(upd.error, null);
    assert.equal(upd.data.user.new_phone, '233501112222');
    const change = await t.sms('233501112222');
    const done = await c.auth.verifyOtp({
      phone: '+233501112222',
      token: codeIn(change.body.message),
      type: 'phone_change',
    });
    assert.equal(done.error, null);
    assert.equal(done.data.user.phone, '233501112222');
  });

  test('bad input is a 4xx in GoTrue shape', async () => {
    const c = t.client();
    const noAddress = await c.auth.verifyOtp({ token: '123456', type: 'email' });
    assert.equal(noAddress.error?.status, 400);
    assert.equal(noAddress.error?.code, 'validation_failed');
    const res = await fetch(`${t.srv.url}/auth/v1/otp`, {
      method: 'POST',
      headers: { apikey: t.srv.anonKey, 'content-type': 'application/json' },
      body: '{"email": 42}',
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).code, 'validation_failed');
  });
});

describe('auth one-time codes: lifetime, cleanup and resend (tiny settings)', () => {
  let t;
  before(async () => {
    t = await withSinks({
      // Long enough for delivery and a verify on a busy machine, short enough to wait out.
      BASALT_AUTH_OTP_EMAIL_LIFETIME_SECONDS: '4',
      BASALT_AUTH_OTP_EMAIL_SEND_INTERVAL_SECONDS: '0',
      BASALT_AUTH_OTP_SMS_SEND_INTERVAL_SECONDS: '0',
      BASALT_AUTH_OTP_CLEANUP_INTERVAL_SECONDS: '1',
    });
  });
  after(async () => {
    await t?.stop();
  });

  test('an expired code fails, and the cleanup job deletes it', async () => {
    const c = t.client();
    await c.auth.signInWithOtp({ email: 'slow@example.com' });
    const code = codeIn((await t.mail('slow@example.com')).text);
    await waitFor(() => t.srv.psql("SELECT count(*) FROM auth.one_time_codes WHERE expires_at < now()").trim() === '1', {
      what: 'the code to expire',
      intervalMs: 200,
    });
    const late = await c.auth.verifyOtp({ email: 'slow@example.com', token: code, type: 'email' });
    assert.equal(late.error?.code, 'otp_expired');
    await waitFor(() => t.srv.psql('SELECT count(*) FROM auth.one_time_codes').trim() === '0', {
      what: 'the cleanup job',
      intervalMs: 200,
    });
  });

  test('resend replaces the code: the new one works, the old one is dead', async () => {
    const c = t.client();
    await c.auth.signUp({ email: 'resend@example.com', password: 'password1' });
    const first = codeIn((await t.mail('resend@example.com')).text);
    const r = await c.auth.resend({ type: 'signup', email: 'resend@example.com' });
    assert.equal(r.error, null);
    const second = codeIn((await t.mail('resend@example.com', 2)).text);
    if (first !== second) {
      const old = await c.auth.verifyOtp({ email: 'resend@example.com', token: first, type: 'signup' });
      assert.equal(old.error?.code, 'otp_expired');
    }
    const ok = await c.auth.verifyOtp({ email: 'resend@example.com', token: second, type: 'signup' });
    assert.equal(ok.error, null, 'verified within its lifetime');
  });
});

describe('auth one-time codes without SMTP: development mailbox', () => {
  let srv;
  before(async () => {
    srv = await startServer({ env: { BASALT_RATE_LIMITS_ENABLED: 'false' } });
  });
  after(async () => {
    if (srv) await srv.stop();
  });

  test('sign-up is confirmed at once; codes land in `basalt mail list` and verify', async () => {
    const c = createClient(srv.url, srv.anonKey, clientOptions);
    const up = await c.auth.signUp({ email: 'dev@example.com', password: 'password1' });
    assert.equal(up.error, null);
    assert.ok(up.data.session?.access_token, 'confirmed at once: a session');
    assert.ok(up.data.user.email_confirmed_at);

    assert.equal((await c.auth.signInWithOtp({ email: 'dev@example.com' })).error, null);
    const list = () => JSON.parse(runCli(['mail', 'list', '--json'], { dataDir: srv.dataDir }));
    await waitFor(() => list().some((m) => m.to === 'dev@example.com' && m.status === 'captured'), {
      what: 'a captured mail',
      intervalMs: 300,
    });
    const mail = list().find((m) => m.to === 'dev@example.com');
    assert.equal(mail.channel, 'email');
    const code = codeIn(mail.text);
    assert.match(code, /^\d{6}$/);
    const v = await c.auth.verifyOtp({ email: 'dev@example.com', token: code, type: 'email' });
    assert.equal(v.error, null);
    assert.equal(v.data.user.email, 'dev@example.com');
  });
});
