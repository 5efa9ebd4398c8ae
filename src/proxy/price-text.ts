import type { Price, RecsRequest, RecsResult } from '../model/types.js';
import { formatPrice } from '../format/price.js';

/**
 * How many locale and currency combinations get a text. formatPrice keeps a formatter for each
 * for the life of the process, and clients choose them: past this many, new ones go without
 * text (the page formats them itself, as before). A shop uses a handful.
 */
const MAX_COMBINATIONS = 200;
const combinations = new Set<string>();

/** Whether this server's ICU has the locale (or a parent of it); a tag Intl refuses is not (input.ts lets none through). */
function isKnown(locale: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf(locale).length > 0;
  } catch {
    return false;
  }
}

/**
 * Each price's `text`, written here for the request's `locale` and `currency` by the page's own
 * rules (formatPrice), so the page shows it as given and never makes an Intl.NumberFormat: its
 * first one costs a shopper's page 20-60 ms of main thread after the answer (docs/bench.md).
 * Without a locale in the request the page formats in the shopper's browser locale, which only the
 * page knows; a locale this server's ICU does not know would come out in the server's own: both
 * leave the prices without text. A vendor's own `text` is dropped: the proxy answers for what it
 * serves. Runs on a miss, before the cache (whose key holds the locale and currency).
 */
export function withPriceText(result: RecsResult, { locale, currency }: RecsRequest): RecsResult {
  const known = locale !== undefined && isKnown(locale);
  const textOf = (price: Price) => {
    const combination = `${locale}|${currency}|${price.currency}`;
    if (!known || (!combinations.has(combination) && combinations.size >= MAX_COMBINATIONS)) return undefined;
    combinations.add(combination);
    return formatPrice(price, locale, currency);
  };
  return {
    ...result,
    items: result.items.map((item) => {
      if (!item.price) return item;
      const { text: _dropped, ...price } = item.price;
      const text = textOf(price);
      return { ...item, price: text ? { ...price, text } : price };
    }),
  };
}
