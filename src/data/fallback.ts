import type { RecsRequest } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';
import { FIELD_ENTRIES, attributeOf, fieldFromText, propertyOf } from '../model/fields.js';

/**
 * The request for the `fallback` attribute: a proxy route (`/recs/bestsellers`, or any
 * URL), or a JSON object of attributes that replace the primary's, such as
 * `{"transport":"yespo","source-id":"1244"}`, read as the element reads its attributes
 * (the field table), by attribute or property name. A chunk, loaded only when a
 * fallback is needed.
 */
export function fallbackRequest(request: RecsRequest, fallback: string): RecsRequest {
  if (!fallback.startsWith('{')) return { ...request, transport: 'proxy', endpoint: fallback };
  let overrides: Record<string, unknown>;
  try {
    overrides = JSON.parse(fallback);
  } catch {
    throw new RecsFailure('invalid-request', 'fallback must be a route URL or a JSON object of attributes');
  }
  const next: Record<string, unknown> = { ...request };
  for (const [name, value] of Object.entries(overrides)) {
    if (name === 'transport') {
      next.transport = String(value);
      continue;
    }
    const entry = FIELD_ENTRIES.find(([field, spec]) => spec.kind !== 'cart' && [attributeOf(propertyOf(field)), propertyOf(field)].includes(name));
    if (!entry) throw new RecsFailure('invalid-request', `fallback: "${name}" is not an attribute`);
    next[entry[0]] = fieldFromText(entry[1].kind, typeof value === 'number' ? value : String(value));
  }
  return next as RecsRequest;
}
