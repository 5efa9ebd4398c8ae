import { atom } from 'nanostores';
import type { CartLine } from '../model/schema.js';

/** What the page knows about the shopper and the page, shared by every widget. */
export interface PageContext {
  customerId?: string;
  webId?: string;
  contactId?: string;
  email?: string;
  phone?: string;
  externalCustomerId?: string;
  /** The product(s) the page is about; used when a widget sets no `product-id`. */
  productIds?: string[];
  cart?: CartLine[];
  locale?: string;
  currency?: string;
  country?: string;
  language?: string;
}

export const $context = atom<PageContext>({});

/**
 * Sets page context for every widget at once; widgets whose request changes re-fetch.
 * Keys given as undefined are removed.
 */
export function setContext(patch: PageContext): void {
  const next: PageContext = { ...$context.get(), ...patch };
  for (const key of Object.keys(next) as (keyof PageContext)[]) if (next[key] === undefined) delete next[key];
  $context.set(next);
}
