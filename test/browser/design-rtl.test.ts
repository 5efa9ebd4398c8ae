/**
 * Designer: right to left (docs/designer.md: "the buttons on the left with their arrows flipped"). The arrows are
 * the characters ‹ and ›, which the Unicode bidi algorithm already mirrors in right-to-left text (Bidi_Mirrored),
 * and the carousel flipped them again with `scaleX(-1)`: in an Arabic store both arrows pointed the LTR way, so
 * Next (on the left) pointed right, at the heading, and Previous (on the right) pointed left. Now the button sets
 * its text left to right, so the one flip is the transform's.
 *
 * What the shopper sees is read back by drawing each arrow on a canvas as the browser lays it out (its
 * computed direction, font and transform): a canvas runs the same bidi algorithm, so its mirroring is the page's.
 */
import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import type { RecsElement } from '../../src/elements/recs-element.js';
import '../../src/define.js';
import { shadow, stateIs } from './helpers.js';

const ITEMS = Array.from({ length: 6 }, (_, index) => ({ id: `p${index}`, title: `حذاء ${index + 1}`, url: `/p/${index}`, price: { amount: 100 + index, currency: 'EGP' } }));

/** Which way a chevron drawn like this points: its tip (the middle rows' ink) lies left or right of its arms. */
function pointing(text: string, direction: CanvasDirection, flipped: boolean, font: string): 'left' | 'right' {
  const size = 48;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  Object.assign(context, { font, direction, textAlign: 'center', textBaseline: 'middle' });
  context.translate(size / 2, size / 2);
  if (flipped) context.scale(-1, 1);
  context.fillText(text, 0, 0);
  const { data } = context.getImageData(0, 0, size, size);
  const inked: [number, number][] = [];
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (data[(y * size + x) * 4 + 3]! > 128) inked.push([x, y]);
  expect(inked.length, `"${text}" draws something`).to.be.greaterThan(4);
  const ys = inked.map(([, y]) => y);
  const middle = (Math.min(...ys) + Math.max(...ys)) / 2;
  const half = (Math.max(...ys) - Math.min(...ys)) / 2;
  const meanX = (points: [number, number][]) => points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const tip = meanX(inked.filter(([, y]) => Math.abs(y - middle) <= half * 0.25));
  const arms = meanX(inked.filter(([, y]) => Math.abs(y - middle) >= half * 0.6));
  return tip < arms ? 'left' : 'right';
}

/** The way the arrow inside a button points on screen. */
function arrowPoints(button: HTMLElement): 'left' | 'right' {
  const arrow = button.querySelector<HTMLElement>('.arrow') ?? button;
  const style = getComputedStyle(arrow);
  const flipped = style.transform !== 'none' && new DOMMatrix(style.transform).a < 0;
  return pointing(arrow.textContent!.trim(), style.direction as CanvasDirection, flipped, style.font);
}

async function carousel(dir: 'ltr' | 'rtl'): Promise<RecsElement> {
  const wrapper = await fixture<HTMLDivElement>(html`<div dir=${dir} lang=${dir === 'rtl' ? 'ar' : 'en'} style="width: 600px"></div>`);
  const el = document.createElement('recs-carousel') as RecsElement;
  for (const [name, value] of Object.entries({ lazy: 'false', heading: 'قد يعجبك أيضًا', 'slides-per-view': '2' })) el.setAttribute(name, value);
  el.transport = { fetch: async () => ({ items: structuredClone(ITEMS) }) };
  wrapper.append(el);
  await stateIs(el, 'ready');
  await nextFrame();
  return el;
}

describe('designer: the carousel right to left', () => {
  it('the canvas reads a chevron the way the page draws it (the premise: ‹ points left, and is mirrored in RTL text)', () => {
    expect(pointing('‹', 'ltr', false, '20px system-ui')).to.equal('left');
    expect(pointing('›', 'ltr', false, '20px system-ui')).to.equal('right');
    expect(pointing('‹', 'rtl', false, '20px system-ui'), 'bidi mirroring').to.equal('right');
    expect(pointing('‹', 'ltr', true, '20px system-ui'), 'scaleX(-1)').to.equal('right');
  });

  it('left to right: Previous, on the left, points left; Next points right', async () => {
    const el = await carousel('ltr');
    const prev = shadow(el).querySelector<HTMLElement>('[part=prev]')!;
    const next = shadow(el).querySelector<HTMLElement>('[part=next]')!;
    expect(prev.getBoundingClientRect().left).to.be.lessThan(next.getBoundingClientRect().left);
    expect(arrowPoints(prev), 'Previous').to.equal('left');
    expect(arrowPoints(next), 'Next').to.equal('right');
  });

  it('right to left: Previous, on the right, points right (towards the first card); Next, on the left, points left', async () => {
    const el = await carousel('rtl');
    const prev = shadow(el).querySelector<HTMLElement>('[part=prev]')!;
    const next = shadow(el).querySelector<HTMLElement>('[part=next]')!;
    expect(prev.getBoundingClientRect().left).to.be.greaterThan(next.getBoundingClientRect().left);
    expect(arrowPoints(prev), 'Previous').to.equal('right');
    expect(arrowPoints(next), 'Next').to.equal('left');
    // Where the cards go: the first card is at the right edge, the next ones to its left, where Next points.
    const [first, second] = [...shadow(el).querySelectorAll<HTMLElement>('[part~=card]')];
    expect(second!.getBoundingClientRect().right).to.be.lessThan(first!.getBoundingClientRect().left + 1);
  });
});
