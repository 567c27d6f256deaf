// Foundation end to end: the real binary on a temp data dir: health/ready/metrics, CORS,
// 404/413/429 JSON errors, auth context 401s, WebSocket echo, CLI, graceful SIGTERM.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import WebSocket from 'ws';
import { startServer, runCli, makeDataDir, postgresProcessesFor, waitFor } from './helpers/server.mjs';

describe('foundation', () => {
  let srv;
  before(async () => {
    srv = await startServer({
      env: { BASALT_RATE_LIMITS_IP_PER_SECOND: '5', BASALT_RATE_LIMITS_IP_BURST: '40' },
    });
  });
  after(async () => {
    if (srv) await srv.stop();
  });

  test('GET /health is 200 JSON with the version', async () => {
    const r = await fetch(`${srv.url}/health`);
    assert.equal(r.status, 200);
    const body = await r.json();
    assert.equal(body.status, 'ok');
    assert.match(body.version, /^\d+\.\d+\.\d+/);
    assert.ok(r.headers.get('x-request-id'));
  });

  test('GET /ready is 200 when the database answers', async () => {
    const r = await fetch(`${srv.url}/ready`);
    assert.equal(r.status, 200);
  });

  test('X-Request-Id is echoed', async () => {
    const r = await fetch(`${srv.url}/health`, { headers: { 'X-Request-Id': 'abc-123' } });
    assert.equal(r.headers.get('x-request-id'), 'abc-123');
  });

  test('GET /metrics is Prometheus text', async () => {
    await fetch(`${srv.url}/health`);
    const r = await fetch(`${srv.url}/metrics`);
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.match(text, /http_requests_total\{/);
    assert.match(text, /http_request_duration_seconds_bucket/);
    assert.match(text, /pg_up 1/);
    assert.match(text, /db_pool_connections/);
  });

  test('CORS preflight answers with allowed methods and headers', async () => {
    const r = await fetch(`${srv.url}/rest/v1/todos`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://example.test',
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers': 'authorization,apikey,content-type,prefer',
      },
    });
    assert.ok(r.status === 204 || r.status === 200, `status ${r.status}`);
    assert.ok(r.headers.get('access-control-allow-origin'));
    assert.match(r.headers.get('access-control-allow-methods'), /PATCH/);
    assert.match(r.headers.get('access-control-allow-headers').toLowerCase(), /apikey/);
  });

  test('unknown route is 404 JSON', async () => {
    const r = await fetch(`${srv.url}/nope/nothing`);
    assert.equal(r.status, 404);
    const body = await r.json();
    assert.ok(body.code);
    assert.ok(body.message);
  });

  test('oversized body is 413 JSON', async () => {
    const big = 'x'.repeat(11 * 1024 * 1024);
    const r = await fetch(`${srv.url}/health`, { method: 'POST', body: big, headers: { 'Content-Type': 'text/plain' } });
    assert.equal(r.status, 413);
    const body = await r.json();
    assert.ok(body.message);
  });

  test('tampered, alg=none and expired tokens are 401 JSON', async () => {
    const anon = srv.anonKey;
    const [h, p] = anon.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ role: 'service_role', iss: 'basalt' })).toString('base64url');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    for (const token of [`${h}.${forgedPayload}.${anon.split('.')[2]}`, `${none}.${p}.`, 'not-a-jwt']) {
      const r = await fetch(`${srv.url}/health`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(r.status, 401, `token ${token.slice(0, 20)}…`);
      const body = await r.json();
      assert.ok(body.message);
    }
  });

  test('WebSocket echo through the router', async () => {
    const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/ws/echo`);
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    const got = new Promise((resolve) => ws.on('message', (m) => resolve(m.toString())));
    ws.send('hello basalt');
    assert.equal(await got, 'hello basalt');
    ws.close();
  });

  test('rate limit answers 429 with Retry-After (runs last: exhausts this IP)', async () => {
    let limited;
    for (let i = 0; i < 200 && !limited; i++) {
      const r = await fetch(`${srv.url}/nope`);
      if (r.status === 429) limited = r;
      else await r.arrayBuffer();
    }
    assert.ok(limited, 'no 429 after 200 requests');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.ok(limited.headers.get('ratelimit-limit'));
    const body = await limited.json();
    assert.ok(body.code);
  });
});

describe('lifecycle and CLI', () => {
  test('SIGTERM exits 0 and leaves no PostgreSQL behind; restart on the same data dir works', async () => {
    const dir = makeDataDir();
    const first = await startServer({ dataDir: dir });
    assert.ok(postgresProcessesFor(dir).length > 0, 'managed postgres should run');
    const { code } = await first.stop();
    assert.equal(code, 0);
    await waitFor(() => postgresProcessesFor(dir).length === 0, { what: 'postgres to exit' });
    const mode = statSync(path.join(dir, 'jwt_secret')).mode & 0o777;
    assert.equal(mode, 0o600);
    const second = await startServer({ dataDir: dir });
    assert.equal(second.anonKey, first.anonKey, 'keys survive restarts');
    assert.equal((await second.stop()).code, 0);
  });

  test('recovers from a stale postmaster.pid after a crash', async () => {
    const dir = makeDataDir();
    const srv = await startServer({ dataDir: dir });
    // Simulate a crash: kill basalt and postgres hard, leaving postmaster.pid behind.
    const pidFile = path.join(dir, 'pg', 'postmaster.pid');
    const pidContent = readFileSync(pidFile, 'utf8');
    srv.child.kill('SIGKILL');
    await srv.exited;
    for (const line of postgresProcessesFor(dir)) {
      const pid = Number(line.split(' ')[0]);
      try { execFileSync('pkill', ['-KILL', '-P', String(pid)]); } catch {}
      try { process.kill(pid, 'SIGKILL'); } catch {}
    }
    await waitFor(() => postgresProcessesFor(dir).length === 0, { what: 'postgres killed' });
    // A parent-death signal may have let PostgreSQL exit cleanly; put the crash's pid file back.
    if (!existsSync(pidFile)) writeFileSync(pidFile, pidContent);
    const again = await startServer({ dataDir: dir });
    assert.equal((await fetch(`${again.url}/ready`)).status, 200);
    assert.equal((await again.stop()).code, 0);
  });

  test('basalt keys --json prints anon/service_role JWTs and the secret', () => {
    const dir = makeDataDir();
    const keys = JSON.parse(runCli(['keys', '--json'], { dataDir: dir }));
    for (const role of ['anon', 'service_role']) {
      const claims = JSON.parse(Buffer.from(keys[role].split('.')[1], 'base64url').toString());
      assert.equal(claims.role, role);
      assert.ok(claims.exp > Date.now() / 1000 + 5 * 365 * 24 * 3600);
      assert.ok(claims.iss);
      assert.ok(claims.iat);
    }
    assert.ok(keys.jwt_secret.length >= 32);
  });

  test('config check validates, masks secrets, and names bad keys', () => {
    const dir = makeDataDir();
    const out = runCli(['config', 'check'], { dataDir: dir, env: { BASALT_AUTH_JWT_SECRET: 's'.repeat(40) } });
    assert.match(out, /server\.port: 8080/);
    assert.doesNotMatch(out, /ssssssssssssssssssss/);
    assert.throws(
      () => runCli(['config', 'check'], { dataDir: dir, env: { BASALT_SERVER_PORT: 'abc' } }),
      (e) => /server\.port: must be 1\.\.65535, got "abc"/.test(e.stderr),
    );
    assert.throws(
      () => runCli(['config', 'check'], { dataDir: dir, env: { BASALT_NOT_A_KEY: '1' } }),
      (e) => /BASALT_NOT_A_KEY/.test(e.stderr),
    );
    const cfg = path.join(dir, 'custom.yaml');
    writeFileSync(cfg, 'server:\n  port: 9123\n');
    assert.match(runCli(['config', 'check', '--config', cfg], { dataDir: dir }), /server\.port: 9123/);
  });

  test('version and --help on every subcommand', () => {
    assert.match(runCli(['version']), /basalt \d+\.\d+\.\d+/);
    for (const sub of [['serve'], ['config', 'check'], ['keys'], ['db', 'url'], ['version'], ['migrate', 'up']]) {
      const out = runCli([...sub, '--help']);
      assert.match(out, /--data-dir/, `${sub.join(' ')} --help`);
      assert.match(out, /--config/, `${sub.join(' ')} --help`);
    }
  });
});
