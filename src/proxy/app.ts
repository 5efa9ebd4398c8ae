/**
 * The reference proxy as one standard fetch handler (`app.fetch: Request -> Response`),
 * so the same code runs under Node (src/proxy/node.ts) and on edge runtimes.
 *
 *   GET|POST /recs/:placement  -> validate input -> per-client limit -> variant(s) of the placement
 *                                 (experiments/serve.ts) -> each variant's runner, through the cache
 *                                 (vendor adapter, enrichment, cleanResult) -> { items, trackerId?, requestId?, variant? }
 *   POST /events               -> first-party events, checked against signed request ids -> the event store
 *   GET  /report, /report.json, /report/events.ndjson -> the experiment report (REPORT_TOKEN)
 *
 * Nothing here touches the filesystem or process: what differs between runtimes
 * (environment, reading a feed file, logging, the client's address) comes in through ProxyDeps.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { bodyLimit } from 'hono/body-limit';
import type { RecsRequest, RecsResult } from '../model/types.js';
import { hasPersonalIdentifier } from '../model/fields.js';
import { EVENT_LIMITS } from '../model/event.js';
import { plainText } from '../format/text.js';
import { ConfigError, PLACEMENT_NAME, longestTimeoutMs, type ProxyConfig } from './config.js';
import { fieldsFromBody, parseQuery, parseWidgetFields, queryOf, rememberedQuery } from './input.js';
import { createCatalogStore } from './catalog.js';
import { createResponseCache, type ResponseCache } from './response-cache.js';
import { createRateLimiter, createVendorLimit, clientKey } from './rate-limit.js';
import { createRunner, type PlacementRunner } from './runner.js';
import { InvalidParameter, MAX_RETRY_AFTER_SECONDS, ProxyError, VendorOverloaded, toProxyError, type ProxyErrorCode } from './errors.js';
import { Secrets, type Env } from './secrets.js';
import { servePlacement, type RecsAnswer, type ServedPlacement } from './experiments/serve.js';
import { createRequestIdSigner, type Hmac128 } from './experiments/token.js';
import { createRequestCounter } from './experiments/request-counter.js';
import type { EventStore } from './events/store.js';
import { createEventsHandler } from './events/ingest.js';
import { PLACEMENT_TAGS, htmlRequest, htmlVendorRequest, placementAttributes, placementCss, placementCssVersion, renderPlacementHtml, wantsHtml } from './html-answer.js';
import { createReportRoutes } from './report/routes.js';

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
  /**
   * The event store (src/proxy/events/store.ts; opened by the Node entry). Without it,
   * answers carry no request id and /events and /report are off (edge runtimes, tests).
   */
  events?: { store: EventStore };
  /** A faster HMAC for signing request ids than WebCrypto's (Node: node:crypto's, synchronous; see server.ts). */
  hmac?: Hmac128;
  /**
   * Where anonymous answers are kept: by default this process's memory (createResponseCache);
   * on Workers the platform's Cache API (createHttpResponseCache, src/proxy/worker.ts).
   */
  cache?: ResponseCache<RecsResult>;
  /** Accepts a RECS_EVENTS_SECRET or REPORT_TOKEN shorter than MIN_SECRET_LENGTH: the demo's dev server only (its report password "demo" is on its page). */
  allowShortSecrets?: boolean;
}

/**
 * The shortest RECS_EVENTS_SECRET and REPORT_TOKEN accepted. A short events secret can be
 * found offline from one signed request id (then page views can be forged); a short token guessed.
 */
export const MIN_SECRET_LENGTH = 32;

/** The fetch handler, and close() to store what is still counted in memory. */
export type ProxyApp = Hono & { close(): Promise<void> };

/** The proxy's error body: `{ error: { code, message, parameter? } }`. */
export interface ProxyErrorBody {
  error: { code: ProxyErrorCode; message: string; parameter?: string };
}

