/**
 * Nothing acknowledged is lost: batches stream through `POST /events` into a real
 * Postgres server that is stopped in the middle (pg_ctl stop -m fast) and started again.
 * Clients send each batch until it gets a 202, like the browser (which retries on 503).
 * At the end, every acknowledged batch is in the database exactly once, and nothing is
 * there that was not sent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEventsHandler } from '../../src/proxy/events/ingest.js';
import { openEventStore, type EventStore } from '../../src/proxy/events/store.js';
import { ProxyError } from '../../src/proxy/errors.js';
import { clusterSkip, startCluster, type Cluster } from './support/postgres.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const BATCHES = 120;
const EVENTS_PER_BATCH = 20;
const CLIENTS = 6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('events survive a database restart', { skip: clusterSkip }, () => {
  let cluster: Cluster;
  let store: EventStore;
  before(async () => {
    cluster = await startCluster();
    store = await openEventStore({ databaseUrl: cluster.url, statementTimeoutMs: 1000 });
  });
  after(async () => {
    await store?.close();
    await cluster?.destroy();
  });

  it('acknowledges only what is committed, and keeps every acknowledged batch exactly once', async () => {
    const handler = createEventsHandler({ store, placements: () => ({ variants: ['snappy'] }), verifyRequestId: async () => 'ok', now: () => NOW });
    const batches = Array.from({ length: BATCHES }, (_, b) => ({
      batchId: `b_fault-${String(b).padStart(10, '0')}`,
      events: Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({
        type: 'impression', placement: 'pdp', variant: 'snappy', requestId: `v1.fault${b}`, itemId: `sku-${i}`, rank: i + 1, at: NOW - 1000,
      })),
    }));
    const acknowledged: string[] = [];
    let unavailable = 0;
    let restarted = false;

    async function send(batch: (typeof batches)[number]): Promise<void> {
      for (let attempt = 0; attempt < 300; attempt++) {
        try {
          const response = await handler(new Request('https://shop.example/events', { method: 'POST', body: JSON.stringify(batch) }));
          assert.equal(response.status, 202);
          acknowledged.push(batch.batchId);
          return;
        } catch (error) {
          if (!(error instanceof ProxyError && error.status === 503)) throw error;
          unavailable += 1;
          await sleep(50); // the browser waits Retry-After; a test need not
        }
      }
      assert.fail(`${batch.batchId} was never accepted`);
    }

    const queue = [...batches];
    const clients = Array.from({ length: CLIENTS }, async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) await send(batch);
    });
    // The fault: once a third of the batches are in, stop the server with batches in flight, then start it again.
    const fault = (async () => {
      while (acknowledged.length < BATCHES / 3) await sleep(5);
      const before = acknowledged.length;
      await cluster.stop();
      await sleep(500);
      await cluster.start();
      restarted = true;
      return before;
    })();
    await Promise.all(clients);
    const acknowledgedBeforeStop = await fault;

    assert.ok(restarted && acknowledgedBeforeStop < BATCHES, 'the server was stopped while batches were still coming');
    assert.ok(unavailable > 0, 'some sends met the stopped server and got 503');
    assert.equal(acknowledged.length, BATCHES);
    const stored = await store.sql.query<{ batch_id: string; n: number; distinct_keys: number }>(
      'SELECT batch_id, count(*) AS n, count(DISTINCT event_key) AS distinct_keys FROM recs_events GROUP BY batch_id ORDER BY batch_id',
    );
    assert.deepEqual(
      stored,
      [...acknowledged].sort().map((batchId) => ({ batch_id: batchId, n: EVENTS_PER_BATCH, distinct_keys: EVENTS_PER_BATCH })),
    );
    const batchRows = await store.sql.query<{ n: number }>('SELECT count(*) AS n FROM recs_batches');
    assert.equal(batchRows[0]!.n, BATCHES);
  });
});
