/**
 * Designer: long values in a built-in card at phone widths. Before: beside a long price the out-of-stock mark
 * was cut off (the price line is one 20px row with overflow: hidden); the brand's `text-overflow: ellipsis` never
 * applied (the brand was a flex container, and text-overflow only works on a block container); and a wrapped
 * add-to-cart label spilled out of its fixed 36px button, white text on the page's white. Now the badge and the
 * label end with an ellipsis (the button's aria-label is whole) and the brand is a block. A long heading (one line,
 * an ellipsis, the carousel's buttons whole beside it) and a long German title (two lines, no word out of the card)
 * at 320px held already: checked here so they keep holding.
 */
import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import type { RecsElement } from '../../src/elements/recs-element.js';
import '../../src/define.js';
import { TAGS, type Tag, shadow, stateIs } from './helpers.js';


const ITEMS = [
  { id: 'a', title: 'Merino trail jacket', brand: 'Maison Extraordinaire de la Montagne', url: '/p/a', price: { amount: 12345.5, currency: 'EUR' }, inStock: false },
  { id: 'b', title: 'Sock', brand: 'Acme', url: '/p/b', price: { amount: 12, currency: 'EUR' }, inStock: true },
];

/** A widget 360px wide (a phone), fed the items above by a one-off transport. */
async function mount(tag: Tag, attributes: Record<string, string> = {}, width = 360): Promise<RecsElement> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style=${`width: ${width}px`}></div>`);
  const el = document.createElement(tag) as RecsElement;
  // The list at 160px columns: two cards side by side, as the carousel shows two at this width.
  for (const [name, value] of Object.entries({ lazy: 'false', locale: 'en-US', ...(tag === 'recs-list' ? { style: '--recs-card-width: 160px' } : {}), ...attributes })) el.setAttribute(name, value);
  el.transport = { fetch: async () => ({ items: structuredClone(ITEMS) }) };
  wrapper.append(el);
  await stateIs(el, 'ready');
  await nextFrame();
  return el;
}

describe('designer: long values in a built-in card at 360px', () => {
  for (const tag of TAGS) {
    it(`<${tag}> shows the whole out-of-stock mark beside a five-digit price (€12,345.50)`, async () => {
      const el = await mount(tag);
      const badge = shadow(el).querySelector<HTMLElement>('[data-rank="1"] [part="badge"]')!;
      const line = badge.parentElement!.getBoundingClientRect();
      const box = badge.getBoundingClientRect();
      expect(box.width, 'badge has a box').to.be.greaterThan(0);
      // Wholly inside the line that clips it (overflow: hidden): nothing of "Out of stock" cut off.
      expect(box.right, `badge right edge ${box.right} within the price line ${line.right}`).to.be.at.most(line.right + 0.5);
      expect(box.bottom, 'badge bottom within the price line').to.be.at.most(line.bottom + 0.5);
    });

    it(`<${tag}> ends a brand too long for its line with an ellipsis (its text-overflow applies)`, async () => {
      const el = await mount(tag);
      const brand = shadow(el).querySelector<HTMLElement>('[data-rank="1"] [part="brand"]')!;
      expect(brand.scrollWidth, 'the brand overflows its line (the case under test)').to.be.greaterThan(brand.clientWidth);
      const style = getComputedStyle(brand);
      expect(style.textOverflow).to.equal('ellipsis');
      // text-overflow only applies to block containers; in a flex container the text is an anonymous flex item and is cut.
      expect(style.display, 'the brand is a block container, so its ellipsis shows').to.not.match(/flex|grid/);
    });

    it(`<${tag}> shows the whole add-to-cart label when it wraps (add-to-cart-label="In den Warenkorb legen", 300px: 3 lines)`, async () => {
      const el = await mount(tag, { 'add-to-cart': '', 'add-to-cart-label': 'In den Warenkorb legen', ...(tag === 'recs-list' ? { style: '--recs-card-width: 140px' } : {}) }, 300);
      const button = shadow(el).querySelector<HTMLElement>('[data-rank="2"] [part="add-to-cart"]')!;
      const range = document.createRange();
      range.selectNodeContents(button);
      const text = range.getBoundingClientRect();
      const box = button.getBoundingClientRect();
      expect(text.height, 'the label has text').to.be.greaterThan(0);
      expect(text.top, `label top ${text.top} inside the button (${box.top})`).to.be.at.least(box.top - 0.5);
      expect(text.bottom, `label bottom ${text.bottom} inside the button (${box.bottom})`).to.be.at.most(box.bottom + 0.5);
    });

    it(`<${tag}> at 320px: a long heading is one line ending in an ellipsis, beside whole buttons; a long German title wraps inside its two lines`, async () => {
      const heading = 'Empfehlungen für Sie aus unserem Sortiment an Wanderschuhen und Zubehör';
      const title = 'Donaudampfschifffahrtsgesellschaftswanderschuhe mit wasserdichter Membran und Vibram-Sohle';
      const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 320px"></div>`);
      const el = document.createElement(tag) as RecsElement;
      for (const [name, value] of Object.entries({ lazy: 'false', locale: 'de-DE', heading })) el.setAttribute(name, value);
      el.transport = { fetch: async () => ({ items: [{ ...ITEMS[1]!, title }, ITEMS[0]!] }) };
      wrapper.append(el);
      await stateIs(el, 'ready');
      await nextFrame();
      const host = el.getBoundingClientRect();
      const h2 = shadow(el).querySelector<HTMLElement>('[part=heading]')!;
      expect(h2.getBoundingClientRect().height, 'one 24px line').to.equal(24);
      expect(h2.scrollWidth, 'the heading is longer than its line (the case under test)').to.be.greaterThan(h2.clientWidth);
      expect(getComputedStyle(h2).textOverflow).to.equal('ellipsis');
      for (const button of shadow(el).querySelectorAll<HTMLElement>('[part=prev], [part=next]')) {
        const box = button.getBoundingClientRect();
        expect([box.width, box.left >= host.left - 0.5, box.right <= host.right + 0.5], 'a whole 36px button inside the widget').to.deep.equal([36, true, true]);
      }
      const titleBox = shadow(el).querySelector<HTMLElement>('[data-rank="1"] [part=title]')!;
      expect(titleBox.getBoundingClientRect().height).to.equal(40);
      expect(titleBox.scrollWidth, 'no word runs out of the card').to.be.at.most(titleBox.clientWidth);
    });
  }
});
