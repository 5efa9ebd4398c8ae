/**
 * The reference proxy as one standard fetch handler (`app.fetch: Request -> Response`),
 * so the same code runs under Node (src/proxy/node.ts) and on edge runtimes.
 *
 *   GET|POST /recs/:placement  -> validate input -> per-client limit -> placement runner
 *                                 (vendor adapter, enrichment, cleanResult) -> { items, trackerId? }
 *
 * Nothing here touches the filesystem or process: what differs between runtimes
 * (environment, reading a feed file, logging, the client's address) comes in through ProxyDeps.
 */
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { bodyLimit } from 'hono/body-limit';
import type { RecsErrorCode, RecsRequest, RecsResult } from '../model/types.js';
import { hasPersonalIdentifier } from '../model/fields.js';
import { plainText } from '../format/text.js';
import { PLACEMENT_NAME, type ProxyConfig } from './config.js';
import { fieldsFromBody, fieldsFromQuery, parseWidgetFields } from './input.js';
import { createCatalogStore } from './catalog.js';
import { createResponseCache } from './response-cache.js';
import { createRateLimiter, clientKey } from './rate-limit.js';
import { createRunner, type PlacementRunner } from './runner.js';
import { InvalidParameter, MAX_RETRY_AFTER_SECONDS, ProxyError, toProxyError } from './errors.js';
import { Secrets, type Env } from './secrets.js';

export interface ProxyDeps {
  /** Where secrets are read from: process.env under Node, the env binding on Workers. */
  env: Env;
  /** Reads a catalog feed file (paths as written in the config); absent where there is no filesystem. */
  readFile?: (path: string) => Promise<string>;
  /** Receives one line per upstream failure, already scrubbed of secrets. */
  log?: (line: string) => void;
  now?: () => number;
  /**
   * The connecting client's address (the socket's peer under Node). Without it the
   * per-client limits are off: on edge runtimes use the platform's rate limiting.
   */
  clientAddress?: (c: Context) => string | undefined;
}

/** The proxy's error body: `{ error: { code, message, parameter? } }`. */
export interface ProxyErrorBody {
  error: { code: RecsErrorCode; message: string; parameter?: string };
}

