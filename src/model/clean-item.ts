import { UNPRINTABLE, plainText } from '../format/text.js';
import { safeUrl } from '../format/safe-url.js';
import { RecsFailure } from './errors.js';
import { fieldFromText } from './fields.js';
import type { Price, RecItem, RecsResult } from './types.js';

/**
 * Loosely typed fields as an adapter picked them out of a vendor response. A price is
 * `amount` and `currency`, or a `price` that is a number or `{ amount, currency }`
 * (so a clean RecItem is a RawItem too).
 */
export interface RawItem {
  id?: unknown;
  price?: unknown;
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
  team?: unknown;
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const finite = (value: unknown) => fieldFromText('number', value) as number | undefined;

/** A text or a list of texts as a list, undefined when no text is left. */
const texts = (value: unknown): string[] | undefined => {
  const list = [value].flat().map((entry) => plainText(entry)).filter(Boolean) as string[];
  return list.length ? list : undefined;
};

/** The longest id kept (as events carry it, src/proxy/events/ingest.ts). */
const MAX_ID = 200;

/**
 * The single place where an item becomes safe to show, whatever its source:
 * no id or no title drops it (undefined); URLs pass safeUrl; prices are finite and not negative;
 * everything else is plain text or left out.
 */
export function cleanItem(raw: RawItem): RecItem | undefined {
  // An id is never cut short: two long ids sharing their start would become one product. A longer one drops the item
  // (plainText marks a cut one with …, which makes it longer than MAX_ID).
  const id = plainText(raw.id, MAX_ID + 1);
  const title = plainText(raw.title);
  if (!id || !title || id.length > MAX_ID) return undefined;
  const item: Record<string, unknown> = { id, title };
  // Only fields with a value (a plain call per field: cleaning is on the path from answer to cards).
  const put = (name: string, value: unknown) => value !== undefined && (item[name] = value);
  put('url', safeUrl(raw.url));
  put('image', safeUrl(raw.image));
  const price = isRecord(raw.price) ? raw.price : { amount: raw.price ?? raw.amount, currency: raw.currency };
  // Only plain decimals: Number() reads "0x1F" as 31 and "0b101" as 5 (AWS and Yespo send prices as text); with no
  // letter, it reads nothing else.
  const amount = typeof price.amount == 'string' && /[a-z]/i.test(price.amount) ? undefined : finite(price.amount);
  const currency = plainText(price.currency, 3);
  // Shown as given, so never cut short: a longer text is not used. Its spaces stay (Intl's no-break spaces).
  const text = typeof price.text == 'string' ? price.text.replace(UNPRINTABLE, '').trim() : '';
  // A negative amount is no price (a card showed "-€5.00"): dropped like any unusable one. -0 is 0 (Intl writes "-€0.00").
  if (amount! >= 0) {
    const clean: Price = (item.price = { amount: amount || 0 });
    // test() reads a missing currency as "undefined": not three letters.
    if (/^[A-Za-z]{3}$/.test(currency!)) clean.currency = currency!.toUpperCase();
    if (text && text.length <= 64) clean.text = text;
  }
  put('brand', plainText(raw.brand));
  put('category', texts(raw.category));
  put('description', plainText(raw.description, 1000));
  put('inStock', typeof raw.inStock === 'boolean' ? raw.inStock : undefined);
  put('score', finite(raw.score));
  put('group', plainText(raw.group, 100));
  put('rank', finite(raw.rank));
  put('sourceIds', texts(raw.sourceIds));
  put('attributes', attributesOf(raw.attributes));
  // Plain text here; the events sender sends only a well-formed name (src/data/events-sender.ts).
  put('team', plainText(raw.team, 64));
  return item as unknown as RecItem;
}

/** Vendor attributes as plain strings (lists joined); undefined when none are left. */
function attributesOf(raw: unknown): Record<string, string> | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  let attributes: Record<string, string> | undefined;
  for (const [key, value] of Object.entries(raw)) {
    // Only text entries are joined: join() would stringify nested arrays and objects, and throws on some.
    const text = plainText(Array.isArray(value) ? texts(value)?.join(', ') : value);
    if (text) (attributes ??= {})[key] = text;
  }
  return attributes;
}

/**
 * The most entries of one answer that are parsed and cleaned. At most 100 cards show; the rest leaves room for
 * duplicates, unusable entries and products left out (cart, other widgets). Cleaning a 200,000-entry answer held
 * the page for seconds.
 */
export const MAX_ENTRIES = 500;

/** Cleans a list, dropping unusable entries and duplicate ids (first one wins, ranks stay in order). */
export function cleanItems(raws: readonly unknown[]): RecItem[] {
  const seen = new Set<string>();
  const items: RecItem[] = [];
  for (const raw of raws) {
    const item = isRecord(raw) ? cleanItem(raw) : undefined;
    if (item && !seen.has(item.id)) {
      seen.add(item.id);
      items.push(item);
    }
  }
  return items;
}

/**
 * Any source's answer made safe: the one place every path cleans its items, and the
 * one rule for unusable answers. No `items` list is `invalid-response`; entries that are
 * all unusable (no id or title, wrong shape) are `invalid-response` too, because a
 * vendor whose schema drifted must show as an error, not as a quiet empty widget; an
 * empty list is a real empty answer.
 */
export function cleanResult(answer: unknown, source: string): RecsResult {
  const raws = isRecord(answer) ? answer.items : undefined;
  if (!Array.isArray(raws)) throw new RecsFailure('invalid-response', `${source}: no items list in the answer`);
  const items = cleanItems(raws.slice(0, MAX_ENTRIES));
  if (raws.length && !items.length) throw new RecsFailure('invalid-response', `${source}: no item in the answer has an id and a title`);
  const result: Record<string, unknown> = { items };
  // The proxy's request id and variant (events quote them) are checked as tokens by the events sender.
  for (const [key, max] of [['trackerId', 200], ['requestId', 256], ['variant', 64]] as const) {
    const text = plainText((answer as Record<string, unknown>)[key], max);
    if (text) result[key] = text;
  }
  return result as unknown as RecsResult;
}
