/**
 * GET /report (HTML), GET /report.json and GET /report/events.ndjson (the export).
 *
 * Protection: with REPORT_TOKEN unset the report is off (404, saying so: the resource does
 * not exist in this deployment, whatever the credentials). With it set, a request needs
 * `Authorization: Bearer <token>` or HTTP Basic with the token as password (any user name),
 * so a person can open /report in a browser. Both sides are HMAC'ed with a per-process
 * random key and the digests compared without early exit: missing, wrong and right
 * credentials take the same path, and nothing about the token leaks through timing.
 * Failures are rate limited per client (`allowFailedAuth`): once a client is refused, all
 * its requests get 429 without any credential check for BLOCK_MS, so a guesser over its
 * limit learns nothing, not even from a lucky guess.
 *
 * Query parameters are checked only after authentication (an unauthenticated caller learns
 * nothing about them): `from`, `to` (YYYY-MM-DD, both days included, UTC; default the last
 * 14 days; at most 366 days), `placement` (empty = all). Anything else is a 400 naming it.
 *
 * Web APIs only (WebCrypto, ReadableStream): runs wherever the proxy runs.
 */
import { PLACEMENT_NAME } from '../config.js';
import { StoreUnavailable } from '../events/unavailable.js';
import { renderReport } from './html.js';
import { buildReport, configuredPlacements, type ReportData } from './model.js';
import type { Placement } from '../config.js';
import { dailyCtr, interleavingOutcomes, readEventPage, splitConfigs, variantAggregates, type ExportCursor, type ReportRange, type ReportSql } from './queries.js';
import { splitFingerprint } from '../experiments/assign.js';

export interface ReportRoutesDeps {
  /** The store's SQL client; undefined when no database is configured (503). */
  sql: () => ReportSql | undefined;
  /** env REPORT_TOKEN; unset or empty: the report is off. */
  token: string | undefined;
  now: () => number;
  /** Called once per failed authentication with the client's key; false: refuse with 429. */
  allowFailedAuth?: (clientKey: string) => boolean;
  /**
   * Called once a caller is authenticated, before the store is read (the proxy stores the
   * request counts it holds in memory). Never for a refused caller, who could otherwise force a write per request.
   */
  beforeRead?: () => Promise<void>;
  /** recs.config.json's placements: each one's kind, a split's variants and weights. */
  placements?: Record<string, Placement>;
}

export interface ReportRoutes {
  /** `client`: the per-client rate-limit key (src/proxy/rate-limit.ts clientKey); one shared key when absent. */
  report(request: Request, client?: string): Promise<Response>;
  reportJson(request: Request, client?: string): Promise<Response>;
  exportNdjson(request: Request, client?: string): Promise<Response>;
}

const DAY_MS = 86_400_000;
export const DEFAULT_DAYS = 14;
export const MAX_DAYS = 366;
/** Rows per export page: memory stays bounded whatever the range. */
export const EXPORT_PAGE_SIZE = 1000;
/** How long a client refused for failed logins is refused everything. */
const BLOCK_MS = 10_000;
const MAX_BLOCKED = 10_000;
const RETRY_AFTER_SECONDS = 5;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const COMMON_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

type ErrorCode = 'invalid-request' | 'unauthorized' | 'not-found' | 'rate-limited' | 'network';

function errorResponse(status: number, code: ErrorCode, message: string, extra: { parameter?: string; headers?: Record<string, string> } = {}): Response {
  const error: { code: ErrorCode; message: string; parameter?: string } = { code, message };
  if (extra.parameter !== undefined) error.parameter = extra.parameter;
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...COMMON_HEADERS, ...extra.headers },
  });
}

class BadParameter extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(name: string, value: string): number {
  const match = DATE.exec(value);
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  // Round trip: 2026-02-30 is not a date.
  if (!match || !Number.isFinite(time) || new Date(time).toISOString().slice(0, 10) !== value || Number(match[1]) < 1970) {
    throw new BadParameter(name, 'must be a date YYYY-MM-DD (UTC), from 1970 on');
  }
  return time;
}

