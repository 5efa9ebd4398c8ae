/**
 * A store in Arabic (right to left, Egyptian pounds, labels as attributes) and one in
 * Japanese (yen, labels through the `labels` property): prices come out exactly as
 * Intl formats them, every built-in word is replaced, and controls mirror in RTL.
 * test/pages/i18n-ar.html and i18n-ja.html show the same to a person.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { RecsElement } from '../../src/elements/recs-element.js';
import '../../src/define.js';
import { uid } from './helpers.js';

type Tag = 'recs-list' | 'recs-carousel';
const shadow = (el: Element) => el.shadowRoot!;
const cards = (el: Element) => [...shadow(el).querySelectorAll<HTMLElement>('[part="card"]')];
const part = (el: Element, name: string) => shadow(el).querySelector<HTMLElement>(`[part="${name}"]`);
const texts = (el: Element, name: string) => [...shadow(el).querySelectorAll(`[part="${name}"]`)].map((node) => node.textContent!.trim());
const stateIs = (el: Element, state: string) =>
  waitUntil(() => el.getAttribute('state') === state, `state never became ${state} (is ${el.getAttribute('state')})`, { timeout: 6000 });

/** What the test fixture's prices (proxy/items.json: 89.5, 12, 149, none) look like in a locale and currency. */
const intlPrices = (locale: string, currency: string) => [89.5, 12, 149].map((amount) => new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount)).concat('');

const ARABIC = {
  heading: 'قد يعجبك أيضًا',
  'prev-label': 'السابق',
  'next-label': 'التالي',
  'out-of-stock-label': 'غير متوفر',
  'slide-label': '{n} من {total}',
  'empty-label': 'لا توجد توصيات الآن',
  'add-to-cart-label': 'أضف إلى السلة',
};

const JAPANESE_LABELS = {
  previous: '前へ',
  next: '次へ',
  outOfStock: '在庫切れ',
  slide: '{total}件中{n}件目',
  empty: 'おすすめはまだありません',
  addToCart: 'カートに入れる',
};

async function mountIn(wrapperAttributes: { dir?: string; lang: string }, tag: Tag, scenario: string, attributes: Record<string, string>, properties: Record<string, unknown> = {}) {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 720px"></div>`);
  if (wrapperAttributes.dir) wrapper.dir = wrapperAttributes.dir;
  wrapper.lang = wrapperAttributes.lang;
  const el = document.createElement(tag) as RecsElement;
  Object.assign(el, properties);
  for (const [name, value] of Object.entries({ transport: 'proxy', endpoint: `/stub/proxy/${scenario}/${uid()}`, lazy: 'false', ...attributes })) el.setAttribute(name, value);
  wrapper.append(el);
  return el;
}

describe('an Arabic store: dir=rtl, lang=ar, ar-EG, EGP, labels as attributes', () => {
  const arabic = (tag: Tag, scenario = 'ok', extra: Record<string, string> = {}) =>
    mountIn({ dir: 'rtl', lang: 'ar' }, tag, scenario, { locale: 'ar-EG', currency: 'EGP', 'add-to-cart': '', ...ARABIC, ...extra });

  for (const tag of ['recs-list', 'recs-carousel'] as Tag[]) {
    it(`<${tag}> formats prices in Egyptian pounds with Arabic-Indic digits, as Intl does`, async () => {
      const el = await arabic(tag);
      await stateIs(el, 'ready');
      const prices = texts(el, 'price');
      expect(prices).to.deep.equal(intlPrices('ar-EG', 'EGP'));
      expect(prices[0]).to.match(/[٠-٩]/);
    });

    it(`<${tag}> uses the Arabic out-of-stock, add-to-cart and empty labels`, async () => {
      const el = await arabic(tag);
      await stateIs(el, 'ready');
      expect(texts(el, 'badge')).to.deep.equal(['غير متوفر']);
      expect(texts(el, 'add-to-cart')).to.deep.equal(Array(4).fill('أضف إلى السلة'));
      expect(part(el, 'heading')!.textContent).to.equal('قد يعجبك أيضًا');
      const empty = await arabic(tag, 'empty');
      await stateIs(empty, 'empty');
      expect(part(empty, 'empty')?.textContent?.trim()).to.equal('لا توجد توصيات الآن');
    });
  }

  it('<recs-carousel> names its buttons and slides in Arabic', async () => {
    const el = await arabic('recs-carousel');
    await stateIs(el, 'ready');
    expect(part(el, 'prev')!.getAttribute('aria-label')).to.equal('السابق');
    expect(part(el, 'next')!.getAttribute('aria-label')).to.equal('التالي');
    expect(cards(el).map((card) => card.getAttribute('aria-label'))).to.deep.equal(['1 من 4', '2 من 4', '3 من 4', '4 من 4']);
  });

  it('<recs-carousel> mirrors its controls: Previous on the right, arrows flipped, first card at the right edge', async () => {
    const el = await arabic('recs-carousel', 'ok', { 'slides-per-view': '2' });
    await stateIs(el, 'ready');
    const prev = part(el, 'prev')!;
    const next = part(el, 'next')!;
    expect(prev.getBoundingClientRect().left).to.be.greaterThan(next.getBoundingClientRect().left);
    // The arrows ‹ › are mirrored by the text's own direction (bidi), not by a transform (test/browser/design-rtl.test.ts).
    expect(getComputedStyle(prev.querySelector('.arrow') ?? prev).transform).to.equal('none');
    // The heading sits at the start (right), the buttons at the end (left).
    expect(part(el, 'heading')!.getBoundingClientRect().right).to.be.greaterThan(prev.getBoundingClientRect().right);
    const track = part(el, 'track')!.getBoundingClientRect();
    expect(Math.abs(cards(el)[0]!.getBoundingClientRect().right - track.right)).to.be.lessThan(4);
  });
});

