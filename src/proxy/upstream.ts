import { RecsFailure, failureForStatus } from '../model/errors.js';
import { parseRetryAfter } from '../data/http.js';

/**
 * One JSON call from the proxy to a vendor. Like the browser's fetchJson, but it also
 * returns the response headers (Adobe's tracker id travels in one) and never reads a
 * vendor's error body into a message: vendor error text stays out of our answers.
 * An abort (the proxy's timeout) passes through untouched.
 */
export async function fetchVendorJson(
  vendor: string,
  url: string,
  init: RequestInit & { signal: AbortSignal },
): Promise<{ body: unknown; headers: Headers }> {
  const { signal } = init;
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    if (signal.aborted) throw signal.reason;
    throw new RecsFailure('network', `${vendor}: network error, no response`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw failureForStatus(response.status, vendor, parseRetryAfter(response.headers.get('retry-after')));
  }
  try {
    return { body: await response.json(), headers: response.headers };
  } catch {
    if (signal.aborted) throw signal.reason;
    throw new RecsFailure('invalid-response', `${vendor}: response is not valid JSON`);
  }
}
