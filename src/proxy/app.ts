/**
 * The reference proxy as one standard fetch handler (`app.fetch: Request -> Response`),
 * so the same code runs under Node (src/proxy/node.ts) and on edge runtimes.
 *
 *   GET|POST /recs/:placement  -> validate input -> placement's provider -> enrich
 *                              -> cleanItems -> { items, trackerId? }
 *
 * Nothing here touches the filesystem or process: what differs between runtimes
 * (environment, reading a feed file, logging) comes in through ProxyDeps.
 */
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { bodyLimit } from 'hono/body-limit';
import type { RecsRequest, RecsResult, RecsErrorCode } from '../model/schema.js';
import { RecsFailure } from '../model/errors.js';
import { cleanItems } from '../model/clean-item.js';
import { hasPersonalIdentifier } from '../model/personal.js';
import { plainText } from '../format/text.js';
import { PLACEMENT_NAME, type Placement, type ProxyConfig } from './config.js';
import { InvalidParameter, fieldsFromBody, fieldsFromQuery, parseWidgetFields } from './input.js';
import { createCatalogStore } from './catalog.js';
import { enrichItem } from './enrich.js';
import { createResponseCache } from './response-cache.js';
import { Secrets, type Env } from './secrets.js';
import { createProvider, type Provider, type ProviderResult } from './providers/registry.js';

export interface ProxyDeps {
  /** Where secrets are read from: process.env under Node, the env binding on Workers. */
  env: Env;
  /** Reads a catalog feed file (paths as written in the config); absent where there is no filesystem. */
  readFile?: (path: string) => Promise<string>;
  /** Receives one line per upstream failure, already scrubbed of secrets. */
  log?: (line: string) => void;
  now?: () => number;
}

/** The proxy's error body: `{ error: { code, message, parameter? } }`. */
export interface ProxyErrorBody {
  error: { code: RecsErrorCode; message: string; parameter?: string };
}

/** Seconds a client is asked to wait after an upstream 429 that named no Retry-After. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

interface Answer {
  status: 400 | 404 | 429 | 500 | 502 | 504;
  body: ProxyErrorBody;
  headers: Record<string, string>;
}

/** Maps anything thrown while answering to a status and a stable code. Only the proxy's own words go out. */
function failureAnswer(error: unknown, timeoutMs: number): Answer {
  const answer = (status: Answer['status'], code: RecsErrorCode, message: string): Answer => ({
    status,
    body: { error: { code, message } },
    headers: { 'cache-control': 'no-store' },
  });
  if (error instanceof InvalidParameter) {
    const result = answer(400, 'invalid-request', error.message);
    result.body.error.parameter = error.parameter;
    return result;
  }
  if (error instanceof DOMException && error.name === 'TimeoutError') return answer(504, 'timeout', `upstream did not answer within ${timeoutMs} ms`);
  if (!(error instanceof RecsFailure)) return answer(500, 'http', 'internal error in the recommendations proxy');
  // A failure without an upstream status is the proxy's own decision, taken before any call.
  if (error.status === undefined && error.code === 'invalid-request') return answer(400, error.code, error.message);
  if (error.status === undefined && error.code === 'not-found') return answer(404, error.code, error.message);
  if (error.code === 'timeout') return answer(504, error.code, error.message);
  if (error.code === 'rate-limited') {
    const result = answer(429, error.code, error.message);
    result.headers['retry-after'] = String(Math.ceil(error.retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS));
    return result;
  }
  return answer(502, error.code, error.message);
}

