import { RecsFailure } from '../model/errors.js';
import { afterFailure } from './http.js';

export interface PolicyOptions {
  signal: AbortSignal;
  /** Overall budget in ms for all attempts together. */
  timeout: number;
  retries?: number;
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
      const decide = await afterFailure().catch(() => undefined);
      delay = decide && tries < retries && decide.isRetryable(error) ? decide.retryDelay(tries, error as RecsFailure) : Infinity;
      // A try that could only end after the deadline is not started.
      if (Date.now() + delay >= deadline) throw error;
    }
  }
}
