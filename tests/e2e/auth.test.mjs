// Auth end to end: the real binary driven by the unmodified @supabase/supabase-js client
// (sign-up, password sign-in by email and phone, users, refresh rotation and reuse
// detection, sign-out, anonymous users, the admin API), plus raw HTTP for what the client
// does not cover (malformed and oversized bodies, forged/expired JWTs).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startServer, makeDataDir } from './helpers/server.mjs';

// Node 20 has no global WebSocket; supabase-js's realtime client needs one to be constructed.
const clientOptions = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  realtime: { transport: WebSocket },
};

function b64url(s) {
  return Buffer.from(s).toString('base64url');
}
function signHs256(claims, secret) {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}
function decode(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

describe('auth (supabase-js)', () => {
  let srv;
  const client = () => createClient(srv.url, srv.anonKey, clientOptions);
  const admin = () => createClient(srv.url, srv.serviceKey, clientOptions);

  before(async () => {
    srv = await startServer({
      env: {
        BASALT_RATE_LIMITS_ENABLED: 'false',
        BASALT_AUTH_ANONYMOUS_ENABLED: 'true',
        // No grace window: reusing a rotated refresh token is always treated as theft.
        BASALT_AUTH_REFRESH_TOKEN_REUSE_INTERVAL_SECONDS: '0',
      },
    });
  });
  after(async () => {
    if (srv) await srv.stop();
  });

  test('signUp with email returns a session and user', async () => {
    const { data, error } = await client().auth.signUp({
      email: 'Ada@Example.com',
      password: 'password1',
      options: { data: { name: 'Ada' } },
    });
    assert.equal(error, null);
    assert.ok(data.session?.access_token);
    assert.ok(data.session.refresh_token);
    assert.equal(data.user.email, 'ada@example.com');
    assert.equal(data.user.user_metadata.name, 'Ada');
    assert.equal(data.user.app_metadata.provider, 'email');
    const claims = decode(data.session.access_token);
    assert.equal(claims.sub, data.user.id);
    assert.equal(claims.role, 'authenticated');
    assert.equal(claims.aud, 'authenticated');
    assert.equal(claims.aal, 'aal1');
    assert.ok(claims.session_id);
    assert.equal(claims.is_anonymous, false);
  });

  test('signUp twice is user_already_exists', async () => {
    const { error } = await client().auth.signUp({ email: 'ada@example.com', password: 'password1' });
    assert.equal(error?.code, 'user_already_exists');
    assert.equal(error?.status, 422);
  });

  test('weak passwords are refused with reasons', async () => {
    const { error } = await client().auth.signUp({ email: 'weak@example.com', password: '123' });
    assert.equal(error?.code, 'weak_password');
    assert.deepEqual(error?.reasons, ['length']);
  });

  test('signInWithPassword by email, wrong password, unknown account', async () => {
    const ok = await client().auth.signInWithPassword({ email: 'ada@example.com', password: 'password1' });
    assert.equal(ok.error, null);
    assert.equal(ok.data.user.email, 'ada@example.com');
    assert.ok(ok.data.session.access_token);

    const wrong = await client().auth.signInWithPassword({ email: 'ada@example.com', password: 'wrong-password' });
    assert.equal(wrong.error?.code, 'invalid_credentials');
    assert.equal(wrong.error?.status, 400);
    assert.equal(wrong.error?.message, 'Invalid login credentials');
    const unknown = await client().auth.signInWithPassword({ email: 'nobody@example.com', password: 'wrong-password' });
    assert.equal(unknown.error?.code, wrong.error.code);
    assert.equal(unknown.error?.message, wrong.error.message);
  });

  test('signUp and signInWithPassword by phone', async () => {
    const up = await client().auth.signUp({ phone: '+15550102030', password: 'password2' });
    assert.equal(up.error, null);
    assert.equal(up.data.user.phone, '15550102030');
    const { data, error } = await client().auth.signInWithPassword({ phone: '+15550102030', password: 'password2' });
    assert.equal(error, null);
    assert.equal(decode(data.session.access_token).phone, '15550102030');
  });

  test('getUser and updateUser', async () => {
    const c = client();
    await c.auth.signInWithPassword({ email: 'ada@example.com', password: 'password1' });
    const me = await c.auth.getUser();
    assert.equal(me.error, null);
    assert.equal(me.data.user.email, 'ada@example.com');
    const upd = await c.auth.updateUser({ data: { name: 'Ada L', plan: 'pro' } });
    assert.equal(upd.error, null);
    assert.deepEqual(upd.data.user.user_metadata, { name: 'Ada L', plan: 'pro' });
    const pw = await c.auth.updateUser({ password: 'password3' });
    assert.equal(pw.error, null);
    const again = await client().auth.signInWithPassword({ email: 'ada@example.com', password: 'password3' });
    assert.equal(again.error, null);
    const same = await c.auth.updateUser({ password: 'password3' });
    assert.equal(same.error?.code, 'same_password');
  });

  test('refreshSession rotates; reusing the old refresh token revokes the session', async () => {
    const c = client();
    const signed = await c.auth.signInWithPassword({ email: 'ada@example.com', password: 'password3' });
    const old = signed.data.session.refresh_token;
    const fresh = await c.auth.refreshSession();
    assert.equal(fresh.error, null);
    assert.notEqual(fresh.data.session.refresh_token, old);
    assert.equal(decode(fresh.data.session.access_token).session_id, decode(signed.data.session.access_token).session_id);

    const thief = client();
    const reuse = await thief.auth.refreshSession({ refresh_token: old });
    assert.equal(reuse.error?.code, 'refresh_token_already_used');
    // The session is gone for the legitimate holder too: the server answers 403
    // session_not_found, which supabase-js turns into AuthSessionMissingError.
    const me = await client().auth.getUser(fresh.data.session.access_token);
    assert.equal(me.error?.name, 'AuthSessionMissingError');
    const next = await client().auth.refreshSession({ refresh_token: fresh.data.session.refresh_token });
    assert.equal(next.error?.code, 'refresh_token_not_found');
  });

  test('signOut ends the session', async () => {
    const c = client();
    const { data } = await c.auth.signInWithPassword({ email: 'ada@example.com', password: 'password3' });
    const { error } = await c.auth.signOut();
    assert.equal(error, null);
    const me = await client().auth.getUser(data.session.access_token);
    assert.equal(me.error?.name, 'AuthSessionMissingError');
    const r = await client().auth.refreshSession({ refresh_token: data.session.refresh_token });
    assert.ok(r.error);
  });

  test('signInAnonymously', async () => {
    const { data, error } = await client().auth.signInAnonymously({ options: { data: { theme: 'dark' } } });
    assert.equal(error, null);
    assert.equal(data.user.is_anonymous, true);
    assert.equal(data.user.user_metadata.theme, 'dark');
    const claims = decode(data.session.access_token);
    assert.equal(claims.is_anonymous, true);
    assert.equal(claims.role, 'authenticated');
  });

  test('admin createUser, listUsers, getUserById, updateUserById, deleteUser', async () => {
    const a = admin().auth.admin;
    const created = await a.createUser({ email: 'made@example.com', password: 'password1', email_confirm: true, user_metadata: { a: 1 } });
    assert.equal(created.error, null);
    const id = created.data.user.id;
    const login = await client().auth.signInWithPassword({ email: 'made@example.com', password: 'password1' });
    assert.equal(login.error, null);

    const noPassword = await a.createUser({ email: 'invited@example.com' });
    assert.equal(noPassword.error, null);
    assert.equal(noPassword.data.user.email_confirmed_at ?? null, null);

    const list = await a.listUsers({ page: 1, perPage: 2 });
    assert.equal(list.error, null);
    assert.equal(list.data.users.length, 2);
    assert.ok(list.data.total >= 4);
    assert.equal(list.data.nextPage, 2);

    const got = await a.getUserById(id);
    assert.equal(got.error, null);
    assert.equal(got.data.user.email, 'made@example.com');

    const upd = await a.updateUserById(id, { user_metadata: { b: 2 }, ban_duration: '24h' });
    assert.equal(upd.error, null);
    assert.deepEqual(upd.data.user.user_metadata, { a: 1, b: 2 });
    assert.ok(upd.data.user.banned_until);
    const banned = await client().auth.signInWithPassword({ email: 'made@example.com', password: 'password1' });
    assert.equal(banned.error?.code, 'user_banned');

    const del = await a.deleteUser(id);
    assert.equal(del.error, null);
    const gone = await a.getUserById(id);
    assert.equal(gone.error?.status, 404);
  });

  test('admin API refused with the anon key', async () => {
    const c = createClient(srv.url, srv.anonKey, clientOptions);
    const list = await c.auth.admin.listUsers();
    assert.equal(list.error?.status, 403);
    assert.equal(list.error?.code, 'not_admin');
    const create = await c.auth.admin.createUser({ email: 'x@example.com' });
    assert.equal(create.error?.status, 403);
  });
});

describe('auth (raw HTTP)', () => {
  let srv;
  let secret;
  const headers = () => ({ apikey: srv.anonKey, Authorization: `Bearer ${srv.anonKey}`, 'Content-Type': 'application/json' });

  before(async () => {
    srv = await startServer({ env: { BASALT_RATE_LIMITS_ENABLED: 'false' } });
    secret = srv.keys.jwt_secret;
  });
  after(async () => {
    if (srv) await srv.stop();
  });

  test('responses carry X-Supabase-Api-Version and both error shapes', async () => {
    const r = await fetch(`${srv.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ email: 'nobody@example.com', password: 'x' }),
    });
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('x-supabase-api-version'), '2024-01-01');
    const body = await r.json();
    assert.equal(body.code, 'invalid_credentials');
    assert.equal(body.error_code, 'invalid_credentials');
    assert.equal(body.msg, body.message);
  });

  test('malformed JSON is a 400 JSON error', async () => {
    const r = await fetch(`${srv.url}/auth/v1/signup`, { method: 'POST', headers: headers(), body: '{"email":' });
    assert.equal(r.status, 400);
    assert.match(r.headers.get('content-type'), /application\/json/);
    assert.equal((await r.json()).code, 'bad_json');
  });

  test('oversized bodies are refused with 413', async () => {
    const big = JSON.stringify({ email: 'big@example.com', password: 'password1', data: { blob: 'x'.repeat(400 * 1024) } });
    const r = await fetch(`${srv.url}/auth/v1/signup`, { method: 'POST', headers: headers(), body: big });
    assert.equal(r.status, 413);
    assert.match(r.headers.get('content-type'), /application\/json/);
  });

  test('tampered, alg=none and expired JWTs are 401', async () => {
    const su = await fetch(`${srv.url}/auth/v1/signup`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ email: 'jwt@example.com', password: 'password1' }),
    });
    const session = await su.json();
    const good = session.access_token;
    const ok = await fetch(`${srv.url}/auth/v1/user`, { headers: { apikey: srv.anonKey, Authorization: `Bearer ${good}` } });
    assert.equal(ok.status, 200);

    const claims = decode(good);
    const [h, , s] = good.split('.');
    const tampered = `${h}.${b64url(JSON.stringify({ ...claims, role: 'service_role' }))}.${s}`;
    const none = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.`;
    const expired = signHs256({ ...claims, exp: Math.floor(Date.now() / 1000) - 3600 }, secret);
    const wrongKey = signHs256(claims, 'another-secret-another-secret-another-secret');
    for (const [name, token] of Object.entries({ tampered, none, expired, wrongKey })) {
      const r = await fetch(`${srv.url}/auth/v1/user`, { headers: { apikey: srv.anonKey, Authorization: `Bearer ${token}` } });
      assert.equal(r.status, 401, name);
      assert.match(r.headers.get('content-type'), /application\/json/, name);
    }
  });

  test('a still-valid token of a signed-out session is 403 session_not_found', async () => {
    const su = await fetch(`${srv.url}/auth/v1/signup`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ email: 'gone@example.com', password: 'password1' }),
    });
    const { access_token: token } = await su.json();
    const auth = { apikey: srv.anonKey, Authorization: `Bearer ${token}` };
    const out = await fetch(`${srv.url}/auth/v1/logout?scope=local`, { method: 'POST', headers: auth });
    assert.equal(out.status, 204);
    const r = await fetch(`${srv.url}/auth/v1/user`, { headers: auth });
    assert.equal(r.status, 403);
    assert.equal((await r.json()).code, 'session_not_found');
  });

  test('settings, health and JWKS', async () => {
    const s = await (await fetch(`${srv.url}/auth/v1/settings`, { headers: headers() })).json();
    assert.equal(s.external.email, true);
    assert.equal(s.disable_signup, false);
    const h = await (await fetch(`${srv.url}/auth/v1/health`)).json();
    assert.equal(h.name, 'GoTrue');
    const j = await (await fetch(`${srv.url}/auth/v1/.well-known/jwks.json`)).json();
    assert.deepEqual(j, { keys: [] });
  });
});

