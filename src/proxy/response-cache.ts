/**
 * The proxy's own short-lived cache for anonymous answers, so a Node deployment without
 * a CDN still calls the vendor once per identical request per `ttlMs`. Concurrent
 * identical requests share one upstream call. Failures are never cached. Requests with
 * a personal identifier never come here.
 */
export interface ResponseCache<T> {
  /** The cached value for `key`, or `load()`'s, shared with concurrent callers; `hit` says which. */
  get(key: string, load: () => Promise<T>): Promise<{ value: T; hit: boolean }>;
  /** Whether `get(key)` would be answered without calling `load` (fresh, or already loading). */
  has(key: string): boolean;
}

export function createResponseCache<T>(options: { ttlMs: number; maxEntries: number; now?: () => number }): ResponseCache<T> {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { expires: number; value: Promise<T> }>();
  return {
    has: (key) => (entries.get(key)?.expires ?? 0) > now(),
    async get(key, load) {
      const entry = entries.get(key);
      if (entry && entry.expires > now()) return { value: await entry.value, hit: true };
      if (options.ttlMs <= 0 || options.maxEntries <= 0) return { value: await load(), hit: false };
      entries.delete(key);
      const value = load();
      entries.set(key, { expires: now() + options.ttlMs, value });
      // Map keeps insertion order: the first key is the oldest.
      if (entries.size > options.maxEntries) entries.delete(entries.keys().next().value!);
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return { value: await value, hit: false };
    },
  };
}
