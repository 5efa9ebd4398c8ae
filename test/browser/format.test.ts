import { expect } from '@open-wc/testing';
import { safeUrl, urlFromTemplate } from '../../src/format/safe-url.js';
import { formatPrice } from '../../src/format/price.js';
import { plainText } from '../../src/format/text.js';
import { cleanItem } from '../../src/model/clean-item.js';
import { retryDelay, isRetryable, parseRetryAfter } from '../../src/data/after-failure.js';
import { RecsFailure } from '../../src/model/errors.js';

describe('safeUrl', () => {
  it('keeps http(s) and relative URLs', () => {
    expect(safeUrl('https://shop.example/p/1')).to.equal('https://shop.example/p/1');
    expect(safeUrl('HTTP://Shop.Example/p')).to.equal('http://shop.example/p');
    expect(safeUrl('/p/1?x=1#y')).to.equal('/p/1?x=1#y');
    expect(safeUrl('p/1')).to.equal('p/1');
    expect(safeUrl('//cdn.example/i.jpg')).to.equal('//cdn.example/i.jpg'); // the page's scheme: https on an https shop
  });

  it('drops every other scheme, however it is disguised', () => {
    for (const url of ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'java\nscript:x', 'data:text/html,x', 'vbscript:x', 'blob:https://a/b', 'file:///etc/passwd', 'http://', '', '   ']) {
      expect(safeUrl(url), url).to.equal(undefined);
    }
    expect(safeUrl(42)).to.equal(undefined);
  });

  it('takes a root path as it is only when the URL parser would keep it on this site', () => {
    // The fast path (no parse) against the parser itself: a root path resolves to the page's own origin.
    const base = 'http://relative.invalid/';
    for (const url of ['/p/1', '/p/ä ö?q=<x>#"y"', '/%2F%2Fevil.example', '/.//evil.example', '/a:b', '/javascript:alert(1)']) {
      expect(safeUrl(url), url).to.equal(url);
      expect(new URL(url, base).origin, url).to.equal(new URL(base).origin);
    }
    // Another host however it is written: normalized by the parser (or relative where it stays one), never passed through unread.
    expect(safeUrl('/\\evil.example/x')).to.equal('/\\evil.example/x'); // relative: the page's own scheme, as before
    expect(safeUrl('//evil.example/x')).to.equal('//evil.example/x');
    expect(safeUrl('/\t/evil.example/x')).to.equal('/\t/evil.example/x');
    expect(safeUrl('/\n\njavascript:alert(1)')).to.equal('/\n\njavascript:alert(1)');
  });

  it('fills a link template with the URL-encoded id', () => {
    expect(urlFromTemplate('/products/{id}', 'a/b c')).to.equal('/products/a%2Fb%20c');
    expect(urlFromTemplate('javascript:{id}', 'x')).to.equal(undefined);
    expect(urlFromTemplate(undefined, 'x')).to.equal(undefined);
  });
});

describe('formatPrice', () => {
  it('uses the currency attribute over the vendor currency, in the locale', () => {
    expect(formatPrice({ amount: 1234.5, currency: 'EUR' }, 'en-US')).to.equal('€1,234.50');
    expect(formatPrice({ amount: 1234.5, currency: 'EUR' }, 'ja-JP', 'JPY')).to.equal('￥1,235');
  });

  it('falls back to a plain number for an unknown currency and to nothing for no price', () => {
    expect(formatPrice({ amount: 5 }, 'en-US')).to.equal('5');
    expect(formatPrice({ amount: 5, currency: 'NOPE1' }, 'en-US')).to.equal('5');
    expect(formatPrice(undefined)).to.equal('');
    expect(formatPrice({ amount: Number.NaN })).to.equal('');
  });

  it("shows a price's own text as given, whatever the locale and currency", () => {
    expect(formatPrice({ amount: 89.5, currency: 'EUR', text: '89,50\u00a0€' }, 'en-US', 'USD')).to.equal('89,50\u00a0€');
    expect(formatPrice({ amount: Number.NaN, text: '€1' })).to.equal('');
  });

  it('keeps the currency when the locale or the currency attribute is malformed', () => {
    const inBrowserLocale = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR' }).format(89.5);
    for (const locale of ['en_US', '!!', '', 'undefined']) expect(formatPrice({ amount: 89.5, currency: 'EUR' }, locale), locale).to.equal(inBrowserLocale);
    expect(formatPrice({ amount: 89.5, currency: 'EUR' }, 'en-US', 'EURO')).to.equal('€89.50');
    expect(formatPrice({ amount: 89.5, currency: 'EUR' }, 'en-US', '')).to.equal('€89.50');
    expect(formatPrice({ amount: 89.5 }, 'en-US', 'usd')).to.equal('$89.50');
    expect(formatPrice({ amount: 89.5 }, '!!', 'EURO')).to.equal(new Intl.NumberFormat().format(89.5));
  });
});

