/**
 * The demo provider: recommends from a sample catalog with no vendor and no keys, so
 * `npm run proxy` works on a fresh clone. Ranking is deliberately simple: products
 * sharing a category with the source products (or the requested categories) first,
 * then by the catalog's score; the source products themselves are never recommended.
 */
import type { RecItem, RecsRequest } from '../model/types.js';

export function rankDemoItems(items: readonly RecItem[], request: RecsRequest, ranking: 'related' | 'popular' = 'related'): RecItem[] {
  const sources = new Set([...(request.productIds ?? []), ...(request.cart ?? []).map((line) => line.id)]);
  const categories = new Set([
    ...(request.category ?? []),
    ...items.filter((item) => sources.has(item.id)).flatMap((item) => item.category ?? []),
  ]);
  const inPriceRange = (item: RecItem) => {
    if (request.priceMin === undefined && request.priceMax === undefined) return true;
    const amount = item.price?.amount;
    return amount !== undefined && amount >= (request.priceMin ?? 0) && amount <= (request.priceMax ?? Infinity);
  };
  const related = (item: RecItem) => (ranking === 'related' && item.category?.some((category) => categories.has(category)) ? 1 : 0);
  return items
    .filter((item) => !sources.has(item.id) && inPriceRange(item))
    .sort((a, b) => related(b) - related(a) || (b.score ?? 0) - (a.score ?? 0));
}
