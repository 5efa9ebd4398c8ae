/**
 * The proxy's one error path: everything that goes wrong while answering is thrown as,
 * or turned into, a ProxyError carrying its status, and app.ts answers it in one place
 * (Hono's onError). Only the proxy's own words go out; vendor text never does.
 */
import type { RecsErrorCode } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';

/** The widget's policy clamps Retry-After to 5 s; asking for longer only keeps shoppers from cards. */
export const MAX_RETRY_AFTER_SECONDS = 5;

export class ProxyError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 413 | 429 | 500 | 502 | 503 | 504,
    readonly code: RecsErrorCode,
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
