/**
 * The proxy under load and under attack (issue 6, item 8), served for real on loopback
 * in front of a Snappy stub that counts the requests it receives.
 *
 * Attack: every hostile request below gets a 4xx (or, for CONNECT, a closed socket)
 * and never reaches the vendor. Already covered elsewhere, so not repeated here:
 *   - proxy-http.test.ts: unknown and unsafe placement names (`__proto__`, `..%2Frecs.config.json`,
 *     `%2e%2e`, 65 characters, `related%00`, `rel%20ated`), `/recs/../recs.config.json`,
 *     PUT (405 with Allow), a foreign Origin (403, also for the preflight).
 *   - proxy-input.test.ts: bad values for every field (control characters, bidi, odd
 *     encodings), an unknown query (`apiKey`) and body (`endpoint`) parameter, a repeated
 *     query parameter (`limit`), POST bodies that are `[]`, `null`, truncated JSON, text/plain
 *     or carry `__proto__`, and 413 for an over-size body sent with a Content-Length.
 *
 * Load: 200 concurrent clients (autocannon) kept busy for 30 s on a cached anonymous GET,
 * then for 10 s on an identified POST; no errors, timeouts or non-2xx, and afterwards no
 * sockets, handles or per-request timers left behind. autocannon runs in a child process
 * (this file again) and the clients connect in a ramp: see startLoadClient for both.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createProxyApp } from '../../src/proxy/app.js';
import { parseConfig } from '../../src/proxy/config.js';
import { REPO_ROOT, call, post } from './harness.js';
import { SNAPPY_KEY } from './stubs/snappy.js';
import { startCountingSnappyStub, type CountingStub } from './stubs/counting-snappy.js';

const SHOP = 'https://shop.example';
const PRODUCT = '655277e68e0719000d6c3fd5';
const MAX_BODY = 2048;
/** What recs.config.json or /etc/passwd would show, were either ever served. */
const FILE_CONTENTS = /"placements"\s*:|"provider"\s*:|root:x?:0:/;

// ---- the load client: autocannon, in a child process ----------------------------------

/** One phase of the load: what every connection sends, and the one answer it must get back. */
interface LoadPhase {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  expectBody: string;
}

interface LoadFigures {
  requests: number;
  ok: number;
  non2xx: number;
  /** Answers other than the phase's expectBody. */
  mismatches: number;
  errors: number;
  timeouts: number;
  /** Latency over every response, in ms (autocannon's own percentiles round to whole ms). */
  p50: number;
  p99: number;
  max: number;
}

/** What autocannon (which has no type declarations) is given and returns, as far as used here. */
interface AutocannonRequest {
  setupRequest(request: object, context: { phase?: number }): object;
  onResponse(status: number, body: string, context: { phase?: number }): void;
}
type AutocannonRun = Promise<unknown> & {
  on(event: 'response', listener: (client: object, status: number, bytes: number, milliseconds: number) => void): void;
  on(event: 'reqError', listener: (error: Error) => void): void;
  /** Ends the run at its next one-second tick. */
  stop(): void;
};
type Autocannon = (options: { url: string; requests: AutocannonRequest[]; connections: number; duration: number }) => AutocannonRun;

/** Parent to child: open more connections, switch every connection to another phase, or stop and report. */
type ToClient = { open: number } | { phase: number } | { stop: true };
/** Child to parent: ready, then the figures of each phase. */
type FromClient = { ready: true } | { figures: LoadFigures[] };

/**
 * The child: one autocannon run per `open` message, all sending the current phase's request
 * (each connection sends its next request as soon as it has the previous answer), and all
 * stopped together on `stop`. Answers are counted against the phase their request was sent in.
 */
