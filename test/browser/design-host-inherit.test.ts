/**
 * Designer: the hostile-host guarantee (docs/designer.md: "A store's global CSS cannot reach the cards") for
 * inherited text properties, which cross the shadow boundary: `.root` resets the two that break a card's layout.
 * Before, a store section with `text-align: center` centred the titles while the brand and price lines stayed
 * left, and an ancestor's `white-space: nowrap` made every title one clipped line. (`text-transform`,
 * `letter-spacing` and `text-indent` still inherit, as for any text: docs/designer.md.)
 */
import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import type { RecsElement } from '../../src/elements/recs-element.js';
import '../../src/define.js';
import { TAGS, type Tag, shadow, stateIs } from './helpers.js';


const ITEMS = [
  { id: 'a', title: 'Merino trail jacket with taped seams and a hood', brand: 'Acme', url: '/p/a', price: { amount: 89, currency: 'EUR' } },
  { id: 'b', title: 'Hiking sock', brand: 'Acme', url: '/p/b', price: { amount: 12, currency: 'EUR' } },
];

async function mountIn(tag: Tag, sectionStyle: string): Promise<RecsElement> {
  const section = await fixture<HTMLElement>(html`<section style=${`width: 600px; ${sectionStyle}`}></section>`);
  const el = document.createElement(tag) as RecsElement;
  el.setAttribute('lazy', 'false');
  el.setAttribute('heading', 'You may like');
  el.transport = { fetch: async () => ({ items: structuredClone(ITEMS) }) };
  section.append(el);
  await stateIs(el, 'ready');
  await nextFrame();
  return el;
}

const textBox = (node: Element) => {
  const range = document.createRange();
  range.selectNodeContents(node);
  return range.getBoundingClientRect();
};

describe("probe: a store section's inherited text styles do not restyle the cards", () => {
  for (const tag of TAGS) {
    it(`<${tag}> in a text-align: center section keeps brand, title and price aligned to one edge`, async () => {
      const el = await mountIn(tag, 'text-align: center');
      const card = shadow(el).querySelector('[data-rank="1"]')!;
      const left = (name: string) => Math.round(textBox(card.querySelector(`[part="${name}"]`)!).left);
      // The short second title line shows it best; compare each line's start with the brand's.
      const title = card.querySelector('[part="title"]')!;
      const rects = [...(() => { const r = document.createRange(); r.selectNodeContents(title); return r.getClientRects(); })()];
      const starts = rects.map((rect) => Math.round(rect.left));
      expect(starts.every((start) => Math.abs(start - left('brand')) <= 1), `title lines start at ${starts}, brand at ${left('brand')}, price at ${left('price')}`).to.equal(true);
      expect(Math.abs(left('price') - left('brand'))).to.be.at.most(1);
    });

    it(`<${tag}> in a white-space: nowrap section still wraps a long title onto its two lines`, async () => {
      const el = await mountIn(tag, 'white-space: nowrap');
      const title = shadow(el).querySelector('[data-rank="1"] [part="title"]')!;
      const range = document.createRange();
      range.selectNodeContents(title);
      const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      expect(lines.size, 'title lines').to.equal(2);
    });
  }
});
