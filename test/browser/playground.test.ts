/**
 * The designer's playground (demo/playground.html): the manifest it is generated from
 * lists everything both elements offer, its controls change the live widget, and the
 * snippet it produces, pasted into a fresh page, is a working widget.
 */
import 'axe-core';
import type { AxeResults, RunOptions } from 'axe-core';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import {
  mountPlayground,
  snippetFor,
  themeCss,
  isSafeCssValue,
  declarationFor,
  DEFAULT_SCRIPT_SRC,
  type Manifest,
  type Playground,
  type PlaygroundState,
} from '../../demo/playground.js';
import type { RecsElement } from '../../src/elements/recs-element.js';
import { uid } from './helpers.js';

const cards = (el: Element) => [...el.shadowRoot!.querySelectorAll('[part="card"]')];
const stateIs = (el: Element, state: string) => {
  // The preview sits below a long, unstyled form here; widgets are lazy, so bring it into view.
  el.scrollIntoView();
  return waitUntil(() => el.getAttribute('state') === state, `state never became ${state} (is ${el.getAttribute('state')})`, { timeout: 6000 });
};

let manifest: Manifest;
before(async () => {
  const response = await fetch('/custom-elements.json');
  expect(response.ok, 'custom-elements.json is missing: run `npm run build` (or `npm run manifest`) first').to.equal(true);
  manifest = await response.json();
});

describe('custom-elements.json', () => {
  const SHARED_PARTS = ['heading', 'card', 'link', 'image', 'title', 'brand', 'price', 'badge', 'skeleton', 'add-to-cart'];
  const SHARED_CSS = [
    '--recs-card-width', '--recs-gap', '--recs-radius', '--recs-font', '--recs-heading-font', '--recs-heading-color',
    '--recs-color-text', '--recs-color-muted', '--recs-price-color', '--recs-color-accent',
    '--recs-image-ratio', '--recs-image-fit', '--recs-image-background', '--recs-skeleton-color',
    '--recs-badge-color', '--recs-badge-background',
  ];
  const OWN: Record<string, { parts: string[]; css: string[] }> = {
    'recs-carousel': { parts: ['region', 'track', 'prev', 'next'], css: ['--recs-slides-per-view', '--recs-button-size', '--recs-button-background', '--recs-button-border', '--recs-button-color'] },
    'recs-list': { parts: ['list'], css: [] },
  };

  for (const tag of ['recs-carousel', 'recs-list'] as const) {
    describe(`<${tag}>`, () => {
      const declaration = () => {
        const found = declarationFor(manifest, tag);
        expect(found, `no declaration with tagName ${tag}`).to.not.equal(undefined);
        return found!;
      };
      const names = (list: { name: string }[] | undefined) => (list ?? []).map((entry) => entry.name);

      it('lists exactly the attributes the element observes (the manifest is not stale)', () => {
        const observed = (customElements.get(tag) as unknown as { observedAttributes: string[] }).observedAttributes;
        expect([...names(declaration().attributes)].sort()).to.deep.equal([...observed].sort());
      });

      it('documents every attribute (a description for each)', () => {
        const undocumented = (declaration().attributes ?? []).filter((attribute) => !attribute.description).map((attribute) => attribute.name);
        expect(undocumented, `attributes without JSDoc: ${undocumented.join(', ')}`).to.deep.equal([]);
      });

      it('lists the events, slots and parts', () => {
        expect(names(declaration().events)).to.include.members(['recs-load', 'recs-empty', 'recs-error', 'recs-click', 'recs-impression', 'recs-add-to-cart']);
        expect(names(declaration().slots)).to.include.members(['empty', 'error']);
        expect(names(declaration().cssParts)).to.include.members([...SHARED_PARTS, ...OWN[tag]!.parts]);
      });

      it('lists the CSS custom properties', () => {
        const missing = [...SHARED_CSS, ...OWN[tag]!.css].filter((name) => !names(declaration().cssProperties).includes(name));
        expect(missing, `@cssproperty missing for <${tag}>: ${missing.join(', ')}`).to.deep.equal([]);
      });
    });
  }
});

