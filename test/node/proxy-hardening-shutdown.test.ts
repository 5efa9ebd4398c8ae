/**
 * Issue 13, graceful shutdown: close() (and SIGTERM on `npm run proxy`) stops accepting,
 * answers the requests in flight, closes idle keep-alive connections at once, and gives up
 * on what is left at the deadline. Real sockets on loopback, in front of a Snappy stub
 * that answers after STUB_DELAY_MS, so requests are truly in flight when the stop comes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, call, query, startTestProxy, type Answer } from './harness.js';
import { SNAPPY_KEY } from './stubs/snappy.js';
import { startCountingSnappyStub, type CountingStub } from './stubs/counting-snappy.js';
import { stopProxy } from '../../src/proxy/server.js';
import { createEventStore } from '../../src/proxy/events/store.js';

const STUB_DELAY_MS = 500;
const IN_FLIGHT = 10;
const PRODUCT = '655277e68e0719000d6c3fd5';
/** Each test ends by then, failing, rather than wait on a server that never closes. */
const BOUNDED = { timeout: 15_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const snappyPlacement = (stub: CountingStub) => ({ provider: 'snappy', endpoint: stub.url, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US' });

/** IN_FLIGHT anonymous GETs that each miss the cache (a different limit each), once the stub holds all of them. */
async function sendInFlight(stub: CountingStub, base: string): Promise<Promise<Answer>[]> {
  const before = stub.requests;
  const answers = Array.from({ length: IN_FLIGHT }, (_, i) => call(query(`${base}/recs/related`, { productId: PRODUCT, limit: String(i + 1) })));
  const deadline = Date.now() + 3000;
  while (stub.requests - before < IN_FLIGHT) {
    if (Date.now() > deadline) assert.fail(`only ${stub.requests - before} of ${IN_FLIGHT} requests reached the stub`);
    await sleep(10);
  }
  return answers;
}

function assertAllAnswered(answers: Answer[]): void {
  for (const [i, answer] of answers.entries()) {
    assert.equal(answer.status, 200, `request ${i + 1}: ${answer.status} ${answer.text}`);
    assert.ok(answer.body.items.length > 0, `request ${i + 1} has no items`);
  }
}

/** Resolves with the connect error code, or 'connected'. */
function tryConnect(url: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** A raw socket; `closed` resolves when the server closes it. */
function rawSocket(url: string): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('connect', () => resolve({ socket, received: () => received, closed }));
    socket.once('error', reject);
  });
}

describe('proxy hardening: close() is graceful', () => {
  let stub: CountingStub;
  before(async () => {
    stub = await startCountingSnappyStub();
    stub.delayMs = STUB_DELAY_MS;
  });
  after(() => stub.close());

  it(`answers all ${IN_FLIGHT} requests in flight with 200, refusing new connections meanwhile`, BOUNDED, async () => {
    const proxy = await startTestProxy({ placements: { related: snappyPlacement(stub) } }, { SNAPPY_API_KEY: SNAPPY_KEY });
    const pending = await sendInFlight(stub, proxy.url);
    const started = Date.now();
    const closed = proxy.close();
    assert.equal(await tryConnect(proxy.url), 'ECONNREFUSED', 'a new connection was accepted during shutdown');
    const answers = await Promise.all(pending);
    assertAllAnswered(answers);
    // Their connections are not kept alive for a next request.
    for (const answer of answers) assert.equal(answer.headers.get('connection'), 'close');
    await closed;
    assert.ok(Date.now() - started < STUB_DELAY_MS + 1000, `close() took ${Date.now() - started} ms`);
  });

  it('closes idle keep-alive connections at once instead of waiting for keepAliveTimeoutMs', BOUNDED, async () => {
    const proxy = await startTestProxy({ server: { keepAliveTimeoutMs: 60_000 }, placements: { pdp: { provider: 'demo' } } });
    const idle = await rawSocket(proxy.url);
    idle.socket.write('GET /recs/nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    while (!idle.received().includes('"error"')) await sleep(10);
    const started = Date.now();
    await proxy.close();
    await idle.closed;
    assert.ok(Date.now() - started < 500, `close() took ${Date.now() - started} ms with an idle keep-alive connection`);
  });

  it('gives up at the deadline (longest timeoutMs + 1 s) on a request that never completes', BOUNDED, async () => {
    const TIMEOUT_MS = 500;
    // Long connection timeouts: only the shutdown deadline can end this request.
    const proxy = await startTestProxy({
      timeoutMs: TIMEOUT_MS,
      server: { headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 },
      placements: { pdp: { provider: 'demo' } },
    });
    const slow = await rawSocket(proxy.url);
    slow.socket.write('POST /recs/pdp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n');
    await sleep(100);
    const started = Date.now();
    await proxy.close();
    const took = Date.now() - started;
    await slow.closed;
    assert.ok(took >= TIMEOUT_MS + 1000 - 50 && took < TIMEOUT_MS + 1000 + 1000, `close() took ${took} ms`);
  });
});

describe('proxy hardening: npm run proxy stops gracefully on SIGTERM', () => {
  let stub: CountingStub;
  before(async () => {
    stub = await startCountingSnappyStub();
    stub.delayMs = STUB_DELAY_MS;
  });
  after(() => stub.close());

  it(`answers ${IN_FLIGHT} requests in flight, then exits 0`, BOUNDED, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recs-shutdown-'));
    const configPath = join(dir, 'recs.config.json');
    writeFileSync(configPath, JSON.stringify({ placements: { related: snappyPlacement(stub) } }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/proxy/node.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, RECS_CONFIG: configPath, PORT: '0', SNAPPY_API_KEY: SNAPPY_KEY },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const found = /listening on (http:\/\/\S+?)\/recs/.exec(stdout)?.[1];
          if (found) resolve(found);
        });
        void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
      });
      const pending = await sendInFlight(stub, url);
      child.kill('SIGTERM');
      assertAllAnswered(await Promise.all(pending));
      assert.equal(await exited, 0, stderr);
      assert.match(stdout, /SIGTERM, answering requests in flight/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('proxy hardening: npm run proxy keeps its deadline while the event store is still opening', () => {
  it('stopProxy() resolves at the deadline when storing the counts and closing the store wait on a store that never opens', BOUNDED, async () => {
    const DEADLINE_MS = 500;
    // A store still opening (PGlite's first start, many seconds): every call waits, and so does close().
    const opening = new Promise<never>(() => undefined);
    const store = createEventStore({ query: () => opening, transaction: () => opening, close: () => opening });
    const proxy = await startTestProxy({ placements: { pdp: { provider: 'demo' } } }, { RECS_EVENTS_SECRET: 'shutdown-test-secret-0123456789-abcdef' }, { events: { store } });
    // An answer counted in memory: stopping stores it, or tries to.
    assert.equal((await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '2' }))).status, 200);
    const started = Date.now();
    const stopped = await Promise.race([stopProxy(proxy, store, DEADLINE_MS).then(() => 'stopped'), sleep(DEADLINE_MS + 2000).then(() => 'still waiting')]);
    const took = Date.now() - started;
    assert.equal(stopped, 'stopped', `still waiting for the store ${took} ms after the stop began; the deadline is ${DEADLINE_MS} ms`);
    assert.ok(took >= DEADLINE_MS - 50 && took < DEADLINE_MS + 500, `stopped after ${took} ms`);
    assert.equal(await tryConnect(proxy.url), 'ECONNREFUSED', 'the server still accepts connections');
  });
});