export function createProxyApp(config: ProxyConfig, deps: ProxyDeps): Hono {
  const now = deps.now ?? Date.now;
  const secrets = new Secrets(deps.env);
  const log = (line: string) => deps.log?.(secrets.redact(line));
  const catalogs = createCatalogStore({
    refreshMs: (config.catalog?.refreshSeconds ?? 300) * 1000,
    timeoutMs: config.timeoutMs,
    readFile: deps.readFile,
    now,
    log,
  });
  const placements = new Map<string, { placement: Placement; provider: Provider }>();
  for (const [name, placement] of Object.entries(config.placements)) {
    placements.set(name, { placement, provider: createProvider(placement, { secrets, env: deps.env, catalogs, path: `placements.${name}` }) });
  }
  const cache = createResponseCache<RecsResult>({ ttlMs: config.cache.sMaxAge * 1000, maxEntries: config.cache.maxEntries, now });
  const publicCacheControl = `public, s-maxage=${config.cache.sMaxAge}, stale-while-revalidate=${config.cache.staleWhileRevalidate}`;
  const allowedOrigins = new Set(config.allowedOrigins);

  async function recommend(placement: Placement, provider: Provider, request: RecsRequest): Promise<RecsResult> {
    // A timer cleared on completion, rather than AbortSignal.timeout(), which keeps one alive per request until it fires.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException('upstream timeout', 'TimeoutError')), placement.timeoutMs ?? config.timeoutMs);
    let answer: ProviderResult;
    try {
      answer = await provider.recommend(request, timeout.signal);
    } finally {
      clearTimeout(timer);
    }
    const { items: raws, trackerId } = answer;
    let complete = raws;
    if (config.catalog) {
      try {
        const catalog = await catalogs.get(config.catalog.source);
        complete = raws.map((raw) => enrichItem(raw, catalog));
      } catch {
        // Already logged by the catalog store; items the vendor sent complete still show.
      }
    }
    const items = cleanItems(complete).slice(0, request.limit);
    return trackerId ? { items, trackerId } : { items };
  }

  function fail(c: Context, error: unknown, placement?: Placement): Response {
    const answer = failureAnswer(error, placement?.timeoutMs ?? config.timeoutMs);
    const message = plainText(secrets.redact(answer.body.error.message)) ?? 'error';
    answer.body.error.message = message;
    if (answer.status >= 429) {
      const detail = error instanceof Error && !(error instanceof RecsFailure) ? ` [${error.name}: ${error.message}]` : '';
      log(`recs-proxy: ${c.req.method} ${new URL(c.req.url).pathname} -> ${answer.status} ${answer.body.error.code}: ${message}${detail}`);
    }
    return c.json(answer.body, answer.status, answer.headers);
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

  // Browsers on other sites are refused before any work; server-to-server calls send no Origin.
  app.use('/recs/*', async (c, next) => {
    const origin = c.req.header('origin');
    if (origin && !allowedOrigins.has(origin) && origin !== new URL(c.req.url).origin) {
      return c.json<ProxyErrorBody>({ error: { code: 'invalid-request', message: 'this origin is not allowed (allowedOrigins)' } }, 403, {
        'cache-control': 'no-store',
      });
    }
    await next();
  });

  app.use(
    '/recs/*',
    bodyLimit({
      maxSize: config.maxBodyBytes,
      onError: (c) =>
        c.json<ProxyErrorBody>(
          { error: { code: 'invalid-request', message: `body: must be at most ${config.maxBodyBytes} bytes`, parameter: 'body' } },
          413,
          { 'cache-control': 'no-store' },
        ),
    }),
  );

  app.on(['GET', 'POST'], '/recs/:placement', async (c) => {
    const name = c.req.param('placement');
    const entry = PLACEMENT_NAME.test(name) ? placements.get(name) : undefined;
    if (!entry) return fail(c, new RecsFailure('not-found', PLACEMENT_NAME.test(name) ? `no placement named "${name}"` : 'no such placement'));
    try {
      // HEAD arrives here as a GET (Hono strips the body).
      const { searchParams } = new URL(c.req.url);
      // A POST carries its fields in the body only: a query string beside it would go unchecked.
      if (c.req.method === 'POST' && searchParams.size) throw new InvalidParameter([...searchParams.keys()][0]!, 'belongs in the JSON body of a POST');
      const fields = c.req.method === 'POST' ? await fieldsFromBody(c.req.raw) : fieldsFromQuery(searchParams);
      const request = parseWidgetFields(fields, entry.placement.provider);
      const run = () => recommend(entry.placement, entry.provider, request);
      // Personal answers are never cached, here or by anyone downstream.
      if (hasPersonalIdentifier(request)) return c.json(await run(), 200, { 'cache-control': 'private, no-store' });
      const { value, hit } = await cache.get(`${name}\n${JSON.stringify(request)}`, run);
      return c.json(value, 200, { 'cache-control': publicCacheControl, 'x-recs-cache': hit ? 'hit' : 'miss' });
    } catch (error) {
      return fail(c, error, entry.placement);
    }
  });

  app.all('/recs/:placement', (c) => {
    c.header('allow', 'GET, POST, OPTIONS');
    return c.json<ProxyErrorBody>({ error: { code: 'invalid-request', message: `${c.req.method} is not supported; use GET or POST` } }, 405);
  });

  app.notFound((c) => fail(c, new RecsFailure('not-found', 'not found; placements live at /recs/<placement>')));
  app.onError((error, c) => fail(c, error));

  return app;
}