describe('snippetFor()', () => {
  const base: PlaygroundState = {
    tag: 'recs-carousel',
    attributes: { transport: 'proxy', endpoint: '/recs/similar', heading: 'You may also like' },
    theme: {},
    slots: {},
    template: false,
    scheme: 'light',
    scriptSrc: DEFAULT_SCRIPT_SRC,
  };

  it('is the stylesheet, the script tag and the element, with no style block when nothing is themed', () => {
    expect(snippetFor(base)).to.equal(
      '<link rel="stylesheet" href="https://cdn.example/recs-widget/dist/recs.css">\n' +
        `<script type="module" src="${DEFAULT_SCRIPT_SRC}"></script>\n\n` +
        '<recs-carousel\n  transport="proxy"\n  endpoint="/recs/similar"\n  heading="You may also like"></recs-carousel>',
    );
  });

  it('links recs.css from beside the script, before it, wherever the script is hosted', () => {
    const doc = new DOMParser().parseFromString(snippetFor({ ...base, scriptSrc: '/static/widgets/recs.js?v=2' }), 'text/html');
    expect(doc.head.querySelector('link[rel="stylesheet"] + script')).to.not.equal(null);
    expect(doc.querySelector('link')!.getAttribute('href')).to.equal('/static/widgets/recs.css');
    expect(doc.querySelector('script')!.getAttribute('src')).to.equal('/static/widgets/recs.js?v=2');
  });

  it('writes boolean attributes bare, lazy="false" as a value, and the theme as a style block', () => {
    const snippet = snippetFor({
      ...base,
      tag: 'recs-list',
      attributes: { transport: 'proxy', 'add-to-cart': '', lazy: 'false' },
      theme: { '--recs-gap': { light: '24px' }, '--recs-color-text': { light: '#111111', dark: '#eeeeee' } },
    });
    expect(snippet).to.contain('\n  add-to-cart\n');
    expect(snippet).to.contain('lazy="false"');
    expect(snippet).to.contain('<style>');
    expect(snippet).to.contain('  recs-list {\n    --recs-gap: 24px;\n    --recs-color-text: light-dark(#111111, #eeeeee);\n  }');
  });

  it('keeps whatever a designer types as text: markup in values cannot become elements', () => {
    const hostile = '"><script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">';
    const snippet = snippetFor({ ...base, attributes: { ...base.attributes, heading: hostile }, slots: { empty: `</p>${hostile}` } });
    const doc = new DOMParser().parseFromString(snippet, 'text/html');
    expect(doc.querySelectorAll('script')).to.have.length(1); // only the real script tag
    expect(doc.querySelectorAll('img, [onerror]')).to.have.length(0);
    expect(doc.querySelector('recs-carousel')!.getAttribute('heading')).to.equal(hostile);
    expect(doc.querySelector('[slot="empty"]')!.textContent).to.equal(`</p>${hostile}`);
  });

  it('drops CSS values that could end the rule or the style element', () => {
    for (const value of ['red; } body { display: none', '</style><script>1</script>', 'url(x', 'a /* b', '"open']) expect(isSafeCssValue(value), value).to.equal(false);
    for (const value of ['#2f5bd3', '12px', 'light-dark(#fff, #000)', "400 14px/20px 'Segoe UI', sans-serif", '4 / 5']) expect(isSafeCssValue(value), value).to.equal(true);
    expect(themeCss('recs-list', { '--recs-gap': { light: '1px; } * { display: none' } })).to.equal('');
  });
});

