/**
 * Designer: the keyboard focus ring of carousel cards is whole (WCAG 2.4.7, Focus Visible). Every slide after
 * the first has `content-visibility: auto` (paint containment: nothing outside its own box is painted) and the
 * track is a scroll container with 2px of padding, so a ring outside the link was clipped away on cards 2..N and
 * cut on card 1; the built-in ring, and the designer guide's template ring, are now drawn inside the link.
 */
import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { RecsElement } from '../../src/elements/recs-element.js';
import '../../src/define.js';
import { shadow, stateIs } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function mount(attributes: Record<string, string> = {}, inner = ''): Promise<RecsElement> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 760px"></div>`);
  const el = document.createElement('recs-carousel') as RecsElement;
  for (const [name, value] of Object.entries({ transport: 'proxy', endpoint: '/stub/proxy/ok/focus', lazy: 'false', heading: 'You may like', ...attributes })) el.setAttribute(name, value);
  el.innerHTML = inner;
  wrapper.append(el);
  await stateIs(el, 'ready');
  await sleep(300); // the track controller (shown chunk) measures and sets the tab stops
  return el;
}

/** The parts of the focused element's outline that an ancestor clips away (empty when the whole ring can paint). */
function clippedRing(focused: HTMLElement, stopAt: Element): string[] {
  const style = getComputedStyle(focused);
  expect(style.outlineStyle, 'the focused element has an outline').to.not.equal('none');
  const out = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth);
  const box = focused.getBoundingClientRect();
  const ring = { left: box.left - out, top: box.top - out, right: box.right + out, bottom: box.bottom + out };
  const clipped: string[] = [];
  for (let node: Element | null = focused.parentElement; node && node !== stopAt; node = node.parentElement) {
    const s = getComputedStyle(node);
    const paint = /paint|strict|content/.test(s.contain) || s.contentVisibility === 'auto' || s.contentVisibility === 'hidden';
    const scroller = [s.overflowX, s.overflowY].some((value) => value === 'auto' || value === 'scroll' || value === 'hidden');
    const clip = [s.overflowX, s.overflowY].some((value) => value === 'clip');
    if (!paint && !scroller && !clip) continue;
    const r = node.getBoundingClientRect();
    // The padding box, widened by overflow-clip-margin for paint containment and overflow: clip (not for scroll containers).
    const margin = scroller ? 0 : parseFloat(s.overflowClipMargin) || 0;
    const edge = {
      left: r.left + parseFloat(s.borderLeftWidth) - margin,
      top: r.top + parseFloat(s.borderTopWidth) - margin,
      right: r.right - parseFloat(s.borderRightWidth) + margin,
      bottom: r.bottom - parseFloat(s.borderBottomWidth) + margin,
    };
    const name = `${node.tagName.toLowerCase()}.${node.className}`;
    if (ring.left < edge.left - 0.5) clipped.push(`${name} clips the ring's left edge`);
    if (ring.top < edge.top - 0.5) clipped.push(`${name} clips the ring's top edge`);
    if (ring.right > edge.right + 0.5) clipped.push(`${name} clips the ring's right edge`);
    if (ring.bottom > edge.bottom + 0.5) clipped.push(`${name} clips the ring's bottom edge`);
  }
  return clipped;
}

const active = (el: Element) => shadow(el).activeElement as HTMLElement;

describe('designer: the focus ring on carousel cards', () => {
  it('shows the whole focus ring of the built-in card links, on the first card and on the next ones (arrow keys)', async () => {
    const el = await mount();
    shadow(el).querySelector<HTMLElement>('[data-rank="1"] a')!.focus();
    await sendKeys({ press: 'ArrowRight' }); // a keyboard move: :focus-visible
    await nextFrame();
    await sleep(50);
    expect(active(el).closest('[data-rank]')?.getAttribute('data-rank')).to.equal('2');
    expect(clippedRing(active(el), el.shadowRoot as unknown as Element), 'card 2').to.deep.equal([]);
    await sendKeys({ press: 'Home' });
    await sleep(300);
    expect(active(el).closest('[data-rank]')?.getAttribute('data-rank')).to.equal('1');
    expect(clippedRing(active(el), el.shadowRoot as unknown as Element), 'card 1').to.deep.equal([]);
  });

  it("shows the whole focus ring of the designer guide's editorial template card (docs/designer.md) on card 2", async () => {
    // The guide's own example: `.tile:focus-visible { outline: 2px solid …; outline-offset: -2px }`.
    const template = `<template><style>
      .tile { display: grid; gap: 6px; color: inherit; text-decoration: none; }
      .tile:focus-visible { outline: 2px solid var(--recs-color-accent, #2f5bd3); outline-offset: -2px; }
    </style><a class="tile" data-href><span data-field="title"></span><span data-field="price"></span></a></template>`;
    const el = await mount({ 'slides-per-view': '3' }, template);
    shadow(el).querySelector<HTMLElement>('[data-rank="1"] a')!.focus();
    await sendKeys({ press: 'ArrowRight' });
    await nextFrame();
    await sleep(50);
    expect(active(el).closest('[data-rank]')?.getAttribute('data-rank')).to.equal('2');
    expect(clippedRing(active(el), el.shadowRoot as unknown as Element)).to.deep.equal([]);
  });
});