/** `/recs/<placement>` in a request URL (no trailing slash, as the route): the placement as written. */
const ROUTE_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\/recs\/([^/?#]+)(?:[?#]|$)/;

/** The per-client limit's 429: counted by the app (countRefusal), never logged one by one. */
class OverClientLimit extends ProxyError {
  constructor(retryAfterSeconds: number) {
    super(429, 'rate-limited', 'too many requests from this client; try again later', { headers: { 'retry-after': String(retryAfterSeconds) } });
  }
}

const REFUSALS_LOG_INTERVAL_MS = 60_000;

/** `count` of `noun` with an s when it is not one. */
const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Response headers a cross-origin page may read. */
const EXPOSE_HEADERS = ['retry-after'];

export function createProxyApp(config: ProxyConfig, deps: ProxyDeps): ProxyApp {
  const now = deps.now ?? Date.now;
  const secrets = new Secrets(deps.env);
  for (const name of ['RECS_EVENTS_SECRET', 'REPORT_TOKEN']) {
    const value = secrets.optional(name);
    if (value && value.length < MIN_SECRET_LENGTH && !deps.allowShortSecrets) {
      throw new ConfigError('', `the environment variable ${name} must be at least ${MIN_SECRET_LENGTH} characters: a long random string (openssl rand -base64 32)`);
    }
  }
  const log = (line: string) => deps.log?.(secrets.redact(line));
  const catalogs = createCatalogStore({
    refreshMs: (config.catalog?.refreshSeconds ?? 300) * 1000,
    timeoutMs: config.timeoutMs,
    maxBytes: config.maxResponseBytes,
    readFile: deps.readFile,
    now,
    log,
  });
  const store = deps.events?.store;
  const signer = store && createRequestIdSigner({ secret: eventsSecret(secrets, log), previousSecret: secrets.optional('RECS_EVENTS_SECRET_PREVIOUS'), maxAgeMs: EVENT_LIMITS.maxAgeMs /* an order may come days after the click it credits */, now, hmac: deps.hmac });
  const counter = store && createRequestCounter({ add: (rows) => store.addRequests(rows), now, log });
  /**
   * Refusals are the load's doing, not a failure: one log line for each let a client write about 100
   * bytes of log per request, as fast as it could send them. They are counted instead, and the count
   * logged at most once a minute (no timer: by the next refusal).
   */
  function refusalCounter(describe: (count: number) => string): () => void {
    let refusedSinceLog = 0;
    let refusalLoggedAt = -Infinity;
    return () => {
      refusedSinceLog += 1;
      if (now() - refusalLoggedAt < REFUSALS_LOG_INTERVAL_MS) return;
      log(`recs-proxy: ${describe(refusedSinceLog)} (since the last such line; at most one a minute)`);
      refusedSinceLog = 0;
      refusalLoggedAt = now();
    };
  }
  /**
   * limits.vendor, one limit per vendor provider (a provider's own settings over the shared ones), made for
   * the providers placements use; the demo calls no one. startVendorCall is what runner.ts asks before a call.
   */
  const vendorCalls = new Map<string, () => () => void>();
  /** The longest deadline of any placement, and a second: no call is in flight longer (maxHoldMs). */
  const longestCallMs = longestTimeoutMs(config) + 1000;
  function vendorCallStarter(provider: string): () => () => void {
    const { maxInFlight, callsPerMinute, providers } = config.limits.vendor;
    const settings = { maxInFlight, callsPerMinute, ...providers?.[provider as keyof typeof providers] };
    const limit = createVendorLimit({ ...settings, maxHoldMs: longestCallMs, now });
    const refused = {
      maxInFlight: refusalCounter((n) => `${counted(n, 'call')} to ${provider} refused over limits.vendor.maxInFlight (${settings.maxInFlight}) and answered 503`),
      callsPerMinute: refusalCounter((n) => `${counted(n, 'call')} to ${provider} refused over limits.vendor.callsPerMinute (${settings.callsPerMinute}) and answered 503`),
    };
    return () => {
      const decision = limit.start();
      if (decision.ok) return decision.release;
      refused[decision.reason]();
      throw new VendorOverloaded(provider, decision.reason, decision.retryAfterSeconds);
    };
  }
  const startVendorCall = (provider: string) =>
    provider === 'demo' ? undefined : (vendorCalls.get(provider) ?? vendorCalls.set(provider, vendorCallStarter(provider)).get(provider));
  const placements = new Map<string, ServedPlacement>();
  /** Runners by `placement\nvariant`. */
  const runners = new Map<string, PlacementRunner>();
  for (const [name, placement] of Object.entries(config.placements)) {
    const served = servePlacement(name, placement, { signer, log });
    placements.set(name, served);
    for (const [variant, leaf] of served.leaves) {
      const path = variant === 'default' ? `placements.${name}` : `placements.${name}.variants.${variant}`;
      runners.set(`${name}\n${variant}`, createRunner(leaf, { config, secrets, catalogs, log, path, startVendorCall: startVendorCall(leaf.provider) }));
    }
  }
  // Sized by the JSON text a hit answers with: made here on the miss, then reused by every hit (jsonOf).
  const cache =
    deps.cache ?? createResponseCache<RecsResult>({ ttlMs: config.cache.sMaxAge * 1000, maxEntries: config.cache.maxEntries, maxBytes: config.cache.maxBytes, sizeOf: (result) => jsonOf(result).length, now });
  const publicCacheControl = `public, s-maxage=${config.cache.sMaxAge}, stale-while-revalidate=${config.cache.staleWhileRevalidate}`;
  const allowedOrigins = new Set(config.allowedOrigins);
  const limiter = createRateLimiter({ ...config.limits.perClient, now });

  /** Refusals by the per-client limit, counted (refusalCounter). */
  const countRefusal = refusalCounter((n) => `${counted(n, 'request')} over limits.perClient answered 429`);

  /** `count` tokens (default one) from the client's bucket, one per vendor call or server render; past the limit, 429 and no call. */
  function spendToken(c: Context, count = 1): void {
    const address = deps.clientAddress?.(c);
    if (address === undefined || count === 0) return;
    const decision = limiter.take(clientKey(c.req.header('x-forwarded-for'), address, config.limits.trustProxy), count);
    if (!decision.ok) {
      countRefusal();
      throw new OverClientLimit(Math.min(decision.retryAfterSeconds, MAX_RETRY_AFTER_SECONDS));
    }
  }

  /**
   * The one place an error becomes an answer: always `no-store`, only our own words, 5xx and 429 logged.
   * `headers`: the route's (routeHeaders), for an error it answers itself.
   */
  function answerError(c: Context, thrown: unknown, headers?: Record<string, string>): Response {
    const error = toProxyError(thrown);
    const message = plainText(secrets.redact(error.message)) ?? 'error';
    const body: ProxyErrorBody = { error: { code: error.code, message } };
    if (error.extra.parameter !== undefined) body.error.parameter = error.extra.parameter;
    // Refusals by a limit are counted where they are made (refusalCounter), not logged here.
    if (error.status >= 429 && !(thrown instanceof OverClientLimit) && !(thrown instanceof VendorOverloaded)) {
      // A bug of ours is logged with its stack, and never sent.
      const detail = error.status === 500 && thrown instanceof Error ? `\n${thrown.stack ?? thrown.message}` : '';
      log(`recs-proxy: ${c.req.method} ${new URL(c.req.url).pathname} -> ${error.status} ${error.code}: ${message}${detail}`);
    }
    // nosniff here too: an error thrown past the middleware that adds it (notFound) would go without.
    return c.json(body, error.status, { 'x-content-type-options': 'nosniff', ...headers, ...error.extra.headers, 'cache-control': 'no-store' });
  }

  /**
   * GET, HEAD and POST /recs/:placement set their answers' headers themselves (routeHeaders):
   * a header added after an answer is made (as these middleware do) copies the whole answer
   * into a stream, which cost a cache hit most of its time. The middleware serve the rest.
   */
  const ROUTE_PATH = /^\/recs\/[^/]+$/;
  const exceptRoute =
    (middleware: MiddlewareHandler): MiddlewareHandler =>
    (c, next) =>
      (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'POST') && ROUTE_PATH.test(c.req.path) ? next() : middleware(c, next);

  const app = new Hono();

  app.use(
    '*',
    exceptRoute(async (c, next) => {
      await next();
      c.header('x-content-type-options', 'nosniff');
    }),
  );

  // What browsers call: recommendations and events (the report is for people and scripts, not pages).
  const allowCors = cors({
    origin: (origin) => (allowedOrigins.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['content-type', 'accept'],
    // The widget reads Retry-After on a 429 or 503; cross-origin it must be exposed.
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 600,
  });
  /**
   * What the middleware add to an answer that is not a preflight (CORS as cors() writes it,
   * by request Origin, and nosniff), as one object per origin, for the route to set in one go.
   */
  // Accept too: the same URL answers HTML to `Accept: text/html` (server-rendered placements).
  const routeHeadersAnyOrigin: Record<string, string> = { 'access-control-expose-headers': EXPOSE_HEADERS.join(','), vary: 'Origin, Accept', 'x-content-type-options': 'nosniff' };
  const routeHeadersByOrigin = new Map([...allowedOrigins].map((origin) => [origin, { 'access-control-allow-origin': origin, ...routeHeadersAnyOrigin }]));
  const routeHeaders = (origin: string | undefined) => (origin && routeHeadersByOrigin.get(origin)) || routeHeadersAnyOrigin;
  /** A JSON answer of the route; `cached`: its x-recs-cache (personal answers have none). */
  const jsonResponse = (json: string, headers: Record<string, string>, cacheControl: string, cached?: 'hit' | 'miss') =>
    new Response(json, {
      status: 200,
      headers: cached
        ? { ...headers, 'content-type': 'application/json', 'cache-control': cacheControl, 'x-recs-cache': cached }
        : { ...headers, 'content-type': 'application/json', 'cache-control': cacheControl },
    });
  const cacheKey = (name: string, variant: string, request: RecsRequest) => `${name}\n${variant}\n${JSON.stringify(request)}`;
  // Browsers on sites not in allowedOrigins are refused before any work; server-to-server
  // calls send no Origin. The Host header is the client's to write, so it proves nothing
  // (an Origin and Host of evil.example would otherwise pass as same-origin: DNS rebinding).
  const refuseForeignOrigin = (origin: string | undefined) => {
    if (origin && !allowedOrigins.has(origin)) throw new ProxyError(403, 'invalid-request', 'this origin is not allowed (allowedOrigins)');
  };
  const checkOrigin: MiddlewareHandler = async (c, next) => {
    refuseForeignOrigin(c.req.header('origin'));
    await next();
  };
  for (const path of ['/recs/*', '/events']) app.use(path, exceptRoute(allowCors), exceptRoute(checkOrigin));

  const limitBody = bodyLimit({
    maxSize: config.maxBodyBytes,
    onError: () => {
      throw new ProxyError(413, 'invalid-request', `body: must be at most ${config.maxBodyBytes} bytes`, { parameter: 'body' });
    },
  });
  app.use('/recs/*', exceptRoute(limitBody));

  app.on(['GET', 'POST'], '/recs/:placement', async (c) => {
    // The middleware's work, here (exceptRoute): CORS and nosniff headers, the origin check, the body limit.
    const origin = c.req.header('origin');
    const headers = routeHeaders(origin);
    try {
      refuseForeignOrigin(origin);
      if (c.req.method === 'POST') await limitBody(c, async () => undefined);
      const name = c.req.param('placement');
      const served = PLACEMENT_NAME.test(name) ? placements.get(name) : undefined;
      if (!served) throw new ProxyError(404, 'not-found', PLACEMENT_NAME.test(name) ? `no placement named "${name}"` : 'no such placement');
      // HEAD is answered as a GET (Hono strips the body), HTML included.
      const query = queryOf(c.req.url);
      // A server-rendered placement (html-answer.ts): display parameters are the element's, the rest are request fields.
      const html = c.req.method !== 'POST' && wantsHtml(c.req.raw) ? htmlRequest(query) : undefined;
      const provider = config.placements[name]!.provider;
      // A POST carries its fields in the body only: a query string beside it would go unchecked.
      const postQuery = c.req.method === 'POST' ? new URLSearchParams(query) : undefined;
      if (postQuery?.size) throw new InvalidParameter([...postQuery.keys()][0]!, 'belongs in the JSON body of a POST');
      const parsed = postQuery ? parseWidgetFields(await fieldsFromBody(c.req.raw), provider) : parseQuery(html?.query ?? query, provider);
      // The shopper key only picks a split's variant: it is never a vendor's input or part of a cache key.
      const { shopper, ...fields } = parsed;
      const request = html ? htmlVendorRequest(fields, html.display) : fields;
      const personal = hasPersonalIdentifier(request);
      /**
       * The vendor calls loading `variants` makes: every one when personal (never cached), else the cache misses; none
       * counted ahead for a cache that loads per request (the Workers Cache API): `load` spends its token on a miss.
       */
      const calls = (variants: readonly string[]) => (personal ? variants.length : cache.sharesLoads ? variants.filter((variant) => !cache.has(cacheKey(name, variant, request))).length : 0);
      // One token per vendor call, taken before joining the cache (a refused client never fails a call other
      // clients wait for). An interleave calls both variants' sources: both tokens at once, before either call.
      if (served.teams) spendToken(c, calls(served.teams));
      /** The result last loaded: the answer is it, or it with per-request fields added (answerJson). */
      let loaded: RecsResult | undefined;
      const load = async (variant: string) => {
        const run = runners.get(`${name}\n${variant}`)!;
        const variantRequest = variant === 'default' ? request : { ...request, transport: served.leaves.get(variant)!.provider };
        if (!served.teams) spendToken(c, calls([variant]));
        // Personal answers are never cached, here or by anyone downstream.
        if (personal) return { value: (loaded = await run(variantRequest)), hit: false };
        const result = await cache.get(cacheKey(name, variant, request), () => {
          if (!cache.sharesLoads) spendToken(c);
          return run(variantRequest);
        }, c.req.url);
        loaded = result.value;
        return result;
      };
      const answer = await served.answer(request, shopper, load);
      counter?.count(name, answer.variant, answer.interleaved, answer.split);
      if (html) {
        // The request's own URL is the client's to write (Host) and says http behind a TLS terminator:
        // HTML built from it is for that client alone, never a shared cache's (cache poisoning).
        const base = config.publicUrl ?? new URL(c.req.url).origin;
        const page = await renderPlacementHtml({
          tag: html.tag,
          attributes: placementAttributes(fields, html.display, `${base}/recs/${name}`),
          answer: answer.body,
          stylesheet: html.linkStyles ? `${base}/elements/${html.tag}.css?v=${await placementCssVersion(html.tag)}` : undefined,
          // A render costs 50 to 100 times a cached answer: one not kept yet costs a token, like a vendor call.
          beforeRender: () => spendToken(c),
        });
        const cacheControl = answer.body.requestId || !config.publicUrl ? 'private, no-store' : publicCacheControl;
        return new Response(page, { status: 200, headers: { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': cacheControl } });
      }
      const json = answerJson(answer.body, loaded);
      // An answer with a request id is one page view's: no one downstream may share it.
      if (personal) return jsonResponse(json, headers, 'private, no-store');
      return jsonResponse(json, headers, answer.body.requestId ? 'private, no-store' : publicCacheControl, answer.hit ? 'hit' : 'miss');
    } catch (error) {
      return answerError(c, error, headers);
    }
  });

  // The elements' styles for server-rendered placements on pages with a strict CSP (`css=link`).
  app.get('/elements/:file', async (c) => {
    const tag = PLACEMENT_TAGS.find((name) => c.req.param('file') === `${name}.css`);
    if (!tag) throw new ProxyError(404, 'not-found', 'no such stylesheet; use /elements/recs-list.css or /elements/recs-carousel.css');
    return new Response(await placementCss(tag), { headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=86400' } });
  });

  if (store && signer) {
    const handleEvents = createEventsHandler({
      store,
      placements: (name) => {
        const served = PLACEMENT_NAME.test(name) ? placements.get(name) : undefined;
        if (!served?.measured) return undefined;
        return { variants: served.teams ? [...served.teams, 'interleave'] : [...served.leaves.keys()] };
      },
      verifyRequestId: (token, claim) => signer.verify(token, claim, placements.get(claim.placement)?.teams),
      clientUnit: (client) => signer.clientUnit(client),
      now,
    });
    // Every batch is a write: the per-client limit applies to each.
    app.post('/events', (c) => {
      spendToken(c);
      const address = deps.clientAddress?.(c);
      return handleEvents(c.req.raw, address === undefined ? undefined : clientKey(c.req.header('x-forwarded-for'), address, config.limits.trustProxy));
    });

    const failedLogins = createRateLimiter({ ratePerSecond: 0.1, burst: 5, maxClients: config.limits.perClient.maxClients, now });
    const report = createReportRoutes({
      sql: () => store.sql,
      token: secrets.optional('REPORT_TOKEN'),
      now,
      // Guessing the token: a few tries, then one every 10 s per client.
      allowFailedAuth: (client: string) => failedLogins.take(client).ok,
      // Each placement's kind, variants and weights (the sample-ratio check).
      placements: config.placements,
      // The report includes the answers counted in memory so far.
      beforeRead: () => counter!.flush().catch(() => undefined),
    });
    const clientOf = (c: Context) => clientKey(c.req.header('x-forwarded-for'), deps.clientAddress?.(c), config.limits.trustProxy);
    app.get('/report', (c) => report.report(c.req.raw, clientOf(c)));
    app.get('/report.json', (c) => report.reportJson(c.req.raw, clientOf(c)));
    app.get('/report/events.ndjson', (c) => report.exportNdjson(c.req.raw, clientOf(c)));
  }

  app.all('/recs/:placement', (c) => {
    throw new ProxyError(405, 'invalid-request', `${c.req.method} is not supported; use GET or POST`, { headers: { allow: 'GET, POST, OPTIONS' } });
  });

  app.notFound(() => {
    throw new ProxyError(404, 'not-found', 'not found; placements live at /recs/<placement>');
  });
  app.onError((error, c) => answerError(c, error));

  /**
   * A cache hit answered at once, before Hono: synchronously, so @hono/node-server writes it
   * straight away (an answer that is a promise costs the adapter a promise chain and a close
   * listener, and Hono's middleware chain costs more). Only hits that need no await and no
   * check the route has not made before: a GET of an unmeasured placement with one source,
   * not HTML, from no origin or an allowed one, with a query the route has validated
   * (rememberedQuery) and an answer cached and loaded (peek). The route answers the rest,
   * errors included; what it would answer here is the same, byte for byte.
   */
  function answerLoadedHit(request: Request): Response | Promise<Response> | undefined {
    if (request.method !== 'GET') return undefined;
    const name = ROUTE_URL.exec(request.url)?.[1];
    const served = name === undefined ? undefined : placements.get(name);
    if (name === undefined || !served || served.leaves.size !== 1 || !served.leaves.has('default')) return undefined;
    const origin = request.headers.get('origin') ?? undefined;
    if ((origin && !allowedOrigins.has(origin)) || wantsHtml(request)) return undefined;
    const parsed = rememberedQuery(queryOf(request.url), config.placements[name]!.provider);
    if (!parsed) return undefined;
    const { shopper: _shopper, ...fields } = parsed;
    if (hasPersonalIdentifier(fields)) return undefined;
    const value = cache.peek(cacheKey(name, 'default', fields));
    if (!value) return undefined;
    counter?.count(name, 'default', false);
    if (!served.measured || !signer) return jsonResponse(jsonOf(value), routeHeaders(origin), publicCacheControl, 'hit');
    // A measured placement: the same answer the route gives (experiments/serve.ts), its page view's own request id added.
    return signer.sign(name, 'default', value.items.length).then((requestId) =>
      jsonResponse(answerJson({ ...value, requestId, variant: 'default' }, value), routeHeaders(origin), 'private, no-store', 'hit'),
    );
  }
  const route = app.fetch;
  app.fetch = (request, env, executionCtx) => answerLoadedHit(request) ?? route(request, env, executionCtx);

  return Object.assign(app, { close: async () => counter?.flush() });
}

/** JSON text of results, made once per result: the in-memory cache answers every hit with the same object. */
const resultJson = new WeakMap<RecsResult, string>();

function jsonOf(result: RecsResult): string {
  let json = resultJson.get(result);
  if (json === undefined) resultJson.set(result, (json = JSON.stringify(result)));
  return json;
}

/**
 * An answer's JSON text. An answer is often a loaded result as it is, or the result with
 * per-request fields after its own (`{ ...result, requestId, variant }`, experiments/serve.ts):
 * then those fields are added to the result's text instead of serializing it again. Checked,
 * not assumed: the answer's first keys must be the result's, in order, with the same values.
 */
function answerJson(answer: RecsAnswer, result: RecsResult | undefined): string {
  if (result === undefined) return JSON.stringify(answer);
  if (answer === result) return jsonOf(result);
  const resultKeys = Object.keys(result);
  const keys = Object.keys(answer);
  for (let i = 0; i < resultKeys.length; i += 1) {
    const key = resultKeys[i]!;
    if (keys[i] !== key || answer[key as keyof RecsAnswer] !== result[key as keyof RecsResult]) return JSON.stringify(answer);
  }
  let json = jsonOf(result).slice(0, -1);
  let first = json === '{';
  for (let i = resultKeys.length; i < keys.length; i += 1) {
    const value = JSON.stringify(answer[keys[i] as keyof RecsAnswer]);
    if (value === undefined) continue;
    json += `${first ? '' : ','}${JSON.stringify(keys[i])}:${value}`;
    first = false;
  }
  return `${json}}`;
}

/**
 * The key request ids are signed with. Without RECS_EVENTS_SECRET a random one serves this
 * process alone: events for answers of another instance, or from before a restart, would be
 * refused as forged, so production sets it (docs/experiments.md).
 */
function eventsSecret(secrets: Secrets, log: (line: string) => void): string {
  const secret = secrets.optional('RECS_EVENTS_SECRET');
  if (secret) return secret;
  log('events: RECS_EVENTS_SECRET is not set; request ids are signed with a random key that lasts as long as this process');
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
}
