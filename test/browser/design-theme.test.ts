/**
 * Designer: the theming contract of docs/designer.md, read from the page itself. Every custom property in its table
 * takes effect where it says (a computed style in the rendered widget) and has the default it says; every part in its
 * table is on the widget, and the widget has no part the table leaves out. Then what a designer does with them: a
 * brand font and colours, dark mode by the shopper's setting and by the site's own class, reduced motion.
 * (Focus rings, forced colours, inherited text and long values: the other design-*.test.ts files.)
 */
import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { RecsElement } from '../../src/elements/recs-element.js';
import '../../src/define.js';
import { TAGS, type Tag, shadow, stateIs } from './helpers.js';

const ITEMS = [
  { id: 'a', title: 'Trail shoe', brand: 'Acme', url: '/p/a', price: { amount: 89, currency: 'EUR' } },
  { id: 'b', title: 'Hiking sock', brand: 'Acme', url: '/p/b', price: { amount: 12, currency: 'EUR' }, inStock: false },
  { id: 'c', title: 'Rain jacket', url: '/p/c', price: { amount: 120, currency: 'EUR' } },
  { id: 'd', title: 'Water bottle', url: '/p/d', price: { amount: 9, currency: 'EUR' } },
  { id: 'e', title: 'Cap', url: '/p/e', price: { amount: 19, currency: 'EUR' } },
  { id: 'f', title: 'Belt', url: '/p/f', price: { amount: 29, currency: 'EUR' } },
];
const WIDTH = 700;

type State = 'ready' | 'loading' | 'empty';
/** A widget WIDTH px wide in a wrapper with `wrapperStyle`, its own `style`, fed ITEMS (or none, or never). */
async function mount(tag: Tag, { style = '', wrapperStyle = '', state = 'ready' as State, attributes = {} as Record<string, string> } = {}): Promise<RecsElement> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style=${`width: ${WIDTH}px; ${wrapperStyle}`}></div>`);
  const el = document.createElement(tag) as RecsElement;
  for (const [name, value] of Object.entries({ lazy: 'false', locale: 'en-US', heading: 'You may also like', 'add-to-cart': '', style, ...attributes })) el.setAttribute(name, value);
  el.transport = { fetch: () => (state === 'loading' ? new Promise(() => {}) : Promise.resolve({ items: state === 'empty' ? [] : structuredClone(ITEMS) })) };
  wrapper.append(el);
  await stateIs(el, state);
  await nextFrame();
  return el;
}

const part = (el: Element, name: string) => shadow(el).querySelector<HTMLElement>(`[part~="${name}"]`)!;
const style = (el: Element, name: string, pseudo?: string) => getComputedStyle(part(el, name), pseudo);
/** A colour as the browser computes it. */
const rgb = (colour: string) => {
  const probe = document.createElement('i');
  probe.style.color = colour;
  document.body.append(probe);
  const value = getComputedStyle(probe).color;
  probe.remove();
  return value;
};

/** docs/designer.md's tables, by their first column: code names and the default column. */
async function designerTable(firstHeader: string): Promise<Map<string, string>> {
  const text = await (await fetch('/docs/designer.md')).text();
  const rows = new Map<string, string>();
  let inTable = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(`| ${firstHeader} |`)) inTable = true;
    else if (inTable && !line.startsWith('|')) break;
    else if (inTable && !line.startsWith('| ---')) {
      const [names, second = ''] = line.split('|').slice(1).map((cell) => cell.trim());
      for (const name of names!.match(/`[^`]+`/g) ?? []) rows.set(name.slice(1, -1), second);
    }
  }
  return rows;
}

/**
 * Each documented property: what it changes (a value set, read back from the widget) and its default (read with
 * nothing set), with the text the table's default column must hold. `check` returns what the widget shows.
 */