describe('the playground page', () => {
  let playground: Playground | undefined;
  let endpoint: string;
  afterEach(() => {
    playground?.destroy();
    playground = undefined;
  });

  async function open(initial: Partial<PlaygroundState> = {}): Promise<{ root: HTMLElement; playground: Playground }> {
    endpoint = `/stub/proxy/ok/${uid()}`;
    const root = await fixture<HTMLDivElement>(html`<div style="width: 1100px"></div>`);
    playground = mountPlayground(root, { manifest, placements: { stub: endpoint }, initial });
    return { root, playground };
  }

  const control = <T extends HTMLElement = HTMLInputElement>(root: HTMLElement, selector: string) => {
    const found = root.querySelector<T>(selector);
    expect(found, `no control ${selector}`).to.not.equal(null);
    return found!;
  };
  const type = (input: HTMLInputElement, value: string) => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const choose = (select: HTMLSelectElement, value: string) => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const toggle = (box: HTMLInputElement) => {
    box.click();
  };
  const snippetText = (root: HTMLElement) => root.querySelector('.pg-snippet-code')!.textContent!;

  it('shows a live carousel from the proxy route, and offers a control for every attribute', async () => {
    const { root, playground } = await open();
    const widget = playground.widget;
    expect(widget.localName).to.equal('recs-carousel');
    expect(widget.getAttribute('endpoint')).to.equal(endpoint);
    await stateIs(widget, 'ready');
    expect(cards(widget)).to.have.length(4);
    const offered = [...root.querySelectorAll<HTMLElement>('[data-attribute]')].map((element) => element.dataset.attribute);
    const expected = (declarationFor(manifest, 'recs-carousel')!.attributes ?? []).map((attribute) => attribute.name).filter((name) => name !== 'state');
    expect(offered.sort()).to.deep.equal(expected.sort());
    expect(root.querySelector('.pg-status')!.textContent).to.contain('ready');
  });

  it('changes the widget as controls change: text, numbers, booleans', async () => {
    const { root, playground } = await open();
    const widget = playground.widget as RecsElement;
    await stateIs(widget, 'ready');

    type(control(root, '[data-attribute="heading"]'), 'Complete the look');
    expect(widget.getAttribute('heading')).to.equal('Complete the look');
    await widget.updateComplete;
    expect(widget.shadowRoot!.querySelector('[part="heading"]')!.textContent).to.equal('Complete the look');

    type(control(root, '[data-attribute="limit"]'), '2');
    expect(widget.getAttribute('limit')).to.equal('2');
    await waitUntil(() => cards(widget).length === 2, 'limit=2 did not leave two cards');

    toggle(control(root, '[data-attribute="add-to-cart"]'));
    expect(widget.getAttribute('add-to-cart')).to.equal('');
    toggle(control(root, '[data-attribute="lazy"]'));
    expect(widget.getAttribute('lazy')).to.equal('false');

    type(control(root, '[data-attribute="heading"]'), '');
    expect(widget.hasAttribute('heading')).to.equal(false);

    const snippet = snippetText(root);
    expect(snippet).to.contain('limit="2"');
    expect(snippet).to.contain('\n  add-to-cart');
    expect(snippet).to.contain('lazy="false"');
    expect(snippet).not.to.contain('heading=');
  });

  it('switches between <recs-carousel> and <recs-list>, keeping shared attributes', async () => {
    const { root, playground } = await open();
    type(control(root, '[data-attribute="heading"]'), 'Bestsellers');
    type(control(root, '[data-attribute="slides-per-view"]'), '3');
    choose(control<HTMLSelectElement>(root, '[data-control="element"]'), 'recs-list');
    const widget = playground.widget;
    expect(widget.localName).to.equal('recs-list');
    expect(widget.getAttribute('heading')).to.equal('Bestsellers');
    expect(widget.hasAttribute('slides-per-view')).to.equal(false);
    expect(root.querySelector('[data-attribute="slides-per-view"]')).to.equal(null);
    await stateIs(widget, 'ready');
    expect(widget.shadowRoot!.querySelector('[part="list"]')).to.not.equal(null);
    expect(snippetText(root)).to.contain('<recs-list');
  });

  it('shows the vendor attributes of Snappy and Yespo, and says they need keys and network', async () => {
    const { root, playground } = await open();
    choose(control<HTMLSelectElement>(root, '[data-attribute="transport"]'), 'snappy');
    const widget = playground.widget;
    expect(widget.getAttribute('transport')).to.equal('snappy');
    expect(widget.getAttribute('endpoint')).to.equal('https://api.snappy.com/public-api');
    expect(widget.getAttribute('location')).to.equal('US');
    expect(control(root, '[data-attribute="api-key"]').value).to.equal('YOUR_SNAPPY_API_KEY');
    expect(root.querySelector('[data-note="snappy"]')!.textContent).to.match(/API key/);

    choose(control<HTMLSelectElement>(root, '[data-attribute="transport"]'), 'yespo');
    expect(widget.getAttribute('source-id')).to.equal('1244');
    expect(widget.hasAttribute('location')).to.equal(false);
    expect(root.querySelector('[data-note="yespo"]')!.textContent).to.match(/API key/);
  });

  it('themes the live widget with custom properties, per colour scheme', async () => {
    const { root, playground } = await open();
    const widget = playground.widget;
    await stateIs(widget, 'ready');
    type(control(root, '[data-css="--recs-gap"]'), '28');
    type(control(root, '[data-css="--recs-radius"]'), '2');
    expect(getComputedStyle(widget).getPropertyValue('--recs-gap').trim()).to.equal('28px');
    const image = widget.shadowRoot!.querySelector('.media')!;
    expect(getComputedStyle(image).borderTopLeftRadius).to.equal('2px');

    type(control(root, '[data-css="--recs-color-text"]'), '#112233');
    control<HTMLButtonElement>(root, '[data-scheme="dark"]').click();
    expect(root.style.colorScheme).to.equal('dark');
    type(control(root, '[data-css="--recs-color-text"]'), '#ddeeff');
    const title = widget.shadowRoot!.querySelector('[part="title"]')!;
    expect(getComputedStyle(title).color).to.equal('rgb(221, 238, 255)');
    control<HTMLButtonElement>(root, '[data-scheme="light"]').click();
    expect(getComputedStyle(title).color).to.equal('rgb(17, 34, 51)');

    const snippet = snippetText(root);
    expect(snippet).to.contain('--recs-gap: 28px;');
    expect(snippet).to.contain('--recs-color-text: light-dark(#112233, #ddeeff);');
  });

  it('renders what a designer types as text, never as markup', async () => {
    const { root, playground } = await open();
    const hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    (window as unknown as { __pwned?: number }).__pwned = undefined;
    type(control(root, '[data-attribute="heading"]'), hostile);
    type(control(root, '[data-slot="empty"]'), hostile);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    expect(root.querySelector('.pg-snippet-code')!.children).to.have.length(0);
    expect(root.querySelectorAll('img[src="x"], b')).to.have.length(0);
    expect(playground.widget.querySelector('[slot="empty"]')!.textContent).to.equal(hostile);
  });

  it('has labelled controls a keyboard and screen reader user can operate (axe, WCAG A/AA)', async () => {
    const { root, playground } = await open();
    await stateIs(playground.widget, 'ready');
    const axe = (window as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } }).axe;
    const results = await axe.run(root, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    const found = results.violations.map((violation) => `${violation.id}: ${violation.help} at ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`);
    expect(found, found.join('\n')).to.deep.equal([]);
  });

  it('copies the snippet with the clipboard, or selects it when the clipboard is refused', async () => {
    const { root, playground } = await open();
    const clipboard = navigator.clipboard;
    let copied: string | undefined;
    const stub = (writeText: (text: string) => Promise<void>) => Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    try {
      stub(async (text) => {
        copied = text;
      });
      control<HTMLButtonElement>(root, '.pg-copy').click();
      await waitUntil(() => copied !== undefined);
      expect(copied).to.equal(playground.snippet());
      expect(root.querySelector('.pg-copy-status')!.textContent).to.equal('Copied.');

      stub(() => Promise.reject(new DOMException('denied', 'NotAllowedError')));
      control<HTMLButtonElement>(root, '.pg-copy').click();
      await waitUntil(() => getSelection()!.toString() !== '');
      expect(getSelection()!.toString()).to.equal(playground.snippet());
      expect(root.querySelector('.pg-copy-status')!.textContent).to.match(/Ctrl\+C/);
    } finally {
      Object.defineProperty(navigator, 'clipboard', { value: clipboard, configurable: true });
      getSelection()!.removeAllRanges();
    }
  });

  it('produces a snippet that, pasted into a fresh page, is a working, themed widget', async () => {
    const { root, playground } = await open();
    choose(control<HTMLSelectElement>(root, '[data-control="element"]'), 'recs-list');
    type(control(root, '[data-attribute="heading"]'), 'Picked "for" you & yours');
    type(control(root, '[data-attribute="limit"]'), '3');
    toggle(control(root, '[data-attribute="add-to-cart"]'));
    type(control(root, '[data-css="--recs-gap"]'), '30');
    type(control(root, '[data-slot="empty"]'), 'Nothing yet');
    const snippet = snippetText(root);
    expect(snippet).to.equal(playground.snippet());
    playground.destroy(); // the pasted copy must work on its own

    const doc = new DOMParser().parseFromString(snippet, 'text/html');
    expect(doc.querySelector('script')!.getAttribute('src')).to.equal(DEFAULT_SCRIPT_SRC);
    const page = await fixture<HTMLDivElement>(html`<div style="width: 900px"></div>`);
    // The elements are already defined here; everything but the script tag is pasted.
    page.append(...[...doc.head.children, ...doc.body.childNodes].filter((node) => !(node instanceof HTMLScriptElement)).map((node) => document.importNode(node, true)));
    const pasted = page.querySelector('recs-list')!;
    expect(pasted.getAttribute('endpoint')).to.equal(endpoint);
    await stateIs(pasted, 'ready');
    expect(cards(pasted)).to.have.length(3);
    expect(pasted.shadowRoot!.querySelector('[part="heading"]')!.textContent).to.equal('Picked "for" you & yours');
    expect(pasted.shadowRoot!.querySelectorAll('[part="add-to-cart"]')).to.have.length(3);
    expect(getComputedStyle(pasted).getPropertyValue('--recs-gap').trim()).to.equal('30px');
    expect(pasted.querySelector('[slot="empty"]')!.textContent).to.equal('Nothing yet');
  });

  it('offers the example card template, and the pasted snippet renders cards through it', async () => {
    const { root, playground } = await open();
    toggle(control(root, '[data-control="template"]'));
    await stateIs(playground.widget, 'ready');
    await waitUntil(() => playground.widget.shadowRoot!.querySelector('[data-field="title"]') !== null, 'the live widget did not use the template');
    const doc = new DOMParser().parseFromString(playground.snippet(), 'text/html');
    playground.destroy();
    const page = await fixture<HTMLDivElement>(html`<div style="width: 900px"></div>`);
    page.append(document.importNode(doc.querySelector('recs-carousel')!, true));
    const pasted = page.querySelector('recs-carousel')!;
    await stateIs(pasted, 'ready');
    const titles = [...pasted.shadowRoot!.querySelectorAll('[data-field="title"]')].map((node) => node.textContent);
    expect(titles).to.deep.equal(['Trail shoe', 'Hiking sock', 'Rain jacket', 'Water bottle']);
    expect(pasted.shadowRoot!.querySelector('[data-href]')!.getAttribute('href')).to.equal('https://shop.example/p/sku-1');
  });
});
