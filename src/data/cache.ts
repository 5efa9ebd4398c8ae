import type { RecsResult } from '../model/types.js';
import type { LoadOptions } from './load-recs.js';
import { allowed } from './consent.js';
import { cleanResult } from '../model/clean-item.js';

/**
 * Results kept across pages of one visit (sessionStorage), so a shopper moving
 * between pages sees cards at once. Storage that is full, disabled or throwing
 * degrades to memory without a word.
 */
const PREFIX = 'recs:';
const memory = new Map<string, string>();

interface Entry {
  storedAt: number;
  result: RecsResult;
}

/**
 * The storage key: a hash of the whole request, personal identifiers included, so
 * one shopper's results never show for another and no identifier is stored in clear.
 */
export function cacheKey(text: string): string {
  // cyrb53: a fast 53-bit string hash; collisions are astronomically unlikely at this scale.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return PREFIX + (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** Without the shopper's consent, where the merchant requires it, results stay in this page's memory. */
function storage(): Storage | undefined {
  try {
    return allowed() ? globalThis.sessionStorage : undefined;
  } catch {
    return undefined; // access itself throws when storage is disabled
  }
}

/** The cached result and whether it is still within `ttlSeconds`, or undefined. */
export function readCache(key: string, ttlSeconds: number, now = Date.now()): { result: RecsResult; fresh: boolean } | undefined {
  let text: string | null | undefined;
  try {
    text = storage()?.getItem(key);
  } catch {
    // fall through to memory
  }
  text ??= memory.get(key);
  if (!text) return undefined;
  try {
    const entry = JSON.parse(text) as Entry;
    if (typeof entry.storedAt !== 'number') return undefined;
    // Storage is input like any answer (another script on the page can write it): cleaned again, as cards bind items as they are.
    return { result: { ...entry.result, ...cleanResult(entry.result, 'cache') }, fresh: now - entry.storedAt < ttlSeconds * 1000 };
  } catch {
    return undefined;
  }
}

export function writeCache(key: string, result: RecsResult, now = Date.now()): void {
  const text = JSON.stringify({ storedAt: now, result } satisfies Entry);
  try {
    storage()!.setItem(key, text);
    memory.delete(key);
  } catch {
    memory.set(key, text);
  }
}

/**
 * `load` behind the session cache: within the TTL no request is made; after it the stale
 * result is handed to `onStale` at once and kept if revalidation fails.
 */
export async function withSessionCache<T extends RecsResult>(request: string, ttl: number, options: LoadOptions, load: () => Promise<T>): Promise<T> {
  // This chunk was loaded after the request started: the widget may have left the page meanwhile.
  options.signal.throwIfAborted();
  const key = cacheKey(request);
  const cached = readCache(key, ttl);
  const stale = cached?.result as T | undefined;
  if (cached?.fresh) return stale!;
  if (stale) options.onStale?.(stale as never);
  try {
    const result = await load();
    // An answer with a request id is one page view's (the proxy says no-store): events would quote it twice.
    if (!result.requestId) writeCache(key, result);
    return result;
  } catch (error) {
    if (stale && !options.signal.aborted) return stale;
    throw error;
  }
}
