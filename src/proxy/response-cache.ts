/**
 * The proxy's own short-lived cache for anonymous answers, so a Node deployment without
 * a CDN still calls the vendor once per identical request per `ttlMs`. Concurrent
 * identical requests share one upstream call. Failures are never cached. Requests with
 * a personal identifier never come here. Two kinds: in this process's memory
 * (createResponseCache, the default) and in the platform's HTTP cache
 * (createHttpResponseCache, the Workers Cache API; src/proxy/worker.ts).
 */
import { sha256Hex } from './sha256-hex.js';

export interface ResponseCache<T> {
  /**
   * The cached value for `key`, or `load()`'s; `hit` says which. The in-memory cache shares
   * one load between concurrent callers. `requestUrl` is the URL being answered: an HTTP
   * cache keys its entries under that origin.
   */
  get(key: string, load: () => Promise<T>, requestUrl?: string): Promise<{ value: T; hit: boolean }>;
  /** Whether `get(key)` would be answered without calling `load` (fresh, or already loading); an HTTP cache cannot tell without a lookup and says false. */
  has(key: string): boolean;
  /**
   * Whether concurrent callers share one `load` (in memory): a caller must then decide before `get` whether it may
   * load (app.ts spends its rate-limit token there). An HTTP cache calls each request's own `load`, on a miss only.
   */
  readonly sharesLoads: boolean;
  /**
   * The value `get(key)` would answer as a hit, if it is fresh and already loaded: a hit can
   * then be answered at once, without waiting on anything. An HTTP cache says undefined.
   */
  peek(key: string): T | undefined;
}

export interface ResponseCacheOptions<T> {
  ttlMs: number;
  maxEntries: number;
  /**
   * The most the entries may add up to, each counted as its key's length plus `sizeOf` its
   * value (the app: the answer's JSON text). Entries alone bound nothing: clients choose the
   * keys, and 1000 answers of 100 rich cards held 617 MB of heap.
   */
  maxBytes?: number;
  sizeOf?: (value: T) => number;
  now?: () => number;
}

interface Entry<T> {
  expires: number;
  value: Promise<T>;
  /** The value once `value` has resolved, for peek(). */
  loaded?: { value: T };
  /** What it counts against maxBytes, once loaded. */
  size: number;
  /** When it was last moved to the end of the Map (touch). */
  usedAt: number;
}

/** A hit moves its entry at most this often: a Map delete and set on every hit doubled peek()'s 0.5 µs. */
const TOUCH_EVERY_MS = 1000;

export function createResponseCache<T>(options: ResponseCacheOptions<T>): ResponseCache<T> {
  const now = options.now ?? Date.now;
  const maxBytes = options.maxBytes ?? Infinity;
  // A Map iterates in insertion order and a use re-inserts (at most once a second): the first key is the
  // least recently used, so a client's one-off keys are dropped before the answers the shop keeps asking for.
  const entries = new Map<string, Entry<T>>();
  let bytes = 0;
  const drop = (key: string) => {
    bytes -= entries.get(key)?.size ?? 0;
    entries.delete(key);
  };
  const touch = (key: string, entry: Entry<T>, time: number) => {
    if (time - entry.usedAt < TOUCH_EVERY_MS) return;
    entry.usedAt = time;
    entries.delete(key);
    entries.set(key, entry);
  };
  return {
    sharesLoads: true,
    has: (key) => (entries.get(key)?.expires ?? 0) > now(),
    peek(key) {
      const entry = entries.get(key);
      const time = now();
      if (!entry?.loaded || entry.expires <= time) return undefined;
      touch(key, entry, time);
      return entry.loaded.value;
    },
    async get(key, load) {
      const entry = entries.get(key);
      const time = now();
      if (entry && entry.expires > time) {
        touch(key, entry, time);
        return { value: await entry.value, hit: true };
      }
      if (options.ttlMs <= 0 || options.maxEntries <= 0) return { value: await load(), hit: false };
      drop(key);
      const value = load();
      const fresh: Entry<T> = { expires: time + options.ttlMs, value, size: 0, usedAt: time };
      entries.set(key, fresh);
      if (entries.size > options.maxEntries) drop(entries.keys().next().value!);
      value.then(
        (loaded) => {
          fresh.loaded = { value: loaded };
          if (entries.get(key) !== fresh) return;
          const size = key.length + (options.sizeOf?.(loaded) ?? 0);
          // One answer over the whole budget is served but not kept (it would empty the cache for nothing).
          if (size > maxBytes) return drop(key);
          fresh.size = size;
          bytes += size;
          while (bytes > maxBytes) drop(entries.keys().next().value!);
        },
        () => {
          if (entries.get(key) === fresh) drop(key);
        },
      );
      return { value: await value, hit: false };
    },
  };
}

/** The part of the Workers Cache API (`caches.default`) the proxy uses. */
export interface HttpCache {
  match(request: string): Promise<Response | undefined>;
  put(request: string, response: Response): Promise<void>;
}

/**
 * Anonymous answers kept in a platform's HTTP cache instead of this process's memory: on
 * Cloudflare Workers `caches.default`, which every isolate of a data centre shares (an
 * isolate's own memory lasts one isolate). Values are stored as JSON for `ttlSeconds`
 * (the cache honours the entry's `max-age`; it also evicts by itself, so there is no
 * `maxEntries`). A failing cache never fails an answer: a broken match is a miss, a
 * broken put is logged. Loads are not shared between concurrent requests: on Workers a
 * promise made by one request must not be awaited by another, so until the first answer
 * is stored, identical concurrent misses each call the vendor.
 */
export function createHttpResponseCache<T>(cache: HttpCache, options: { ttlSeconds: number; log?: (line: string) => void }): ResponseCache<T> {
  const failed = (what: string) => (error: unknown) => {
    options.log?.(`recs-proxy: cache ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  };
  return {
    sharesLoads: false,
    has: () => false,
    peek: () => undefined,
    async get(key, load, requestUrl) {
      if (options.ttlSeconds <= 0) return { value: await load(), hit: false };
      const url = await entryUrl(key, requestUrl);
      const stored = await cache.match(url).catch(failed('match'));
      if (stored) return { value: (await stored.json()) as T, hit: true };
      const value = await load();
      const entry = new Response(JSON.stringify(value), {
        headers: { 'content-type': 'application/json', 'cache-control': `max-age=${options.ttlSeconds}` },
      });
      await cache.put(url, entry).catch(failed('put'));
      return { value, hit: false };
    },
  };
}

/**
 * An entry's URL: under the origin being answered (Cloudflare asks for the Worker's own
 * hostname in Cache API keys), on a path no route serves, named by the key's SHA-256 so
 * any key fits in a URL.
 */
async function entryUrl(key: string, requestUrl: string | undefined): Promise<string> {
  const hex = await sha256Hex(key);
  const origin = requestUrl ? new URL(requestUrl).origin : 'https://recs-proxy.invalid';
  return `${origin}/.recs-cache/${hex}`;
}
