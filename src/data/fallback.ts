import type { RecsError, RecsRequest, RecsResult } from '../model/types.js';
import { RecsFailure, toRecsError } from '../model/errors.js';
import type { LoadedRecs, LoadOptions } from './load-recs.js';
import { FIELD_ENTRIES, attributeOf, fieldFromText, propertyOf } from '../model/fields.js';

/**
 * The request for the `fallback` attribute: a proxy route (`/recs/bestsellers`, or any
 * URL), or a JSON object of attributes that replace the primary's, such as
 * `{"transport":"yespo","source-id":"1244"}`, read as the element reads its attributes
 * (the field table), by attribute or property name. A fallback on another transport
 * keeps the request but not the primary's `endpoint` and `api-key`.
 *
 * A malformed fallback is `invalid-request`; but when the primary failed, the error
 * keeps the primary's code and status (the cause a page may act on), and its message
 * names both problems.
 */
export function fallbackRequest(request: RecsRequest, fallback: string, primary?: RecsError): RecsRequest {
  const malformed = (message: string) => (primary ? new RecsFailure(primary.code, `${primary.message}; ${message}`, primary) : new RecsFailure('invalid-request', message));
  let overrides: Record<string, unknown> = { transport: 'proxy', endpoint: fallback };
  if (fallback.startsWith('{')) {
    try {
      overrides = JSON.parse(fallback);
    } catch {
      throw malformed('fallback must be a route URL or a JSON object of attributes');
    }
  }
  const next: Record<string, unknown> = { ...request };
  // A transport's settings (the fields that never leave the browser: endpoint, api-key) belong to it: another
  // transport gets its own from the fallback or its default, never the primary's (a Snappy key sent to Yespo).
  if (overrides.transport !== undefined && String(overrides.transport) !== request.transport) {
    for (const [field, spec] of FIELD_ENTRIES) if (spec.wire === 0) delete next[field];
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (name === 'transport') {
      next.transport = String(value);
      continue;
    }
    const entry = FIELD_ENTRIES.find(([field, spec]) => spec.kind !== 'cart' && [attributeOf(propertyOf(field)), propertyOf(field)].includes(name));
    const parsed = entry && fieldFromText(entry[1].kind, typeof value === 'number' ? value : String(value));
    if (parsed === undefined) throw malformed(`fallback: "${name}" is not an attribute with a usable value`);
    next[entry![0]] = parsed;
  }
  return next as RecsRequest;
}

/**
 * The primary's answer, or the fallback's when the primary failed or came back empty.
 * Why the primary failed goes along, so a malformed fallback cannot hide its code.
 */
export async function withFallback(
  primary: Promise<LoadedRecs>,
  request: RecsRequest,
  options: LoadOptions,
  fetchOne: (request: RecsRequest, options: LoadOptions) => Promise<RecsResult>,
): Promise<LoadedRecs> {
  let failed: RecsError | undefined;
  try {
    const result = await primary;
    if (result.items.length) return result;
  } catch (error) {
    if (options.signal.aborted) throw error;
    failed = toRecsError(error);
  }
  const second = fallbackRequest(request, options.fallback!.trim(), failed);
  return { ...(await fetchOne(second, { ...options, transport: undefined })), source: 'fallback', transport: second.transport };
}
