/**
 * A fake recommendation backend over demo/catalog.json, speaking the proxy wire format,
 * so the demo runs with no vendor keys and no network.
 *
 * `demoRecommendations` is pure (catalog + params in, result out) so the reference
 * proxy server can reuse it; `demoRecsMiddleware` is the thin HTTP layer for Vite's
 * dev server (or any Connect-style stack).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecItem, RecsErrorCode, RecsResult } from '../src/model/schema.js';

export interface DemoCatalog {
  items: readonly RecItem[];
}

/** Request fields as the proxy transport sends them (query string or JSON body). */
export interface DemoParams {
  /** `similar` (the default), `bestsellers` or `personal`. */
  placement?: string;
  /** Source product ids, comma-separated. */
  productId?: string;
  limit?: string | number;
  customerId?: string;
  webId?: string;
  contactId?: string;
  externalCustomerId?: string;
  email?: string;
  phone?: string;
  [field: string]: unknown;
}

/** A request the demo cannot answer; `status` is the HTTP status it maps to. */
export class DemoRouteError extends Error {
  constructor(
    readonly code: RecsErrorCode,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'DemoRouteError';
  }
}

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 40;
const MAX_BODY_BYTES = 16 * 1024;

/** A non-empty field as a string; JSON bodies may carry numbers where query strings carry text. */
const text = (value: unknown): string | undefined => {
  const string = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  return string || undefined;
};

/** By score, highest first; ties by id so every answer is reproducible. */
const byScore = (a: RecItem, b: RecItem) => (b.score ?? 0) - (a.score ?? 0) || a.id.localeCompare(b.id);

function parseLimit(raw: unknown): number {
  if (raw === undefined || raw === '') return DEFAULT_LIMIT;
  const limit = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(limit)) throw new DemoRouteError('invalid-request', 'limit must be a number', 400);
  return Math.min(MAX_LIMIT, Math.max(1, Math.trunc(limit)));
}

/** FNV-1a, then mulberry32: a tiny seeded generator, so a shopper's order is stable across requests. */
function seededRandom(seed: string): () => number {
  let state = 0x811c9dc5;
  for (const char of seed) state = Math.imul(state ^ char.codePointAt(0)!, 0x01000193) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(list: T[], random: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/**
 * Recommendations for one placement. Source products are never recommended back.
 * Throws DemoRouteError for an unknown placement (404) or a non-numeric limit (400).
 */
export function demoRecommendations(catalog: DemoCatalog, params: DemoParams): RecsResult {
  const placement = text(params.placement) ?? 'similar';
  const limit = parseLimit(params.limit);
  const sourceIds = (text(params.productId) ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  const candidates = catalog.items.filter((item) => !sourceIds.includes(item.id));

  let ranked: RecItem[];
  if (placement === 'similar') {
    // Same category as the first source product first, then the rest to fill the row.
    const category = catalog.items.find((item) => item.id === sourceIds[0])?.category?.[0];
    const isSame = (item: RecItem) => category !== undefined && (item.category ?? []).includes(category);
    ranked = [...candidates.filter(isSame).sort(byScore), ...candidates.filter((item) => !isSame(item)).sort(byScore)];
  } else if (placement === 'bestsellers') {
    ranked = [...candidates].sort(byScore);
  } else if (placement === 'personal') {
    const shopper = [params.customerId, params.webId, params.contactId, params.externalCustomerId, params.email, params.phone]
      .map(text)
      .find(Boolean);
    // Sort first so the shuffle does not depend on the catalog's file order.
    ranked = shuffle([...candidates].sort(byScore), seededRandom(shopper ?? 'anonymous'));
  } else {
    throw new DemoRouteError('not-found', `unknown placement "${placement.slice(0, 60)}" (try similar, bestsellers or personal)`, 404);
  }
  return { items: ranked.slice(0, limit), trackerId: `demo-${placement}` };
}

// ---- HTTP ------------------------------------------------------------------

type Next = (error?: unknown) => void;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

const sendError = (res: ServerResponse, error: DemoRouteError, headers?: Record<string, string>) =>
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, headers);

/** The JSON body as an object; rejects bodies over 16 KB without buffering them. */
function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const tooLarge = new DemoRouteError('invalid-request', `body must be at most ${MAX_BODY_BYTES} bytes`, 413);
    if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return reject(tooLarge);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume(); // drain and discard the rest; the answer closes the connection
        reject(tooLarge);
      } else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8').trim();
      if (!raw) return resolve({});
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return reject(new DemoRouteError('invalid-request', 'body must be JSON', 400));
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return reject(new DemoRouteError('invalid-request', 'body must be a JSON object', 400));
      }
      resolve(body as Record<string, unknown>);
    });
  });
}

/**
 * Serves `GET {mountPath}/<placement>?productId=…&limit=…` and `POST {mountPath}/<placement>`
 * with the same fields as a JSON body. `{mountPath}` alone means `similar`. Other paths
 * go to `next()`. The catalog is read on every request, so edits show without a restart.
 *
 * Vite: `configureServer(server) { server.middlewares.use(demoRecsMiddleware('demo/catalog.json')) }`
 */
export function demoRecsMiddleware(catalogPath: string, mountPath = '/recs') {
  const base = mountPath.replace(/\/+$/, '');
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    // Connect strips a route prefix from req.url when mounted with use(path, fn); originalUrl keeps it.
    const url = new URL((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/', 'http://demo.invalid');
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return next();

    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'POST') {
        throw new DemoRouteError('invalid-request', `method ${req.method} not allowed`, 405);
      }
      let placement: string;
      try {
        placement = decodeURIComponent(url.pathname.slice(base.length + 1));
      } catch {
        throw new DemoRouteError('not-found', 'malformed placement', 404);
      }
      const fields = req.method === 'POST' ? await readJsonBody(req) : Object.fromEntries(url.searchParams);
      const params: DemoParams = { ...fields, placement };
      const catalog = JSON.parse(await readFile(catalogPath, 'utf8')) as DemoCatalog;
      sendJson(res, 200, demoRecommendations(catalog, params));
    })().catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      if (!(error instanceof DemoRouteError)) {
        return sendJson(res, 500, { error: { code: 'http', message: `demo catalog: ${String(error)}` } });
      }
      const headers: Record<string, string> = {};
      if (error.status === 405) headers.allow = 'GET, HEAD, POST';
      if (error.status === 413) headers.connection = 'close';
      sendError(res, error, headers);
    });
  };
}
