/**
 * What a shopper using a keyboard, a screen reader, right-to-left text or reduced
 * motion gets, checked with axe-core (WCAG 2.0-2.2 A/AA and its best-practice rules)
 * and real key presses; and that a hostile host page, hostile data in a card template,
 * or a card glimpsed for less than a second change nothing they should not.
 */
import 'axe-core';
import type { AxeResults, RunOptions } from 'axe-core';
import { expect, fixture, html, nextFrame, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import type { RecsElement } from '../../src/elements/recs-element.js';
import '../../src/define.js';
import { uid } from './helpers.js';

type Tag = 'recs-list' | 'recs-carousel';
const TAGS: Tag[] = ['recs-list', 'recs-carousel'];
const RULES: RunOptions = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } };
const axe = (window as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } }).axe;

const shadow = (el: Element) => el.shadowRoot!;
const cards = (el: Element) => [...shadow(el).querySelectorAll<HTMLElement>('[part="card"]')];
const part = <T extends HTMLElement = HTMLElement>(el: Element, name: string) => shadow(el).querySelector<T>(`[part="${name}"]`)!;
const stateIs = (el: Element, state: string) =>
  waitUntil(() => el.getAttribute('state') === state, `state never became ${state} (is ${el.getAttribute('state')})`, { timeout: 6000 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Mounts a proxy widget on a stub scenario, eager, in a box of the given width. */
async function mount(tag: Tag, scenario: string, attributes: Record<string, string> = {}, width = 420, children = '', top = 0): Promise<RecsElement> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: ${width}px; margin-top: ${top}px"></div>`);
  const el = document.createElement(tag) as RecsElement;
  el.setAttribute('transport', 'proxy');
  el.setAttribute('endpoint', `/stub/proxy/${scenario}/${uid()}`);
  el.setAttribute('lazy', 'false');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  if (children) el.innerHTML = children;
  wrapper.append(el);
  await el.updateComplete;
  return el;
}

async function expectNoViolations(el: Element): Promise<void> {
  const results = await axe.run(el, RULES);
  const found = results.violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`);
  expect(found, `axe found:\n${found.join('\n')}`).to.deep.equal([]);
}

/** What has keyboard focus: `#id` in the page, or the part (or tag) inside a widget's shadow root. */
function focused(): string {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  if (!active) return 'none';
  if (active.id) return `#${active.id}`;
  const card = active.closest('[part="card"]');
  return card ? `${active.getAttribute('part') ?? active.localName}@${card.getAttribute('data-rank')}` : (active.getAttribute('part') ?? active.localName);
}

/** The first card is at the start edge of the track (left, or right in RTL), fully in view. */
function atStart(el: Element): boolean {
  const track = part(el, 'track').getBoundingClientRect();
  const first = cards(el)[0]!.getBoundingClientRect();
  const rtl = getComputedStyle(part(el, 'track')).direction === 'rtl';
  return rtl ? first.right <= track.right + 1 && track.right - first.right < 8 : first.left >= track.left - 1 && first.left - track.left < 8;
}

/** True when the element is in the sequential tab order (not -1, not inside inert). */
const tabbable = (element: HTMLElement) => element.tabIndex >= 0 && !element.closest('[inert]') && !(element as HTMLButtonElement).disabled;

describe('axe-core finds no WCAG 2.2 A/AA or best-practice violations', () => {
  for (const tag of TAGS) {
    describe(`<${tag}>`, () => {
      it('while idle, waiting off screen (skeletons)', async () => {
        const el = await mount(tag, 'ok', { heading: 'You may also like', limit: '4', lazy: 'true' }, 420, '', 6000);
        await nextFrame();
        expect(el.getAttribute('state')).to.equal('idle');
        await expectNoViolations(el);
      });

      it('while loading (skeletons)', async () => {
        const el = await mount(tag, 'slow', { heading: 'You may also like', limit: '4' });
        expect(el.getAttribute('state')).to.equal('loading');
        await expectNoViolations(el);
      });

      it('when ready', async () => {
        const el = await mount(tag, 'ok', { heading: 'You may also like' });
        await stateIs(el, 'ready');
        await nextFrame();
        await expectNoViolations(el);
      });

      it('when ready, without a heading, with add-to-cart buttons', async () => {
        const el = await mount(tag, 'ok', { 'add-to-cart': '' });
        await stateIs(el, 'ready');
        await nextFrame();
        await expectNoViolations(el);
      });

      it('when empty, with the merchant fallback and with the built-in empty label', async () => {
        const withSlot = await mount(tag, 'empty', { heading: 'Picked for you' }, 420, '<p slot="empty">Browse our <a href="/bestsellers">bestsellers</a>.</p>');
        await stateIs(withSlot, 'empty');
        await expectNoViolations(withSlot);
        const withLabel = await mount(tag, 'empty', { 'empty-label': 'Nothing to recommend yet' });
        await stateIs(withLabel, 'empty');
        await expectNoViolations(withLabel);
      });

      it('when the request failed', async () => {
        const el = await mount(tag, '404', { heading: 'Picked for you' }, 420, '<p slot="error">Recommendations are unavailable right now.</p>');
        await stateIs(el, 'error');
        await expectNoViolations(el);
      });
    });
  }
});

describe('<recs-carousel> follows the WAI-ARIA carousel pattern', () => {
  it('is a region named by its heading, with slides labelled "n of N"', async () => {
    const el = await mount('recs-carousel', 'ok', { heading: 'You may also like' });
    await stateIs(el, 'ready');
    const region = part(el, 'region');
    expect(region.getAttribute('aria-roledescription')).to.equal('carousel');
    const labelledBy = region.getAttribute('aria-labelledby');
    const name = labelledBy ? shadow(el).getElementById(labelledBy)?.textContent : region.getAttribute('aria-label');
    expect(name).to.equal('You may also like');
    expect(cards(el).map((card) => [card.getAttribute('role'), card.getAttribute('aria-roledescription'), card.getAttribute('aria-label')])).to.deep.equal([
      ['group', 'slide', '1 of 4'],
      ['group', 'slide', '2 of 4'],
      ['group', 'slide', '3 of 4'],
      ['group', 'slide', '4 of 4'],
    ]);
  });

  it('is named by its label when the heading is only spaces (no blank heading to be named by)', async () => {
    const el = await mount('recs-carousel', 'ok', { heading: '  ' });
    await stateIs(el, 'ready');
    const region = part(el, 'region');
    expect(shadow(el).querySelector('[part="heading"]')?.outerHTML, 'a blank heading').to.equal(undefined);
    expect(region.getAttribute('aria-labelledby')).to.equal(null);
    expect(region.getAttribute('aria-label')).to.equal('Recommendations');
  });

  it('disables Previous at the start and Next at the end', async () => {
    const el = await mount('recs-carousel', 'ok', { heading: 'You may also like', 'slides-per-view': '2' });
    await stateIs(el, 'ready');
    const prev = part<HTMLButtonElement>(el, 'prev');
    const next = part<HTMLButtonElement>(el, 'next');
    await waitUntil(() => !next.disabled, 'Next stayed disabled with cards beyond the view');
    await sleep(300); // scroll snapping settles after the first layout
    expect(prev.disabled, 'Previous is enabled on the first card').to.equal(true);
    part(el, 'track').scrollLeft = 10_000;
    await waitUntil(() => next.disabled && !prev.disabled, 'the buttons did not follow the scroll position to the end');
  });

  it('does not rotate on its own', async () => {
    const el = await mount('recs-carousel', 'ok', { 'slides-per-view': '2' });
    await stateIs(el, 'ready');
    const track = part(el, 'track');
    await sleep(300);
    const settled = track.scrollLeft;
    await sleep(1500);
    expect(track.scrollLeft).to.equal(settled);
    expect(atStart(el), 'the first card left the start').to.equal(true);
  });

  it('keeps cards that are off screen out of the tab order (links and add-to-cart buttons)', async () => {
    const el = await mount('recs-carousel', 'ok', { 'slides-per-view': '2', 'add-to-cart': '' });
    await stateIs(el, 'ready');
    const links = cards(el).map((card) => card.querySelector<HTMLElement>('[part="link"]')!);
    await waitUntil(() => tabbable(links[0]!) && tabbable(links[1]!), 'the cards in view never became tabbable');
    expect(links.map(tabbable)).to.deep.equal([true, true, false, false]);
    // sku-2 is out of stock: its button is disabled, so only the first card's button is a tab stop.
    const buttons = cards(el).map((card) => card.querySelector<HTMLElement>('[part="add-to-cart"]')!);
    expect(buttons.map(tabbable)).to.deep.equal([true, false, false, false]);
  });

  it('keeps off-screen cards out of the tab order with a card template too', async () => {
    const template = '<template><a data-href class="tpl"><span data-field="title"></span></a></template>';
    const el = await mount('recs-carousel', 'ok', { 'slides-per-view': '2' }, 420, template);
    await stateIs(el, 'ready');
    await waitUntil(() => shadow(el).querySelectorAll('.tpl').length === 4, 'the template was not used');
    await sleep(300);
    // Cards 1, 2 and 4 have URLs (sku-3 has none, so its template link has no href and is no tab stop anyway).
    const stops = cards(el).map((card) => [...card.querySelectorAll<HTMLElement>('a[href], button')].some(tabbable));
    expect(stops).to.deep.equal([true, true, false, false]);
  });

  it('Tab reaches Previous/Next and the cards in view, then leaves the widget', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 420px">
      <button id="before">before</button>
      <recs-carousel transport="proxy" endpoint=${`/stub/proxy/ok/${uid()}`} lazy="false" slides-per-view="2" heading="You may also like"></recs-carousel>
      <button id="after">after</button>
    </div>`);
    const el = wrapper.querySelector('recs-carousel')!;
    await stateIs(el, 'ready');
    const links = cards(el).map((card) => card.querySelector<HTMLElement>('[part="link"]')!);
    await waitUntil(() => tabbable(links[1]!) && !part<HTMLButtonElement>(el, 'next').disabled);

    wrapper.querySelector<HTMLElement>('#before')!.focus();
    const order: string[] = [];
    for (let i = 0; i < 5 && order.at(-1) !== '#after'; i++) {
      await sendKeys({ press: 'Tab' });
      order.push(focused());
    }
    // Previous is disabled at the start, so Tab skips it.
    expect(order).to.deep.equal(['next', 'link@1', 'link@2', '#after']);

    part(el, 'next').click();
    await waitUntil(() => !part<HTMLButtonElement>(el, 'prev').disabled, 'Previous never became enabled after Next');
    wrapper.querySelector<HTMLElement>('#before')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(focused()).to.equal('prev');
  });

  it('Arrow keys move between cards, Home and End go to the ends, and the track scrolls along', async () => {
    /** Which card (by rank) holds focus: its link, or the card itself when it has no link. */
    const focusedRank = () => focused().split('@')[1] ?? focused();
    const el = await mount('recs-carousel', 'ok', { 'slides-per-view': '2' });
    await stateIs(el, 'ready');
    const track = part(el, 'track');
    cards(el)[0]!.querySelector<HTMLElement>('[part="link"]')!.focus();
    expect(focusedRank(), 'focused card').to.equal('1');

    await sendKeys({ press: 'ArrowRight' });
    expect(focusedRank(), 'focused card').to.equal('2');
    await sendKeys({ press: 'End' });
    expect(focusedRank(), 'focused card').to.equal('4');
    await waitUntil(() => cards(el)[3]!.getBoundingClientRect().right <= track.getBoundingClientRect().right + 1, 'End did not scroll the last card into view');
    await sendKeys({ press: 'ArrowLeft' });
    // Let the scroll and the tab order settle: focus must stay on the card (sku-3 has no URL).
    await sleep(600);
    expect(focusedRank(), 'focused card').to.equal('3');
    await sendKeys({ press: 'Home' });
    await sleep(600);
    expect(focusedRank(), 'focused card').to.equal('1');
    await waitUntil(() => atStart(el), 'Home did not scroll back to the start');
  });

  for (const [modifier, key] of [['altKey', 'ArrowLeft'], ['altKey', 'ArrowRight'], ['ctrlKey', 'End'], ['metaKey', 'ArrowRight'], ['shiftKey', 'Home']] as const) {
    it(`leaves ${key} with ${modifier.replace('Key', '')} to the browser (Alt+Left is Back, Shift+Home selects)`, async () => {
      const el = await mount('recs-carousel', 'ok', { 'slides-per-view': '2' });
      await stateIs(el, 'ready');
      // Keys are handled once the track is measured (Next then usable): before that a test would prove nothing.
      await waitUntil(() => !part<HTMLButtonElement>(el, 'next').disabled, 'Next never enabled');
      const link = cards(el)[1]!.querySelector<HTMLElement>('[part="link"]')!;
      link.focus();
      // Dispatched, not pressed: a real Alt+Left would take the test page back.
      const event = new KeyboardEvent('keydown', { key, [modifier]: true, bubbles: true, composed: true, cancelable: true });
      link.dispatchEvent(event);
      expect(event.defaultPrevented, 'the key was taken').to.equal(false);
      expect(focused(), 'focus moved').to.equal('link@2');
    });
  }

  it('Arrow keys keep focus on template cards while the carousel scrolls', async () => {
    const template = '<template><a data-href class="tpl"><span data-field="title"></span></a></template>';
    const el = await mount('recs-carousel', 'ok', { 'slides-per-view': '2' }, 420, template);
    await stateIs(el, 'ready');
    await waitUntil(() => shadow(el).querySelectorAll('.tpl').length === 4, 'the template was not used');
    const rank = () => focused().split('@')[1];
    shadow(el).querySelector<HTMLElement>('.tpl')!.focus();
    await sendKeys({ press: 'ArrowRight' });
    await sleep(400);
    expect(rank(), 'focused card after ArrowRight').to.equal('2');
    await sendKeys({ press: 'End' });
    await sleep(600);
    expect(rank(), 'focused card after End').to.equal('4');
  });

  it('Previous/Next buttons scroll by a view', async () => {
    const el = await mount('recs-carousel', 'ok', { 'slides-per-view': '2' });
    await stateIs(el, 'ready');
    const track = part(el, 'track');
    await waitUntil(() => !part<HTMLButtonElement>(el, 'next').disabled);
    part(el, 'next').click();
    // One view of two cards on: the third card is now first in view.
    await waitUntil(() => Math.abs(cards(el)[2]!.getBoundingClientRect().left - track.getBoundingClientRect().left) < 8, `Next scrolled to ${track.scrollLeft}, not a view (${track.clientWidth})`);
    part(el, 'prev').click();
    await waitUntil(() => atStart(el), 'Previous did not scroll back to the first card');
  });
});

describe('<recs-carousel> right to left', () => {
  const mountRtl = async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div dir="rtl" lang="ar" style="width: 420px">
      <recs-carousel transport="proxy" endpoint=${`/stub/proxy/ok/${uid()}`} lazy="false" slides-per-view="2" heading="قد يعجبك أيضًا"></recs-carousel>
    </div>`);
    const el = wrapper.querySelector('recs-carousel')!;
    await stateIs(el, 'ready');
    return el;
  };

  it('mirrors Previous and Next: Previous on the right, arrows turned by the text direction', async () => {
    const el = await mountRtl();
    const prev = part(el, 'prev').getBoundingClientRect();
    const next = part(el, 'next').getBoundingClientRect();
    expect(prev.left).to.be.greaterThan(next.left);
    const arrow = part(el, 'prev').querySelector('.arrow') ?? part(el, 'prev');
    // ‹ › are bidi-mirrored in right-to-left text; a transform as well would turn them back (design-rtl.test.ts draws them).
    expect([getComputedStyle(arrow).direction, getComputedStyle(arrow).transform]).to.deep.equal(['rtl', 'none']);
    // The first card starts at the right edge.
    const track = part(el, 'track').getBoundingClientRect();
    expect(Math.abs(cards(el)[0]!.getBoundingClientRect().right - track.right)).to.be.lessThan(4);
  });

  it('ArrowLeft goes forward and ArrowRight back', async () => {
    const el = await mountRtl();
    cards(el)[0]!.querySelector<HTMLElement>('[part="link"]')!.focus();
    await sendKeys({ press: 'ArrowLeft' });
    expect(focused()).to.equal('link@2');
    await sendKeys({ press: 'ArrowRight' });
    expect(focused()).to.equal('link@1');
  });

  it('Next scrolls toward the end of the row (leftwards)', async () => {
    const el = await mountRtl();
    const track = part(el, 'track');
    await waitUntil(() => !part<HTMLButtonElement>(el, 'next').disabled, 'Next stayed disabled in RTL');
    part(el, 'next').click();
    await waitUntil(() => track.scrollLeft < -10, `scrollLeft stayed ${track.scrollLeft}`);
  });
});

describe('reduced motion', () => {
  afterEach(() => emulateMedia({ reducedMotion: 'no-preference' }));

  it('scrolls the track instantly when the shopper asks for reduced motion, smoothly otherwise', async () => {
    const el = await mount('recs-carousel', 'ok');
    await stateIs(el, 'ready');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(part(el, 'track')).scrollBehavior).to.equal('auto');
    await emulateMedia({ reducedMotion: 'no-preference' });
    expect(getComputedStyle(part(el, 'track')).scrollBehavior).to.equal('smooth');
  });

  it('stops the skeleton pulse', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    const el = await mount('recs-list', 'slow', { limit: '2' });
    const skeleton = shadow(el).querySelector('[part="skeleton"]')!;
    expect(getComputedStyle(skeleton).animationName).to.equal('none');
    await emulateMedia({ reducedMotion: 'no-preference' });
    expect(getComputedStyle(skeleton).animationName).to.equal('pulse');
  });
});

