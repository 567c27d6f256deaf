// REST end to end: the real binary with the unmodified @supabase/supabase-js client over the
// fixture schema (tests/fixtures/rest_schema.sql): every filter family, ordering, ranges and
// counts, single/maybeSingle, CSV, embedding (many-to-one, one-to-many, many-to-many),
// mutations with returning, upsert, RPC, errors, RLS per user (also under many concurrent reads),
// and the schema cache reload.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startServer, waitFor } from './helpers/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name) => readFileSync(path.resolve(here, '../fixtures', name), 'utf8');

const clientOptions = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  realtime: { transport: WebSocket },
};

describe('rest (supabase-js)', () => {
  let srv;
  const anon = () => createClient(srv.url, srv.anonKey, clientOptions);
  const service = () => createClient(srv.url, srv.serviceKey, clientOptions);

  before(async () => {
    srv = await startServer({ env: { BASALT_RATE_LIMITS_ENABLED: 'false' } });
    srv.psql(fixture('rest_schema.sql'));
    srv.psql(fixture('rest_data.sql'));
    // The DDL event trigger NOTIFYs pgrst; the server reloads its schema cache by itself.
    await waitFor(async () => (await anon().from('books').select('id')).status === 200, {
      what: 'schema cache reload after DDL',
    });
  });
  after(async () => {
    if (srv) await srv.stop();
  });

  test('select columns, aliases, casts and JSON paths', async () => {
    const { data, error, status } = await anon()
      .from('books')
      .select('id, name:title, price::text, lang:meta->>lang, rating:meta->rating')
      .eq('id', 1);
    assert.equal(error, null);
    assert.equal(status, 200);
    assert.deepEqual(data, [{ id: 1, name: 'The Left Hand of Darkness', price: '9.99', lang: 'en', rating: 5 }]);
  });

  test('comparison, pattern and null filters', async () => {
    const c = anon();
    const ids = async (q) => {
      const { data, error } = await q.order('id');
      assert.equal(error, null, JSON.stringify(error));
      return data.map((r) => r.id);
    };
    assert.deepEqual(await ids(c.from('books').select('id').gt('id', 1).lte('id', 3)), [2, 3]);
    assert.deepEqual(await ids(c.from('books').select('id').neq('title', 'Solaris').lt('id', 4)), [1, 2]);
    assert.deepEqual(await ids(c.from('books').select('id').gte('price', 10)), [2]);
    assert.deepEqual(await ids(c.from('books').select('id').like('title', '%Dark%')), [1]);
    assert.deepEqual(await ids(c.from('books').select('id').ilike('title', 'the %')), [1, 2]);
    assert.deepEqual(await ids(c.from('books').select('id').likeAnyOf('title', ['%Solaris%', 'Kin%'])), [3, 4]);
    assert.deepEqual(await ids(c.from('books').select('id').ilikeAllOf('title', ['%the%', '%dis%'])), [2]);
    assert.deepEqual(await ids(c.from('books').select('id').match({ author_id: 1, price: 9.99 })), [1]);
    assert.deepEqual(await ids(c.from('books').select('id').is('editor_id', null).not('price', 'is', null)), [2, 5]);
    assert.deepEqual(await ids(c.from('books').select('id').in('id', [1, 3, 99])), [1, 3]);
    assert.deepEqual(await ids(c.from('books').select('id').not('id', 'in', '(1,2,3)')), [4, 5]);
    assert.deepEqual(await ids(c.from('books').select('id').filter('title', 'match', '^The')), [1, 2]);
    assert.deepEqual(await ids(c.from('books').select('id').filter('title', 'imatch', 'SOLARIS')), [3]);
    assert.deepEqual(await ids(c.from('books').select('id').isDistinct('author_id', 1)), [3, 4, 5]);
    assert.deepEqual(await ids(c.from('books').select('id').eq('meta->>lang', 'pl')), [3]);
  });

  test('array, JSON, range and full-text operators', async () => {
    const c = anon();
    const ids = async (q) => {
      const { data, error } = await q.order('id');
      assert.equal(error, null, JSON.stringify(error));
      return data.map((r) => r.id);
    };
    assert.deepEqual(await ids(c.from('books').select('id').contains('tags', ['scifi'])), [1, 2, 3]);
    assert.deepEqual(await ids(c.from('books').select('id').containedBy('tags', ['scifi', 'classic'])), [1, 3, 4, 5]);
    assert.deepEqual(await ids(c.from('books').select('id').overlaps('tags', ['utopia', 'classic'])), [1, 2]);
    assert.deepEqual(await ids(c.from('books').select('id').contains('meta', { lang: 'en' })), [1, 2]);
    assert.deepEqual(await ids(c.from('books').select('id').rangeLt('pages', '[300,500)')), [1, 3]);
    assert.deepEqual(await ids(c.from('books').select('id').rangeGt('pages', '[-5,0)')), [1, 2, 3]);
    assert.deepEqual(await ids(c.from('books').select('id').rangeGte('pages', '[1,2)')), [1, 2, 3]);
    assert.deepEqual(await ids(c.from('books').select('id').rangeLte('pages', '[1,300)')), [1, 3]);
    assert.deepEqual(await ids(c.from('books').select('id').rangeAdjacent('pages', '[300,310)')), [1]);
    assert.deepEqual(await ids(c.from('books').select('id').overlaps('pages', '[250,260)')), [1, 2]);
    assert.deepEqual(await ids(c.from('books').select('id').textSearch('search', 'darkness')), [1]);
    assert.deepEqual(await ids(c.from('books').select('id').textSearch('title', 'left hand', { type: 'plain', config: 'english' })), [1]);
    assert.deepEqual(await ids(c.from('books').select('id').textSearch('title', 'left hand', { type: 'phrase' })), [1]);
    assert.deepEqual(await ids(c.from('books').select('id').textSearch('title', '"left hand" or solaris', { type: 'websearch' })), [1, 3]);
  });

  test('or / and trees with nesting and negation', async () => {
    const { data, error } = await anon()
      .from('books')
      .select('id')
      .or('id.eq.1,and(price.gt.10,price.lt.20),title.eq."Untitled \\"draft\\"; DROP TABLE books;--"')
      .order('id');
    assert.equal(error, null, JSON.stringify(error));
    assert.deepEqual(data.map((r) => r.id), [1, 2, 5]);
    const neg = await anon().from('books').select('id').not('id', 'in', '(1,2)').or('price.is.null,price.lt.1').order('id');
    assert.deepEqual(neg.data.map((r) => r.id), [4, 5]);
  });

  test('ordering, ranges and counts', async () => {
    const c = anon();
    const ord = await c.from('books').select('id').order('published', { ascending: false, nullsFirst: true }).order('id');
    assert.deepEqual(ord.data.map((r) => r.id), [5, 4, 2, 1, 3]);
    const page = await c.from('books').select('id', { count: 'exact' }).order('id').range(1, 2);
    assert.equal(page.error, null);
    assert.equal(page.count, 5);
    assert.equal(page.status, 206);
    assert.deepEqual(page.data.map((r) => r.id), [2, 3]);
    const limited = await c.from('books').select('id').order('id', { ascending: false }).limit(2);
    assert.deepEqual(limited.data.map((r) => r.id), [5, 4]);
    const head = await c.from('books').select('*', { count: 'exact', head: true }).eq('author_id', 1);
    assert.equal(head.count, 2);
    assert.equal(head.data, null);
    const planned = await c.from('books').select('id', { count: 'planned' });
    assert.equal(typeof planned.count, 'number');
    const estimated = await c.from('books').select('id', { count: 'estimated' });
    assert.equal(estimated.count, 5);
  });

  test('single, maybeSingle and csv', async () => {
    const c = anon();
    const one = await c.from('authors').select('name').eq('id', 2).single();
    assert.equal(one.error, null);
    assert.deepEqual(one.data, { name: 'Stanisław Lem' });
    const none = await c.from('authors').select('name').eq('id', 99).single();
    assert.equal(none.status, 406);
    assert.equal(none.error.code, 'PGRST116');
    const maybe = await c.from('authors').select('name').eq('id', 99).maybeSingle();
    assert.equal(maybe.error, null);
    assert.equal(maybe.data, null);
    const many = await c.from('authors').select('name').maybeSingle();
    assert.equal(many.error.code, 'PGRST116');
    const csv = await c.from('tags').select('id,name').order('id').csv();
    assert.equal(csv.error, null);
    assert.equal(csv.data, 'id,name\n1,award\n2,translated\n3,favourite');
  });

  test('embedding: many-to-one, one-to-many, many-to-many, nested, inner, spread', async () => {
    const c = anon();
    const m2o = await c.from('books').select('title, author:authors!author_id(name, country)').eq('id', 3).single();
    assert.equal(m2o.error, null, JSON.stringify(m2o.error));
    assert.deepEqual(m2o.data, { title: 'Solaris', author: { name: 'Stanisław Lem', country: 'PL' } });

    const o2m = await c
      .from('authors')
      .select('name, books!author_id(id, title)')
      .eq('id', 1)
      .order('id', { referencedTable: 'books', ascending: false })
      .limit(1, { referencedTable: 'books' })
      .single();
    assert.equal(o2m.error, null, JSON.stringify(o2m.error));
    assert.deepEqual(o2m.data, { name: 'Ursula K. Le Guin', books: [{ id: 2, title: 'The Dispossessed' }] });

    const m2m = await c.from('books').select('id, tags(name)').eq('id', 1).order('name', { referencedTable: 'tags' }).single();
    assert.deepEqual(m2m.data, { id: 1, tags: [{ name: 'award' }, { name: 'favourite' }] });

    const nested = await c.from('authors').select('id, books!author_id(id, tags(name))').eq('id', 2).single();
    assert.deepEqual(nested.data, { id: 2, books: [{ id: 3, tags: [{ name: 'translated' }] }] });

    const inner = await c.from('books').select('id, authors!author_id!inner(country)').eq('authors.country', 'PL');
    assert.equal(inner.error, null, JSON.stringify(inner.error));
    assert.deepEqual(inner.data, [{ id: 3, authors: { country: 'PL' } }]);

    const spread = await c.from('books').select('id, ...authors!author_id(author:name)').eq('id', 4).single();
    assert.deepEqual(spread.data, { id: 4, author: 'Octavia E. Butler' });

    const ambiguous = await c.from('books').select('*, authors(*)');
    assert.equal(ambiguous.error.code, 'PGRST201');
  });

  test('insert, upsert, update, delete with returning', async () => {
    const c = service();
    const ins = await c.from('tags').insert({ id: 10, name: 'ten' }).select().single();
    assert.equal(ins.error, null, JSON.stringify(ins.error));
    assert.deepEqual(ins.data, { id: 10, name: 'ten' });
    assert.equal(ins.status, 201);

    const bulk = await c.from('tags').insert([{ id: 11, name: 'eleven' }, { id: 12, name: 'twelve' }]).select('id');
    assert.deepEqual(bulk.data, [{ id: 11 }, { id: 12 }]);

    const minimal = await c.from('tags').insert({ id: 13, name: 'thirteen' });
    assert.equal(minimal.error, null);
    assert.equal(minimal.data, null);
    assert.equal(minimal.status, 201);

    const dup = await c.from('tags').insert({ id: 10, name: 'again' });
    assert.equal(dup.status, 409);
    assert.equal(dup.error.code, '23505');

    const up = await c.from('tags').upsert([{ id: 10, name: 'TEN' }, { id: 14, name: 'fourteen' }]).select().order('id');
    assert.equal(up.error, null, JSON.stringify(up.error));
    assert.deepEqual(up.data, [{ id: 10, name: 'TEN' }, { id: 14, name: 'fourteen' }]);
    const ignored = await c.from('tags').upsert({ id: 10, name: 'nope' }, { ignoreDuplicates: true }).select();
    assert.deepEqual(ignored.data, []);
    const byName = await c.from('tags').upsert({ id: 99, name: 'TEN' }, { onConflict: 'name' }).select().single();
    assert.deepEqual(byName.data, { id: 99, name: 'TEN' });

    const defaults = await c
      .from('books')
      .insert([{ title: 'D1' }, { title: 'D2', tags: ['x'] }], { defaultToNull: false })
      .select('title, tags');
    assert.equal(defaults.error, null, JSON.stringify(defaults.error));
    assert.deepEqual(defaults.data, [{ title: 'D1', tags: [] }, { title: 'D2', tags: ['x'] }]);

    const upd = await c.from('tags').update({ name: 'eleven!' }).eq('id', 11).select().single();
    assert.deepEqual(upd.data, { id: 11, name: 'eleven!' });
    const updCount = await c.from('tags').update({ name: 'x' }, { count: 'exact' }).gt('id', 100);
    assert.equal(updCount.count, 0);

    // PostgREST ignores order on mutations; rows come back in scan order
    const del = await c.from('tags').delete().in('id', [11, 12, 13]).select('id');
    assert.deepEqual(del.data.map((r) => r.id).sort(), [11, 12, 13]);
    const delCount = await c.from('tags').delete({ count: 'exact' }).eq('id', 14);
    assert.equal(delCount.count, 1);
    assert.equal(delCount.status, 204);

    const rolled = await c.from('book_tags').delete().gte('book_id', 0).select('book_id').rollback();
    assert.equal(rolled.error, null, JSON.stringify(rolled.error));
    assert.equal(rolled.data.length, 4);
    const still = await c.from('book_tags').select('*', { count: 'exact', head: true });
    assert.equal(still.count, 4);

    const badCol = await c.from('tags').insert({ id: 50, nope: 1 });
    assert.equal(badCol.error.code, 'PGRST204');
  });

  test('rpc: scalar, set-returning with filters, GET, void, json body', async () => {
    const c = anon();
    const add = await c.rpc('add', { a: 40, b: 2 });
    assert.equal(add.error, null);
    assert.equal(add.data, 42);
    assert.equal(add.status, 200);
    const get = await c.rpc('add', { a: 1, b: 2 }, { get: true });
    assert.equal(get.data, 3);
    const greet = await c.rpc('greet');
    assert.equal(greet.data, 'hello world');
    const rows = await c.rpc('books_by', { author: 1 }).select('id, title').gt('price', 10);
    assert.equal(rows.error, null, JSON.stringify(rows.error));
    assert.deepEqual(rows.data, [{ id: 2, title: 'The Dispossessed' }]);
    const single = await c.rpc('books_by', { author: 2 }).select('id').single();
    assert.deepEqual(single.data, { id: 3 });
    const counted = await c.rpc('books_by', { author: 1 }, { count: 'exact', head: true });
    assert.equal(counted.count, 2);
    const arr = await c.rpc('sum_all', { nums: [1, 2, 3] });
    assert.equal(arr.data, 6);
    const series = await c.rpc('series', { n: 4 }, { get: true });
    assert.deepEqual(series.data, [1, 2, 3, 4]);
    const noop = await c.rpc('noop');
    assert.equal(noop.error, null);
    assert.equal(noop.data, null);
    const missing = await c.rpc('does_not_exist');
    assert.equal(missing.status, 404);
    assert.equal(missing.error.code, 'PGRST202');
    const custom = await c.rpc('not_found_please');
    assert.equal(custom.status, 404);
    assert.equal(custom.error.message, 'nothing here');
  });

  test('errors are PostgREST-shaped', async () => {
    const c = anon();
    const table = await c.from('nope').select();
    assert.equal(table.status, 404);
    assert.equal(table.error.code, 'PGRST205');
    const col = await c.from('books').select('nope');
    assert.equal(col.status, 400);
    assert.equal(col.error.code, '42703');
    const typ = await c.from('books').select().eq('id', 'abc');
    assert.equal(typ.status, 400);
    assert.equal(typ.error.code, '22P02');
    const schema = await c.schema('auth').from('users').select();
    assert.equal(schema.status, 406);
    assert.equal(schema.error.code, 'PGRST106');
    const denied = await c.from('notices').insert({ id: 9, body: 'x' });
    assert.equal(denied.status, 401);
    assert.equal(denied.error.code, '42501');
  });

  test('RLS: each user sees and changes only their own rows', async () => {
    const signUp = async (email) => {
      const client = anon();
      const { data, error } = await client.auth.signUp({ email, password: 'password1' });
      assert.equal(error, null, JSON.stringify(error));
      return { client: createClient(srv.url, srv.anonKey, { ...clientOptions, global: { headers: { Authorization: `Bearer ${data.session.access_token}` } } }), id: data.user.id };
    };
    const alice = await signUp('alice-rest@example.com');
    const bob = await signUp('bob-rest@example.com');
    for (const [u, task] of [[alice, 'a1'], [alice, 'a2'], [bob, 'b1']]) {
      const r = await u.client.from('todos').insert({ task }).select('task, user_id').single();
      assert.equal(r.error, null, JSON.stringify(r.error));
      assert.equal(r.data.user_id, u.id);
    }
    const mine = await alice.client.from('todos').select('task').order('id');
    assert.deepEqual(mine.data.map((r) => r.task).filter((t) => t.length === 2), ['a1', 'a2']);
    const theirs = await bob.client.from('todos').select('task');
    assert.deepEqual(theirs.data.map((r) => r.task), ['b1']);
    // Bob cannot touch Alice's rows: they match nothing for him.
    const upd = await bob.client.from('todos').update({ done: true }).eq('task', 'a1').select();
    assert.deepEqual(upd.data, []);
    const del = await bob.client.from('todos').delete().eq('task', 'a2').select();
    assert.deepEqual(del.data, []);
    // nor write rows in her name
    const forged = await bob.client.from('todos').insert({ task: 'x', user_id: alice.id });
    assert.equal(forged.status, 403);
    assert.equal(forged.error.code, '42501');
    // anon sees none, service_role sees all
    assert.deepEqual((await anon().from('todos').select()).data, []);
    const all = await service().from('todos').select('task', { count: 'exact' });
    assert.equal(all.count, 6);
    // policies that differ by role
    assert.deepEqual((await anon().from('notices').select('id')).data, [{ id: 1 }]);
    assert.equal((await alice.client.from('notices').select('id')).data.length, 2);
  });

  // Concurrent reads of one server thread share a round trip to PostgreSQL (read batching);
  // each must still run as its own user with its own claims, and a failing one must not spoil
  // the others.
  test('RLS holds for many concurrent reads from different users', async () => {
    const signIn = async (email) => {
      const { data, error } = await anon().auth.signUp({ email, password: 'password1' });
      assert.equal(error, null, JSON.stringify(error));
      const headers = { Authorization: `Bearer ${data.session.access_token}` };
      return { client: createClient(srv.url, srv.anonKey, { ...clientOptions, global: { headers } }), id: data.user.id };
    };
    const carol = await signIn('carol-batch@example.com');
    const dave = await signIn('dave-batch@example.com');
    for (const [u, task] of [[carol, 'carol-1'], [carol, 'carol-2'], [dave, 'dave-1']]) {
      assert.equal((await u.client.from('todos').insert({ task })).error, null);
    }
    const counter = async (name) => {
      const text = await (await fetch(`${srv.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return Number(line.split(' ')[1]);
    };
    let before;
    const who = [
      ['carol', () => carol.client.from('todos').select('task, user_id').like('task', '%-_').order('task'), (d) => assert.deepEqual(d.map((r) => r.task), ['carol-1', 'carol-2'])],
      ['dave', () => dave.client.from('todos').select('task, user_id').like('task', '%-_'), (d) => assert.deepEqual(d.map((r) => r.task), ['dave-1'])],
      ['anon', () => anon().from('todos').select('task'), (d) => assert.deepEqual(d, [])],
      ['service', () => service().from('todos').select('task').like('task', '%-_').order('task'), (d) => assert.deepEqual(d.map((r) => r.task), ['carol-1', 'carol-2', 'dave-1'])],
    ];
    // Round 0 also teaches each server thread that these reads are fast (only such are batched).
    for (let round = 0; round < 3; ++round) {
      if (round === 1) before = { batches: await counter('db_read_batches_total'), reads: await counter('db_batched_reads_total') };
      const calls = [];
      for (let i = 0; i < 60; ++i) {
        const [name, run, check] = who[i % who.length];
        if (i % 15 === 7) {
          // invalid input for bigint: an error from PostgreSQL itself, in the middle of the others
          calls.push(carol.client.from('todos').select('id').eq('id', 'not-a-number').then((r) => {
            assert.equal(r.status, 400);
            assert.equal(r.error.code, '22P02');
          }));
          continue;
        }
        calls.push(run().then((r) => {
          assert.equal(r.error, null, `${name}: ${JSON.stringify(r.error)}`);
          check(r.data);
          if (name === 'carol' || name === 'dave') {
            for (const row of r.data) assert.equal(row.user_id, (name === 'carol' ? carol : dave).id);
          }
        }));
      }
      await Promise.all(calls);
    }
    const batches = (await counter('db_read_batches_total')) - before.batches;
    const reads = (await counter('db_batched_reads_total')) - before.reads;
    assert.ok(reads >= 60, `batched reads ${reads} of 120`);
    assert.ok(batches < reads, `${reads} reads went out in ${batches} batches: none was shared`);
  });

  test('hostile input gets a 4xx or a literal match, never a 5xx', async () => {
    const c = anon();
    const nasty = ["'", "';--", '"; DROP TABLE books;--', '\\', '\\x00', '*/', '$$', 'ä€𝄞', '1) OR (1=1', ')', '(', ',', '.'];
    for (const v of nasty) {
      for (const q of [
        c.from('books').select('id').eq('title', v),
        c.from('books').select('id').ilike('title', v),
        c.from('books').select('id').in('title', [v, 'x']),
        c.from('books').select('id').or(`title.eq.${v},id.eq.0`),
        c.from('books').select('id').textSearch('title', v),
        c.from('books').select(`id, "${v}":title`),
        c.from(v).select(),
        c.rpc(v),
      ]) {
        const r = await q;
        assert.ok(r.status < 500, `${v}: ${r.status} ${JSON.stringify(r.error)}`);
      }
    }
    const exact = await c.from('books').select('id').eq('title', 'Untitled "draft"; DROP TABLE books;--');
    assert.deepEqual(exact.data, [{ id: 5 }]);
    const big = await c.from('books').select('id').in('id', Array.from({ length: 1500 }, (_, i) => i + 3)).lt('id', 100).order('id');
    assert.deepEqual(big.data.map((r) => r.id), [3, 4, 5]);
    const deep = await c.from('books').select('id').or('and('.repeat(200) + 'id.eq.1' + ')'.repeat(200));
    assert.equal(deep.status, 400);
    const count = await service().from('books').select('*', { count: 'exact', head: true });
    assert.ok(count.count >= 5);
    assert.equal(srv.psql('select count(*) from public.authors').trim(), '4');
  });

  test('OpenAPI description and schema reload', async () => {
    const res = await fetch(`${srv.url}/rest/v1/`, { headers: { apikey: srv.anonKey, Authorization: `Bearer ${srv.anonKey}`, Accept: 'application/openapi+json' } });
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.equal(doc.swagger, '2.0');
    assert.ok(doc.paths['/books']);
    assert.ok(doc.paths['/rpc/add']);

    srv.psql('create table public.late (id int primary key, v text); grant all on public.late to anon; insert into public.late values (1, \'x\')');
    await waitFor(async () => (await anon().from('late').select()).status === 200, { what: 'reload after create table' });
    assert.deepEqual((await anon().from('late').select()).data, [{ id: 1, v: 'x' }]);

    // Read your own DDL: a request right after the DDL commits waits for the reload that is
    // on its way instead of answering "not in the schema cache".
    for (let i = 0; i < 5; i++) {
      srv.psql(`create table public.fresh_${i} (id int primary key); grant select on public.fresh_${i} to anon; insert into public.fresh_${i} values (${i})`);
      const r = await anon().from(`fresh_${i}`).select('id');
      assert.equal(r.status, 200, JSON.stringify(r.error));
      assert.deepEqual(r.data, [{ id: i }]);
      srv.psql(`alter table public.fresh_${i} add column note text default 'n'`);
      const c = await anon().from(`fresh_${i}`).select('id, note');
      assert.deepEqual(c.data, [{ id: i, note: 'n' }], JSON.stringify(c.error));
    }
  });
});