const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/** The report's range from the query string: [from, to] days, both included. */
export function parseReportQuery(url: URL, now: number): { from: string; to: string; placement?: string; range: ReportRange } {
  const seen = new Set<string>();
  for (const name of url.searchParams.keys()) {
    if (name !== 'from' && name !== 'to' && name !== 'placement') throw new BadParameter(name, 'is not a parameter of the report (from, to, placement)');
    if (seen.has(name)) throw new BadParameter(name, 'is given more than once');
    seen.add(name);
  }
  const fromText = url.searchParams.get('from');
  const toText = url.searchParams.get('to');
  const placementText = url.searchParams.get('placement');
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const to = toText === null ? today : parseDate('to', toText);
  const from = fromText === null ? to - (DEFAULT_DAYS - 1) * DAY_MS : parseDate('from', fromText);
  if (fromText !== null && toText === null && from > to) throw new BadParameter('from', 'is after today; give `to` as well');
  if (from > to) throw new BadParameter('to', 'is before from');
  if ((to - from) / DAY_MS + 1 > MAX_DAYS) throw new BadParameter('to', `the range is longer than ${MAX_DAYS} days`);
  let placement: string | undefined;
  if (placementText !== null && placementText !== '') {
    if (!PLACEMENT_NAME.test(placementText)) throw new BadParameter('placement', 'must be a placement name (letters, digits, - and _, 1 to 64)');
    placement = placementText;
  }
  const range: ReportRange = { from: isoDay(from), to: isoDay(to + DAY_MS) };
  if (placement !== undefined) range.placement = placement;
  return { from: isoDay(from), to: isoDay(to), ...(placement === undefined ? {} : { placement }), range };
}

/** Per-process random HMAC key: equal digests iff equal strings, compared in constant time. */
function createTokenCheck(token: string): (presented: string) => Promise<boolean> {
  const encoder = new TextEncoder();
  const key = crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = async (value: string) => new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(value)));
  const expected = mac(token);
  return async (presented) => {
    const [a, b] = await Promise.all([mac(presented), expected]);
    let difference = 0;
    for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
    return difference === 0;
  };
}

/** The token presented (Bearer, or Basic's password), or '' when there is none: the same check follows either way. */
function presentedToken(request: Request): string {
  const header = request.headers.get('authorization') ?? '';
  const bearer = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1]!;
  const basic = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (basic) {
    try {
      const bytes = Uint8Array.from(atob(basic[1]!), (c) => c.charCodeAt(0));
      const decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      const colon = decoded.indexOf(':');
      return colon < 0 ? '' : decoded.slice(colon + 1);
    } catch {
      return '';
    }
  }
  return '';
}