describe('a hostile host page', () => {
  let style: HTMLStyleElement | undefined;
  afterEach(() => {
    style?.remove();
    style = undefined;
  });

  for (const tag of TAGS) {
    it(`cannot collapse or reflow <${tag}>'s cards (all: unset, img hidden, 5px root font)`, async () => {
      style = document.createElement('style');
      style.textContent = '* { all: unset } img { display: none } html { font-size: 5px }';
      document.head.append(style);
      const el = await mount(tag, 'ok', { heading: 'You may also like' }, 600);
      await stateIs(el, 'ready');
      await nextFrame();
      for (const card of cards(el)) {
        // The image box (an item without an image keeps the box, empty).
        const image = card.querySelector('.media, [part="image"]')!.getBoundingClientRect();
        expect(image.width, 'image width').to.be.greaterThan(50);
        expect(image.height, 'image height').to.be.greaterThan(50);
        const title = card.querySelector<HTMLElement>('[part="title"]')!;
        expect(title.checkVisibility(), 'title visible').to.equal(true);
        expect(title.getBoundingClientRect().height, 'title height').to.be.greaterThan(10);
        expect(getComputedStyle(title).fontSize).to.equal('14px');
      }
      expect(part(el, 'heading').checkVisibility()).to.equal(true);
    });
  }
});

