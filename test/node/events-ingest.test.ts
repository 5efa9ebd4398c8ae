/**
 * `POST /events` as a plain fetch handler over a real (in-memory PGlite) store: every
 * field refused when wrong, with its path; forged, stale and cross-placement request ids
 * refused with nothing stored; repeats counted once; 503 + Retry-After when the store fails.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createEventsHandler, type EventsHandlerDeps } from '../../src/proxy/events/ingest.js';
import { openEventStore, StoreUnavailable, type EventStore } from '../../src/proxy/events/store.js';
import { ProxyError } from '../../src/proxy/errors.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const PLACEMENTS: Record<string, string[]> = {
  pdp: ['snappy', 'yespo'],
  home: ['default'],
  mix: ['snappy', 'yespo', 'interleave'],
};

/** Stands in for the proxy's signer: ids it issued verify for their placement, variant and teams only. */
function fakeSigner() {
  const issued = new Map<string, { placement: string; variant: string; teams?: string[]; stale?: boolean }>();
  let n = 0;
  return {
    issue(placement: string, variant: string, options: { teams?: string[]; stale?: boolean } = {}) {
      // Issued an hour ago (8 days ago when stale), in the real ids' place and base (experiments/token.ts).
      const issuedAt = Math.floor((NOW - (options.stale ? 8 * 24 : 1) * 3600_000) / 1000).toString(36);
      const token = `v1.${String(++n).padStart(16, 'n')}.${issuedAt}.sig`;
      issued.set(token, { placement, variant, ...options });
      return token;
    },
    verify: (async (token, claim) => {
      const grant = issued.get(token);
      if (!token.startsWith('v1.n')) return 'malformed';
      if (!grant || grant.placement !== claim.placement || grant.variant !== claim.variant || grant.teams?.[claim.rank - 1] !== claim.team) return 'forged';
      return grant.stale ? 'stale' : 'ok';
    }) satisfies EventsHandlerDeps['verifyRequestId'],
  };
}

const signer = fakeSigner();
const PDP = signer.issue('pdp', 'snappy');
const MIX = signer.issue('mix', 'interleave', { teams: ['snappy', 'yespo', 'snappy'] });

const click = (extra: Record<string, unknown> = {}) => ({ type: 'click', placement: 'pdp', requestId: PDP, variant: 'snappy', itemId: 'sku-1', rank: 1, at: NOW - 1000, ...extra });
const order = (extra: Record<string, unknown> = {}) => ({ ...click({ type: 'order' }), orderId: 'A-1001', quantity: 2, price: 19.99, currency: 'EUR', ...extra });
let batchCounter = 0;
const batchId = () => `b_test-${String(++batchCounter).padStart(12, '0')}`;

