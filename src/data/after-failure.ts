/**
 * The data path after a failure (a chunk, loaded by http.ts's `afterFailure`): an HTTP
 * status as a coded RecsFailure with its Retry-After, and the fetching policy's
 * decisions whether and when to try again.
 */
import { RecsFailure } from '../model/errors.js';

/** Retry-After in seconds (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** The failure for an HTTP status, with the codes 429, 404 and 400/422 have of their own. */
export function failureForStatus(status: number, vendor: string, retryAfterHeader: string | null): RecsFailure {
  const code = status === 429 ? 'rate-limited' : status === 404 ? 'not-found' : status === 400 || status === 422 ? 'invalid-request' : 'http';
  return new RecsFailure(code, `${vendor}: HTTP ${status}`, { status, retryAfter: parseRetryAfter(retryAfterHeader) });
}

const BASE_DELAY_MS = 300;
/** Retry-After values above this are treated as absurd and clamped. */
const MAX_RETRY_AFTER_MS = 5_000;

/** Network errors, 5xx and 429 are worth another try; other 4xx and bad data never are. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof RecsFailure)) return false;
  return error.code === 'network' || error.code === 'rate-limited' || (error.code === 'http' && (error.status ?? 0) >= 500);
}

/** Exponential backoff with full jitter, or the server's Retry-After when it gave one. */
export function retryDelay(attempt: number, error: RecsFailure, random = Math.random): number {
  if (error.retryAfter !== undefined) return Math.min(error.retryAfter * 1000, MAX_RETRY_AFTER_MS);
  const ceiling = BASE_DELAY_MS * 2 ** attempt;
  return ceiling / 2 + random() * (ceiling / 2);
}
