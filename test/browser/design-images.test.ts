/**
 * Designer: product photos as stores have them (docs/designer.md: "images sit in a box of --recs-image-ratio whether
 * they have loaded or not"). A tall photo (1:4), a wide banner (3:1), one that fails to load and none at all all give
 * the same card, as high as its skeleton, at 320px (a phone column) and with --recs-image-fit: contain. One card and
 * many: a single card keeps its column width, and the carousel's buttons stay disabled when there is nothing to page to.
 * (A broken image shows the plain background, not an icon: cards.test.ts.)
 */
import { expect, fixture, html, nextFrame, waitUntil } from '@open-wc/testing';
import type { RecsElement } from '../../src/elements/recs-element.js';
import '../../src/define.js';
import { TAGS, type Tag, shadow, stateIs } from './helpers.js';

const IMAGES = {
  tall: '/docs/screenshots/recs-list-360-light.png', // 312 x 1221
  wide: '/docs/screenshots/recs-carousel-1280-light.png', // 1072 x 352
  broken: '/no/such/image.png',
  none: undefined,
};
const ITEMS = Object.entries(IMAGES).map(([id, image]) => ({ id, title: `A ${id} picture`, brand: 'Acme', url: `/p/${id}`, image, price: { amount: 10, currency: 'EUR' } }));

async function mount(tag: Tag, width: number, style: string, items: typeof ITEMS, slow = false): Promise<RecsElement> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style=${`width: ${width}px`}></div>`);
  const el = document.createElement(tag) as RecsElement;
  for (const [name, value] of Object.entries({ lazy: 'false', style, 'slides-per-view': '2' })) el.setAttribute(name, value);
  el.transport = { fetch: () => (slow ? new Promise(() => {}) : Promise.resolve({ items: structuredClone(items) })) };
  wrapper.append(el);
  await stateIs(el, slow ? 'loading' : 'ready');
  await nextFrame();
  return el;
}

const box = (node: Element) => node.getBoundingClientRect();

describe('designer: odd product photos keep the card box', () => {
  for (const tag of TAGS) {
    for (const style of ['--recs-card-width: 140px', '--recs-card-width: 140px; --recs-image-ratio: 3 / 4; --recs-image-fit: contain']) {
      it(`<${tag}> at 320px {${style}}: tall, wide, broken and missing images, each card as high as a skeleton`, async () => {
        const skeleton = box(shadow(await mount(tag, 320, style, ITEMS, true)).querySelector('[part=skeleton]')!);
        const el = await mount(tag, 320, style, ITEMS);
        const cards = [...shadow(el).querySelectorAll<HTMLElement>('[part~=card]')];
        expect(cards).to.have.length(4);
        const images = cards.map((card) => card.querySelector<HTMLImageElement>('[part=image]')!);
        // The photos that can load have loaded (off-screen carousel cards are scrolled to first: their images are lazy).
        for (const image of images) image.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        await waitUntil(() => images.slice(0, 3).every((image) => image.complete), 'images never settled', { timeout: 4000 });
        await nextFrame();
        const ratio = style.includes('3 / 4') ? 0.75 : 1;
        for (const [index, card] of cards.entries()) {
          const label = `card ${ITEMS[index]!.id}`;
          expect(box(card).height, `${label} height`).to.be.closeTo(skeleton.height, 0.5);
          expect(box(card).width, `${label} width`).to.be.closeTo(skeleton.width, 0.5);
          const media = box(images[index]!.parentElement!);
          expect(media.width / media.height, `${label} image box ratio`).to.be.closeTo(ratio, 0.01);
          // The photo is drawn in that box, never beyond it.
          expect(box(images[index]!).height, `${label} image height`).to.be.closeTo(media.height, 0.5);
        }
      });
    }

    it(`<${tag}> with one card: a card as wide as with many`, async () => {
      const many = await mount(tag, 700, '', [...ITEMS, ...ITEMS.map((item) => ({ ...item, id: `${item.id}2` }))]);
      const one = await mount(tag, 700, '', ITEMS.slice(0, 1));
      const [card] = shadow(one).querySelectorAll('[part~=card]');
      expect(box(card!).width).to.be.closeTo(box(shadow(many).querySelector('[part~=card]')!).width, 0.5);
      if (tag === 'recs-carousel') {
        await new Promise((resolve) => setTimeout(resolve, 300)); // the track controller measures
        expect(['prev', 'next'].map((name) => shadow(one).querySelector<HTMLButtonElement>(`[part=${name}]`)!.disabled)).to.deep.equal([true, true]);
      }
    });
  }
});
