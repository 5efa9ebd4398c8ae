import type { Price } from '../model/schema.js';

const formatters = new Map<string, Intl.NumberFormat | null>();

/**
 * A cached Intl.NumberFormat. The first one on a page costs 10-18 ms, so elements
 * call this while their request is in flight, not after the data arrives.
 * Returns null for a locale or currency Intl rejects.
 */
export function priceFormatter(locale: string | undefined, currency: string): Intl.NumberFormat | null {
  const key = `${locale ?? ''}|${currency}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      formatter = null;
    }
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * The price as text: `currency` (the attribute) wins over the vendor's currency;
 * with neither, or an unknown code, the plain number in the locale.
 */
export function formatPrice(price: Price | undefined, locale?: string, currency?: string): string {
  if (!price || !Number.isFinite(price.amount)) return '';
  const code = currency || price.currency;
  const formatter = code ? priceFormatter(locale, code.toUpperCase()) : null;
  if (formatter) return formatter.format(price.amount);
  try {
    return new Intl.NumberFormat(locale).format(price.amount);
  } catch {
    return String(price.amount);
  }
}
