import type { RecsRequest, RecsResult } from '../model/types.js';
import { cleanResult } from '../model/clean-item.js';
import type { VendorAdapter } from '../transports/adapter.js';
import { loadTransport, registered, type Transport } from '../transports/registry.js';
import { withPolicy } from './policy.js';
import { shareRequest } from './shared-requests.js';
import { fetchVendor } from './http.js';

export interface LoadOptions {
  signal: AbortSignal;
  timeout: number;
  /** A one-off transport set on the element; bypasses the registry, request sharing and the cache. */
  transport?: Transport | undefined;
  /** The `fallback` attribute: a second source, used when the first errors or comes back empty. */
  fallback?: string | undefined;
  /** Seconds a result stays fresh in the session cache; 0 or absent: no cache. */
  cacheTtl?: number | undefined;
  /** Called at once with a stale cached result, before it is revalidated. */
  onStale?: ((result: LoadedRecs) => void) | undefined;
}

/** A result and where it came from, as `recs-load` reports it. */
export interface LoadedRecs extends RecsResult {
  source: 'primary' | 'fallback';
  transport: string;
}

/** The browser runner: an adapter's request, with the widget's endpoint and key, over the one HTTP helper. */
export async function runAdapter(adapter: VendorAdapter, request: RecsRequest, signal: AbortSignal) {
  // In the browser an adapter's settings (endpoint, api-key) are the widget's own request fields.
  const { body, headers } = await fetchVendor(adapter, adapter.buildRequest(request, request), { signal });
  return adapter.parseResponse(body, headers);
}

/**
 * One source through policy and sharing: the registry's name (waited for until the
 * timeout when not registered yet), then its source and its answer as one try under the
 * policy (so a factory that never settles times out too), retries, one request per page,
 * and cleanResult on whatever it answered.
 */
function fetchOne(request: RecsRequest, options: LoadOptions): Promise<RecsResult> {
  const { signal, timeout, transport } = options;
  const run = async (shared: AbortSignal) => {
    if (!transport) await registered(request.transport, AbortSignal.any([shared, AbortSignal.timeout(timeout)]));
    const answer = await withPolicy(
      async (attempt) => {
        const source = transport ?? (await loadTransport(request.transport));
        // An adapter runs over the one HTTP helper; a transport's own fetch does its own I/O.
        return 'buildRequest' in source ? runAdapter(source, request, attempt) : source.fetch(request, { signal: attempt });
      },
      { signal: shared, timeout },
    );
    return cleanResult(answer, request.transport);
  };
  if (transport) return run(signal);
  return shareRequest(`${timeout}|${JSON.stringify(request)}`, run, signal);
}

/**
 * The primary source, then the `fallback` when the primary fails or has nothing. The
 * fallback is opt-in, so what it does is a chunk, fetched beside the first request by
 * widgets that set it; a chunk that cannot load leaves the primary's answer as it is.
 */
async function fetchWithFallback(request: RecsRequest, options: LoadOptions): Promise<LoadedRecs> {
  const primary = fetchOne(request, options).then((result): LoadedRecs => ({ ...result, source: 'primary', transport: request.transport }));
  // A fallback of only spaces (a CMS field left blank) is none, as every blank attribute.
  if (!options.fallback?.trim()) return primary;
  primary.catch(() => {}); // handled by withFallback, once its chunk is here
  return import('./fallback.js').then((chunk) => chunk.withFallback(primary, request, options, fetchOne), () => primary);
}

/**
 * The whole data path below the element: session cache (a chunk, for widgets that set
 * `cache-ttl`), fallback chain, registry, policy and sharing.
 */
export async function loadRecs(request: RecsRequest, options: LoadOptions): Promise<LoadedRecs> {
  const ttl = options.transport ? 0 : options.cacheTtl ?? 0;
  const load = () => fetchWithFallback(request, options);
  return ttl > 0 ? (await import('./cache.js')).withSessionCache(JSON.stringify([request, options.fallback]), ttl, options, load) : load();
}
