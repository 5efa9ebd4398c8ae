import type { Price, RecItem, RecsRequest, RecsResult } from '../model/types.js';
import { formatPrice } from '../format/price.js';

/**
 * How many locale and currency combinations get a text. formatPrice keeps a formatter for each
 * for the life of the process, and clients choose them: past this many, new ones go without
 * text (the page formats them itself, as before). A shop uses a handful.
 */
const MAX_COMBINATIONS = 200;
const combinations = new Set<string>();

/** formatPrice's text for a combination among the MAX_COMBINATIONS first made; undefined for any other. */
function textOf(price: Price, locale: string | undefined, currency: string | undefined): string | undefined {
  const combination = `${locale}|${currency}|${price.currency}`;
  if (!combinations.has(combination) && combinations.size >= MAX_COMBINATIONS) return undefined;
  combinations.add(combination);
  return formatPrice(price, locale, currency);
}

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
  return {
    ...result,
    items: result.items.map((item) => {
      if (!item.price) return item;
      const { text: _dropped, ...price } = item.price;
      const text = known ? textOf(price, locale, currency) : undefined;
      return { ...item, price: text ? { ...price, text } : price };
    }),
  };
}

/**
 * The items a server-rendered card shows (html-answer.ts), every price with a text. The element formats a price
 * without one by its `locale` and `currency` attributes, which in an HTML answer are the request's: with a locale
 * this server's ICU does not know, or once the combinations are taken, each pair a client chose was a formatter
 * kept for the life of the process (1.4 kB each, without end). So the text is written here: as the element would
 * write it for a combination among the MAX_COMBINATIONS, else in the vendor's currency and the server's locale.
 * Only the rendering gets them: the data block keeps the answer's prices, for the page to format on takeover.
 */
export function withRenderedPriceText(items: readonly RecItem[], locale: string | undefined, currency: string | undefined): RecItem[] {
  return items.map((item) => {
    if (!item.price || item.price.text) return item;
    const text = textOf(item.price, locale, currency) ?? formatPrice(item.price);
    return text ? { ...item, price: { ...item.price, text } } : item;
  });
}
