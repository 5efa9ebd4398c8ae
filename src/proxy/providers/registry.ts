import type { RecsRequest } from '../../model/schema.js';
import type { RawItem } from '../../model/clean-item.js';
import type { Placement } from '../config.js';
import type { CatalogStore } from '../catalog.js';
import type { Env, Secrets } from '../secrets.js';
import { createDemoProvider } from './demo.js';
import { createSnappyProvider } from './snappy.js';
import { createYespoProvider } from './yespo.js';
import { createAdobeProvider } from './adobe.js';
import { createAwsProvider } from './aws.js';
import { createCapillaryProvider } from './capillary.js';

/** What a provider hands back: vendor items not yet enriched or cleaned, and the vendor's tracker id. */
export interface ProviderResult {
  items: RawItem[];
  trackerId?: string;
}

/**
 * One vendor behind a placement. It builds the vendor request from the validated
 * RecsRequest, validates the vendor response with zod and maps it to RawItems; the
 * app does enrichment, cleaning, limits, caching and errors for all of them alike.
 */
export interface Provider {
  recommend(request: RecsRequest, signal: AbortSignal): Promise<ProviderResult>;
}

export interface ProviderDeps {
  secrets: Secrets;
  env: Env;
  catalogs: CatalogStore;
  /** Where this placement sits in the config (`placements.pdp`), for config errors. */
  path: string;
}

/** Builds a placement's provider at start, so missing secrets stop the server there. */
export function createProvider(placement: Placement, deps: ProviderDeps): Provider {
  switch (placement.provider) {
    case 'demo':
      return createDemoProvider(placement, deps);
    case 'snappy':
      return createSnappyProvider(placement, deps);
    case 'yespo':
      return createYespoProvider(placement, deps);
    case 'adobe':
      return createAdobeProvider(placement, deps);
    case 'aws':
      return createAwsProvider(placement, deps);
    case 'capillary':
      return createCapillaryProvider(placement, deps);
  }
}