describe('auth (ES256 access tokens + JWKS)', () => {
  let srv;
  before(async () => {
    const dir = makeDataDir();
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = path.join(dir, 'jwt-es256.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    srv = await startServer({
      dataDir: dir,
      env: {
        BASALT_RATE_LIMITS_ENABLED: 'false',
        BASALT_AUTH_JWT_ALGORITHM: 'ES256',
        BASALT_AUTH_JWT_PRIVATE_KEY_FILE: keyFile,
      },
    });
  });
  after(async () => {
    if (srv) await srv.stop();
  });

  test('getClaims verifies the ES256 token against the served JWKS', async () => {
    const seen = [];
    const c = createClient(srv.url, srv.anonKey, {
      ...clientOptions,
      global: { fetch: (u, o) => (seen.push(String(u)), fetch(u, o)) },
    });
    const { data, error } = await c.auth.signUp({ email: 'es@example.com', password: 'password1' });
    assert.equal(error, null);
    const header = JSON.parse(Buffer.from(data.session.access_token.split('.')[0], 'base64url').toString());
    assert.equal(header.alg, 'ES256');
    assert.ok(header.kid);
    const jwks = await (await fetch(`${srv.url}/auth/v1/.well-known/jwks.json`)).json();
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0].kid, header.kid);
    assert.equal(jwks.keys[0].d, undefined);

    seen.length = 0;
    const claims = await c.auth.getClaims();
    assert.equal(claims.error, null);
    assert.equal(claims.data.claims.email, 'es@example.com');
    assert.ok(seen.some((u) => u.endsWith('/auth/v1/.well-known/jwks.json')));
    assert.ok(!seen.some((u) => u.endsWith('/auth/v1/user')));

    // The same token works for the server's own endpoints, and the API keys stay HS256.
    const me = await c.auth.getUser();
    assert.equal(me.error, null);
    const admin = createClient(srv.url, srv.serviceKey, clientOptions);
    const list = await admin.auth.admin.listUsers();
    assert.equal(list.error, null);
  });
});
