// `basalt migrate` end to end through the real binary: new/up/status/history/down against the
// managed cluster with and without `serve` running, serve's auto-apply, clear failures.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startServer, runCli, makeDataDir } from './helpers/server.mjs';

// Runs `basalt migrate ...` in dir (the project root, also the data dir); returns
// { code, stdout, stderr } instead of throwing on a non-zero exit.
function migrate(dir, args) {
  try {
    const stdout = runCli(['migrate', ...args], { dataDir: dir, cwd: dir });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    if (typeof e.status !== 'number') throw e;
    return { code: e.status, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('basalt migrate', () => {
  const dirs = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('new, up, status, history, down without serve running', () => {
    const dir = makeDataDir();
    dirs.push(dir);
    const created = migrate(dir, ['new', 'create todos']);
    assert.equal(created.code, 0, created.stderr);
    const [up, down] = created.stdout.trim().split('\n');
    assert.match(up, /^migrations\/\d{14}_create_todos\.up\.sql$/);
    assert.match(down, /^migrations\/\d{14}_create_todos\.down\.sql$/);
    appendFileSync(path.join(dir, up), 'create table todos (id serial primary key, task text);\n');
    appendFileSync(path.join(dir, down), 'drop table todos;\n');
    const version = path.basename(up).slice(0, 14);

    const dry = migrate(dir, ['up', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /dry run: nothing is changed/);
    assert.match(dry.stdout, new RegExp(`would apply ${version}_create_todos`));

    const applied = migrate(dir, ['up']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /applied system migration 0001_roles_and_schemas/);
    assert.match(applied.stdout, new RegExp(`applied ${version}_create_todos \\(\\d+ ms\\)`));
    assert.match(migrate(dir, ['up']).stdout, /nothing to apply/);

    const status = migrate(dir, ['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /VERSION\s+NAME\s+STATE\s+APPLIED AT/);
    assert.match(status.stdout, new RegExp(`${version}\\s+create_todos\\s+applied`));
    assert.match(status.stdout, /1 applied, 0 pending, 0 drifted, 0 missing/);

    const history = migrate(dir, ['history']);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, new RegExp(`${version}\\s+create_todos`));

    const reverted = migrate(dir, ['down']);
    assert.equal(reverted.code, 0, reverted.stderr);
    assert.match(reverted.stdout, new RegExp(`reverted ${version}_create_todos`));
    assert.match(migrate(dir, ['status']).stdout, /0 applied, 1 pending/);
  });

  test('serve applies pending migrations on start; migrate works while serve runs', async () => {
    const dir = makeDataDir();
    dirs.push(dir);
    mkdirSync(path.join(dir, 'migrations'));
    writeFileSync(
      path.join(dir, 'migrations', '20260101000000_notes.up.sql'),
      'create table notes (id int primary key, body text);\ninsert into notes values (1, \'hello\');\n',
    );
    writeFileSync(path.join(dir, 'migrations', '20260101000000_notes.down.sql'), 'drop table notes;\n');
    const srv = await startServer({ dataDir: dir, cwd: dir, keepDataDir: true });
    try {
      assert.equal(srv.psql('select body from notes').trim(), 'hello');
      assert.equal(srv.psql("select count(*) from pg_roles where rolname in ('anon','authenticated','service_role','authenticator')").trim(), '4');

      writeFileSync(path.join(dir, 'migrations', '20260102000000_tags.up.sql'), 'create table tags (id int);\n');
      const status = migrate(dir, ['status']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /20260102000000\s+tags\s+pending/);
      const up = migrate(dir, ['up']);
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /applied 20260102000000_tags/);
      assert.equal(srv.psql("select to_regclass('tags') is not null").trim(), 't');

      // No down file: refused clearly, nothing changes.
      const refused = migrate(dir, ['down']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /cannot roll back 20260102000000_tags: .*20260102000000_tags\.down\.sql does not exist/);
      assert.equal(srv.psql("select to_regclass('tags') is not null").trim(), 't');
    } finally {
      await srv.stop();
    }
  });

  test('a failing migration names file and line and leaves nothing behind', () => {
    const dir = makeDataDir();
    dirs.push(dir);
    mkdirSync(path.join(dir, 'migrations'));
    writeFileSync(
      path.join(dir, 'migrations', '20260101000000_bad.up.sql'),
      'create table half (id int);\n\nselect * from missing_table;\n',
    );
    const failed = migrate(dir, ['up']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /migrations\/20260101000000_bad\.up\.sql:3: ERROR: relation "missing_table" does not exist/);
    const status = migrate(dir, ['status']);
    assert.match(status.stdout, /0 applied, 1 pending/);

    writeFileSync(path.join(dir, 'migrations', '20260101000000_bad.up.sql'), 'create table half (id int);\n');
    assert.equal(migrate(dir, ['up']).code, 0);
    // Editing an applied file is drift: reported by name, blocks up until --allow-drift.
    writeFileSync(path.join(dir, 'migrations', '20260101000000_bad.up.sql'), 'create table half (id bigint);\n');
    writeFileSync(path.join(dir, 'migrations', '20260102000000_next.up.sql'), 'select 1;\n');
    const drift = migrate(dir, ['up']);
    assert.equal(drift.code, 1);
    assert.match(drift.stderr, /changed since they were applied: migrations\/20260101000000_bad\.up\.sql/);
    const allowed = migrate(dir, ['up', '--allow-drift']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /applied 20260102000000_next/);
  });

  test('a Supabase project folder applies unchanged', () => {
    const dir = makeDataDir();
    dirs.push(dir);
    const folder = path.join(dir, 'supabase', 'migrations');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      path.join(folder, '20240101000000_init.sql'),
      'create table profiles (id uuid primary key default uuid_generate_v4(), owner uuid default auth.uid());\n' +
        'alter table profiles enable row level security;\n' +
        'create policy "own" on profiles for select to authenticated using (auth.uid() = owner);\n',
    );
    const up = migrate(dir, ['up']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /applied 20240101000000_init/);
    assert.match(migrate(dir, ['status']).stdout, /supabase\/migrations/);
  });

  test('--help on every migrate subcommand', () => {
    for (const sub of ['new', 'up', 'down', 'status', 'history']) {
      const out = runCli(['migrate', sub, '--help']);
      assert.match(out, /--dir/, `migrate ${sub} --help`);
    }
    assert.match(runCli(['migrate', 'down', '--help']), /--to/);
    assert.match(runCli(['migrate', 'up', '--help']), /--dry-run/);
  });
});
