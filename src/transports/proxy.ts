/**
 * Our own flat format, spoken by the reference proxy and any merchant route: built into
 * the script tag, so it parses without zod (cleanResult does the checking).
 */
import type { RecsRequest } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';
import { FIELD_ENTRIES, hasPersonalIdentifier, wireNameOf, type CartLine } from '../model/fields.js';
import type { VendorAdapter } from './adapter.js';

/**
 * Request fields as the proxy route receives them, by their wire names (see the field
 * table): lists comma-separated, the cart as `sku:qty,sku2`, unset fields left out;
 * browser-only fields (`endpoint`, `apiKey`) never sent.
 */
export function proxyFields(request: RecsRequest): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, spec] of FIELD_ENTRIES) {
    const value = request[name];
    if (value === undefined || value === '' || spec.wire === 0) continue;
    fields[wireNameOf(name)] =
      spec.kind === 'cart' ? (value as CartLine[]).map((line) => (line.quantity ? `${line.id}:${line.quantity}` : line.id)).join() : String(value);
  }
  return fields;
}

export const proxyAdapter: VendorAdapter = {
  vendor: 'proxy',
  /**
   * GET with a query string for anonymous requests (a CDN can cache them); POST with a
   * JSON body when a personal identifier is present, so it never lands in a URL or log.
   */
  buildRequest(request, { endpoint }) {
    if (!endpoint) throw new RecsFailure('invalid-request', 'proxy: no endpoint attribute');
    const fields = proxyFields(request);
    const headers = { accept: 'application/json' };
    if (hasPersonalIdentifier(request)) {
      return { method: 'POST', url: endpoint, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(fields) };
    }
    const url = new URL(endpoint, globalThis.document?.baseURI);
    for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, value);
    return { method: 'GET', url: url.href, headers };
  },
  // Items, trackerId, requestId and variant as they came: cleanResult checks them all, and an answer without an
  // items list is its `invalid-response` (every runner cleans what an adapter parses: load-recs.ts, proxy/runner.ts).
  parseResponse: (body) => body as never,
  /** The proxy's JSON error (`{ error: { code, message } }`) keeps its message: it is our proxy's own words. */
  describeError(failure, body) {
    // A JSON body: optional chaining reads it as isRecord would.
    const message = (body as { error?: { message?: unknown } } | null | undefined)?.error?.message;
    return typeof message === 'string' ? new RecsFailure(failure.code, `proxy: ${message.slice(0, 300)}`, failure) : undefined;
  },
};