describe('a card template with hostile data', () => {
  for (const tag of TAGS) {
    it(`<${tag}> fills data-field as text and data-href only with safe URLs; no script runs`, async () => {
      const win = window as unknown as { __pwned?: number };
      win.__pwned = undefined;
      const template = `<template>
        <a data-href class="tpl"><img data-field="image" alt=""><b data-field="title"></b><i data-field="brand"></i><span data-field="price"></span><em data-field="badge"></em></a>
      </template>`;
      const el = await mount(tag, 'hostile', {}, 600, template);
      await stateIs(el, 'ready');
      await sleep(150);
      expect(win.__pwned).to.equal(undefined);
      const root = shadow(el);
      expect(root.querySelectorAll('.tpl')).to.have.length.greaterThan(0);
      expect(root.querySelectorAll('script, iframe, object, embed, [onerror], [onload], [onclick]')).to.have.length(0);
      const titles = [...root.querySelectorAll('[data-field="title"]')].map((node) => node.textContent);
      expect(titles[0]).to.equal('<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>Nice shoe');
      expect(root.querySelector('[data-field="brand"]')!.textContent).to.equal('<b>Bold</b>');
      for (const node of root.querySelectorAll('[href], [src]')) {
        const url = node.getAttribute('href') ?? node.getAttribute('src')!;
        expect(/^(https?:|\/)/.test(url), `unsafe URL reached the DOM: ${url}`).to.equal(true);
      }
      // Items without a safe URL keep no href at all (not a "javascript:" one).
      const first = root.querySelector('.tpl')!;
      expect(first.hasAttribute('href')).to.equal(false);
      expect(first.querySelector('img')!.hasAttribute('src')).to.equal(false);
    });
  }
});

