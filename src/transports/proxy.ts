import type { CartLine, RecsRequest, RecsResult } from '../model/schema.js';
import { RecsFailure } from '../model/errors.js';
import { cleanItems, type RawItem } from '../model/clean-item.js';
import { hasPersonalIdentifier } from '../model/personal.js';
import { fetchJson } from '../data/http.js';
import type { Transport } from './registry.js';

// ---- request ---------------------------------------------------------------

/**
 * Request fields as the proxy route receives them, in query-string form: lists
 * comma-separated (`productIds` as `productId`), the cart as `sku:qty,sku2`, unset
 * fields left out; the browser-only `transport`, `endpoint` and `apiKey` never sent.
 */
export function proxyFields(request: RecsRequest): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(request)) {
    if (value === undefined || value === '' || name === 'transport' || name === 'endpoint' || name === 'apiKey') continue;
    fields[name === 'productIds' ? 'productId' : name] =
      name === 'cart'
        ? (value as CartLine[]).map((line) => (line.quantity ? `${line.id}:${line.quantity}` : line.id)).join()
        : String(value);
  }
  return fields;
}

/**
 * GET with a query string for anonymous requests (a CDN can cache them); POST with a
 * JSON body when a personal identifier is present, so it never lands in a URL or log.
 */
export function buildProxyRequest(request: RecsRequest, signal: AbortSignal): { url: string; init: RequestInit } {
  if (!request.endpoint) throw new RecsFailure('invalid-request', 'proxy: the endpoint attribute is required');
  const fields = proxyFields(request);
  const headers = { accept: 'application/json' };
  if (hasPersonalIdentifier(request)) {
    return {
      url: request.endpoint,
      init: { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(fields), signal },
    };
  }
  const url = new URL(request.endpoint, document.baseURI);
  for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, value);
  return { url: url.href, init: { method: 'GET', headers, signal } };
}

// ---- response --------------------------------------------------------------

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The flat proxy format, normalized without zod (this runs in the script-tag bundle):
 * a body without an `items` array is invalid; unusable items are dropped.
 */
export function normalizeProxyResult(body: unknown): RecsResult {
  if (!isRecord(body) || !Array.isArray(body.items)) throw new RecsFailure('invalid-response', 'proxy: response has no items array');
  const raws = body.items.filter(isRecord).map((entry): RawItem => {
    const price = isRecord(entry.price) ? entry.price : undefined;
    return { ...entry, amount: price ? price.amount : entry.price, currency: price?.currency };
  });
  const result: RecsResult = { items: cleanItems(raws) };
  if (typeof body.trackerId === 'string' && body.trackerId) result.trackerId = body.trackerId;
  return result;
}

/** The proxy's JSON error (`{ error: { code, message } }`) keeps its message; the status decides the code. */
function describeProxyError(failure: RecsFailure, body: unknown): RecsFailure {
  const detail = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (detail && typeof detail.message === 'string') {
    return new RecsFailure(failure.code, `proxy: ${detail.message.slice(0, 300)}`, failure);
  }
  return failure;
}

export const proxyTransport: Transport = {
  async fetch(request, { signal }) {
    const { url, init } = buildProxyRequest(request, signal);
    return normalizeProxyResult(await fetchJson('proxy', url, init, describeProxyError));
  },
};
