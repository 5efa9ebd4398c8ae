/**
 * Snappy v3 related products, with the API key held here instead of in the page.
 * Request building, the response schema and normalization are the browser transport's
 * own (src/transports/snappy.ts), so both paths speak Snappy identically.
 */
import type { PlacementOf } from '../config.js';
import { snappyTransport } from '../../transports/snappy.js';
import { rawFromItem } from '../enrich.js';
import type { Provider, ProviderDeps } from './registry.js';

export function createSnappyProvider(placement: PlacementOf<'snappy'>, deps: ProviderDeps): Provider {
  const apiKey = deps.secrets.require(placement.apiKeyEnv, `${deps.path}.apiKeyEnv`);
  return {
    async recommend(request, signal) {
      const result = await snappyTransport.fetch(
        { ...request, location: request.location ?? placement.location, endpoint: placement.endpoint, apiKey },
        { signal },
      );
      return { items: result.items.map(rawFromItem) };
    },
  };
}
