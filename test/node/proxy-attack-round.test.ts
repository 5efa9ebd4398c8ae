/**
 * Another round of attacks on the proxy (after proxy-attacks, proxy-hardening-* and
 * proxy-resource-limits), each tried for real on loopback against the proxy
 * (startTestProxy, in this process) or on the adapter itself:
 *
 * 1. pipelined requests on a connection the client then resets: Node never says that an
 *    answer queued behind another is done ('close'), and the server's list of answers in
 *    flight (for a graceful stop) kept each, with its text, for the life of the process;
 * 2. pipelined requests never read: Node runs every request it has read and holds each
 *    answer until those before it are written, so 64 kB of pipelined requests for a
 *    server-rendered placement (no token: its rendering is kept) held 145 MB per connection;
 * 3. server-rendered placements in locales and currencies of the client's choosing: each
 *    pair was a price formatter the card's formatPrice kept for the life of the process;
 * 4. a Capillary answer of many customers: every customer was parsed, far past the 500
 *    entries cleanResult cleans, blocking the event loop for seconds;
 * 5. a client that resets its connection right after sending its request: the socket's
 *    address is gone by the time the route asks for it, and a request without an address
 *    was not limited (with limits.trustProxy, where no per-client connection cap reads it first).
 *
 * Heap is measured after full garbage collections; every test is bounded.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heapUsed } from './support/heap.ts';
import { call, query, startTestProxy, type TestProxy } from './harness.js';
import { startSilentServer, type SilentServer } from './stubs/hostile.js';
import { SNAPPY_KEY } from './stubs/snappy.js';
import { startCountingSnappyStub, type CountingStub } from './stubs/counting-snappy.js';
import { MAX_PIPELINED_REQUESTS } from '../../src/proxy/server.js';
import { capillaryAdapter } from '../../src/transports/capillary.js';
import { MAX_ENTRIES } from '../../src/model/clean-item.js';
import { formatPrice } from '../../src/format/price.js';

const MB = 1024 * 1024;
const BOUNDED = { timeout: 60_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/** A catalog of `count` products of about 5 kB of JSON each (long texts, as a shop's feed may have). */
function writeCatalog(folder: string, count: number): string {
  const text = (start: string, length: number) => `${start} ${'x'.repeat(length)}`.slice(0, length);
  const items = Array.from({ length: count }, (_, i) => ({
    id: `sku-${i}`,
    title: text(`Product ${i}`, 290),
    url: `/products/sku-${i}`,
    image: `/images/sku-${i}.jpg`,
    price: { amount: 10 + i, currency: 'EUR' },
    brand: text('Brand', 290),
    category: ['Shoes'],
    description: text(`Description ${i}`, 990),
    attributes: Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`attribute${k}`, text(`value ${k}`, 290)])),
  }));
  const path = join(folder, `catalog-${count}.json`);
  writeFileSync(path, JSON.stringify({ items }));
  return path;
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

/** A connection that writes `paths` at once (pipelined requests) and reads nothing until `socket.resume()`. */
async function pipelined(url: string, paths: string[]): Promise<{ socket: Socket; closed: Promise<void>; received(): string }> {
  const socket = connect({ port: Number(new URL(url).port), host: '127.0.0.1' });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.pause();
  socket.write(paths.map(get).join(''));
  return { socket, closed, received: () => Buffer.concat(chunks).toString('latin1') };
}

/** Answers in what a connection received (an answer starts right after the body before it). */
const answersIn = (text: string) => text.match(/HTTP\/1\.1 \d{3} /g)?.length ?? 0;

// ---- 1. and 2. pipelined requests ----------------------------------------------------------

