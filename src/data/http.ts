import { RecsFailure, failureForStatus } from '../model/errors.js';

/** Refines the generic failure for an HTTP status with what the vendor's error body says. */
export type DescribeVendorError = (failure: RecsFailure, body: unknown) => RecsFailure | undefined;

/** Retry-After in seconds (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/**
 * One HTTP call for a transport: never sends cookies, turns every failure into a
 * RecsFailure with a code, and lets an abort pass through untouched.
 */
export async function fetchJson(vendor: string, url: string, init: RequestInit, describe?: DescribeVendorError): Promise<unknown> {
  const signal = init.signal;
  let response: Response;
  try {
    response = await fetch(url, { ...init, credentials: 'omit' });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new RecsFailure('network', `${vendor}: network error, no response`);
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    if (signal?.aborted) throw signal.reason;
    const failure = failureForStatus(response.status, vendor, parseRetryAfter(response.headers.get('retry-after')));
    throw describe?.(failure, body) ?? failure;
  }
  try {
    return await response.json();
  } catch {
    if (signal?.aborted) throw signal.reason;
    throw new RecsFailure('invalid-response', `${vendor}: response is not valid JSON`);
  }
}
