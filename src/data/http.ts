import { RecsFailure } from '../model/errors.js';
import type { VendorAdapter, VendorRequest } from '../transports/adapter.js';

/**
 * What the data path needs only once something failed (HTTP statuses as codes,
 * Retry-After, whether and when to try again) is a chunk: the happy path never loads it.
 * If it cannot load, a failure stands as it is (an HTTP error as `http`) and is not retried.
 */
export const afterFailure = () => import('./after-failure.js');

export interface FetchVendorOptions {
  signal: AbortSignal;
  /** `manual` where redirects are refused (the proxy: they would carry the key to another host). */
  redirect?: RequestRedirect | undefined;
  /** How the body is read; the proxy's reader refuses redirects and stops at a size cap (src/proxy/capped-body.ts). */
  read?: ((response: Response, vendor: string) => Promise<string>) | undefined;
}

/**
 * The one HTTP call of both runners: never sends cookies, turns every failure into a
 * RecsFailure with a code (the adapter's describeError refines HTTP errors from the
 * vendor's documented error codes), and lets an abort pass through untouched.
 */
export async function fetchVendor(
  adapter: Pick<VendorAdapter<never>, 'vendor' | 'describeError'>,
  request: VendorRequest,
  { signal, redirect, read }: FetchVendorOptions,
): Promise<{ body: unknown; headers: Headers }> {
  const { vendor } = adapter;
  let response: Response;
  let text: string;
  try {
    // The request's method, headers and body as they are (fetch ignores its other fields).
    response = await fetch(request.url, { ...request, signal, credentials: 'omit', redirect });
    text = await (read ? read(response, vendor) : response.text());
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw error instanceof RecsFailure ? error : new RecsFailure('network', `${vendor}: network error, no complete response`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    if (response.ok) throw new RecsFailure('invalid-response', `${vendor}: response is not valid JSON`);
  }
  if (!response.ok) {
    const { status } = response;
    const failure = (await afterFailure().catch(() => undefined))?.failureForStatus(status, vendor, response.headers.get('retry-after')) ?? new RecsFailure('http', `${vendor}: HTTP ${status}`, { status });
    throw adapter.describeError?.(failure, json) ?? failure;
  }
  return { body: json, headers: response.headers };
}
