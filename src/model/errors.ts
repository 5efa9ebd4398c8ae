/**
 * Errors are values with codes. Every failure in the data path is a RecsFailure
 * created here; elements turn it into the plain `RecsError` that `recs-error` carries.
 * No zod here: this module is part of the script-tag core.
 */
import type { RecsError, RecsErrorCode } from './types.js';

export class RecsFailure extends Error {
  readonly code: RecsErrorCode;
  readonly status?: number;
  /** Seconds the server asked us to wait (Retry-After), when it said so. */
  readonly retryAfter?: number;

  constructor(code: RecsErrorCode, message: string, { status, retryAfter }: { status?: number | undefined; retryAfter?: number | undefined } = {}) {
    super(message);
    this.name = 'RecsFailure';
    this.code = code;
    // Only what is known is set, so the plain error value has no undefined fields.
    if (status) this.status = status;
    if (retryAfter !== undefined) this.retryAfter = retryAfter;
  }
}

/** Whatever was thrown, as the plain value events and the proxy carry. */
export function toRecsError(thrown: unknown): RecsError {
  // Not String(thrown), which throws on a value without a prototype (Object.create(null)) and left the widget loading.
  if (!(thrown instanceof RecsFailure)) return { code: 'network', message: thrown instanceof Error ? thrown.message : 'Request failed' };
  const { code, message, status } = thrown;
  return { code, message, ...(status && { status }) };
}
