import type { RecsRequest } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';

/**
 * The request for the `fallback` attribute: a proxy route (`/recs/bestsellers`, or any
 * URL), or a JSON object of attributes that replace the primary's, such as
 * `{"transport":"yespo","source-id":"1244"}`. A chunk, loaded only when a fallback is needed.
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
    // Attribute names (kebab-case) become request fields; product-id becomes the productIds list.
    if (name === 'product-id' || name === 'productId') next.productIds = String(value).split(',').map((id) => id.trim()).filter(Boolean);
    else next[name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())] = value;
  }
  return next as RecsRequest;
}