function serveAsLoadClient(url: string, phases: LoadPhase[]): void {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const runs: AutocannonRun[] = [];
  const tallies = phases.map(() => ({ requests: 0, ok: 0, non2xx: 0, mismatches: 0, errors: 0, timeouts: 0, latencies: [] as number[] }));
  let phase = 0;
  // autocannon calls onResponse and then, synchronously, emits `response` with the latency.
  let answeredPhase = 0;
  const request: AutocannonRequest = {
    setupRequest(defaults, context) {
      context.phase = phase;
      const { expectBody: _, ...wire } = phases[phase]!;
      return { ...defaults, body: '', ...wire };
    },
    onResponse(status, body, context) {
      answeredPhase = context.phase ?? 0;
      const tally = tallies[answeredPhase]!;
      tally.requests += 1;
      if (status >= 200 && status < 300) tally.ok += 1;
      else tally.non2xx += 1;
      if (body !== phases[answeredPhase]!.expectBody) tally.mismatches += 1;
    },
  };
  const send = (message: FromClient, done?: () => void) => process.send!(message, undefined, undefined, done);
  process.on('disconnect', () => process.exit());
  process.on('message', async (message: ToClient) => {
    if ('open' in message) {
      // Stopped by the parent; the duration is only a backstop.
      const run = autocannon({ url, requests: [request], connections: message.open, duration: 600 });
      run.on('response', (_client, _status, _bytes, milliseconds) => tallies[answeredPhase]!.latencies.push(milliseconds));
      run.on('reqError', (error) => {
        tallies[phase]!.errors += 1;
        if (error.message === 'request timed out') tallies[phase]!.timeouts += 1;
      });
      runs.push(run);
    } else if ('phase' in message) {
      phase = message.phase;
    } else {
      for (const run of runs) run.stop();
      await Promise.all(runs);
      const figures = tallies.map(({ latencies, ...counts }): LoadFigures => {
        latencies.sort((a, b) => a - b);
        const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
        return { ...counts, p50: percentile(50), p99: percentile(99), max: latencies.at(-1) ?? NaN };
      });
      send({ figures }, () => process.disconnect());
    }
  });
  send({ ready: true });
}

/** Connections opened at a time, and the longest the ramp may take; see startLoadClient. */
const RAMP_BATCH = 10;
const RAMP_LIMIT_MS = 15_000;

interface LoadClient {
  /** How long it took until all connections were open, and how many the proxy then had open. */
  rampMs: number;
  openAtOnce: number;
  /** Switches every connection to the phase at `index` (from the next request on). */
  phase(index: number): void;
  /** Stops every connection; the figures of each phase. */
  stop(): Promise<LoadFigures[]>;
  /** Ends the child if it is still running (after a failure). */
  kill(): void;
}

/**
 * Puts `connections` concurrent clients on the proxy from a child process (this file again),
 * so the figures are the proxy's own rather than a share of one event loop with its clients.
 * They start on `phases[0]` and stay connected from one phase to the next.
 *
 * The clients connect RAMP_BATCH at a time, each batch once the proxy has accepted the
 * previous one. Why: since libuv 1.45 (Node 20) a server accepts one connection per event-loop
 * turn (libuv/libuv#3696), and each turn serves every connection that has a request ready. 200
 * clients connecting at once to a proxy already busy serving them are all accepted only after
 * ~200 turns of growing length, 10 s or more on a 2-vCPU machine: autocannon counts that as
 * timeouts, with the proxy dropping nothing. The test makes the first phase cheap for the
 * proxy's event loop, so the ramp takes a second or two, and reports how long it took.
 */
