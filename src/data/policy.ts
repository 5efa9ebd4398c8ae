import { RecsFailure } from '../model/errors.js';
import { afterFailure } from './http.js';

export interface PolicyOptions {
  signal: AbortSignal;
  /** Overall budget in ms for all attempts together. */
  timeout: number;
  /** Retries after the first try; 2 when not given (the default is in the after-failure chunk). */
  retries?: number | undefined;
}

/**
 * Runs `attempt` under the fetching policy: one deadline for all tries, at most
 * `retries` retries with backoff, and an abort from the caller ending it at once, also
 * for a try that ignores its signal (a transport that never settles).
 * Every transport is wrapped the same way; none re-implements this. The first try is
 * run here; the retries are in the after-failure chunk (src/data/after-failure.ts),
 * loaded once a try failed: if it cannot load, that failure stands.
 */
export async function withPolicy<T>(attempt: (signal: AbortSignal) => Promise<T>, options: PolicyOptions): Promise<T> {
  const { signal: callerSignal, timeout, retries } = options;
  const deadline = Date.now() + timeout;
  const signal = AbortSignal.any([callerSignal, AbortSignal.timeout(timeout)]);
  // A try ends when the signal aborts, whether it listens or not; failure() then says why.
  const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', reject));
  const tryOnce = (signal: AbortSignal) => Promise.race([attempt(signal), aborted]);
  /** A failed try's error; once the caller aborted or the deadline passed, that is what it says instead. */
  const failure = (error: unknown) => {
    if (signal.aborted) throw callerSignal.aborted ? new RecsFailure('aborted', 'Request aborted') : new RecsFailure('timeout', `No answer within ${timeout} ms`);
    return error;
  };
  try {
    return await tryOnce(signal);
  } catch (error) {
    failure(error);
    const chunk = await afterFailure().catch(() => undefined);
    if (!chunk) throw error;
    return chunk.retry(tryOnce, { signal, failure, error, deadline, retries });
  }
}