export function createReportRoutes(deps: ReportRoutesDeps): ReportRoutes {
  const token = deps.token ? deps.token : undefined;
  const check = token === undefined ? undefined : createTokenCheck(token);
  const blocked = new Map<string, number>();

  /** undefined when the caller may go on, else the refusal. */
  async function guard(request: Request, client: string): Promise<Response | undefined> {
    if (check === undefined) return errorResponse(404, 'not-found', 'the report is off: set REPORT_TOKEN to turn it on');
    const now = deps.now();
    const until = blocked.get(client);
    if (until !== undefined && until > now) return tooMany(until - now);
    if (until !== undefined) blocked.delete(client);
    if (await check(presentedToken(request))) return undefined;
    if (deps.allowFailedAuth && !deps.allowFailedAuth(client)) {
      blocked.set(client, now + BLOCK_MS);
      if (blocked.size > MAX_BLOCKED) blocked.delete(blocked.keys().next().value!);
      return tooMany(BLOCK_MS);
    }
    return errorResponse(401, 'unauthorized', 'credentials required: Authorization: Bearer <REPORT_TOKEN>, or Basic with the token as password', {
      headers: { 'www-authenticate': 'Basic realm="recs report", charset="UTF-8"' },
    });
  }

  const tooMany = (ms: number) =>
    errorResponse(429, 'rate-limited', 'too many failed logins from this client; try again later', {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) },
    });

  /** Authentication, then the query, then the store: each refusal in its own words. */
  async function prepare(request: Request, client: string | undefined): Promise<Response | { query: ReturnType<typeof parseReportQuery>; sql: ReportSql }> {
    const refused = await guard(request, client ?? 'shared');
    if (refused) return refused;
    await deps.beforeRead?.();
    let query: ReturnType<typeof parseReportQuery>;
    try {
      query = parseReportQuery(new URL(request.url), deps.now());
    } catch (error) {
      if (error instanceof BadParameter) return errorResponse(400, 'invalid-request', error.message, { parameter: error.parameter });
      throw error;
    }
    const sql = deps.sql();
    if (!sql) return errorResponse(503, 'network', 'the event store is not available', { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } });
    return { query, sql };
  }

  const storeDown = () =>
    errorResponse(503, 'network', 'the event store cannot be read right now; try again later', { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } });

  const configured = configuredPlacements(deps.placements ?? {});
  /** Each split's current config fingerprint (as its answers sign it, experiments/serve.ts): the configuration the report compares. */
  const currentSplits = Promise.all(
    Object.entries(deps.placements ?? {}).flatMap(([name, placement]) =>
      placement.provider === 'split'
        ? [splitFingerprint(Object.entries(placement.variants).map(([variant, { weight }]) => ({ name: variant, weight })), placement.salt ?? name).then((fingerprint) => [name, fingerprint] as const)]
        : [],
    ),
  ).then((entries) => Object.fromEntries(entries));

  async function load(request: Request, client: string | undefined): Promise<Response | ReportData> {
    const prepared = await prepare(request, client);
    if (prepared instanceof Response) return prepared;
    const { query, sql } = prepared;
    try {
      const splits = await splitConfigs(sql, query.range, await currentSplits);
      const [aggregates, daily, interleaving] = await Promise.all([
        variantAggregates(sql, query.range, splits.compared),
        dailyCtr(sql, query.range, splits.compared),
        interleavingOutcomes(sql, query.range),
      ]);
      return buildReport({ from: query.from, to: query.to, ...(query.placement === undefined ? {} : { placement: query.placement }), aggregates, daily, interleaving, configured, earlierConfigEvents: splits.leftOut });
    } catch (error) {
      // The store down or slow is a 503; anything else is a bug, for the app's error path (500, logged).
      if (error instanceof StoreUnavailable) return storeDown();
      throw error;
    }
  }

  return {
    async report(request, client) {
      const data = await load(request, client);
      if (data instanceof Response) return data;
      return new Response(renderReport(data), {
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP, ...COMMON_HEADERS },
      });
    },

    async reportJson(request, client) {
      const data = await load(request, client);
      if (data instanceof Response) return data;
      return new Response(JSON.stringify(data), { headers: { 'content-type': 'application/json; charset=utf-8', ...COMMON_HEADERS } });
    },

    async exportNdjson(request, client) {
      const prepared = await prepare(request, client);
      if (prepared instanceof Response) return prepared;
      const { query, sql } = prepared;
      // The first page is read before answering, so a store that is down is a 503, not a cut stream.
      let page: Awaited<ReturnType<typeof readEventPage>>;
      try {
        page = await readEventPage(sql, query.range, undefined, EXPORT_PAGE_SIZE);
      } catch (error) {
        if (error instanceof StoreUnavailable) return storeDown();
        throw error;
      }
      const encoder = new TextEncoder();
      let cursor: ExportCursor | undefined = page.next;
      let pending: typeof page.events | undefined = page.events;
      const stream = new ReadableStream<Uint8Array>({
        // One page per pull: the consumer's pace sets the reads, so memory holds one page.
        async pull(controller) {
          if (pending === undefined) {
            if (cursor === undefined) return controller.close();
            // A failure here errors the stream: the response ends without its last chunk, so the
            // client sees a failed transfer (curl: exit 18) rather than a silently short file.
            const next = await readEventPage(sql, query.range, cursor, EXPORT_PAGE_SIZE);
            pending = next.events;
            cursor = next.next;
          }
          const lines = pending.map((event) => `${JSON.stringify(event)}\n`).join('');
          pending = undefined;
          if (lines) controller.enqueue(encoder.encode(lines));
          else if (cursor === undefined) controller.close();
        },
      });
      const name = `recs-events-${query.from}-${query.to}${query.placement ? `-${query.placement}` : ''}.ndjson`;
      return new Response(stream, {
        headers: { 'content-type': 'application/x-ndjson', 'content-disposition': `attachment; filename="${name}"`, ...COMMON_HEADERS },
      });
    },
  };
}
