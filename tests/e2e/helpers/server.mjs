// Starts the real basalt binary on a temp data dir and a free port, for one test file.
// Usage:
//   const srv = await startServer({ env: { BASALT_RATE_LIMITS_ENABLED: 'false' } });
//   const res = await fetch(`${srv.url}/health`);
//   await srv.stop();           // SIGTERM, waits for exit, returns the exit code
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.E2E_BASALT_BIN || path.resolve(here, '../../../build/basalt');

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Environment for the child: nothing BASALT_* from our own environment leaks in.
function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BASALT_')) env[k] = v;
  return { ...env, ...extra };
}

export function makeDataDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'basalt-e2e-'));
  chmodSync(dir, 0o755); // the managed cluster runs as `postgres` when we are root
  return dir;
}

export function runCli(args, { dataDir, env = {}, cwd } = {}) {
  const full = dataDir ? [...args, '--data-dir', dataDir] : args;
  return execFileSync(BIN, full, { env: childEnv(env), cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function waitFor(fn, { timeoutMs = 20000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

export async function startServer({ env = {}, dataDir, keepDataDir = false, args = [], cwd } = {}) {
  const dir = dataDir ?? makeDataDir();
  const port = await freePort();
  const fullEnv = {
    BASALT_SERVER_PORT: String(port),
    BASALT_LOG_LEVEL: 'warn',
    ...env,
  };
  const child = spawn(BIN, ['serve', '--data-dir', dir, ...args], {
    env: childEnv(fullEnv),
    cwd: cwd ?? dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  let dead = false;
  exited.then(() => (dead = true));
  await waitFor(
    async () => {
      if (dead) throw new Error(`basalt exited early:\n${output}`);
      const r = await fetch(`${url}/ready`);
      return r.status === 200;
    },
    { timeoutMs: 60000, what: `basalt /ready on ${url}` },
  ).catch((e) => {
    child.kill('SIGKILL');
    throw new Error(`${e.message}\n--- server output ---\n${output}`);
  });
  const keys = JSON.parse(runCli(['keys', '--json'], { dataDir: dir, env }));
  return {
    url,
    port,
    dataDir: dir,
    keys,
    anonKey: keys.anon,
    serviceKey: keys.service_role,
    child,
    output: () => output,
    exited,
    async stop({ signal = 'SIGTERM', timeoutMs = 30000 } = {}) {
      if (!dead) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      if (!keepDataDir && !dataDir) rmSync(dir, { recursive: true, force: true });
      return result;
    },
    // SQL as the managed superuser, through psql on the cluster's socket.
    psql(sql) {
      const conn = runCli(['db', 'url'], { dataDir: dir, env }).trim();
      return execFileSync('psql', [conn, '-v', 'ON_ERROR_STOP=1', '-qAtX', '-c', sql], { encoding: 'utf8' });
    },
  };
}

// postmaster processes whose command line mentions a directory (leak check after SIGTERM).
export function postgresProcessesFor(dir) {
  try {
    const out = execFileSync('pgrep', ['-af', 'postgres'], { encoding: 'utf8' });
    return out.split('\n').filter((l) => l.includes(dir));
  } catch {
    return [];
  }
}

export function readJsonFile(p) {
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : null;
}
