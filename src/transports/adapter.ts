/**
 * The shape of a vendor adapter. An adapter is pure: it turns a RecsRequest (plus its
 * settings) into the vendor's HTTP request, and the vendor's answer into ranked raw
 * items. It never fetches, retries, caches, reads secrets or cleans items: the runners
 * do that (the browser's in src/data/run-adapter.ts, the proxy's in src/proxy/vendors.ts),
 * and both run the same adapter.
 */
import type { RecsRequest } from '../model/types.js';
import type { RecsFailure } from '../model/errors.js';
import { MAX_ENTRIES, type RawItem } from '../model/clean-item.js';

export interface VendorRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The proxy signs the request this way before sending it (AWS SigV4). */
  sign?: { service: string; region: string };
}

/** Ranked raw items (cleanItems makes them safe later) and the vendor's tracking id. */
export interface VendorItems {
  items: RawItem[];
  trackerId?: string | undefined;
}

/**
 * `S` is what the adapter needs beyond the request: in the browser, the element's
 * `endpoint` and `api-key`; in the proxy, the placement with its secrets filled in.
 */
export interface VendorAdapter<S = BrowserSettings> {
  /** Names the vendor in error messages. */
  vendor: string;
  buildRequest(request: RecsRequest, settings: S): VendorRequest;
  parseResponse(body: unknown, headers: Headers): VendorItems;
  /**
   * Our words for a vendor's error answer, from its documented error codes only: a
   * vendor's own message text never becomes ours (it may echo keys or markup).
   */
  describeError?(failure: RecsFailure, body: unknown): RecsFailure | undefined;
}

/** What a widget gives an adapter in the browser. */
export interface BrowserSettings {
  endpoint?: string | undefined;
  apiKey?: string | undefined;
}

/**
 * Entries of a vendor list through the entry schema: each valid one normalized, each
 * invalid one kept as an empty item, so cleanResult's rule for "every entry unusable"
 * counts it. Any schema with `safeParse` (zod/mini) fits.
 */
export function parseEntries<T>(
  entries: readonly unknown[],
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  normalize: (entry: T) => RawItem,
): RawItem[] {
  // Entries past those cleanResult cleans are not parsed either.
  return entries.slice(0, MAX_ENTRIES).map((entry) => {
    const parsed = schema.safeParse(entry);
    return parsed.success ? normalize(parsed.data) : {};
  });
}

/** HTTP Basic credentials (`user:password`), UTF-8 safe (btoa alone takes only Latin-1 and throws on the rest). */
export function basicAuthorization(credentials: string): string {
  const bytes = new TextEncoder().encode(credentials);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/** `{endpoint}/path` with trailing slashes of the endpoint folded, resolved against the page in a browser. */
export function vendorUrl(endpoint: string, path: string): URL {
  return new URL(endpoint.replace(/\/+$/, '') + path, globalThis.document?.baseURI);
}
