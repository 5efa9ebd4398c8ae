import { plainText } from '../format/text.js';
import { safeUrl } from '../format/safe-url.js';
import type { RecItem } from './schema.js';

/** Loosely typed fields as a transport picked them out of a vendor response. */
export interface RawItem {
  id?: unknown;
  title?: unknown;
  url?: unknown;
  image?: unknown;
  amount?: unknown;
  currency?: unknown;
  brand?: unknown;
  category?: unknown;
  description?: unknown;
  inStock?: unknown;
  score?: unknown;
  group?: unknown;
  rank?: unknown;
  sourceIds?: unknown;
  attributes?: unknown;
}

const finite = (value: unknown): number | undefined => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
};

const texts = (value: unknown): string[] | undefined => {
  const list = (Array.isArray(value) ? value : [value]).map((entry) => plainText(entry)).filter((entry) => entry !== undefined);
  return list.length ? list : undefined;
};

/**
 * The single place where an item becomes safe to show, whatever its source:
 * no id or no title drops it (undefined); URLs pass safeUrl; prices are finite;
 * everything else is plain text or left out.
 */
export function cleanItem(raw: RawItem): RecItem | undefined {
  const id = plainText(raw.id, 200);
  const title = plainText(raw.title);
  if (!id || !title) return undefined;
  const item: RecItem = { id, title };
  const url = safeUrl(raw.url);
  if (url) item.url = url;
  const image = safeUrl(raw.image);
  if (image) item.image = image;
  const amount = finite(raw.amount);
  if (amount !== undefined) {
    item.price = { amount };
    const currency = plainText(raw.currency, 3);
    if (currency && /^[A-Za-z]{3}$/.test(currency)) item.price.currency = currency.toUpperCase();
  }
  const brand = plainText(raw.brand);
  if (brand) item.brand = brand;
  const category = texts(raw.category);
  if (category) item.category = category;
  const description = plainText(raw.description, 1000);
  if (description) item.description = description;
  if (typeof raw.inStock === 'boolean') item.inStock = raw.inStock;
  const score = finite(raw.score);
  if (score !== undefined) item.score = score;
  const group = plainText(raw.group, 100);
  if (group) item.group = group;
  const rank = finite(raw.rank);
  if (rank !== undefined) item.rank = rank;
  const sourceIds = raw.sourceIds === undefined ? undefined : texts(raw.sourceIds);
  if (sourceIds) item.sourceIds = sourceIds;
  if (raw.attributes && typeof raw.attributes === 'object') {
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw.attributes)) {
      const text = plainText(Array.isArray(value) ? value.join(', ') : value);
      if (text) attributes[key] = text;
    }
    if (Object.keys(attributes).length) item.attributes = attributes;
  }
  return item;
}

/** Cleans a list, dropping unusable entries and duplicate ids (first one wins, ranks stay in order). */
export function cleanItems(raws: readonly RawItem[]): RecItem[] {
  const seen = new Set<string>();
  const items: RecItem[] = [];
  for (const raw of raws) {
    const item = cleanItem(raw);
    if (item && !seen.has(item.id)) {
      seen.add(item.id);
      items.push(item);
    }
  }
  return items;
}
