/** Starts the real proxy on loopback for a test, with a config given inline and a captured log. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/proxy/config.js';
import { fileReaderRelativeTo, startProxyServer } from '../../src/proxy/server.js';
import type { Env } from '../../src/proxy/secrets.js';
import type { ProxyDeps } from '../../src/proxy/app.js';
import { openEventStore, type EventStore } from '../../src/proxy/events/store.js';

/** Feed paths in test configs are relative to the repository root, like recs.config.json's. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const readFile = fileReaderRelativeTo(`${REPO_ROOT}recs.config.json`);

export interface TestProxy {
  url: string;
  /** Every line the proxy logged. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * Every test client is 127.0.0.1, so the per-client limit is raised here unless a test
 * sets its own (test/node/proxy-hardening-*.test.ts do).
 */
const GENEROUS_LIMITS = { perClient: { ratePerSecond: 10_000, burst: 10_000 } };

export async function startTestProxy(config: unknown, env: Env = {}, deps: Partial<ProxyDeps> = {}): Promise<TestProxy> {
  const logs: string[] = [];
  const withLimits = { limits: GENEROUS_LIMITS, ...(config as object) };
  const proxy = await startProxyServer(parseConfig(withLimits), { env, readFile, log: (line) => logs.push(line), ...deps }, { port: 0 });
  return { ...proxy, logs };
}

/** The proxy as `npm run proxy` starts it in a fresh checkout: the repository's recs.config.json (the demo catalog), no keys. */
export const startDemoProxy = () => startTestProxy(JSON.parse(readFileSync(`${REPO_ROOT}recs.config.json`, 'utf8')), {});

/**
 * The proxy with an event store (embedded, in memory), as for measured placements: answers
 * carry signed request ids and POST /events is on. stopServer() stops the server (its counts
 * go to the store); close() then closes the store too.
 */
export async function startMeasuredProxy(
  config: unknown,
  env: Env,
  deps: Partial<ProxyDeps> = {},
): Promise<TestProxy & { store: EventStore; stopServer(): Promise<void> }> {
  const store = await openEventStore({ dataDir: 'memory://' });
  const proxy = await startTestProxy(config, env, { events: { store }, ...deps });
  return { ...proxy, store, stopServer: proxy.close, close: () => proxy.close().then(() => store.close()) };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init).catch((error: Error & { cause?: { code?: string } }) => {
    // A kept-alive connection the server closed as it idled (keepAliveTimeoutMs) just as it was reused: a browser
    // sends an idempotent request again, and so does this, once. Anything else is the test's failure.
    const reset = error.cause?.code === 'UND_ERR_SOCKET' || error.cause?.code === 'ECONNRESET';
    if (reset && (init.method ?? 'GET') === 'GET') return fetch(url, init);
    throw error;
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** The widget's POST for identified shoppers: the same string fields as a JSON body. */
export const post = (url: string, fields: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(fields) });

export const query = (base: string, fields: Record<string, string>) => `${base}?${new URLSearchParams(fields)}`;
