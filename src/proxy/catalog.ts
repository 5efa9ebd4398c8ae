/**
 * Product catalog feeds: the demo provider recommends from one, and enrichment completes
 * vendor items that arrive as bare ids. A feed is a JSON file or URL in the proxy wire
 * format (`{ "items": [...] }`, or just the array), loaded once and refreshed in the
 * background every `refreshMs`; a failed refresh keeps serving the last good copy.
 */
import type { RecItem } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';
import { cleanResult } from '../model/clean-item.js';
import { fetchVendor } from '../data/http.js';
import { readCapped } from './capped-body.js';

export interface Catalog {
  readonly items: readonly RecItem[];
  readonly byId: ReadonlyMap<string, RecItem>;
}

export interface CatalogOptions {
  refreshMs: number;
  timeoutMs: number;
  /** Largest feed read, counted after decompression. */
  maxBytes: number;
  /** Reads a feed file; absent on runtimes without a filesystem (feeds must be URLs there). */
  readFile?: (path: string) => Promise<string>;
  now?: () => number;
  log?: (line: string) => void;
}

export interface CatalogStore {
  get(source: string): Promise<Catalog>;
}

const isUrl = (source: string) => /^https?:\/\//i.test(source);

/** A source as it may appear in a log: URLs lose their query, which can carry a token. */
export function describeSource(source: string): string {
  if (!isUrl(source)) return source;
  const url = new URL(source);
  return `${url.origin}${url.pathname}`;
}

export function parseCatalog(json: unknown): Catalog {
  const { items } = cleanResult(Array.isArray(json) ? { items: json } : json, 'catalog');
  return { items, byId: new Map(items.map((item) => [item.id, item])) };
}

/** A failing feed is retried at most this often, so a dead URL is not hit on every request. */
const RETRY_FAILED_MS = 30_000;

interface Feed {
  catalog?: Catalog;
  /** When to try loading again: `refreshMs` after a success, sooner after a failure. */
  nextLoadAt: number;
  loading?: Promise<Catalog>;
}

export function createCatalogStore(options: CatalogOptions): CatalogStore {
  const now = options.now ?? Date.now;
  const feeds = new Map<string, Feed>();
  const unavailable = () => new RecsFailure('invalid-response', 'catalog: the product feed could not be loaded');

  /** A feed URL goes through the vendors' HTTP helper, with their rules: no redirects followed, the body capped. */
  async function readJson(source: string): Promise<unknown> {
    if (isUrl(source)) {
      const request = { method: 'GET' as const, url: source, headers: { accept: 'application/json' } };
      const rules = { signal: AbortSignal.timeout(options.timeoutMs), redirect: 'manual' as const, read: readCapped(options.maxBytes) };
      return (await fetchVendor({ vendor: 'catalog' }, request, rules)).body;
    }
    if (!options.readFile) throw new Error('file feeds need a filesystem; use an http(s) URL on this runtime');
    return JSON.parse(await options.readFile(source));
  }

  function load(feed: Feed, source: string): Promise<Catalog> {
    feed.loading ??= readJson(source)
      .then(parseCatalog)
      .then((catalog) => {
        feed.catalog = catalog;
        feed.nextLoadAt = now() + options.refreshMs;
        return catalog;
      })
      .catch((error: unknown) => {
        options.log?.(`catalog: could not load ${describeSource(source)} (${error instanceof Error ? error.message : String(error)})`);
        feed.nextLoadAt = now() + Math.min(options.refreshMs, RETRY_FAILED_MS);
        throw unavailable();
      })
      .finally(() => {
        feed.loading = undefined;
      });
    return feed.loading;
  }

  return {
    async get(source) {
      let feed = feeds.get(source);
      if (!feed) feeds.set(source, (feed = { nextLoadAt: 0 }));
      const due = now() >= feed.nextLoadAt;
      if (feed.catalog) {
        // Stale-while-revalidate: answer from the copy we have, refresh behind it.
        if (due) load(feed, source).catch(() => undefined);
        return feed.catalog;
      }
      if (!due) throw unavailable();
      return load(feed, source);
    },
  };
}
