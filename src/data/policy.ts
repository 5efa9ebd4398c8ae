import { RecsFailure } from '../model/errors.js';

export interface PolicyOptions {
  signal: AbortSignal;
  /** Overall budget in ms for all attempts together. */
  timeout: number;
  retries?: number;
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

/**
 * Runs `attempt` under the fetching policy: one deadline for all tries, at most
 * `retries` retries with backoff, and an abort from the caller ending it at once.
 * Every transport is wrapped the same way; none re-implements this.
 */
export async function withPolicy<T>(attempt: (signal: AbortSignal) => Promise<T>, options: PolicyOptions): Promise<T> {
  const { signal: callerSignal, timeout, retries = 2 } = options;
  const deadline = Date.now() + timeout;
  const signal = AbortSignal.any([callerSignal, AbortSignal.timeout(timeout)]);
  let delay = 0;
  for (let tries = 0; ; tries++) {
    try {
      // An abort while waiting for the next try lands in the catch like any other failure.
      if (delay) await sleep(delay, signal);
      return await attempt(signal);
    } catch (error) {
      if (signal.aborted) {
        throw callerSignal.aborted ? new RecsFailure('aborted', 'Request aborted') : new RecsFailure('timeout', `No answer within ${timeout} ms`);
      }
      delay = tries < retries && isRetryable(error) ? retryDelay(tries, error as RecsFailure) : Infinity;
      // A try that could only end after the deadline is not started.
      if (Date.now() + delay >= deadline) throw error;
    }
  }
}