/** A stand-in for IntersectionObserver that the test moves by hand. */
class FakeIntersectionObserver {
  static all: FakeIntersectionObserver[] = [];
  readonly targets = new Set<Element>();
  constructor(private readonly callback: IntersectionObserverCallback, readonly options: IntersectionObserverInit = {}) {
    FakeIntersectionObserver.all.push(this);
  }
  observe(target: Element) {
    this.targets.add(target);
  }
  unobserve(target: Element) {
    this.targets.delete(target);
  }
  disconnect() {
    this.targets.clear();
  }
  takeRecords() {
    return [];
  }
  /** Tells every observer watching `target` that `ratio` of it is visible. */
  static show(target: Element, ratio: number) {
    for (const observer of FakeIntersectionObserver.all) {
      if (!observer.targets.has(target)) continue;
      const rect = target.getBoundingClientRect();
      const entry = { target, isIntersecting: ratio > 0, intersectionRatio: ratio, boundingClientRect: rect, intersectionRect: rect, rootBounds: null, time: performance.now() };
      observer.callback([entry as IntersectionObserverEntry], observer as unknown as IntersectionObserver);
    }
  }
}

describe('impressions with controlled visibility', () => {
  const Real = window.IntersectionObserver;
  beforeEach(() => {
    FakeIntersectionObserver.all = [];
    window.IntersectionObserver = FakeIntersectionObserver as unknown as typeof IntersectionObserver;
  });
  afterEach(() => {
    window.IntersectionObserver = Real;
  });

  for (const tag of TAGS) {
    it(`<${tag}> reports a card only after it is half visible for one second, once, and never one glimpsed for less`, async () => {
      const el = await mount(tag, 'ok', {}, 900);
      await stateIs(el, 'ready');
      const reported: string[][] = [];
      el.addEventListener('recs-impression', (event) => reported.push(event.detail.items.map((item) => item.id)));
      const [first, second, third] = cards(el);
      await waitUntil(() => FakeIntersectionObserver.all.some((observer) => observer.targets.has(first!)), 'no observer watches the cards');

      FakeIntersectionObserver.show(first!, 0.6); // seen for good
      FakeIntersectionObserver.show(second!, 0.6); // scrolled past after half a second
      FakeIntersectionObserver.show(third!, 0.4); // never half visible
      await sleep(500);
      FakeIntersectionObserver.show(second!, 0);
      await sleep(300);
      expect(reported, 'reported before one second had passed').to.deep.equal([]);
      await sleep(400);
      expect(reported).to.deep.equal([['sku-1']]);

      // Seen again: not reported twice.
      FakeIntersectionObserver.show(first!, 0);
      FakeIntersectionObserver.show(first!, 1);
      await sleep(1200);
      expect(reported).to.deep.equal([['sku-1']]);
    });
  }
});

