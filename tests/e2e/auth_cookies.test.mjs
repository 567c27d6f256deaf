// Auth cookie mode end to end (auth.cookies.enabled): token responses set HttpOnly session
// cookies and a readable CSRF cookie; cookie-authenticated unsafe requests need the CSRF
// header (double submit); refresh and logout work through cookies; bearer clients keep working.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers/server.mjs';

// name -> value from Set-Cookie headers, as a browser keeps them.
function jar(response, previous = {}) {
  const out = { ...previous };
  for (const c of response.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (value === '') delete out[name];
    else out[name] = value;
  }
  return out;
}
const cookieHeader = (j) => Object.entries(j).map(([k, v]) => `${k}=${v}`).join('; ');

describe('auth cookie mode', () => {
  let srv;
  let cookies = {};
  const base = () => ({ apikey: srv.anonKey, 'Content-Type': 'application/json' });

  before(async () => {
    srv = await startServer({
      env: {
        BASALT_RATE_LIMITS_ENABLED: 'false',
        BASALT_AUTH_COOKIES_ENABLED: 'true',
        BASALT_AUTH_COOKIES_SECURE: 'false',
        BASALT_AUTH_COOKIES_SAME_SITE: 'Strict',
      },
    });
    const su = await fetch(`${srv.url}/auth/v1/signup`, {
      method: 'POST',
      headers: { ...base(), Authorization: `Bearer ${srv.anonKey}` },
      body: JSON.stringify({ email: 'cookie@example.com', password: 'password1' }),
    });
    assert.equal(su.status, 200);
  });
  after(async () => {
    if (srv) await srv.stop();
  });

  test('sign-in sets HttpOnly session cookies and a readable CSRF cookie', async () => {
    const r = await fetch(`${srv.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { ...base(), Authorization: `Bearer ${srv.anonKey}` },
      body: JSON.stringify({ email: 'cookie@example.com', password: 'password1' }),
    });
    assert.equal(r.status, 200);
    const set = r.headers.getSetCookie();
    assert.equal(set.length, 3);
    const byName = Object.fromEntries(set.map((c) => [c.split('=')[0], c]));
    assert.match(byName['basalt-access-token'], /HttpOnly/);
    assert.match(byName['basalt-refresh-token'], /HttpOnly/);
    assert.doesNotMatch(byName['basalt-csrf-token'], /HttpOnly/);
    for (const c of set) assert.match(c, /SameSite=Strict/);
    const body = await r.json();
    cookies = jar(r);
    assert.equal(cookies['basalt-access-token'], body.access_token); // the JSON body still has the session
  });

  test('cookie alone authenticates reads', async () => {
    const r = await fetch(`${srv.url}/auth/v1/user`, {
      headers: { ...base(), Authorization: `Bearer ${srv.anonKey}`, Cookie: cookieHeader(cookies) },
    });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).email, 'cookie@example.com');
  });

  test('cookie-authenticated writes need the CSRF header', async () => {
    const body = JSON.stringify({ data: { theme: 'dark' } });
    const without = await fetch(`${srv.url}/auth/v1/user`, {
      method: 'PUT',
      headers: { ...base(), Cookie: cookieHeader(cookies) },
      body,
    });
    assert.equal(without.status, 403);
    assert.equal((await without.json()).code, 'csrf_failed');
    const wrong = await fetch(`${srv.url}/auth/v1/user`, {
      method: 'PUT',
      headers: { ...base(), Cookie: cookieHeader(cookies), 'X-CSRF-Token': 'forged' },
      body,
    });
    assert.equal(wrong.status, 403);
    const ok = await fetch(`${srv.url}/auth/v1/user`, {
      method: 'PUT',
      headers: { ...base(), Cookie: cookieHeader(cookies), 'X-CSRF-Token': cookies['basalt-csrf-token'] },
      body,
    });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).user_metadata.theme, 'dark');
  });

  test('refresh through the cookie rotates the session and the CSRF token', async () => {
    const refused = await fetch(`${srv.url}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { ...base(), Cookie: cookieHeader(cookies) },
    });
    assert.equal(refused.status, 403);
    const r = await fetch(`${srv.url}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { ...base(), Cookie: cookieHeader(cookies), 'X-CSRF-Token': cookies['basalt-csrf-token'] },
    });
    assert.equal(r.status, 200);
    const next = jar(r, cookies);
    assert.notEqual(next['basalt-refresh-token'], cookies['basalt-refresh-token']);
    assert.notEqual(next['basalt-csrf-token'], cookies['basalt-csrf-token']);
    // The old CSRF token no longer matches the new cookie.
    const stale = await fetch(`${srv.url}/auth/v1/user`, {
      method: 'PUT',
      headers: { ...base(), Cookie: cookieHeader(next), 'X-CSRF-Token': cookies['basalt-csrf-token'] },
      body: '{}',
    });
    assert.equal(stale.status, 403);
    cookies = next;
  });

  test('bearer clients need no CSRF header in cookie mode', async () => {
    const r = await fetch(`${srv.url}/auth/v1/user`, {
      method: 'PUT',
      headers: { ...base(), Authorization: `Bearer ${cookies['basalt-access-token']}` },
      body: JSON.stringify({ data: { via: 'bearer' } }),
    });
    assert.equal(r.status, 200);
  });

  test('logout through cookies clears them and ends the session', async () => {
    const r = await fetch(`${srv.url}/auth/v1/logout`, {
      method: 'POST',
      headers: { ...base(), Cookie: cookieHeader(cookies), 'X-CSRF-Token': cookies['basalt-csrf-token'] },
    });
    assert.equal(r.status, 204);
    for (const c of r.headers.getSetCookie()) assert.match(c, /Max-Age=0/);
    assert.deepEqual(jar(r, cookies), {});
    const me = await fetch(`${srv.url}/auth/v1/user`, {
      headers: { ...base(), Authorization: `Bearer ${cookies['basalt-access-token']}` },
    });
    assert.equal(me.status, 403);
  });
});
