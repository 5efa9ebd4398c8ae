/**
 * The proxy writes each price's text for the request's locale and currency (src/proxy/price-text.ts),
 * so the page never makes a formatter: the same text the page's own rules give (formatPrice),
 * none where only the page knows the locale, and never more formatters than a shop needs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoProxy, call, query, type TestProxy } from './harness.js';
import { withPriceText } from '../../src/proxy/price-text.js';
import { formatPrice } from '../../src/format/price.js';
import type { RecsRequest, RecsResult } from '../../src/model/types.js';

const euros = (locale: string, amount: number) => new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(amount);

describe('the proxy writes the price text', () => {
  let proxy: TestProxy;
  before(async () => {
    proxy = await startDemoProxy();
  });
  after(() => proxy.close());

  it("in the request's locale and currency, the same on a cache hit, and per locale in the cache", async () => {
    for (const locale of ['de-DE', 'en-IE']) {
      const miss = await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '4', locale, currency: 'EUR' }));
      const hit = await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '4', locale, currency: 'EUR' }));
      assert.equal(miss.status, 200, miss.text);
      assert.deepEqual([miss.headers.get('x-recs-cache'), hit.headers.get('x-recs-cache')], ['miss', 'hit']);
      assert.equal(hit.text, miss.text);
      assert.equal(miss.body.items.length, 4);
      for (const { price } of miss.body.items) assert.equal(price.text, euros(locale, price.amount), locale);
    }
  });

  it("lets the currency attribute win over the item's, as the page does", async () => {
    const answer = await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '2', locale: 'en-US', currency: 'JPY' }));
    for (const { price } of answer.body.items) assert.equal(price.text, formatPrice({ amount: price.amount, currency: price.currency }, 'en-US', 'JPY'));
    assert.match(answer.body.items[0].price.text, /^¥/);
  });

  it('writes none without a locale, or for a locale this server does not know: the page formats those', async () => {
    for (const fields of [{ currency: 'EUR' }, { locale: 'zz-ZZ', currency: 'EUR' }] as Record<string, string>[]) {
      const answer = await call(query(`${proxy.url}/recs/pdp`, { productId: 'sku-01', limit: '2', ...fields }));
      assert.equal(answer.status, 200, answer.text);
      for (const { price } of answer.body.items) assert.deepEqual(Object.keys(price).sort(), ['amount', 'currency'], JSON.stringify(fields));
    }
  });
});

describe('withPriceText', () => {
  const result = (price: RecsResult['items'][number]['price']): RecsResult => ({ items: [{ id: 'a', title: 'A', ...(price && { price }) }] });
  const request = (fields: Partial<RecsRequest>) => ({ transport: 'demo', ...fields }) as RecsRequest;

  it("replaces a vendor's own text, and leaves items without a price as they are", () => {
    const [item] = withPriceText(result({ amount: 5, currency: 'EUR', text: '<b>cheap</b>' }), request({ locale: 'en-IE' })).items;
    assert.deepEqual(item!.price, { amount: 5, currency: 'EUR', text: '€5.00' });
    assert.deepEqual(withPriceText(result({ amount: 5, text: 'x' }), request({})).items[0]!.price, { amount: 5 });
    assert.deepEqual(withPriceText(result(undefined), request({ locale: 'en-IE' })).items[0], { id: 'a', title: 'A' });
    // A tag Intl refuses (the proxy's input check lets none through) is no locale, not a failed answer.
    assert.deepEqual(withPriceText(result({ amount: 5, currency: 'EUR' }), request({ locale: 'en_US' })).items[0]!.price, { amount: 5, currency: 'EUR' });
  });

  it('formats at most 200 locale and currency combinations (clients choose them; each keeps a formatter)', () => {
    const texts = Array.from({ length: 210 }, (_, i) => withPriceText(result({ amount: 1, currency: 'EUR' }), request({ locale: `en-u-cu-eur-x-c${i}` })).items[0]!.price!.text);
    // The tests above used a few combinations of this process's 200 already.
    const first = texts.indexOf(undefined);
    assert.ok(first >= 190 && first <= 200, `the first combination without text is number ${first}`);
    assert.deepEqual(texts.slice(first), Array(210 - first).fill(undefined));
    // Combinations already formatted keep their text.
    assert.equal(withPriceText(result({ amount: 1, currency: 'EUR' }), request({ locale: 'en-u-cu-eur-x-c0' })).items[0]!.price!.text, '€1.00');
  });
});
