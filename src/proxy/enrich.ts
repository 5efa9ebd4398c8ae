import type { RecItem } from '../model/types.js';
import type { RawItem } from '../model/clean-item.js';
import type { Catalog } from './catalog.js';

/** A catalog item in the amount/currency form vendors' raw items use, so their facts line up field by field. */
function rawFromItem(item: RecItem): RawItem {
  const { price, ...rest } = item;
  return { ...rest, amount: price?.amount, currency: price?.currency };
}

const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** Product facts the catalog may supply; relevance (score, group, rank, sources) stays the vendor's. */
const PRODUCT_FACTS = ['title', 'url', 'image', 'amount', 'currency', 'brand', 'category', 'description', 'inStock', 'attributes'] as const;

/**
 * Completes an item that lacks a title or an image from the catalog entry with the
 * same id, filling only what the vendor left out. Items without a match are returned
 * as they are (cleanItems then drops them if they still have no title).
 */
export function enrichItem(raw: RawItem, catalog: Catalog): RawItem {
  if (!isBlank(raw.title) && !isBlank(raw.image)) return raw;
  const id = typeof raw.id === 'string' || typeof raw.id === 'number' ? String(raw.id).trim() : undefined;
  const known = id === undefined ? undefined : catalog.byId.get(id);
  if (!known) return raw;
  const facts = rawFromItem(known);
  const filled: RawItem = { ...raw };
  for (const field of PRODUCT_FACTS) if (isBlank(filled[field]) && facts[field] !== undefined) filled[field] = facts[field];
  return filled;
}