interface Property { tags: readonly Tag[]; set: string; documented: string; check: (el: RecsElement) => unknown; expected: unknown; fallback: unknown; state?: State }
const both = TAGS;
const PROPERTIES: Record<string, Property> = {
  '--recs-font': { tags: both, set: 'italic 400 15px/20px serif', documented: '`400 14px/20px system-ui, sans-serif`', check: (el) => style(el, 'title').font, expected: 'italic 15px / 20px serif', fallback: '14px / 20px system-ui, sans-serif' },
  '--recs-heading-font': { tags: both, set: '700 22px/30px serif', documented: '`600 18px/24px system-ui, sans-serif`', check: (el) => style(el, 'heading').font, expected: '700 22px / 30px serif', fallback: '600 18px / 24px system-ui, sans-serif' },
  // The heading takes the widget's text colour, not the page's: the wrapper is red in every test here.
  '--recs-heading-color': { tags: both, set: '#010203', documented: 'the text colour (`--recs-color-text`)', check: (el) => style(el, 'heading').color, expected: rgb('#010203'), fallback: rgb('#1a1a1a') },
  '--recs-color-text': { tags: both, set: '#040506', documented: '`#1a1a1a`', check: (el) => [style(el, 'title').color, style(el, 'heading').color, style(el, 'price').color], expected: Array(3).fill(rgb('#040506')), fallback: Array(3).fill(rgb('#1a1a1a')) },
  '--recs-color-muted': { tags: both, set: '#070809', documented: '`#5c5c5c`', check: (el) => style(el, 'brand').color, expected: rgb('#070809'), fallback: rgb('#5c5c5c') },
  '--recs-price-color': { tags: both, set: '#0a0b0c', documented: 'text colour', check: (el) => style(el, 'price').color, expected: rgb('#0a0b0c'), fallback: rgb('#1a1a1a') },
  '--recs-color-accent': { tags: both, set: '#0d0e0f', documented: '`#2f5bd3`', check: (el) => style(el, 'add-to-cart').backgroundColor, expected: rgb('#0d0e0f'), fallback: rgb('#2f5bd3') },
  '--recs-button-text': { tags: both, set: '#101112', documented: '`#fff`', check: (el) => style(el, 'add-to-cart').color, expected: rgb('#101112'), fallback: rgb('#fff') },
  '--recs-radius': { tags: both, set: '3px', documented: '`8px`', check: (el) => [part(el, 'image').parentElement!, part(el, 'link'), part(el, 'add-to-cart')].map((box) => getComputedStyle(box).borderRadius), expected: ['3px', '3px', '3px'], fallback: ['8px', '8px', '8px'] },
  '--recs-gap': { tags: both, set: '10px', documented: '`16px`', check: (el) => part(el, 'card').nextElementSibling!.getBoundingClientRect().left - part(el, 'card').getBoundingClientRect().right, expected: 10, fallback: 16 },
  // List: columns of at least this width (700px: 3 of 180px by default, 2 of 300px). Carousel: this width exactly.
  '--recs-card-width': { tags: ['recs-list'], set: '300px', documented: 'list: `180px`', check: (el) => Math.round(part(el, 'card').getBoundingClientRect().width), expected: Math.round((WIDTH - 16) / 2), fallback: Math.round((WIDTH - 2 * 16) / 3) },
  '--recs-slides-per-view': { tags: ['recs-carousel'], set: '2.5', documented: '2, 3, 4 or 5 by the widget', check: (el) => Math.round(part(el, 'card').getBoundingClientRect().width), expected: Math.round((WIDTH - 4 - 1.5 * 16) / 2.5), fallback: Math.round((WIDTH - 4 - 2 * 16) / 3) },
  '--recs-image-ratio': { tags: both, set: '3 / 4', documented: '`1 / 1`', check: (el) => { const box = part(el, 'image').getBoundingClientRect(); return Math.round((box.width / box.height) * 100) / 100; }, expected: 0.75, fallback: 1 },
  '--recs-image-fit': { tags: both, set: 'contain', documented: '`cover`', check: (el) => style(el, 'image').objectFit, expected: 'contain', fallback: 'cover' },
  '--recs-image-background': { tags: both, set: '#131415', documented: '`#f2f2f2`', check: (el) => getComputedStyle(part(el, 'image').parentElement!).backgroundColor, expected: rgb('#131415'), fallback: rgb('#f2f2f2') },
  '--recs-skeleton-color': { tags: both, state: 'loading', set: '#161718', documented: '`#ececec`', check: (el) => style(el, 'skeleton', '::before').backgroundColor, expected: rgb('#161718'), fallback: rgb('#ececec') },
  '--recs-badge-color': { tags: both, set: '#191a1b', documented: '`#7a1d1d`', check: (el) => style(el, 'badge').color, expected: rgb('#191a1b'), fallback: rgb('#7a1d1d') },
  '--recs-badge-background': { tags: both, set: '#1c1d1e', documented: '`#fbe9e9`', check: (el) => style(el, 'badge').backgroundColor, expected: rgb('#1c1d1e'), fallback: rgb('#fbe9e9') },
  '--recs-button-size': { tags: ['recs-carousel'], set: '44px', documented: '`36px`', check: (el) => { const box = part(el, 'prev').getBoundingClientRect(); return [box.width, box.height]; }, expected: [44, 44], fallback: [36, 36] },
  '--recs-button-background': { tags: ['recs-carousel'], set: '#1f2021', documented: '`#fff`', check: (el) => style(el, 'next').backgroundColor, expected: rgb('#1f2021'), fallback: rgb('#fff') },
  '--recs-button-border': { tags: ['recs-carousel'], set: '#222324', documented: '`#c8c8c8`', check: (el) => style(el, 'next').borderTopColor, expected: rgb('#222324'), fallback: rgb('#c8c8c8') },
  '--recs-button-color': { tags: ['recs-carousel'], set: '#252627', documented: '`#1a1a1a`', check: (el) => style(el, 'next').color, expected: rgb('#252627'), fallback: rgb('#1a1a1a') },
};

