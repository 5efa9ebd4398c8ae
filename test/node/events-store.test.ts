/**
 * The event store: one suite run against embedded PGlite (in memory, and in a folder on
 * disk) and against a real Postgres server, so both drivers keep the same promises.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore, StoreUnavailable, type EventStore, type EventStoreOptions, type StoredEvent } from '../../src/proxy/events/store.js';
import { MIGRATIONS, runMigrations } from '../../src/proxy/events/migrations.js';
import { postgresSkip, usePostgres } from './support/postgres.js';
import { eventStoreFromEnv } from '../../src/proxy/server.js';

const AT = new Date('2026-11-30T10:00:00.000Z');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function event(n: number, batchId: string, extra: Partial<StoredEvent> = {}): StoredEvent {
  return {
    eventKey: `click:v1.req${n}:sku-${n}`,
    batchId,
    type: 'click',
    placement: 'pdp',
    variant: 'snappy',
    requestId: `v1.req${n}`,
    itemId: `sku-${n}`,
    rank: 1 + (n % 10),
    occurredAt: AT,
    ...extra,
  };
}

const count = async (store: EventStore, table: string) => Number((await store.sql.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

function storeSuite(options: () => EventStoreOptions): void {
  let store: EventStore;
  // Opened once (a PGlite database takes seconds to create); each test starts from empty tables.
  before(async () => (store = await openEventStore(options())));
  beforeEach(() => store.sql.query('TRUNCATE recs_events, recs_batches, recs_requests'));
  after(() => store.close());

  it('runs the migrations once: a second run applies nothing', async () => {
    assert.deepEqual(await runMigrations(store.sql), []);
    const versions = await store.sql.query<{ version: number }>('SELECT version FROM recs_migrations ORDER BY version');
    assert.deepEqual(versions.map((row) => row.version), MIGRATIONS.map((migration) => migration.version));
  });

  it('stores every field of a batch, and answers how many were new', async () => {
    const order = event(1, 'b_batch-aaaaaaaaaaaaaaaa', {
      eventKey: 'order:v1.req1:sku-1:0123456789abcdef', type: 'order', variant: 'interleave', team: 'snappy',
      trackerId: 'trk-9', quantity: 3, revenue: 59.97, currency: 'EUR', bucket: 417, split: '3fa2b1c0', client: 42,
    });
    assert.deepEqual(await store.insertBatch('b_batch-aaaaaaaaaaaaaaaa', [event(2, 'b_batch-aaaaaaaaaaaaaaaa'), order]), { accepted: 2, duplicates: 0 });
    const rows = await store.sql.query('SELECT * FROM recs_events ORDER BY event_key');
    assert.equal(rows.length, 2);
    const { received_at, ...stored } = rows[1]!;
    assert.ok(received_at instanceof Date);
    assert.deepEqual(stored, {
      event_key: 'order:v1.req1:sku-1:0123456789abcdef', batch_id: 'b_batch-aaaaaaaaaaaaaaaa', type: 'order', placement: 'pdp',
      variant: 'interleave', request_id: 'v1.req1', item_id: 'sku-1', rank: 2, team: 'snappy', tracker_id: 'trk-9',
      quantity: 3, revenue: 59.97, currency: 'EUR', occurred_at: AT, bucket: 417, split: '3fa2b1c0', client: 42,
    });
    assert.equal(rows[0]!.team, null);
    assert.deepEqual([rows[0]!.bucket, rows[0]!.split], [null, null], 'no bucket or split outside a split answer');
    assert.equal(rows[0]!.client, null, 'no client unit where the proxy knows no address');
    assert.equal(rows[0]!.revenue, null);
  });

  it('keeps text exactly, whatever characters it has (the columns travel as arrays)', async () => {
    const batch = 'b_text-aaaaaaaaaaaaaaaaa';
    const odd = ['say "hi", {x}', 'back\\slash', 'NULL', ' spaced ', 'é ✓ 🛒', "it's", ','];
    const events = odd.map((text, i) => event(i, batch, { eventKey: `click:${text}`, itemId: text, trackerId: text }));
    assert.deepEqual(await store.insertBatch(batch, events), { accepted: odd.length, duplicates: 0 });
    const rows = await store.sql.query<{ item_id: string; tracker_id: string; event_key: string }>('SELECT item_id, tracker_id, event_key FROM recs_events');
    assert.deepEqual(rows.map((row) => row.item_id).sort(), [...odd].sort());
    for (const row of rows) assert.deepEqual([row.tracker_id, row.event_key], [row.item_id, `click:${row.item_id}`]);
  });

  it('counts a repeated batch id entirely as duplicates, whatever it carries', async () => {
    const batch = 'b_repeat-aaaaaaaaaaaaaaa';
    assert.deepEqual(await store.insertBatch(batch, [event(1, batch), event(2, batch)]), { accepted: 2, duplicates: 0 });
    assert.deepEqual(await store.insertBatch(batch, [event(1, batch), event(2, batch), event(3, batch)]), { accepted: 0, duplicates: 3 });
    assert.equal(await count(store, 'recs_events'), 2);
  });

  it('counts a repeated event key once, within a batch and across batches', async () => {
    assert.deepEqual(await store.insertBatch('b_first-aaaaaaaaaaaaaaaa', [event(1, 'b_first-aaaaaaaaaaaaaaaa'), event(1, 'b_first-aaaaaaaaaaaaaaaa')]), { accepted: 1, duplicates: 1 });
    assert.deepEqual(await store.insertBatch('b_second-aaaaaaaaaaaaaaa', [event(1, 'b_second-aaaaaaaaaaaaaaa'), event(2, 'b_second-aaaaaaaaaaaaaaa')]), { accepted: 1, duplicates: 1 });
    assert.equal(await count(store, 'recs_events'), 2);
    assert.equal(await count(store, 'recs_batches'), 2);
  });

  it('commits all of a batch or none of it: a failing row leaves no trace, and the retry is accepted', async () => {
    const batch = 'b_atomic-aaaaaaaaaaaaaaa';
    // Postgres refuses a NUL character in text: the second row fails after the batch row and the first event.
    const broken = event(2, batch, { itemId: 'sku\u0000' });
    await assert.rejects(store.insertBatch(batch, [event(1, batch), broken]), StoreUnavailable);
    assert.equal(await count(store, 'recs_events'), 0);
    assert.equal(await count(store, 'recs_batches'), 0);
    assert.deepEqual(await store.insertBatch(batch, [event(1, batch), event(2, batch)]), { accepted: 2, duplicates: 0 });
  });

  it('rejects a call past its deadline with StoreUnavailable, and never commits it afterwards', async () => {
    // One instance at a time on a PGlite folder: the suite's store makes way for one with a short timeout.
    await store.close();
    const slow = await openEventStore({ ...options(), statementTimeoutMs: 150 });
    try {
      const late = slow.sql.transaction(async (tx) => {
        await tx.query("INSERT INTO recs_batches (batch_id) VALUES ('b_late-aaaaaaaaaaaaaaaa')");
        await sleep(250); // past the deadline, short of the server's idle-in-transaction limit (2 × 150 ms)
        return 'done';
      });
      await assert.rejects(late, StoreUnavailable);
      await sleep(500);
      assert.equal(await count(slow, 'recs_batches'), 0);
    } finally {
      await slow.close();
      store = await openEventStore(options());
    }
  });

  it('adds answer counts: repeats of a key within a call and across calls add up', async () => {
    await store.addRequests([
      { day: '2026-11-30', placement: 'pdp', variant: 'snappy', interleaved: false, count: 3 },
      { day: '2026-11-30', placement: 'pdp', variant: 'snappy', interleaved: false, count: 2 },
      { day: '2026-11-30', placement: 'pdp', variant: 'interleave', interleaved: true, count: 1 },
    ]);
    await store.addRequests([{ day: '2026-11-30', placement: 'pdp', variant: 'snappy', interleaved: false, count: 10 }]);
    await store.addRequests([]);
    const rows = await store.sql.query('SELECT day, placement, variant, interleaved, count FROM recs_requests ORDER BY variant');
    assert.deepEqual(rows, [
      { day: '2026-11-30', placement: 'pdp', variant: 'interleave', interleaved: true, count: 1 },
      { day: '2026-11-30', placement: 'pdp', variant: 'snappy', interleaved: false, count: 15 },
    ]);
  });

  it('takes concurrent batches, each once', async () => {
    const batches = Array.from({ length: 20 }, (_, b) => `b_concurrent-${String(b).padStart(6, '0')}`);
    // Each batch is sent twice at once, like a client retrying while its first send is still in flight.
    const results = await Promise.all(batches.flatMap((batch, b) => {
      const events = Array.from({ length: 10 }, (_, i) => event(b * 100 + i, batch));
      return [store.insertBatch(batch, events), store.insertBatch(batch, events)];
    }));
    assert.equal(results.reduce((sum, result) => sum + result.accepted, 0), 200);
    assert.equal(results.reduce((sum, result) => sum + result.duplicates, 0), 200);
    assert.equal(await count(store, 'recs_events'), 200);
  });
}

describe('event store on PGlite in memory', () => {
  storeSuite(() => ({ dataDir: 'memory://' }));
});

describe('event store on PGlite in a folder', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'recs-pglite-'))));
  after(() => rm(dir, { recursive: true, force: true }));
  storeSuite(() => ({ dataDir: join(dir, 'suite') }));

  it("makes the folders it needs, from npm run proxy's settings (its default, .recs-data/events, in a fresh checkout)", async () => {
    const store = eventStoreFromEnv({ RECS_DATA_DIR: join(dir, 'not', 'there', 'events') });
    try {
      assert.deepEqual(await store.insertBatch('b_folders-aaaaaaaaaaaaaa', [event(9, 'b_folders-aaaaaaaaaaaaaa')]), { accepted: 1, duplicates: 0 });
    } finally {
      await store.close();
    }
  });

  it('keeps what was committed when the store is closed and opened again', async () => {
    const first = await openEventStore({ dataDir: join(dir, 'reopened') });
    await first.insertBatch('b_persist-aaaaaaaaaaaaaa', [event(7, 'b_persist-aaaaaaaaaaaaaa')]);
    await first.close();
    const second = await openEventStore({ dataDir: join(dir, 'reopened') });
    try {
      assert.deepEqual(await second.sql.query('SELECT event_key FROM recs_events'), [{ event_key: 'click:v1.req7:sku-7' }]);
      assert.deepEqual(await runMigrations(second.sql), []);
      assert.deepEqual(await second.insertBatch('b_persist-aaaaaaaaaaaaaa', [event(8, 'b_persist-aaaaaaaaaaaaaa')]), { accepted: 0, duplicates: 1 });
    } finally {
      await second.close();
    }
  });
});

describe('event store on a Postgres server', { skip: postgresSkip }, () => {
  const server = usePostgres();
  storeSuite(() => ({ databaseUrl: server.url }));

  it('lets two instances start at once: the migrations run once', async () => {
    // A database of its own, so both instances really find it empty.
    const { createDatabase } = await import('./support/postgres.js');
    const database = await createDatabase(server.url);
    try {
      const stores = await Promise.all([openEventStore({ databaseUrl: database.url }), openEventStore({ databaseUrl: database.url }), openEventStore({ databaseUrl: database.url })]);
      const versions = await stores[0]!.sql.query('SELECT version FROM recs_migrations');
      assert.equal(versions.length, MIGRATIONS.length);
      await Promise.all(stores.map((store) => store.close()));
    } finally {
      await database.drop();
    }
  });

  it('rejects with StoreUnavailable when the server cannot be reached', async () => {
    const url = new URL(server.url);
    url.port = '1';
    await assert.rejects(openEventStore({ databaseUrl: url.toString(), statementTimeoutMs: 500 }), StoreUnavailable);
  });
});
