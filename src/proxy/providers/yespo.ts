/**
 * Yespo contact recommendations, with the API key held here instead of in the page.
 * Request building, the response schema and normalization are the browser transport's
 * own (src/transports/yespo.ts). A placement's `sourceId` fixes the data source (the
 * recommendation type); the widget's `source-id` is used only when the placement sets none.
 */
import type { PlacementOf } from '../config.js';
import { yespoTransport } from '../../transports/yespo.js';
import { rawFromItem } from '../enrich.js';
import type { Provider, ProviderDeps } from './registry.js';

export function createYespoProvider(placement: PlacementOf<'yespo'>, deps: ProviderDeps): Provider {
  const apiKey = deps.secrets.require(placement.apiKeyEnv, `${deps.path}.apiKeyEnv`);
  return {
    async recommend(request, signal) {
      const result = await yespoTransport.fetch(
        { ...request, sourceId: placement.sourceId ?? request.sourceId, endpoint: placement.endpoint, apiKey },
        { signal },
      );
      return { items: result.items.map(rawFromItem) };
    },
  };
}