describe('cleanItem', () => {
  it('drops items without an id or a title', () => {
    expect(cleanItem({ title: 'x' })).to.equal(undefined);
    expect(cleanItem({ id: 'x', title: ' \n ' })).to.equal(undefined);
    expect(cleanItem({ id: {}, title: 'x' })).to.equal(undefined);
  });

  it('keeps only finite prices and known-shaped currencies', () => {
    expect(cleanItem({ id: 1, title: 't', amount: '12.5', currency: 'eur' })!.price).to.deep.equal({ amount: 12.5, currency: 'EUR' });
    expect(cleanItem({ id: 1, title: 't', amount: Infinity })!.price).to.equal(undefined);
    expect(cleanItem({ id: 1, title: 't', amount: 3, currency: '<b>' })!.price).to.deep.equal({ amount: 3 });
  });

  it('reads a price given as text only as a plain decimal: "0x1F" is not €31.00, "0b101" not €5.00', () => {
    const amountOf = (amount: unknown) => cleanItem({ id: 1, title: 't', amount, currency: 'EUR' })!.price?.amount;
    expect(['0x1F', '0b101', '0o17', '1e6', 'Infinity', '12,50', '', ' '].map(amountOf)).to.deep.equal(Array(8).fill(undefined));
    expect([' 19.90 ', '7', '.5', '-3.25', 19.9, 0].map(amountOf)).to.deep.equal([19.9, 7, 0.5, undefined, 19.9, 0]); // a negative price is none
    expect(cleanItem({ id: 1, title: 't', price: { amount: '0x1F', currency: 'EUR' } })!.price).to.equal(undefined);
  });

  it("keeps a price's text whole, printable and at most 64 characters, or not at all", () => {
    const priceOf = (text: unknown, amount: unknown = 5) => cleanItem({ id: 1, title: 't', price: { amount, currency: 'EUR', text } })!.price;
    expect(priceOf('5,00\u00a0€')).to.deep.equal({ amount: 5, currency: 'EUR', text: '5,00\u00a0€' });
    expect(priceOf(' \u202e5 €\u0000 ')!.text).to.equal('5 €');
    expect(priceOf('x'.repeat(64))!.text).to.equal('x'.repeat(64));
    for (const text of ['x'.repeat(65), 5, { text: '€5' }, ' \u202e\u0000 ', '']) expect(priceOf(text), String(text)).to.deep.equal({ amount: 5, currency: 'EUR' });
    expect(priceOf('€5', 'free')).to.equal(undefined);
  });

  it('makes text plain and single-line', () => {
    expect(plainText('  a\n\tb\u0000c\u202e ')).to.equal('a b c');
    // A lone surrogate has no glyph and makes encodeURIComponent throw (a product link from a template); a pair is kept.
    expect(plainText('\ud800')).to.equal(undefined);
    expect(plainText('a\udc00b \ud83d\ude00')).to.equal('a b \ud83d\ude00');
    expect(plainText('x'.repeat(400))!.length).to.equal(300);
  });
});

describe('retry policy', () => {
  it('retries network errors, 5xx and 429, never other 4xx or bad data', () => {
    expect(isRetryable(new RecsFailure('network', 'x'))).to.equal(true);
    expect(isRetryable(new RecsFailure('http', 'x', { status: 503 }))).to.equal(true);
    expect(isRetryable(new RecsFailure('rate-limited', 'x', { status: 429 }))).to.equal(true);
    expect(isRetryable(new RecsFailure('invalid-request', 'x', { status: 400 }))).to.equal(false);
    expect(isRetryable(new RecsFailure('not-found', 'x', { status: 404 }))).to.equal(false);
    expect(isRetryable(new RecsFailure('invalid-response', 'x'))).to.equal(false);
  });

  it('backs off exponentially with jitter, honours Retry-After and clamps absurd values', () => {
    const failure = new RecsFailure('network', 'x');
    expect(retryDelay(0, failure, () => 0)).to.equal(150);
    expect(retryDelay(0, failure, () => 1)).to.equal(300);
    expect(retryDelay(1, failure, () => 1)).to.equal(600);
    expect(retryDelay(0, new RecsFailure('rate-limited', 'x', { retryAfter: 2 }))).to.equal(2000);
    expect(retryDelay(0, new RecsFailure('rate-limited', 'x', { retryAfter: 86400 }))).to.equal(5000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).to.equal(3);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString(), Date.now())).to.be.within(8, 10);
    expect(parseRetryAfter('soon')).to.equal(undefined);
    expect(parseRetryAfter(null)).to.equal(undefined);
  });
});
