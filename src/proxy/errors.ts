/**
 * The proxy's one error path: everything that goes wrong while answering is thrown as,
 * or turned into, a ProxyError carrying its status, and app.ts answers it in one place
 * (Hono's onError). Only the proxy's own words go out; vendor text never does.
 */
import type { RecsErrorCode } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';

/** The widget's policy clamps Retry-After to 5 s; asking for longer only keeps shoppers from cards. */
export const MAX_RETRY_AFTER_SECONDS = 5;

/**
 * The codes of the proxy's error bodies: the widget's, and `overloaded`, which only the proxy
 * says (a 503: its own limit on vendor calls, limits.vendor). The widget reads a 503 by its
 * status, as `http`, and retries it after its Retry-After, so its codes need no new member.
 */
export type ProxyErrorCode = RecsErrorCode | 'overloaded';

export class ProxyError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 413 | 429 | 500 | 502 | 503 | 504,
    readonly code: ProxyErrorCode,
    message: string,
    readonly extra: { parameter?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

/** A request the proxy refuses before calling anyone, naming the parameter at fault. */
export class InvalidParameter extends ProxyError {
  constructor(parameter: string, problem: string) {
    super(400, 'invalid-request', `${parameter}: ${problem}`, { parameter });
  }
}

/**
 * A vendor call the proxy did not make: the provider's calls in flight or its budget of calls a
 * minute (limits.vendor) are used up. Everyone's limit, not this client's doing, so a 503 and not
 * a 429; counted where it is refused (app.ts), not logged one by one.
 */
export class VendorOverloaded extends ProxyError {
  constructor(provider: string, limit: 'maxInFlight' | 'callsPerMinute', retryAfterSeconds: number) {
    const what = limit === 'maxInFlight' ? 'too many calls in flight' : 'its budget of calls a minute is used up';
    super(503, 'overloaded', `${provider}: not called, ${what} (limits.vendor.${limit}); try again later`, {
      headers: { 'retry-after': String(Math.min(retryAfterSeconds, MAX_RETRY_AFTER_SECONDS)) },
    });
  }
}

/**
 * Anything thrown while answering, as a ProxyError. A RecsFailure without an upstream
 * status is the proxy's own decision taken before any call (400, 404); with one, the
 * vendor's answer (429 with a clamped Retry-After, 504 for timeouts, 502 for the rest).
 * Anything else is a bug of ours: 500 `internal`, never called a network failure.
 */
export function toProxyError(error: unknown): ProxyError {
  if (error instanceof ProxyError) return error;
  if (!(error instanceof RecsFailure)) return new ProxyError(500, 'internal', 'internal error in the recommendations proxy');
  const { code, message, status } = error;
  if (status === undefined && code === 'invalid-request') return new ProxyError(400, code, message);
  if (status === undefined && code === 'not-found') return new ProxyError(404, code, message);
  if (code === 'timeout') return new ProxyError(504, code, message);
  if (code === 'rate-limited') {
    const seconds = Math.min(Math.max(Math.ceil(error.retryAfter ?? MAX_RETRY_AFTER_SECONDS), 1), MAX_RETRY_AFTER_SECONDS);
    return new ProxyError(429, code, message, { headers: { 'retry-after': String(seconds) } });
  }
  return new ProxyError(502, code, message);
}
