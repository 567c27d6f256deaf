// Admin-generated links and the PKCE flow end to end: the real binary, the unmodified
// supabase-js client and a real SMTP server. auth.admin.generateLink for every type, each
// result redeemed the three ways (action link followed by hand, email_otp, hashed_token), and
// nothing mailed; the anon key refused. PKCE: a flowType 'pkce' client with its own storage
// asks for a link, the mailed link redirects with ?code=, exchangeCodeForSession trades it
// (with the stored verifier) for a session; a wrong verifier and a reused code fail.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startServer, freePort, waitFor } from './helpers/server.mjs';
import { SmtpSink } from './helpers/sinks.mjs';

const clientOptions = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  realtime: { transport: WebSocket },
};

const fragmentOf = (url) => Object.fromEntries(new URLSearchParams(new URL(url).hash.slice(1)));
const linkIn = (text) => /(http:\/\/127\.0\.0\.1:\d+\/auth\/v1\/verify\?\S+)/.exec(text)?.[1];

// supabase-js storage (getItem/setItem/removeItem) kept in a Map the test can read and edit.
function memoryStorage() {
  const items = new Map();
  return {
    items,
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}

describe('auth.admin.generateLink and PKCE links (supabase-js)', () => {
  let srv, smtp, admin;
  before(async () => {
    const smtpPort = await freePort();
    smtp = new SmtpSink();
    await smtp.listen(smtpPort);
    srv = await startServer({
      env: {
        BASALT_RATE_LIMITS_ENABLED: 'false',
        ...smtp.env('auth@basalt.test'),
        BASALT_AUTH_SITE_URL: 'http://app.test',
        BASALT_AUTH_REDIRECT_URLS: 'http://localhost:3000/**',
      },
    });
    admin = createClient(srv.url, srv.serviceKey, clientOptions);
  });
  after(async () => {
    await srv?.stop();
    await smtp?.close().catch(() => {});
  });
  const client = () => createClient(srv.url, srv.anonKey, clientOptions);

  // Follows an action link like a browser would (no apikey) and returns the fragment's tokens.
  async function follow(link, expectedStart) {
    const res = await fetch(link, { redirect: 'manual' });
    assert.equal(res.status, 303);
    const location = res.headers.get('location');
    assert.ok(location.startsWith(expectedStart), location);
    return fragmentOf(location);
  }

  test('signup: creates the user with the password; the link confirms it and signs in', async () => {
    const { data, error } = await admin.auth.admin.generateLink({
      type: 'signup',
      email: 'gl-signup@example.com',
      password: 'password1',
      options: { data: { plan: 'pro' }, redirectTo: 'http://localhost:3000/welcome' },
    });
    assert.equal(error, null);
    assert.equal(data.user.email, 'gl-signup@example.com');
    assert.equal(data.user.user_metadata.plan, 'pro');
    assert.equal(data.user.email_confirmed_at ?? null, null);
    const p = data.properties;
    assert.equal(p.verification_type, 'signup');
    assert.equal(p.redirect_to, 'http://localhost:3000/welcome');
    assert.match(p.email_otp, /^\d{6}$/);
    assert.ok(p.action_link.startsWith(`${srv.url}/auth/v1/verify?token=${p.hashed_token}&type=signup&`), p.action_link);

    const early = await client().auth.signInWithPassword({ email: 'gl-signup@example.com', password: 'password1' });
    assert.equal(early.error?.code, 'email_not_confirmed');
    const f = await follow(p.action_link, 'http://localhost:3000/welcome#');
    assert.equal(f.type, 'signup');
    const c = client();
    const me = await c.auth.getUser(f.access_token);
    assert.equal(me.error, null);
    assert.equal(me.data.user.email, 'gl-signup@example.com');
    assert.ok(me.data.user.email_confirmed_at);
    const login = await c.auth.signInWithPassword({ email: 'gl-signup@example.com', password: 'password1' });
    assert.equal(login.error, null);

    const dup = await admin.auth.admin.generateLink({ type: 'signup', email: 'gl-signup@example.com', password: 'password1' });
    assert.equal(dup.error?.code, 'email_exists');
  });

  test('invite, magiclink and recovery: action link, email_otp and hashed_token each give a session', async () => {
    const inv = await admin.auth.admin.generateLink({ type: 'invite', email: 'gl-invite@example.com' });
    assert.equal(inv.error, null);
    assert.ok(inv.data.user.invited_at);
    const fi = await follow(inv.data.properties.action_link, 'http://app.test#');
    assert.equal(fi.type, 'invite');
    assert.equal((await client().auth.getUser(fi.access_token)).data.user.email, 'gl-invite@example.com');

    const ml = await admin.auth.admin.generateLink({ type: 'magiclink', email: 'gl-invite@example.com' });
    assert.equal(ml.error, null);
    assert.equal(ml.data.properties.verification_type, 'magiclink');
    const c = client();
    const v = await c.auth.verifyOtp({ email: 'gl-invite@example.com', token: ml.data.properties.email_otp, type: 'email' });
    assert.equal(v.error, null);
    assert.equal((await c.auth.getUser()).data.user.email, 'gl-invite@example.com');

    const rec = await admin.auth.admin.generateLink({
      type: 'recovery',
      email: 'gl-invite@example.com',
      options: { redirectTo: 'http://localhost:3000/reset' },
    });
    assert.equal(rec.error, null);
    assert.equal(rec.data.properties.redirect_to, 'http://localhost:3000/reset');
    const r = client();
    const byHash = await r.auth.verifyOtp({ token_hash: rec.data.properties.hashed_token, type: 'recovery' });
    assert.equal(byHash.error, null);
    assert.equal(byHash.data.user.email, 'gl-invite@example.com');
    const upd = await r.auth.updateUser({ password: 'after-recovery' });
    assert.equal(upd.error, null);
    const ok = await client().auth.signInWithPassword({ email: 'gl-invite@example.com', password: 'after-recovery' });
    assert.equal(ok.error, null);
    // Used once.
    const again = await client().auth.verifyOtp({ token_hash: rec.data.properties.hashed_token, type: 'recovery' });
    assert.equal(again.error?.code, 'otp_expired');

    const ghost = await admin.auth.admin.generateLink({ type: 'recovery', email: 'gl-ghost@example.com' });
    assert.equal(ghost.error?.status, 404);
    assert.equal(ghost.error?.code, 'user_not_found');
  });

  test('magiclink for a new address signs up (verification_type signup)', async () => {
    const { data, error } = await admin.auth.admin.generateLink({ type: 'magiclink', email: 'gl-fresh@example.com' });
    assert.equal(error, null);
    assert.equal(data.properties.verification_type, 'signup');
    const f = await follow(data.properties.action_link, 'http://app.test#');
    assert.equal((await client().auth.getUser(f.access_token)).data.user.email, 'gl-fresh@example.com');
  });

  test('email_change_current and email_change_new: the link applies the new address', async () => {
    await admin.auth.admin.createUser({ email: 'gl-old@example.com', email_confirm: true });
    const cur = await admin.auth.admin.generateLink({
      type: 'email_change_current',
      email: 'gl-old@example.com',
      newEmail: 'gl-mid@example.com',
    });
    assert.equal(cur.error, null);
    assert.equal(cur.data.user.new_email, 'gl-mid@example.com');
    assert.equal(cur.data.properties.verification_type, 'email_change_current');
    const f = await follow(cur.data.properties.action_link, 'http://app.test#');
    assert.equal(f.type, 'email_change');
    assert.equal((await client().auth.getUser(f.access_token)).data.user.email, 'gl-mid@example.com');

    const nw = await admin.auth.admin.generateLink({
      type: 'email_change_new',
      email: 'gl-mid@example.com',
      newEmail: 'gl-new@example.com',
    });
    assert.equal(nw.error, null);
    const c = client();
    const v = await c.auth.verifyOtp({ email: 'gl-new@example.com', token: nw.data.properties.email_otp, type: 'email_change' });
    assert.equal(v.error, null);
    assert.equal((await c.auth.getUser()).data.user.email, 'gl-new@example.com');
  });

  test('nothing was mailed, and the anon key is refused', async () => {
    const anon = await client().auth.admin.generateLink({ type: 'magiclink', email: 'gl-anon@example.com' });
    assert.equal(anon.error?.status, 403);
    assert.equal(anon.error?.code, 'not_admin');
    // Give the outbox sender a moment: had anything been queued it would have arrived.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(
      smtp.messages.map((m) => m.mail.to?.text).filter((to) => to.startsWith('gl-')),
      [],
    );
  });

  // A PKCE client: the verifier lives in `storage` under <storageKey>-code-verifier.
  const pkceClient = (storage) =>
    createClient(srv.url, srv.anonKey, {
      auth: {
        flowType: 'pkce',
        storage,
        storageKey: 'e2e',
        persistSession: true,
        autoRefreshToken: false,
        detectSessionInUrl: false,
      },
      realtime: { transport: WebSocket },
    });
  async function mailedLink(to, n = 1) {
    const mails = () => smtp.messages.filter((m) => m.mail.to?.text === to);
    await waitFor(() => mails().length >= n, { what: `mail #${n} to ${to}` });
    const link = linkIn(mails()[n - 1].mail.text);
    assert.ok(link, mails()[n - 1].mail.text);
    return link;
  }
  // Opens a mailed link like a browser and returns the ?code= it redirected with.
  async function codeFrom(link, expectedStart) {
    const res = await fetch(link, { redirect: 'manual' });
    assert.equal(res.status, 303);
    const location = res.headers.get('location');
    assert.ok(location.startsWith(expectedStart), location);
    assert.equal(new URL(location).hash, '', 'no tokens in the fragment');
    return new URL(location).searchParams.get('code');
  }

  test('PKCE: signInWithOtp, mailed link redirects with ?code=, exchangeCodeForSession; wrong verifier and reuse fail', async () => {
    const storage = memoryStorage();
    const c = pkceClient(storage);
    const sent = await c.auth.signInWithOtp({
      email: 'pkce@example.com',
      options: { emailRedirectTo: 'http://localhost:3000/callback' },
    });
    assert.equal(sent.error, null);
    const verifier = storage.getItem('e2e-code-verifier');
    assert.ok(verifier && verifier.length >= 43, String(verifier));
    const link = await mailedLink('pkce@example.com');
    assert.match(link, /token=pkce_/);
    const code = await codeFrom(link, 'http://localhost:3000/callback?code=');
    assert.ok(code);

    storage.setItem('e2e-code-verifier', JSON.stringify('x'.repeat(56)));  // supabase-js stores JSON
    const wrong = await c.auth.exchangeCodeForSession(code);
    assert.equal(wrong.error?.status, 400);
    assert.equal(wrong.error?.code, 'bad_code_verifier');

    storage.setItem('e2e-code-verifier', verifier);
    const { data, error } = await c.auth.exchangeCodeForSession(code);
    assert.equal(error, null);
    assert.equal(data.user.email, 'pkce@example.com');
    assert.ok(data.session.access_token && data.session.refresh_token);
    const me = await c.auth.getUser();
    assert.equal(me.error, null);
    assert.equal(me.data.user.email, 'pkce@example.com');

    storage.setItem('e2e-code-verifier', verifier);
    const reused = await pkceClient(storage).auth.exchangeCodeForSession(code);
    assert.equal(reused.error?.status, 404);
    assert.equal(reused.error?.code, 'flow_state_not_found');
  });

  test('PKCE: resetPasswordForEmail link, exchange reports a recovery, then a new password', async () => {
    const storage = memoryStorage();
    const c = pkceClient(storage);
    const up = await admin.auth.admin.createUser({ email: 'pkce-rec@example.com', password: 'password1', email_confirm: true });
    assert.equal(up.error, null);
    const sent = await c.auth.resetPasswordForEmail('pkce-rec@example.com', { redirectTo: 'http://localhost:3000/reset' });
    assert.equal(sent.error, null);
    const code = await codeFrom(await mailedLink('pkce-rec@example.com'), 'http://localhost:3000/reset?code=');
    const { data, error } = await c.auth.exchangeCodeForSession(code);
    assert.equal(error, null);
    assert.equal(data.redirectType, 'recovery');
    assert.equal((await c.auth.updateUser({ password: 'password2' })).error, null);
    const ok = await client().auth.signInWithPassword({ email: 'pkce-rec@example.com', password: 'password2' });
    assert.equal(ok.error, null);
  });
});
