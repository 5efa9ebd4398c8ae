/**
 * The data path after a failure (a chunk, loaded by http.ts's `afterFailure`): an HTTP
 * status as a coded RecsFailure with its Retry-After, and the fetching policy's
 * retries: whether and when to try again.
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

/**
 * The failure for an answer that is not ok, by its HTTP status (429, 404 and 400/422 have codes of their own) and
 * Retry-After. An opaque redirect is one fetchVendor told the browser not to follow (`redirect: 'manual'`).
 */
export function failureForStatus(response: Response, vendor: string): RecsFailure {
  const { status } = response;
  if (response.type === 'opaqueredirect') return new RecsFailure('http', `${vendor}: redirect refused`);
  const code = status === 429 ? 'rate-limited' : status === 404 ? 'not-found' : status === 400 || status === 422 ? 'invalid-request' : 'http';
  return new RecsFailure(code, `${vendor}: HTTP ${status}`, { status, retryAfter: parseRetryAfter(response.headers.get('retry-after')) });
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

/** Waits `ms`, or rejects as soon as `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => reject(clearTimeout(timer)), { once: true });
  });

export interface RetryState {
  /** The policy's signal: the caller's abort and the overall deadline. */
  signal: AbortSignal;
  /** A failed try's error, or throws the abort or timeout failure (src/data/policy.ts). */
  failure: (error: unknown) => unknown;
  /** The first try's error. */
  error: unknown;
  deadline: number;
  /** Retries after the first try, 2 when not given. */
  retries?: number | undefined;
}

/** withPolicy after its first try failed (src/data/policy.ts): retries with backoff while they can end before the deadline. */
export async function retry<T>(attempt: (signal: AbortSignal) => Promise<T>, { signal, failure, error, deadline, retries = 2 }: RetryState): Promise<T> {
  for (let tries = 0; ; tries++) {
    const delay = tries < retries && isRetryable(error) ? retryDelay(tries, error as RecsFailure) : Infinity;
    // A try that could only end after the deadline is not started.
    if (Date.now() + delay >= deadline) throw error;
    try {
      // An abort while waiting for the next try lands in the catch like any other failure.
      if (delay) await sleep(delay, signal);
      return await attempt(signal);
    } catch (thrown) {
      error = failure(thrown);
    }
  }
}