describe('a Japanese store: lang=ja, ja-JP, JPY, labels through the labels property', () => {
  const japanese = (tag: Tag, scenario = 'ok', extra: Record<string, string> = {}) =>
    mountIn({ lang: 'ja' }, tag, scenario, { locale: 'ja-JP', currency: 'JPY', 'add-to-cart': '', heading: 'おすすめ商品', ...extra }, { labels: JAPANESE_LABELS });

  for (const tag of ['recs-list', 'recs-carousel'] as Tag[]) {
    it(`<${tag}> formats prices in yen without decimals, as Intl does`, async () => {
      const el = await japanese(tag);
      await stateIs(el, 'ready');
      const prices = texts(el, 'price');
      expect(prices).to.deep.equal(intlPrices('ja-JP', 'JPY'));
      expect(prices[0]).to.match(/^[¥￥]90$/);
    });

    it(`<${tag}> uses the Japanese out-of-stock, add-to-cart and empty labels`, async () => {
      const el = await japanese(tag);
      await stateIs(el, 'ready');
      expect(texts(el, 'badge')).to.deep.equal(['在庫切れ']);
      expect(texts(el, 'add-to-cart')).to.deep.equal(Array(4).fill('カートに入れる'));
      const empty = await japanese(tag, 'empty');
      await stateIs(empty, 'empty');
      expect(part(empty, 'empty')?.textContent?.trim()).to.equal('おすすめはまだありません');
    });
  }

  it('<recs-carousel> names its buttons and slides in Japanese, left to right', async () => {
    const el = await japanese('recs-carousel');
    await stateIs(el, 'ready');
    expect(part(el, 'prev')!.getAttribute('aria-label')).to.equal('前へ');
    expect(part(el, 'next')!.getAttribute('aria-label')).to.equal('次へ');
    expect(cards(el).map((card) => card.getAttribute('aria-label'))).to.deep.equal(['4件中1件目', '4件中2件目', '4件中3件目', '4件中4件目']);
    expect(part(el, 'prev')!.getBoundingClientRect().left).to.be.lessThan(part(el, 'next')!.getBoundingClientRect().left);
    expect(getComputedStyle(part(el, 'prev')!.querySelector('.arrow') ?? part(el, 'prev')!).transform).to.equal('none');
  });

  it('a label attribute wins over the labels property', async () => {
    const el = await japanese('recs-carousel', 'ok', { 'prev-label': '戻る' });
    await stateIs(el, 'ready');
    expect(part(el, 'prev')!.getAttribute('aria-label')).to.equal('戻る');
    expect(part(el, 'next')!.getAttribute('aria-label')).to.equal('次へ');
  });

  it('changing the labels property re-renders the words', async () => {
    const el = await japanese('recs-list');
    await stateIs(el, 'ready');
    el.labels = { ...JAPANESE_LABELS, outOfStock: '売り切れ' };
    await el.updateComplete;
    expect(texts(el, 'badge')).to.deep.equal(['売り切れ']);
  });
});

describe('the example pages for people (test/pages, need npm run build)', () => {
  const open = async (path: string) => {
    const frame = document.createElement('iframe');
    frame.title = 'example page';
    frame.style.cssText = 'width: 900px; height: 700px; border: 0';
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    frame.src = path;
    await fixture(frame);
    await loaded;
    const doc = frame.contentDocument!;
    await waitUntil(() => [...doc.querySelectorAll('recs-carousel, recs-list')].every((el) => el.getAttribute('state') === 'ready'), `widgets in ${path} never became ready`, { timeout: 6000 });
    return doc;
  };

  it('i18n-ar.html: right to left, Egyptian pounds, Arabic labels', async () => {
    const doc = await open('/test/pages/i18n-ar.html');
    expect(doc.documentElement.dir).to.equal('rtl');
    expect(doc.documentElement.lang).to.equal('ar');
    const carousel = doc.querySelector('recs-carousel')!;
    expect(carousel.shadowRoot!.querySelector('[part="prev"]')!.getAttribute('aria-label')).to.equal('السابق');
    expect(carousel.shadowRoot!.querySelector('[part="price"]')!.textContent).to.match(/[٠-٩]/);
    expect(carousel.shadowRoot!.querySelector('[part="price"]')!.textContent).to.contain('ج.م');
  });

  it('i18n-ja.html: yen, Japanese labels from the labels property', async () => {
    const doc = await open('/test/pages/i18n-ja.html');
    expect(doc.documentElement.lang).to.equal('ja');
    const carousel = doc.querySelector('recs-carousel')!;
    expect(carousel.shadowRoot!.querySelector('[part="prev"]')!.getAttribute('aria-label')).to.equal('前へ');
    expect(carousel.shadowRoot!.querySelector('[part="price"]')!.textContent).to.match(/^[¥￥][\d,]+$/);
  });
});