async function startLoadClient(server: Server, url: string, phases: LoadPhase[], connections: number): Promise<LoadClient> {
  const env: NodeJS.ProcessEnv = { ...process.env, PROXY_LOAD_CLIENT: JSON.stringify({ url, phases }) };
  // Otherwise the child would take itself for a test file run by the test runner.
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const next = () =>
    new Promise<FromClient>((resolve, reject) => {
      child.once('message', (message) => resolve(message as FromClient));
      void exited.then((code) => reject(new Error(`the load client exited (${code}): ${stderr}`)));
    });
  const send = (message: ToClient) => child.send(message);

  await next();
  let accepted = 0;
  const onConnection = () => (accepted += 1);
  server.on('connection', onConnection);
  const started = Date.now();
  let opened = 0;
  while (opened < connections && Date.now() - started < RAMP_LIMIT_MS) {
    const batch = Math.min(RAMP_BATCH, connections - opened);
    send({ open: batch });
    opened += batch;
    while (accepted < opened && Date.now() - started < RAMP_LIMIT_MS) await sleep(5);
  }
  server.off('connection', onConnection);
  return {
    rampMs: Date.now() - started,
    openAtOnce: await openSockets(server),
    phase: (index) => send({ phase: index }),
    async stop() {
      const report = next();
      send({ stop: true });
      const message = await report;
      assert.equal(await exited, 0, `the load client failed: ${stderr}`);
      assert.ok('figures' in message);
      return message.figures;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

// ---- the proxy on its own http.Server, so the test can count its sockets ------------

interface ServedProxy {
  url: string;
  port: number;
  server: Server;
  logs: string[];
  close(): Promise<void>;
}

/** As startProxyServer() does, but keeping the http.Server that startProxyServer() does not expose. */
async function serveProxy(config: unknown): Promise<ServedProxy> {
  const logs: string[] = [];
  const app = createProxyApp(parseConfig(config), { env: { SNAPPY_API_KEY: SNAPPY_KEY }, log: (line) => logs.push(line) });
  const server = await new Promise<Server>((resolve, reject) => {
    const served = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(served as Server));
    served.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    logs,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const openSockets = (server: Server) =>
  new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));

/** Waits up to `withinMs` for a server to have no socket open; the number left. */
async function socketsClosedBy(server: Server, withinMs: number): Promise<number> {
  const deadline = Date.now() + withinMs;
  while ((await openSockets(server)) > 0 && Date.now() < deadline) await sleep(20);
  return openSockets(server);
}

/**
 * Closes a server's idle keep-alive sockets, again as more go idle, until none is left or
 * `withinMs` has passed. Returns how many were open at the start, and how many are still
 * open: those were in the middle of a request all along.
 */
async function settle(server: Server, withinMs: number): Promise<{ open: number; stuck: number }> {
  const open = await openSockets(server);
  const deadline = Date.now() + withinMs;
  do {
    server.closeIdleConnections();
    await sleep(20);
  } while ((await openSockets(server)) > 0 && Date.now() < deadline);
  // The count drops as the server destroys a socket; give the peer a moment to see the close
  // too, or its pool may still hand that socket to the next request.
  await sleep(50);
  return { open, stuck: await openSockets(server) };
}

/** process.getActiveResourcesInfo() as counts per kind (TCPSocketWrap, Timeout, …). */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

// ---- raw HTTP/1.1 on a socket, for what fetch would refuse to send or would normalize ----

interface RawAnswer {
  status: number;
  /** The response head's header lines, as sent. */
  headerLines: string[];
  body: string;
}

/**
 * Writes `request` (latin1, byte for byte) and reads until the server closes the socket.
 * Requests that the server would keep alive must say `Connection: close`. Rejects when the
 * server has not closed within `timeoutMs`: a socket the proxy holds open is a leak.
 */
function raw(port: number, request: string, timeoutMs = 3000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the proxy kept the socket open for more than ${timeoutMs} ms after: ${JSON.stringify(request.slice(0, 80))}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may reset once it has answered a request whose body it will not read.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1] ?? 0), headerLines, body: rest.join('\r\n\r\n') });
    });
    socket.write(request, 'latin1');
  });
}