describe('pipelined requests', () => {
  let folder: string;
  let silent: SilentServer;
  let proxy: TestProxy;
  /** A server-rendered placement of 40 rich cards: its rendering is kept, so each answer is free (no token). */
  let path: string;
  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'recs-attack-round-'));
    silent = await startSilentServer();
    proxy = await startTestProxy(
      {
        timeoutMs: 1000,
        placements: {
          pdp: { provider: 'demo', catalog: writeCatalog(folder, 40), events: false },
          // A vendor that never answers: the answers pipelined behind a request for it wait in the server.
          hung: { provider: 'snappy', endpoint: silent.url, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US', events: false },
        },
      },
      { SNAPPY_API_KEY: SNAPPY_KEY },
    );
    path = `/recs/pdp?${new URLSearchParams({ element: 'recs-list', productId: 'sku-1', limit: '40' })}`;
    const first = await call(`${proxy.url}${path}`);
    assert.equal(first.status, 200, first.text);
  });
  after(async () => {
    await proxy.close();
    await silent.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** Far below the 106 MB that 24 such connections left behind before. */
  const LEFT_BEHIND_BOUND = 15 * MB;

  it(`leave nothing behind once their connection is reset: 24 connections of 12 requests hold under ${LEFT_BEHIND_BOUND / MB} MB`, BOUNDED, async (t) => {
    const before = heapUsed();
    for (let round = 0; round < 24; round += 1) {
      // A request for the hung vendor (a new product each time: a miss), then 11 answered at once and queued behind it;
      // 12 in all, fewer than MAX_PIPELINED_REQUESTS (below), so it is the client that ends each connection.
      const client = await pipelined(proxy.url, [`/recs/hung?productId=hungproduct${round}`, ...Array<string>(11).fill(path)]);
      // Pacing only: the server reads and answers the requests meanwhile.
      await sleep(150);
      client.socket.resetAndDestroy();
      await client.closed;
    }
    // The hung calls end at their deadline (timeoutMs 1000), their answers written to no one.
    await sleep(1500);
    const growth = heapUsed() - before;
    t.diagnostic(`24 reset connections of 12 pipelined requests: heap +${Math.round(growth / MB)} MB`);
    assert.ok(growth < LEFT_BEHIND_BOUND, `heap grew by ${Math.round(growth / MB)} MB and stayed`);
  });

  /** Far below the 295 MB that 2 such connections held before, for as long as they lasted. */
  const HELD_BOUND = 40 * MB;

  it(`never read: a connection with more than ${MAX_PIPELINED_REQUESTS} requests unanswered is closed; 2 connections of 64 kB of requests hold under ${HELD_BOUND / MB} MB`, BOUNDED, async (t) => {
    const requests = Math.floor((64 * 1024) / get(path).length);
    const before = heapUsed();
    const clients = [];
    for (let i = 0; i < 2; i += 1) clients.push(await pipelined(proxy.url, Array<string>(requests).fill(path)));
    try {
      // Pacing only: the server reads and answers what it will meanwhile (the connections stay open up to requestTimeoutMs, 20 s).
      await sleep(2000);
      const growth = heapUsed() - before;
      t.diagnostic(`2 connections of ${requests} pipelined requests, never read: heap +${Math.round(growth / MB)} MB`);
      assert.ok(growth < HELD_BOUND, `heap grew by ${Math.round(growth / MB)} MB`);
      for (const client of clients) {
        client.socket.resume();
        await Promise.race([client.closed, sleep(5000)]);
        assert.ok(client.socket.destroyed || client.socket.readableEnded, 'the connection is still open');
        const answers = answersIn(client.received());
        assert.ok(answers <= MAX_PIPELINED_REQUESTS, `${answers} answers sent on one connection`);
      }
    } finally {
      for (const client of clients) client.socket.destroy();
    }
  });

  it('still serves a client that waits for each answer, on the same connection, and one that pipelines a few', BOUNDED, async () => {
    const client = await pipelined(proxy.url, Array<string>(4).fill(path));
    client.socket.resume();
    const deadline = Date.now() + 10_000;
    while (answersIn(client.received()) < 4 && Date.now() < deadline) await sleep(20);
    assert.equal(answersIn(client.received()), 4, 'four pipelined requests, four answers');
    assert.equal(client.socket.destroyed, false, 'the connection stays open');
    client.socket.destroy();
    for (let i = 0; i < 20; i += 1) assert.equal((await call(`${proxy.url}${path}`)).status, 200);
  });
});

// ---- 3. price formatters ---------------------------------------------------------------------

