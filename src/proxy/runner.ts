/**
 * The proxy runner: a placement answered from its vendor. Secrets are read once at start
 * (a missing one stops the server there); each request gets one deadline that covers
 * the vendor call and catalog enrichment together; the vendor is called through the one
 * HTTP helper with the proxy's rules (no redirects followed, bodies capped); and
 * cleanResult makes the answer safe, as in the browser.
 */
import type { RecsRequest, RecsResult } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';
import { cleanResult, type RawItem } from '../model/clean-item.js';
import type { VendorAdapter, VendorItems, VendorRequest } from '../transports/adapter.js';
import { fetchVendor } from '../data/http.js';
import type { LeafPlacement, ProxyConfig } from './config.js';
import type { CatalogStore } from './catalog.js';
import type { Secrets } from './secrets.js';
import { VENDORS } from './vendors.js';
import { rankDemoItems } from './demo.js';
import { enrichItem } from './enrich.js';
import { withPriceText } from './price-text.js';
import { signAwsRequest, type AwsCredentials } from './aws-sigv4.js';
import { readCapped } from './capped-body.js';

export interface RunnerDeps {
  config: ProxyConfig;
  secrets: Secrets;
  catalogs: CatalogStore;
  log: (line: string) => void;
  /** Where the placement sits in the config (`placements.pdp`), for config errors. */
  path: string;
  /**
   * Takes a slot for one call to this placement's vendor (limits.vendor) and returns its release, or
   * throws (VendorOverloaded) without a call. Only a load calls the runner: cache hits and requests
   * sharing an identical call in flight never come here.
   */
  startVendorCall?: () => () => void;
}

/** Answers one request for a placement; rejects with a RecsFailure. */
export type PlacementRunner = (request: RecsRequest) => Promise<RecsResult>;

type Source = (request: RecsRequest, signal: AbortSignal) => Promise<VendorItems>;

/** Vendor items after enrichment; `missing` is why the catalog was not there, `timedOut` when the deadline passed first. */
interface Enriched {
  items: RawItem[];
  missing?: unknown;
  timedOut?: boolean;
}

/**
 * The adapter's settings from the placement: a field named `…Env` names an environment
 * variable, and the adapter gets its value under the name without `Env`.
 */
function settingsOf(placement: LeafPlacement, deps: RunnerDeps): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(placement)) {
    if (key.endsWith('Env')) settings[key.slice(0, -3)] = deps.secrets.require(String(value), `${deps.path}.${key}`);
    else settings[key] = value;
  }
  return settings;
}

/** AWS credentials from the proxy's environment, else the AWS default chain (instance roles and the like), loaded on first use. */
function awsCredentials(secrets: Secrets): () => Promise<AwsCredentials> {
  const accessKeyId = secrets.optional('AWS_ACCESS_KEY_ID');
  const secretAccessKey = secrets.optional('AWS_SECRET_ACCESS_KEY');
  const sessionToken = secrets.optional('AWS_SESSION_TOKEN');
  if (accessKeyId && secretAccessKey) return async () => ({ accessKeyId, secretAccessKey, sessionToken });
  // One provider for the proxy's life: it keeps the credentials until they near expiry,
  // so a request does not pay a metadata or task-role round trip. Dropped on failure, to try again.
  let provider: Promise<() => Promise<AwsCredentials>> | undefined;
  return async () => {
    try {
      provider ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider());
      return await (await provider)();
    } catch {
      provider = undefined;
      throw new RecsFailure('http', 'aws: no AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or install @aws-sdk/credential-provider-node)');
    }
  };
}

function vendorSource(adapter: VendorAdapter<never>, settings: Record<string, unknown>, deps: RunnerDeps): Source {
  const credentials = awsCredentials(deps.secrets);
  const read = readCapped(deps.config.maxResponseBytes);
  const build = adapter.buildRequest as (request: RecsRequest, settings: Record<string, unknown>) => VendorRequest;
  return async (request, signal) => {
    // A request the vendor would refuse is refused first, taking no slot.
    const call = build(request, settings);
    if (call.sign) call.headers = await signAwsRequest(call, call.sign, await credentials());
    // The slot is the HTTP call's, held until it settles: at the latest at the deadline, which aborts it.
    const release = deps.startVendorCall?.();
    try {
      const { body, headers } = await fetchVendor(adapter, call, { signal, redirect: 'manual' as const, read });
      return adapter.parseResponse(body, headers);
    } finally {
      release?.();
    }
  };
}

function sourceOf(placement: LeafPlacement, deps: RunnerDeps): Source {
  if (placement.provider === 'demo') {
    return async (request) => ({ items: rankDemoItems((await deps.catalogs.get(placement.catalog)).items, request, placement.ranking).slice(0, request.limit) });
  }
  return vendorSource(VENDORS[placement.provider].adapter as VendorAdapter<never>, settingsOf(placement, deps), deps);
}

/** Resolves with `promise`, or rejects as soon as `signal` aborts. */
function beforeAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    promise.then(resolve, reject);
  });
}

export function createRunner(placement: LeafPlacement, deps: RunnerDeps): PlacementRunner {
  const source = sourceOf(placement, deps);
  const { config, catalogs, log } = deps;
  const timeoutMs = placement.timeoutMs ?? config.timeoutMs;

  /**
   * Completes bare vendor items from the catalog, within what is left of the deadline.
   * Without the catalog, items go as they came and `missing` says why: the deadline's
   * timeout, or the catalog store's failure (which the store has logged).
   */
  async function enrich(items: RawItem[], signal: AbortSignal): Promise<Enriched> {
    if (!config.catalog || placement.provider === 'demo') return { items };
    try {
      const catalog = await beforeAbort(catalogs.get(config.catalog.source), signal);
      return { items: items.map((raw) => enrichItem(raw, catalog)) };
    } catch (error) {
      return signal.aborted ? { items, missing: signal.reason, timedOut: true } : { items, missing: error };
    }
  }

  /**
   * The vendor's items, cleaned. Without the catalog, items complete as the vendor sent them
   * are served; when none is (bare ids only the catalog can name), the answer fails with the
   * catalog's reason (a 504 past the deadline), never blaming the vendor's answer.
   */
  function clean(answer: VendorItems, { items, missing, timedOut }: Enriched): RecsResult {
    try {
      const result = cleanResult({ ...answer, items }, placement.provider);
      if (timedOut) log(`catalog: not loaded within the ${timeoutMs} ms deadline; items served as the vendor sent them`);
      return result;
    } catch (error) {
      if (missing === undefined) throw error;
      if (timedOut) log(`catalog: not loaded within the ${timeoutMs} ms deadline; the vendor's items cannot be named without it`);
      throw missing;
    }
  }

  return async (request) => {
    // A timer cleared on completion, rather than AbortSignal.timeout(), which keeps one alive per request until it fires.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new RecsFailure('timeout', `upstream did not answer within ${timeoutMs} ms`)), timeoutMs);
    try {
      const answer = await beforeAbort(source(request, deadline.signal), deadline.signal);
      const result = clean(answer, await enrich(answer.items, deadline.signal));
      return withPriceText({ ...result, items: result.items.slice(0, request.limit) }, request);
    } finally {
      clearTimeout(timer);
    }
  };
}