describe('the cards region is busy only while loading', () => {
  for (const tag of TAGS) {
    it(`<${tag}>: aria-busy while loading, not once empty or failed (their slot is final content)`, async () => {
      const busy = (el: Element) => el.shadowRoot!.querySelector('.root')!.getAttribute('aria-busy');
      let answer!: (value: { items: never[] }) => void;
      const empty = document.createElement(tag) as RecsElement;
      empty.setAttribute('lazy', 'false');
      empty.setAttribute('empty-label', 'Nothing to recommend yet');
      empty.transport = { fetch: () => new Promise((resolve) => (answer = resolve)) };
      const failed = document.createElement(tag) as RecsElement;
      failed.setAttribute('lazy', 'false');
      failed.innerHTML = '<p slot="error">Recommendations are unavailable right now.</p>';
      failed.transport = { fetch: () => Promise.reject(new Error('down')) };
      await fixture(html`<div style="width: 760px">${empty}${failed}</div>`);
      await stateIs(empty, 'loading');
      await empty.updateComplete;
      expect(busy(empty)).to.equal('true');
      answer({ items: [] });
      await stateIs(empty, 'empty');
      await stateIs(failed, 'error');
      await Promise.all([empty.updateComplete, failed.updateComplete]);
      expect([busy(empty), busy(failed)]).to.deep.equal(['false', 'false']);
    });
  }
});