function post(body: unknown, headers: Record<string, string> = { 'content-type': 'text/plain;charset=UTF-8' }): Request {
  return new Request('https://shop.example/events', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** What the app's error path would answer: the ProxyError's status, parameter and headers. */
async function refusal(handler: (request: Request) => Promise<Response>, request: Request): Promise<ProxyError> {
  try {
    const response = await handler(request);
    assert.fail(`expected a refusal, got ${response.status} ${await response.text()}`);
  } catch (error) {
    if (!(error instanceof ProxyError)) throw error;
    return error;
  }
}

describe('POST /events', () => {
  let store: EventStore;
  let handler: (request: Request) => Promise<Response>;
  const stored = async () => Number((await store.sql.query<{ n: number }>('SELECT count(*) AS n FROM recs_events'))[0]!.n);

  before(async () => {
    store = await openEventStore({ dataDir: 'memory://' });
    handler = createEventsHandler({
      store,
      placements: (name) => (Object.hasOwn(PLACEMENTS, name) ? { variants: PLACEMENTS[name]! } : undefined),
      verifyRequestId: signer.verify,
      now: () => NOW,
      maxBodyBytes: 64 * 1024,
    });
  });
  after(() => store.close());
  beforeEach(() => store.sql.query('TRUNCATE recs_events, recs_batches, recs_requests'));

  it('stores a batch of every event type, whatever its content-type, and answers 202 after the commit', async () => {
    const events = [
      click({ type: 'impression', trackerId: 'trk-1' }),
      click({ trackerId: 'trk-1' }),
      click({ type: 'add-to-cart', trackerId: 'trk-1' }),
      order({ quantity: 3, price: 10.5 }),
      { type: 'click', placement: 'mix', requestId: MIX, variant: 'interleave', team: 'yespo', itemId: 'sku-2', rank: 2, at: NOW - 5000 },
    ];
    for (const headers of [{ 'content-type': 'text/plain;charset=UTF-8' }, {} as Record<string, string>, { 'content-type': 'application/json' }]) {
      await store.sql.query('TRUNCATE recs_events, recs_batches');
      const response = await handler(post({ batchId: batchId(), events }, headers));
      assert.equal(response.status, 202);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await response.json(), { accepted: 5, duplicates: 0 });
    }
    const rows = await store.sql.query<Record<string, unknown>>('SELECT * FROM recs_events ORDER BY occurred_at, type');
    assert.equal(rows.length, 5);
    const orderRow = rows.find((row) => row.type === 'order')!;
    assert.equal(orderRow.event_key, `order:${PDP}:1`);
    assert.deepEqual([orderRow.quantity, orderRow.revenue, orderRow.currency], [3, 31.5, 'EUR']);
    const hash = createHash('sha256').update('A-1001').digest('hex').slice(0, 16);
    assert.ok(!JSON.stringify(rows).includes('A-1001') && !JSON.stringify(rows).includes(hash), 'the order id is never stored, not even as a hash');
    const teamRow = rows.find((row) => row.placement === 'mix')!;
    assert.deepEqual([teamRow.variant, teamRow.team, teamRow.rank, teamRow.event_key], ['interleave', 'yespo', 2, `click:${MIX}:2`]);
    assert.deepEqual(rows.find((row) => row.type === 'impression')!.occurred_at, new Date(NOW - 1000));
  });

  it("keeps an emoji in an item id (a surrogate pair, one code point), as the vendor served it", async () => {
    assert.equal((await handler(post({ batchId: batchId(), events: [click({ itemId: 'sku-\ud83d\ude00' })] }))).status, 202);
    const rows = await store.sql.query<{ item_id: string }>('SELECT item_id FROM recs_events');
    assert.deepEqual(rows.map((row) => row.item_id), ['sku-\ud83d\ude00']);
  });

  it('counts repeats once: the same batch again, the same event in a new batch, an event twice in one batch', async () => {
    const first = { batchId: batchId(), events: [click(), click({ itemId: 'sku-2', rank: 2 })] };
    assert.deepEqual(await (await handler(post(first))).json(), { accepted: 2, duplicates: 0 });
    assert.deepEqual(await (await handler(post(first))).json(), { accepted: 0, duplicates: 2 });
    const second = { batchId: batchId(), events: [click(), click({ itemId: 'sku-3', rank: 3 }), click({ itemId: 'sku-3', rank: 3 })] };
    assert.deepEqual(await (await handler(post(second))).json(), { accepted: 1, duplicates: 2 });
    // One order line per rank of a page view: the same line again, or a second order of the same item after one click, counts once.
    const orders = { batchId: batchId(), events: [order(), order(), order({ orderId: 'A-1002' }), order({ itemId: 'sku-2', rank: 2 })] };
    assert.deepEqual(await (await handler(post(orders))).json(), { accepted: 2, duplicates: 2 });
    assert.equal(await stored(), 5);
  });

  it('adds no more to a page view than it could show, however many item ids are invented under its request id', async () => {
    // 100 clicks on 4 ranks, each with its own invented item id: 4 clicks stored.
    const forged = Array.from({ length: 100 }, (_, i) => click({ itemId: `invented-${i}`, rank: (i % 4) + 1 }));
    assert.deepEqual(await (await handler(post({ batchId: batchId(), events: forged }))).json(), { accepted: 4, duplicates: 96 });
  });

  it('dates an event between its answer and now, whatever the shopper clock says (behind, ahead, years off), and stores it', async () => {
    const issued = NOW - 3600_000; // the fake signer's ids say they were issued an hour ago
    const times = [NOW - 6 * 24 * 3600_000, NOW - 60_000, NOW + 6 * 60_000, NOW + 2 * 365 * 24 * 3600_000, Date.parse('2001-01-01T00:00:00Z'), 0];
    const answer = await handler(post({ batchId: batchId(), events: times.map((at, index) => click({ itemId: `sku-${index + 1}`, rank: index + 1, at })) }));
    assert.equal(answer.status, 202);
    const rows = await store.sql.query<{ rank: number; occurred_at: Date }>('SELECT rank, occurred_at FROM recs_events ORDER BY rank');
    assert.deepEqual(rows.map((row) => row.occurred_at.getTime()), [issued, NOW - 60_000, NOW, NOW, issued, issued]);
  });

  // [what is wrong, the body, the status, the parameter named]
  const ok = () => ({ batchId: 'b_valid-000000000000', events: [click(), click({ itemId: 'sku-2' })] });
  const withEvent = (event: unknown) => ({ batchId: 'b_valid-000000000000', events: [click(), event] });
  const without = (name: string, event: Record<string, unknown> = click()) => withEvent(Object.fromEntries(Object.entries(event).filter(([key]) => key !== name)));
  const cases: [string, unknown, number, string][] = [
    ['not JSON', '{"batchId":', 400, 'body'],
    ['an array', '[]', 400, 'body'],
    ['a string', '"events"', 400, 'body'],
    ['an unknown field', { ...ok(), shopper: 'abcdefgh' }, 400, 'shopper'],
    ['an unknown field with a very long name', { ...ok(), ['x'.repeat(5000)]: 1 }, 400, `${'x'.repeat(64)}…`],
    ['a repeated field', '{"batchId":"b_valid-000000000000","batchId":"b_other-000000000000","events":[]}', 400, 'batchId'],
    ['a repeated event field', `{"batchId":"b_valid-000000000000","events":[${JSON.stringify(click()).replace('"rank":1', '"rank":1,"rank":2')}]}`, 400, 'events[0].rank'],
    ['no batchId', { events: [click()] }, 400, 'batchId'],
    ['a numeric batchId', { ...ok(), batchId: 12345678901234567890 }, 400, 'batchId'],
    ['a short batchId', { ...ok(), batchId: 'b_short' }, 400, 'batchId'],
    ['a long batchId', { ...ok(), batchId: `b_${'x'.repeat(65)}` }, 400, 'batchId'],
    ['a batchId without its prefix', { ...ok(), batchId: 'x'.repeat(20) }, 400, 'batchId'],
    ['a batchId with a bad character', { ...ok(), batchId: `b_${'x'.repeat(16)}/` }, 400, 'batchId'],
    ['no events', { batchId: 'b_valid-000000000000' }, 400, 'events'],
    ['events not an array', { batchId: 'b_valid-000000000000', events: { 0: click() } }, 400, 'events'],
    ['an empty batch', { batchId: 'b_valid-000000000000', events: [] }, 400, 'events'],
    ['101 events', { batchId: 'b_valid-000000000000', events: Array.from({ length: 101 }, (_, i) => click({ itemId: `sku-${i}` })) }, 413, 'events'],
    ['an event that is a string', withEvent('click'), 400, 'events[1]'],
    ['an event that is null', withEvent(null), 400, 'events[1]'],
    ['an event that is an array', withEvent([click()]), 400, 'events[1]'],
    ['no type', without('type'), 400, 'events[1].type'],
    ['an unknown type', withEvent(click({ type: 'purchase' })), 400, 'events[1].type'],
    ['a numeric type', withEvent(click({ type: 1 })), 400, 'events[1].type'],
    ['an unknown event field', withEvent(click({ shopper: 'abcdefgh' })), 400, 'events[1].shopper'],
    ['an email in an event', withEvent(click({ email: 'a@b.example' })), 400, 'events[1].email'],
    ['an order field on a click', withEvent(click({ quantity: 1 })), 400, 'events[1].quantity'],
    ['an order id on an impression', withEvent(click({ type: 'impression', orderId: 'A-1' })), 400, 'events[1].orderId'],
    ['no placement', without('placement'), 400, 'events[1].placement'],
    ['a placement with a bad character', withEvent(click({ placement: 'pdp/../x' })), 400, 'events[1].placement'],
    ['a numeric placement', withEvent(click({ placement: 7 })), 400, 'events[1].placement'],
    ['no variant', without('variant'), 400, 'events[1].variant'],
    ['a numeric variant', withEvent(click({ variant: 1 })), 400, 'events[1].variant'],
    ['no requestId', without('requestId'), 400, 'events[1].requestId'],
    ['a requestId of another form', withEvent(click({ requestId: 'abc' })), 400, 'events[1].requestId'],
    ['a requestId with a space', withEvent(click({ requestId: 'v1.abc def' })), 400, 'events[1].requestId'],
    ['a long requestId', withEvent(click({ requestId: `v1.${'a'.repeat(300)}` })), 400, 'events[1].requestId'],
    ['a numeric requestId', withEvent(click({ requestId: 1 })), 400, 'events[1].requestId'],
    ['no itemId', without('itemId'), 400, 'events[1].itemId'],
    ['an empty itemId', withEvent(click({ itemId: '' })), 400, 'events[1].itemId'],
    ['a long itemId', withEvent(click({ itemId: 'x'.repeat(201) })), 400, 'events[1].itemId'],
    ['an itemId with a control character', withEvent(click({ itemId: 'sku\u0000' })), 400, 'events[1].itemId'],
    ['a numeric itemId', withEvent(click({ itemId: 12 })), 400, 'events[1].itemId'],
    ['no rank', without('rank'), 400, 'events[1].rank'],
    ['rank 0', withEvent(click({ rank: 0 })), 400, 'events[1].rank'],
    ['rank 1001', withEvent(click({ rank: 1001 })), 400, 'events[1].rank'],
    ['a fractional rank', withEvent(click({ rank: 1.5 })), 400, 'events[1].rank'],
    ['a rank as text', withEvent(click({ rank: '1' })), 400, 'events[1].rank'],
    ['a team on a plain answer', withEvent(click({ team: 'snappy' })), 400, 'events[1].team'],
    // Only an item placed after one list ran out has no team, and its request id says so.
    ['no team on an interleaved item that has one', withEvent(click({ placement: 'mix', requestId: MIX, variant: 'interleave' })), 403, 'events[1].requestId'],
    ['an empty trackerId', withEvent(click({ trackerId: '' })), 400, 'events[1].trackerId'],
    ['a long trackerId', withEvent(click({ trackerId: 't'.repeat(201) })), 400, 'events[1].trackerId'],
    ['a trackerId with a line break', withEvent(click({ trackerId: 'a\nb' })), 400, 'events[1].trackerId'],
    ['an itemId with a lone surrogate', withEvent(click({ itemId: 'sku-\ud800' })), 400, 'events[1].itemId'],
    ['a numeric trackerId', withEvent(click({ trackerId: 5 })), 400, 'events[1].trackerId'],
    ['no at', without('at'), 400, 'events[1].at'],
    ['at as a date string', withEvent(click({ at: '2026-11-30T12:00:00Z' })), 400, 'events[1].at'],
    ['a fractional at', withEvent(click({ at: NOW - 0.5 })), 400, 'events[1].at'],
    ['a negative at', withEvent(click({ at: -1 })), 400, 'events[1].at'],
    ['an order without orderId', without('orderId', order()), 400, 'events[1].orderId'],
    ['an order without quantity', without('quantity', order()), 400, 'events[1].quantity'],
    ['an order without price', without('price', order()), 400, 'events[1].price'],
    ['an empty orderId', withEvent(order({ orderId: '' })), 400, 'events[1].orderId'],
    ['a long orderId', withEvent(order({ orderId: 'A'.repeat(129) })), 400, 'events[1].orderId'],
    ['an orderId with a control character', withEvent(order({ orderId: 'A\u0007' })), 400, 'events[1].orderId'],
    ['a numeric orderId', withEvent(order({ orderId: 1001 })), 400, 'events[1].orderId'],
    ['quantity 0', withEvent(order({ quantity: 0 })), 400, 'events[1].quantity'],
    ['quantity 1001', withEvent(order({ quantity: 1001 })), 400, 'events[1].quantity'],
    ['a fractional quantity', withEvent(order({ quantity: 1.5 })), 400, 'events[1].quantity'],
    ['a negative price', withEvent(order({ price: -1 })), 400, 'events[1].price'],
    ['a price as text', withEvent(order({ price: '19.99' })), 400, 'events[1].price'],
    ['an absurd price', withEvent(order({ price: 1e300 })), 400, 'events[1].price'],
    ['a currency in lower case', withEvent(order({ currency: 'eur' })), 400, 'events[1].currency'],
    ['a currency of four letters', withEvent(order({ currency: 'EURO' })), 400, 'events[1].currency'],
    ['a currency with a digit', withEvent(order({ currency: 'E1R' })), 400, 'events[1].currency'],
  ];

  for (const [problem, body, status, parameter] of cases) {
    it(`refuses ${problem}: ${status} naming ${parameter}, nothing stored`, async () => {
      const error = await refusal(handler, post(body));
      assert.equal(error.status, status);
      assert.equal(error.code, 'invalid-request');
      assert.equal(error.extra.parameter, parameter);
      assert.ok(error.message.startsWith(`${parameter}: `), error.message);
      assert.equal(await stored(), 0);
    });
  }

  it('skips an event of a placement, variant or team the configuration no longer has, counts it as rejected, and keeps the rest of the batch', async () => {
    // The widget drops a refused batch: one event of an ended experiment must not take the page's other events with it.
    const gone = [
      click({ placement: 'nope' }),
      click({ variant: 'default' }),
      click({ placement: 'mix', requestId: MIX, variant: 'interleave', team: 'algolia' }),
      click({ placement: 'mix', requestId: MIX, variant: 'interleave', team: 'interleave' }),
    ];
    const response = await handler(post({ batchId: batchId(), events: [click(), ...gone, click({ itemId: 'sku-2', rank: 2 })] }));
    assert.deepEqual([response.status, await response.json()], [202, { accepted: 2, duplicates: 0, rejected: 4 }]);
    assert.equal(await stored(), 2);
    // Only the configuration's absence is forgiven: a forged id still refuses the whole batch.
    const forged = await refusal(handler, post({ batchId: batchId(), events: [click({ rank: 3 }), ...gone, click({ requestId: 'v1.nnnnnnnnnnnnnnnn99.new.sig' })] }));
    assert.deepEqual([forged.status, forged.extra.parameter], [403, 'events[5].requestId']);
    assert.equal(await stored(), 2);
  });

  it('refuses a body over its size cap with 413, with or without a content-length', async () => {
    const huge = JSON.stringify({ batchId: batchId(), events: [click({ itemId: 'x'.repeat(70_000) })] });
    assert.equal((await refusal(handler, post(huge))).status, 413);
    const stream = new ReadableStream({ start: (controller) => (controller.enqueue(new TextEncoder().encode(huge)), controller.close()) });
    const chunked = new Request('https://shop.example/events', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    const error = await refusal(handler, chunked);
    assert.deepEqual([error.status, error.extra.parameter], [413, 'body']);
  });

  // [what is wrong, the bad event, the status]: the bad event is third; the batch is refused whole.
  const tokenCases: [string, () => Record<string, unknown>, number][] = [
    ['a forged request id', () => click({ requestId: 'v1.nnnnnnnnnnnnnnnn99.new.sig' }), 403],
    ['a request id of another placement', () => click({ placement: 'home', variant: 'default' }), 403],
    ['a request id of another variant', () => click({ variant: 'yespo' }), 403],
    ['a request id crediting the other team', () => ({ ...click({ placement: 'mix', requestId: MIX, variant: 'interleave', team: 'snappy', rank: 2 }) }), 403],
    ['a stale request id', () => click({ requestId: signer.issue('pdp', 'snappy', { stale: true }) }), 403],
    ['a malformed request id', () => click({ requestId: 'v1.xyz' }), 400],
  ];
  for (const [problem, bad, status] of tokenCases) {
    it(`refuses ${problem}: ${status} naming events[2].requestId, none of the batch stored`, async () => {
      const id = batchId();
      const events = [click(), click({ itemId: 'sku-2', rank: 2 }), bad()];
      const error = await refusal(handler, post({ batchId: id, events }));
      assert.deepEqual([error.status, error.extra.parameter], [status, 'events[2].requestId']);
      assert.equal(await stored(), 0);
      // Not even the batch id was kept: the batch without its bad event is still accepted.
      const response = await handler(post({ batchId: id, events: events.slice(0, 2) }));
      assert.deepEqual([response.status, await response.json()], [202, { accepted: 2, duplicates: 0 }]);
    });
  }

  it('answers 503 with Retry-After when the store is unavailable, and lets other errors through', async () => {
    const failing = (error: Error): EventStore => ({ ...store, insertBatch: () => Promise.reject(error) });
    const deps = { placements: () => ({ variants: ['snappy'] }), verifyRequestId: signer.verify, now: () => NOW };
    const down = createEventsHandler({ ...deps, store: failing(new StoreUnavailable('the event database did not answer within 2000 ms')) });
    const error = await refusal(down, post({ batchId: batchId(), events: [click()] }));
    assert.equal(error.status, 503);
    assert.equal(error.extra.headers?.['retry-after'], '2');
    assert.equal(error.extra.headers?.['cache-control'], 'no-store');
    assert.ok(!error.message.includes('2000 ms'), 'the database\'s details stay in the log');
    const bug = createEventsHandler({ ...deps, store: failing(new TypeError('a bug')) });
    await assert.rejects(bug(post({ batchId: batchId(), events: [click()] })), TypeError);
  });
});