const get = (path: string, headers = '') => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`;

// ---- the tests ---------------------------------------------------------------------

const loadClientPlan = process.env.PROXY_LOAD_CLIENT;
if (loadClientPlan) {
  // This file as the load client, in the child process started by startLoadClient.
  const { url, phases } = JSON.parse(loadClientPlan) as { url: string; phases: LoadPhase[] };
  serveAsLoadClient(url, phases);
} else {
  describe('proxy under attack and under load (loopback, real sockets)', () => {
    let stub: CountingStub;
    let proxy: ServedProxy;
    let endpoint: string;

    before(async () => {
      stub = await startCountingSnappyStub();
      proxy = await serveProxy({
        allowedOrigins: [SHOP],
        maxBodyBytes: MAX_BODY,
        // Longer than the load run, so the anonymous placement is served from the proxy's cache throughout.
        cache: { sMaxAge: 300 },
        placements: { related: { provider: 'snappy', endpoint: stub.url, apiKeyEnv: 'SNAPPY_API_KEY', location: 'US' } },
      });
      endpoint = `${proxy.url}/recs/related`;
    });

    after(async () => {
      await proxy.close();
      await stub.close();
    });

    describe('attack: refused with a 4xx before any vendor call', () => {
      /** Runs `attack` and asserts the vendor stub received nothing meanwhile. */
      async function neverReachesVendor(attack: () => Promise<void>): Promise<void> {
        const before = stub.requests;
        await attack();
        assert.equal(stub.requests, before, 'the vendor stub received a request');
      }
      const expect4xx = (answer: { status: number; text?: string; body?: unknown }, status: number, label: string) =>
        assert.equal(answer.status, status, `${label}: ${answer.status} ${answer.text ?? ''}`);

      describe('oversized bodies', () => {
        it('413 for a chunked body (no Content-Length) over maxBodyBytes, whatever it contains', async () => {
          await neverReachesVendor(async () => {
            for (const [type, payload] of [
              ['application/json', JSON.stringify({ productId: PRODUCT, category: 'x'.repeat(MAX_BODY) })],
              ['text/plain', 'x'.repeat(MAX_BODY + 1)],
              ['application/json', '{"productId":'.padEnd(MAX_BODY + 1, ' ')],
            ] as const) {
              const bytes = new TextEncoder().encode(payload);
              // A stream body has no length, so fetch sends it chunked; two chunks, to cross the cap mid-stream.
              const body = new ReadableStream<Uint8Array>({
                start(controller) {
                  controller.enqueue(bytes.subarray(0, 1000));
                  controller.enqueue(bytes.subarray(1000));
                  controller.close();
                },
              });
              const answer = await call(endpoint, { method: 'POST', headers: { 'content-type': type }, body, duplex: 'half' } as RequestInit);
              expect4xx(answer, 413, `${type} chunked`);
              assert.equal(answer.body.error.parameter, 'body');
            }
          });
        });

        it('a chunked body of exactly maxBodyBytes is still read (the 413 above is the cap, not chunking)', async () => {
          const json = JSON.stringify({ productId: PRODUCT, customerId: 'cust-at-the-cap' }).padEnd(MAX_BODY, ' ');
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode(json));
              controller.close();
            },
          });
          const before = stub.requests;
          const answer = await call(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
          assert.equal(answer.status, 200, answer.text);
          assert.equal(stub.requests, before + 1);
        });

        it('413 at once for a huge Content-Length, without waiting for (or reading) the body; the socket is then closed', async () => {
          await neverReachesVendor(async () => {
            const answer = await raw(
              proxy.port,
              'POST /recs/related HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{"productId":',
            );
            assert.equal(answer.status, 413);
            assert.match(answer.body, /"parameter":"body"/);
          });
        });

        it('413 for a chunked body that never ends once it passes the cap; the socket is then closed', async () => {
          await neverReachesVendor(async () => {
            const chunk = `400\r\n${'x'.repeat(0x400)}\r\n`;
            const answer = await raw(
              proxy.port,
              `POST /recs/related HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.repeat(3)}`,
            );
            assert.equal(answer.status, 413);
          });
        });

        it('400 for Content-Length together with Transfer-Encoding (request smuggling), from Node itself', async () => {
          await neverReachesVendor(async () => {
            const smuggled = get(`/recs/related?productId=${PRODUCT}&limit=9`).replace('Connection: close\r\n', '');
            const answer = await raw(
              proxy.port,
              `POST /recs/related HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
            );
            assert.equal(answer.status, 400);
          });
        });
      });

      describe('bodies that are not a JSON object of string fields', () => {
        it('400 for malformed JSON and for JSON that is a string, number, boolean or nested beyond one object', async () => {
          await neverReachesVendor(async () => {
            const cases: [body: string, parameter: string][] = [
              ['', 'body'],
              ['{"productId":"a",}', 'body'],
              ["{'productId':'a'}", 'body'],
              ['{"productId":"a"} {"limit":"1"}', 'body'],
              ['"productId"', 'body'],
              ['42', 'body'],
              ['true', 'body'],
              [`${'['.repeat(500)}${']'.repeat(500)}`, 'body'],
              [JSON.stringify({ productId: { $ne: null } }), 'productId'],
              [JSON.stringify({ productId: PRODUCT, limit: 5 }), 'limit'],
            ];
            for (const [body, parameter] of cases) {
              const answer = await call(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
              expect4xx(answer, 400, body.slice(0, 40));
              assert.equal(answer.body.error.parameter, parameter, body.slice(0, 40));
            }
          });
        });

        it('400 for a POST that is not application/json (an HTML form, multipart, none at all, look-alikes)', async () => {
          await neverReachesVendor(async () => {
            const json = JSON.stringify({ productId: PRODUCT });
            const form = new FormData();
            form.set('productId', PRODUCT);
            const cases: [label: string, init: RequestInit][] = [
              // What a cross-site HTML form can send without a preflight.
              ['urlencoded', { body: new URLSearchParams({ productId: PRODUCT }) }],
              ['multipart', { body: form }],
              // A byte body carries no Content-Type at all.
              ['none', { body: new TextEncoder().encode(json) }],
              ['text/json', { headers: { 'content-type': 'text/json' }, body: json }],
              ['application/json-patch+json', { headers: { 'content-type': 'application/json-patch+json' }, body: json }],
              ['application/jsonp', { headers: { 'content-type': 'application/jsonp' }, body: json }],
            ];
            for (const [label, init] of cases) {
              const answer = await call(endpoint, { method: 'POST', ...init });
              expect4xx(answer, 400, label);
              assert.equal(answer.body.error.parameter, 'body', label);
              assert.match(answer.body.error.message, /application\/json/);
            }
          });
        });
      });

      describe('unknown and repeated parameters', () => {
        it('400 for unknown query parameters, including prototype names, array syntax and other spellings', async () => {
          await neverReachesVendor(async () => {
            const cases: [query: string, parameter: string][] = [
              ['__proto__=x', '__proto__'],
              ['constructor=x', 'constructor'],
              ['productId[]=a', 'productId[]'],
              ['Limit=5', 'Limit'],
              ['limit%00=5', 'limit\u0000'],
            ];
            for (const [query, parameter] of cases) {
              const answer = await call(`${endpoint}?productId=${PRODUCT}&${query}`);
              expect4xx(answer, 400, query);
              assert.equal(answer.body.error.parameter, parameter, query);
            }
          });
        });

        it('400 for unknown body fields, including prototype names', async () => {
          await neverReachesVendor(async () => {
            for (const name of ['constructor', 'toString', 'prototype', 'apiKeyEnv']) {
              const answer = await post(endpoint, { productId: PRODUCT, [name]: 'x' });
              expect4xx(answer, 400, name);
              assert.equal(answer.body.error.parameter, name);
            }
          });
        });

        it('400 for a parameter given twice: in the query (however spelt) and as a repeated JSON key', async () => {
          await neverReachesVendor(async () => {
            for (const [query, parameter] of [
              [`productId=${PRODUCT}&productId=other`, 'productId'],
              [`productId=${PRODUCT}&limit=1&%6Cimit=2`, 'limit'],
              [`productId=${PRODUCT}&__proto__=a&__proto__=b`, '__proto__'],
            ]) {
              const answer = await call(`${endpoint}?${query}`);
              expect4xx(answer, 400, query!);
              assert.equal(answer.body.error.parameter, parameter, query);
            }
            for (const [body, parameter] of [
              [`{"productId":"${PRODUCT}","limit":"1","limit":"50"}`, 'limit'],
              [`{"customerId":"alice","productId":"${PRODUCT}","custom\\u0065rId":"mallory"}`, 'customerId'],
            ]) {
              const answer = await call(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
              expect4xx(answer, 400, body!);
              assert.equal(answer.body.error.parameter, parameter, body);
              assert.match(answer.body.error.message, /more than once/);
            }
          });
        });
      });

      describe('path traversal and odd placement names', () => {
        it('404 for encoded traversal, backslashes, NUL, very long and unicode names; no file is ever served', async () => {
          await neverReachesVendor(async () => {
            const names = [
              '..%2F..%2Fetc%2Fpasswd',
              '%2e%2e%2f%2e%2e%2frecs.config.json',
              '%252e%252e%252frecs.config.json',
              '..%5Crecs.config.json',
              '%5C..%5C..%5Cetc%5Cpasswd',
              'related%2F..%2F..%2Frecs.config.json',
              '%00',
              'related%00.json',
              'a'.repeat(4096),
              encodeURIComponent('rélated'),
              // Fullwidth letters: NFKC would make them "related"; the proxy must not.
              encodeURIComponent('ｒｅｌａｔｅｄ'),
              encodeURIComponent('related\u200b'),
              encodeURIComponent('\u202edetaler'),
              encodeURIComponent('💥'.repeat(100)),
              '%ED%A0%80',
              '%FF',
            ];
            for (const name of names) {
              const answer = await call(`${proxy.url}/recs/${name}?productId=${PRODUCT}`);
              expect4xx(answer, 404, name.slice(0, 60));
              assert.equal(answer.body.error.code, 'not-found');
              assert.doesNotMatch(answer.text, FILE_CONTENTS);
            }
          });
        });

        it('at the socket level, where nothing normalizes the path first: 400 or 404, or 431 for a huge name', async () => {
          await neverReachesVendor(async () => {
            const cases: [target: string, status: number][] = [
              // A backslash in the path is refused by @hono/node-server before the app sees it.
              ['/recs/..\\recs.config.json', 400],
              ['/recs\\..\\recs.config.json', 400],
              // Dot segments are resolved (as by any URL parser) and cannot leave the URL space.
              ['/recs/../../../etc/passwd', 404],
              ['/recs/%2e%2e/%2e%2e/etc/passwd', 404],
              ['/recs/related/../../recs.config.json', 404],
              ['/recs//related', 404],
              ['/recs/related/', 404],
              // Raw bytes Node's parser refuses in a request target: NUL, UTF-8, a space.
              ['/recs/related\u0000', 400],
              [Buffer.from('/recs/rélated', 'utf8').toString('latin1'), 400],
              ['/recs/rel ated', 400],
              // Over Node's 16 KiB header limit.
              [`/recs/${'a'.repeat(20_000)}`, 431],
            ];
            for (const [target, status] of cases) {
              const answer = await raw(proxy.port, get(`${target}?productId=${PRODUCT}`));
              assert.equal(answer.status, status, `${JSON.stringify(target.slice(0, 60))}: ${answer.headerLines.join(' | ')}`);
              assert.doesNotMatch(answer.body, FILE_CONTENTS);
            }
          });
        });
      });

      describe('header injection', () => {
        const injectedHeader = (lines: string[]) => lines.find((line) => /^(set-cookie|x-injected)\s*:/i.test(line));

        it('CRLF in a query value or name is refused as a 400 and never becomes a response header', async () => {
          await neverReachesVendor(async () => {
            const cases: [query: string, parameter: string][] = [
              [`productId=a%0d%0aSet-Cookie:%20x=1`, 'productId'],
              [`productId=${PRODUCT}&customerId=a%0d%0aSet-Cookie:%20x=1`, 'customerId'],
              // (Not locale or currency: a value Intl cannot use is left out of the request, README.)
              [`productId=${PRODUCT}&context=en%0d%0aX-Injected:%201`, 'context'],
              [`productId=${PRODUCT}&x%0d%0aSet-Cookie:%20x=1=1`, 'x\r\nSet-Cookie: x'],
            ];
            for (const [query, parameter] of cases) {
              const answer = await raw(proxy.port, get(`/recs/related?${query}`));
              assert.equal(answer.status, 400, query);
              assert.equal(injectedHeader(answer.headerLines), undefined, `${query}: ${answer.headerLines.join(' | ')}`);
              assert.ok(answer.headerLines.some((line) => /^content-type: application\/json/i.test(line)));
              // The name at fault is reported inside the JSON body, where CR and LF are escaped.
              assert.equal(JSON.parse(answer.body).error.parameter, parameter);
              assert.ok(!answer.body.includes('\r') && !answer.body.includes('\n'));
            }
          });
        });

        it('CRLF in a POST field is refused as a 400', async () => {
          await neverReachesVendor(async () => {
            const answer = await post(endpoint, { productId: PRODUCT, customerId: 'a\r\nSet-Cookie: x=1' });
            expect4xx(answer, 400, 'customerId');
            assert.equal(answer.body.error.parameter, 'customerId');
            assert.equal(answer.headers.get('set-cookie'), null);
          });
        });

        it('CR, LF or NUL inside a header value (Origin, Host) is refused with 400 by Node before the app', async () => {
          await neverReachesVendor(async () => {
            const target = `/recs/related?productId=${PRODUCT}`;
            for (const header of [
              `Origin: ${SHOP}\rSet-Cookie: x=1\r\n`,
              `Origin: ${SHOP}\nSet-Cookie: x=1\r\n`,
              `Origin: ${SHOP}\u0000x\r\n`,
              `X-Forwarded-For: 1.2.3.4\rX-Injected: 1\r\n`,
            ]) {
              const answer = await raw(proxy.port, get(target, header));
              assert.equal(answer.status, 400, JSON.stringify(header));
              assert.equal(injectedHeader(answer.headerLines), undefined);
            }
            // A Host the URL cannot be built from.
            const badHost = await raw(proxy.port, `GET ${target} HTTP/1.1\r\nHost: a/b@evil.example\r\nConnection: close\r\n\r\n`);
            assert.equal(badHost.status, 400);
          });
        });
      });

      describe('methods', () => {
        it('405 with Allow for DELETE, PATCH, TRACE and WebDAV methods', async () => {
          await neverReachesVendor(async () => {
            for (const method of ['DELETE', 'PATCH']) {
              const answer = await call(`${endpoint}?productId=${PRODUCT}`, { method });
              expect4xx(answer, 405, method);
              assert.equal(answer.headers.get('allow'), 'GET, POST, OPTIONS');
            }
            // fetch refuses to send TRACE, so it goes on the socket.
            for (const method of ['TRACE', 'PROPFIND', 'MKCOL']) {
              const answer = await raw(proxy.port, get(`/recs/related?productId=${PRODUCT}`).replace(/^GET/, method));
              assert.equal(answer.status, 405, method);
              assert.ok(answer.headerLines.includes('allow: GET, POST, OPTIONS'), method);
            }
          });
        });

        it('400 for methods Node does not know (FOO, a lower-case get); CONNECT gets its socket closed', async () => {
          await neverReachesVendor(async () => {
            for (const method of ['FOO', 'get']) {
              const answer = await raw(proxy.port, get(`/recs/related?productId=${PRODUCT}`).replace(/^GET/, method));
              assert.equal(answer.status, 400, method);
            }
            const connectAnswer = await raw(proxy.port, `CONNECT ${new URL(stub.url).host} HTTP/1.1\r\nHost: ${new URL(stub.url).host}\r\n\r\n`);
            assert.equal(connectAnswer.status, 0, 'no answer, just a closed socket');
          });
        });
      });

      it('leaves no socket open, logs no failure and still answers', async () => {
        const { stuck } = await settle(proxy.server, 1000);
        assert.equal(stuck, 0, 'a hostile request left a socket in the middle of a request');
        // Logs are for 429 and 5xx answers only: none of the above was one.
        assert.deepEqual(proxy.logs, []);
        assert.equal((await raw(proxy.port, get(`/recs/related?productId=${PRODUCT}&limit=1`))).status, 200);
      });
    });

    describe('load: 200 concurrent clients', () => {
      const CONNECTIONS = 200;
      let baseline: Map<string, number>;

      /** Shows a phase's figures in the test report and checks there was not one failure. */
      function check(t: TestContext, label: string, seconds: number, figures: LoadFigures): void {
        t.diagnostic(
          `${label}: ${figures.requests} requests in ${seconds.toFixed(1)} s, ${Math.round(figures.requests / seconds)} req/s, ` +
            `latency p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, max ${figures.max.toFixed(0)} ms`,
        );
        assert.ok(figures.ok > 0, `${label}: no answer at all`);
        assert.equal(figures.errors, 0, `${label}: errors`);
        assert.equal(figures.timeouts, 0, `${label}: timeouts`);
        assert.equal(figures.non2xx, 0, `${label}: non-2xx answers`);
        assert.equal(figures.mismatches, 0, `${label}: answers other than the expected body`);
      }

      before(async () => {
        // Sockets from the attacks (and the proxy's pooled ones to the stub) closed, for a clean baseline.
        await settle(proxy.server, 200);
        await settle(stub.server, 200);
        baseline = activeResources();
      });

      // The POST phase lasts 10 s rather than 30: nothing is cached there, so every request is a
      // real upstream call, up to 200 in flight at once through the proxy's connection pool to
      // the stub, each costing several times a cached answer. 10 s at 200 connections is already
      // thousands of upstream calls, plenty to show a per-request leak of sockets or timers,
      // while 30 s more would take the file well past its one-minute budget for nothing the GET
      // phase does not already show.
      it('200 clients: cached anonymous GET for 30 s, then identified POST for 10 s', async (t) => {
        const getPhase = { method: 'GET', path: `/recs/related?productId=${PRODUCT}&limit=4` } as const;
        const fields = { productId: PRODUCT, customerId: 'cust-load', limit: '4' };
        const postPhase = { method: 'POST', path: '/recs/related', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) } as const;
        // The one answer every request of a phase must get, byte for byte.
        const getAnswer = await call(`${proxy.url}${getPhase.path}`);
        assert.equal(getAnswer.status, 200);
        assert.match(getAnswer.headers.get('cache-control') ?? '', /^public/);
        const postAnswer = await call(`${proxy.url}${postPhase.path}`, { method: 'POST', headers: postPhase.headers, body: postPhase.body });
        assert.equal(postAnswer.status, 200);
        assert.equal(postAnswer.headers.get('cache-control'), 'private, no-store');

        // First the clients connect, sending identified POSTs to a vendor slow to answer (2 s). That
        // keeps the proxy's event loop nearly idle while it accepts them (see startLoadClient), and
        // it warms the proxy's pool of connections to the vendor with a socket per client, as a
        // running proxy's pool would be: the stub shares this event loop and, like the proxy,
        // accepts one connection per turn, so 200 upstream connections opened at once in the middle
        // of the load would wait on the stub, long enough for the proxy to time them out, where a
        // real vendor accepts on its own machines. The stub's keep-alive outlasts the GET phase.
        stub.server.keepAliveTimeout = 120_000;
        stub.delayMs = 2000;
        // The two calls above left keep-alive sockets to the proxy; only the clients' are to be counted.
        await settle(proxy.server, 200);
        const loadStarted = Date.now();
        const client = await startLoadClient(
          proxy.server,
          proxy.url,
          [
            { ...postPhase, expectBody: postAnswer.text },
            { ...getPhase, expectBody: getAnswer.text },
            { ...postPhase, expectBody: postAnswer.text },
          ],
          CONNECTIONS,
        );
        let pool: number;
        let warmSeconds: number;
        let getCalls: number;
        let postCalls: number;
        let postSeconds: number;
        let figures: LoadFigures[];
        try {
          // The last clients' calls reach the vendor within the stub's 2 s.
          const poolDeadline = Date.now() + 1500;
          while ((await openSockets(stub.server)) < CONNECTIONS && Date.now() < poolDeadline) await sleep(20);
          pool = await openSockets(stub.server);
          stub.delayMs = 0;
          const getStarted = Date.now();
          warmSeconds = (getStarted - loadStarted) / 1000;
          client.phase(1);
          // Calls sent before the switch reach the vendor well within this.
          await sleep(2500);
          const beforeGet = stub.requests;
          await sleep(30_000 - (Date.now() - getStarted));
          getCalls = stub.requests - beforeGet;
          const beforePost = stub.requests;
          const postStarted = Date.now();
          client.phase(2);
          await sleep(10_000);
          figures = await client.stop();
          // autocannon stops at its next one-second tick, so the POST phase ran a little over 10 s.
          postSeconds = (Date.now() - postStarted) / 1000;
          postCalls = stub.requests - beforePost;
        } finally {
          client.kill();
        }
        const [warmFigures, getFigures, postFigures] = figures as [LoadFigures, LoadFigures, LoadFigures];
        t.diagnostic(`${client.openAtOnce} connections open after ${(client.rampMs / 1000).toFixed(1)} s; the proxy's pool to the vendor then had ${pool} sockets`);
        assert.equal(client.openAtOnce, CONNECTIONS, `${client.openAtOnce} connections open at once after ${client.rampMs} ms`);
        assert.ok(pool >= CONNECTIONS, `only ${pool} sockets from the proxy to the vendor after the warm-up`);
        check(t, 'ramp and warm-up (identified POST, vendor answering in 2 s)', warmSeconds, warmFigures);
        check(t, 'cached anonymous GET', 30, getFigures);
        assert.equal(getCalls, 0, 'every GET answered from the cache');
        check(t, 'identified POST', postSeconds, postFigures);
        // Requests cut off by the end of the run may have reached the vendor without their answer being counted.
        assert.ok(postCalls >= postFigures.ok && postCalls <= postFigures.ok + CONNECTIONS, `${postCalls} vendor calls for ${postFigures.ok} answers`);
      });

      it('leaves no connection, socket or per-request timer behind', async (t) => {
        // The load client has exited, so every socket to the proxy must go without any help.
        assert.equal(await socketsClosedBy(proxy.server, 2000), 0, 'sockets still open on the proxy after its clients closed theirs');
        // The proxy's pool to the vendor keeps its sockets for the stub's keep-alive: those are closed
        // as soon as they are idle. Calls made for clients that left before their answer still run
        // to their end, which the upstream timeout (5 s here) bounds: none may be open past that.
        const upstream = await settle(stub.server, 6000);
        t.diagnostic(`sockets from the proxy to the vendor at the end: ${upstream.open}, all idle or done within 6 s`);
        assert.equal(upstream.stuck, 0, 'sockets to the vendor still in the middle of a request');
        const now = activeResources();
        t.diagnostic(`active resources before the load ${JSON.stringify(Object.fromEntries(baseline))}, after ${JSON.stringify(Object.fromEntries(now))}`);
        for (const [kind, count] of now) {
          if (kind === 'Timeout' || kind === 'Immediate') continue;
          assert.ok(count <= (baseline.get(kind) ?? 0), `${kind}: ${baseline.get(kind) ?? 0} before the load, ${count} after`);
        }
        // Timers come and go (keep-alive, the proxy's cache), but not one per request: the runs above made tens of thousands.
        const timers = (now.get('Timeout') ?? 0) - (baseline.get('Timeout') ?? 0);
        assert.ok(timers < 50, `${timers} more timers than before the load`);
        assert.deepEqual(proxy.logs, [], 'the proxy logged failures');
      });
    });
  });
}