describe('designer: every documented custom property takes effect, with its documented default', () => {
  it('docs/designer.md lists exactly the properties checked here, each default as checked', async () => {
    const table = await designerTable('property');
    expect([...table.keys()].sort()).to.deep.equal(Object.keys(PROPERTIES).sort());
    for (const [name, { documented }] of Object.entries(PROPERTIES)) expect(table.get(name), `${name}'s default in docs/designer.md`).to.contain(documented);
  });

  for (const [name, property] of Object.entries(PROPERTIES)) {
    for (const tag of property.tags) {
      it(`<${tag}> ${name}`, async () => {
        const wrapperStyle = 'color: rgb(200, 0, 0)';
        const plain = await mount(tag, { wrapperStyle, ...(property.state ? { state: property.state } : {}) });
        expect(property.check(plain), 'default').to.deep.equal(property.fallback);
        const themed = await mount(tag, { wrapperStyle, style: `${name}: ${property.set}`, ...(property.state ? { state: property.state } : {}) });
        expect(property.check(themed), `with ${name}: ${property.set}`).to.deep.equal(property.expected);
      });
    }
  }

  it("--recs-font is a whole shorthand: a family alone is invalid there, and the cards take the page's font (as docs/designer.md warns)", async () => {
    const el = await mount('recs-list', { wrapperStyle: 'font: 18px/28px monospace', style: '--recs-font: Georgia, serif' });
    expect(style(el, 'title').font).to.equal('18px / 28px monospace');
    const row = (await (await fetch('/docs/designer.md')).text()).split('\n').find((line) => line.startsWith('| `--recs-font` |'));
    expect(row).to.contain('a family alone is no font shorthand');
  });

  it('<recs-carousel> --recs-card-width: a fixed card width, over slides per view', async () => {
    const el = await mount('recs-carousel', { style: '--recs-card-width: 150px; --recs-slides-per-view: 2', attributes: { 'slides-per-view': '3' } });
    expect(part(el, 'card').getBoundingClientRect().width).to.equal(150);
  });
});

describe('designer: the parts table is the parts', () => {
  it('docs/designer.md names every part the widgets have, in every state, and no other', async () => {
    const documented = [...(await designerTable('part')).keys()].sort();
    const seen = new Set<string>();
    for (const tag of TAGS) {
      for (const state of ['ready', 'loading', 'empty'] as const) {
        const el = await mount(tag, { state, attributes: { 'empty-label': 'Nothing yet' } });
        for (const node of shadow(el).querySelectorAll('[part]')) for (const name of node.getAttribute('part')!.split(' ')) seen.add(name);
      }
    }
    expect([...seen].sort()).to.deep.equal(documented);
  });
});

describe('designer: a brand theme, dark mode, reduced motion', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  // docs/designer.md's own example: light-dark() colours, and the page's color-scheme.
  const theme = '--recs-color-text: light-dark(#1f2a24, #e9e7e2); --recs-color-accent: light-dark(#2d6a4f, #82c9a5); --recs-font: 400 15px/20px Georgia, serif';

  for (const tag of TAGS) {
    it(`<${tag}> follows the shopper's dark setting (prefers-color-scheme) when the page declares color-scheme: light dark`, async () => {
      await emulateMedia({ colorScheme: 'dark' });
      const el = await mount(tag, { style: theme, wrapperStyle: 'color-scheme: light dark' });
      expect(style(el, 'title').color).to.equal(rgb('#e9e7e2'));
      expect(style(el, 'add-to-cart').backgroundColor).to.equal(rgb('#82c9a5'));
      expect(style(el, 'title').fontFamily).to.equal('Georgia, serif');
      await emulateMedia({ colorScheme: 'light' });
      expect(style(el, 'title').color).to.equal(rgb('#1f2a24'));
    });

    it(`<${tag}> follows a site's own dark class that sets color-scheme: dark, whatever the shopper's setting`, async () => {
      const el = await mount(tag, { style: theme, wrapperStyle: 'color-scheme: dark' });
      expect(style(el, 'title').color).to.equal(rgb('#e9e7e2'));
      // A dark class with only its own property values works too, without light-dark().
      const plain = await mount(tag, { style: '--recs-color-text: #eeeeee; --recs-heading-color: #ffffff' });
      expect([style(plain, 'title').color, style(plain, 'heading').color]).to.deep.equal([rgb('#eeeeee'), rgb('#ffffff')]);
    });

    it(`<${tag}> drops the skeleton pulse and smooth paging for shoppers who ask for reduced motion`, async () => {
      const moving = await mount(tag, { state: 'loading' });
      expect(style(moving, 'skeleton').animationName).to.equal('pulse');
      await emulateMedia({ reducedMotion: 'reduce' });
      expect(style(moving, 'skeleton').animationName).to.equal('none');
      if (tag === 'recs-carousel') {
        const el = await mount(tag);
        expect(style(el, 'track').scrollBehavior).to.equal('auto');
        await emulateMedia({ reducedMotion: 'no-preference' });
        expect(style(el, 'track').scrollBehavior).to.equal('smooth');
      }
    });
  }
});