export function createProxyApp(config: ProxyConfig, deps: ProxyDeps): Hono {
  const now = deps.now ?? Date.now;
  const secrets = new Secrets(deps.env);
  const log = (line: string) => deps.log?.(secrets.redact(line));
  const catalogs = createCatalogStore({
    refreshMs: (config.catalog?.refreshSeconds ?? 300) * 1000,
    timeoutMs: config.timeoutMs,
    maxBytes: config.maxResponseBytes,
    readFile: deps.readFile,
    now,
    log,
  });
  const runners = new Map<string, PlacementRunner>();
  for (const [name, placement] of Object.entries(config.placements)) {
    runners.set(name, createRunner(placement, { config, secrets, catalogs, log, path: `placements.${name}` }));
  }
  const cache = createResponseCache<RecsResult>({ ttlMs: config.cache.sMaxAge * 1000, maxEntries: config.cache.maxEntries, now });
  const publicCacheControl = `public, s-maxage=${config.cache.sMaxAge}, stale-while-revalidate=${config.cache.staleWhileRevalidate}`;
  const allowedOrigins = new Set(config.allowedOrigins);
  const limiter = createRateLimiter({ ...config.limits.perClient, now });

  /** One token from the client's bucket for a call that reaches a vendor; past the limit, 429 and no call. */
  function spendToken(c: Context): void {
    const address = deps.clientAddress?.(c);
    if (address === undefined) return;
    const decision = limiter.take(clientKey(c.req.header('x-forwarded-for'), address, config.limits.trustProxy));
    if (!decision.ok) {
      throw new ProxyError(429, 'rate-limited', 'too many requests from this client; try again later', {
        headers: { 'retry-after': String(Math.min(decision.retryAfterSeconds, MAX_RETRY_AFTER_SECONDS)) },
      });
    }
  }

  /** The one place an error becomes an answer: always `no-store`, only our own words, 5xx and 429 logged. */
  function answerError(c: Context, thrown: unknown): Response {
    const error = toProxyError(thrown);
    const message = plainText(secrets.redact(error.message)) ?? 'error';
    const body: ProxyErrorBody = { error: { code: error.code, message } };
    if (error.extra.parameter !== undefined) body.error.parameter = error.extra.parameter;
    if (error.status >= 429) {
      // A bug of ours is logged with its stack, and never sent.
      const detail = error.status === 500 && thrown instanceof Error ? `\n${thrown.stack ?? thrown.message}` : '';
      log(`recs-proxy: ${c.req.method} ${new URL(c.req.url).pathname} -> ${error.status} ${error.code}: ${message}${detail}`);
    }
    return c.json(body, error.status, { ...error.extra.headers, 'cache-control': 'no-store' });
  }

  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
  });

  app.use(
    '/recs/*',
    cors({
      origin: (origin) => (allowedOrigins.has(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['content-type', 'accept'],
      // The widget reads Retry-After on a 429; cross-origin it must be exposed.
      exposeHeaders: ['retry-after'],
      maxAge: 600,
    }),
  );

  // Browsers on sites not in allowedOrigins are refused before any work; server-to-server
  // calls send no Origin. The Host header is the client's to write, so it proves nothing
  // (an Origin and Host of evil.example would otherwise pass as same-origin: DNS rebinding).
  app.use('/recs/*', async (c, next) => {
    const origin = c.req.header('origin');
    if (origin && !allowedOrigins.has(origin)) throw new ProxyError(403, 'invalid-request', 'this origin is not allowed (allowedOrigins)');
    await next();
  });

  app.use(
    '/recs/*',
    bodyLimit({
      maxSize: config.maxBodyBytes,
      onError: () => {
        throw new ProxyError(413, 'invalid-request', `body: must be at most ${config.maxBodyBytes} bytes`, { parameter: 'body' });
      },
    }),
  );

  app.on(['GET', 'POST'], '/recs/:placement', async (c) => {
    const name = c.req.param('placement');
    const run = PLACEMENT_NAME.test(name) ? runners.get(name) : undefined;
    if (!run) throw new ProxyError(404, 'not-found', PLACEMENT_NAME.test(name) ? `no placement named "${name}"` : 'no such placement');
    // HEAD arrives here as a GET (Hono strips the body).
    const { searchParams } = new URL(c.req.url);
    // A POST carries its fields in the body only: a query string beside it would go unchecked.
    if (c.req.method === 'POST' && searchParams.size) throw new InvalidParameter([...searchParams.keys()][0]!, 'belongs in the JSON body of a POST');
    const fields = c.req.method === 'POST' ? await fieldsFromBody(c.req.raw) : fieldsFromQuery(searchParams);
    const request: RecsRequest = parseWidgetFields(fields, config.placements[name]!.provider);
    // Personal answers are never cached, here or by anyone downstream.
    if (hasPersonalIdentifier(request)) {
      spendToken(c);
      return c.json(await run(request), 200, { 'cache-control': 'private, no-store' });
    }
    const key = `${name}\n${JSON.stringify(request)}`;
    // Only a miss reaches the vendor; the token is taken before joining the cache, so a refused
    // client never fails a vendor call that other clients are waiting for.
    if (!cache.has(key)) spendToken(c);
    const { value, hit } = await cache.get(key, () => run(request));
    return c.json(value, 200, { 'cache-control': publicCacheControl, 'x-recs-cache': hit ? 'hit' : 'miss' });
  });

  app.all('/recs/:placement', (c) => {
    throw new ProxyError(405, 'invalid-request', `${c.req.method} is not supported; use GET or POST`, { headers: { allow: 'GET, POST, OPTIONS' } });
  });

  app.notFound(() => {
    throw new ProxyError(404, 'not-found', 'not found; placements live at /recs/<placement>');
  });
  app.onError((error, c) => answerError(c, error));

  return app;
}
