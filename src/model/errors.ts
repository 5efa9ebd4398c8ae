/**
 * Errors are values with codes. Every failure in the data path is a RecsFailure
 * created here; elements turn it into the plain `RecsError` that `recs-error` carries.
 * No zod here: this module is part of the script-tag core.
 */
import type { RecsError, RecsErrorCode } from './schema.js';

export class RecsFailure extends Error {
  readonly code: RecsErrorCode;
  readonly status?: number;
  /** Seconds the server asked us to wait (Retry-After), when it said so. */
  readonly retryAfter?: number;

  constructor(code: RecsErrorCode, message: string, extra: { status?: number; retryAfter?: number } = {}) {
    super(message);
    this.name = 'RecsFailure';
    this.code = code;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.retryAfter !== undefined) this.retryAfter = extra.retryAfter;
  }
}

/** Whatever was thrown, as the plain value events and the proxy carry. */
export function toRecsError(thrown: unknown): RecsError {
  if (thrown instanceof RecsFailure) {
    const error: RecsError = { code: thrown.code, message: thrown.message };
    if (thrown.status !== undefined) error.status = thrown.status;
    return error;
  }
  return { code: 'network', message: thrown instanceof Error ? thrown.message : String(thrown) };
}

/** The HTTP status a failure maps to, for error codes that have one of their own. */
export function failureForStatus(status: number, vendor: string, retryAfter?: number): RecsFailure {
  const extra = retryAfter === undefined ? { status } : { status, retryAfter };
  if (status === 429) return new RecsFailure('rate-limited', `${vendor}: rate limited (429)`, extra);
  if (status === 404) return new RecsFailure('not-found', `${vendor}: not found (404)`, extra);
  if (status === 400 || status === 422) return new RecsFailure('invalid-request', `${vendor}: request rejected (${status})`, extra);
  return new RecsFailure('http', `${vendor}: HTTP ${status}`, extra);
}
