import type { Price } from '../model/schema.js';

const formatters = new Map<string, Intl.NumberFormat | null>();

/**
 * A cached Intl.NumberFormat: currency style with a currency code, plain decimal
 * without. The first one on a page costs 10-18 ms, so elements call this while their
 * request is in flight, not after the data arrives. Null for what Intl rejects.
 */
export function priceFormatter(locale: string | undefined, currency: string): Intl.NumberFormat | null {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      formatter = new Intl.NumberFormat(locale, currency ? { style: 'currency', currency } : {});
    } catch {
      formatter = null;
    }
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The price as text: `currency` (the attribute) wins over the vendor's currency. */
export function formatPrice(price: Price | undefined, locale?: string, currency?: string): string {
  if (!price || !Number.isFinite(price.amount)) return '';
  const formatter = priceFormatter(locale, (currency || price.currency || '').toUpperCase()) ?? priceFormatter(undefined, '');
  return formatter!.format(price.amount);
}