describe('server-rendered placements in locales and currencies of the client', () => {
  let proxy: TestProxy;
  let made = 0;
  const NumberFormat = Intl.NumberFormat;
  before(async () => {
    proxy = await startTestProxy({ placements: { pdp: { provider: 'demo', events: false } } });
    // Counts formatters made: formatPrice (src/format/price.ts) keeps each one it makes, for the life of the process.
    Intl.NumberFormat = new Proxy(NumberFormat, {
      construct(target, args) {
        made += 1;
        return Reflect.construct(target, args) as object;
      },
    });
  });
  after(async () => {
    Intl.NumberFormat = NumberFormat;
    await proxy.close();
  });

  /** An HTML answer for a locale of this server's ICU does not know (it is still a well-formed tag): no price text from withPriceText. */
  const render = (i: number) => call(query(`${proxy.url}/recs/pdp`, { element: 'recs-list', productId: 'sku-01', limit: '2', locale: `zz-x-${i.toString(36)}`, currency: 'EUR' }));

  it('render prices as the element would, and leave the data block for the page to format (before the pairs run out)', BOUNDED, async () => {
    // No locale: the server writes no price text; the card shows formatPrice's, the page formats the data block's itself.
    const answer = await call(query(`${proxy.url}/recs/pdp`, { element: 'recs-list', productId: 'sku-01', limit: '2', currency: 'USD' }));
    assert.equal(answer.status, 200, answer.text);
    const data = JSON.parse(/<script type="application\/json" data-recs>(.*?)<\/script>/s.exec(answer.text)![1]!) as { items: { price?: { amount: number; text?: string } }[] };
    assert.equal(data.items.length, 2);
    for (const { price } of data.items) {
      assert.equal(price!.text, undefined, 'the data block has no text: the page formats it in the shopper\'s locale');
      assert.ok(answer.text.includes(formatPrice(price, undefined, 'USD')), `the card shows ${formatPrice(price, undefined, 'USD')}`);
    }
  });

  it('make no new price formatter past the first few hundred pairs, and still show every price', BOUNDED, async (t) => {
    // More pairs than price-text.ts keeps a formatter for (MAX_COMBINATIONS, 200).
    for (let i = 0; i < 250; i += 1) assert.equal((await render(i)).status, 200);
    const before = made;
    for (let i = 250; i < 350; i += 1) {
      const answer = await render(i);
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.text.match(/part="price"[^>]*>[^<]*\d/g)?.length, 2, `every card shows a price: ${answer.text}`);
    }
    t.diagnostic(`formatters made for 100 more pairs: ${made - before}`);
    assert.ok(made - before <= 2, `100 more locale and currency pairs made ${made - before} formatters, each kept for ever`);
  });
});

// ---- 4. a Capillary answer of many customers ---------------------------------------------------

describe('a Capillary answer of many customers', () => {
  it(`is parsed no further than the ${MAX_ENTRIES} entries cleanResult cleans`, () => {
    let read = 0;
    const customers = Array.from({ length: 20_000 }, (_, i) => ({
      get item_status() {
        read += 1;
        return { success: 'true' };
      },
      recommendation: { item_code: `sku-${i}`, description: `Product ${i}`, success: 'true' },
    }));
    const body = { response: { status: { success: 'true', code: 200 }, customers: { customer: customers } } };
    const { items } = capillaryAdapter.parseResponse(body, new Headers());
    assert.equal(items.length, MAX_ENTRIES);
    assert.equal(items[0]!.id, 'sku-0');
    assert.ok(read <= MAX_ENTRIES + 1, `${read} customers of 20,000 were parsed`);
  });

  it('still refuses a customer entry that is not the envelope, and skips failed customers and recommendations', () => {
    assert.throws(() => capillaryAdapter.parseResponse({ response: { status: { success: true }, customers: { customer: [42] } } }, new Headers()), /v1\.1 customer recommendations envelope/);
    const body = {
      response: {
        status: { success: true },
        customers: {
          customer: [
            { item_status: { success: 'false' }, recommendation: [{ item_code: 'nope', description: 'Nope' }] },
            { recommendation: [{ item_code: 'failed', description: 'Failed', success: false }, { item_code: 'sku-1', description: 'Shoe' }] },
          ],
        },
      },
    };
    assert.deepEqual(capillaryAdapter.parseResponse(body, new Headers()).items.map((item) => item.id), ['sku-1']);
  });
});

// ---- 5. a request whose connection is reset at once ---------------------------------------------

describe('a client that resets its connection right after each request', () => {
  let vendor: CountingStub;
  before(async () => {
    vendor = await startCountingSnappyStub();
  });
  after(() => vendor.close());

  for (const trustProxy of [false, true]) {
    it(`is still limited (trustProxy ${trustProxy}): 30 such requests for distinct answers reach the vendor no more than its burst of 2`, BOUNDED, async () => {
      const proxy = await startTestProxy(
        {
          limits: { perClient: { ratePerSecond: 0.01, burst: 2 }, trustProxy },
          placements: { related: { provider: 'snappy', endpoint: vendor.url, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US', events: false } },
        },
        { SNAPPY_API_KEY: SNAPPY_KEY },
      );
      try {
        const before = vendor.requests;
        for (let i = 0; i < 30; i += 1) {
          // Each a cache miss (a limit of its own), sent and reset at once: the answer is never read.
          const client = await pipelined(proxy.url, [`/recs/related?productId=655277e68e0719000d6c3fd5&limit=${(i % 20) + 1}&currency=E${String.fromCharCode(65 + (i % 26))}R`]);
          client.socket.resetAndDestroy();
          await client.closed;
        }
        // Pacing only: the requests the server read are run meanwhile.
        await sleep(1000);
        assert.ok(vendor.requests - before <= 2, `${vendor.requests - before} vendor calls from one client with a burst of 2`);
      } finally {
        await proxy.close();
      }
    });
  }
});
