import { RecsFailure, failureForStatus } from '../model/errors.js';
import type { VendorAdapter, VendorRequest } from '../transports/adapter.js';

/** Retry-After in seconds (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

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
  const { method, url, headers, body } = request;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { method, headers, body: body ?? null, signal, credentials: 'omit', redirect });
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
    const failure = failureForStatus(response.status, vendor, parseRetryAfter(response.headers.get('retry-after')));
    throw adapter.describeError?.(failure, json) ?? failure;
  }
  return { body: json, headers: response.headers };
}
