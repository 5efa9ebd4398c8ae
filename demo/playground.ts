/**
 * The designer's playground (`npm start`, then /playground.html): pick an element and a
 * transport, set every attribute, theme the cards, switch light and dark, and copy the
 * exact snippet to paste into a store.
 *
 * Attribute controls come from custom-elements.json (the classes' JSDoc) when it is
 * given, else from the element's `observedAttributes`. `snippetFor()` is pure, so what
 * you copy is testable; `mountPlayground()` builds the controls and the live preview.
 * Everything a designer types reaches the page as text or as attribute values, never
 * as markup.
 */
import '../src/define.js';

export type ElementTag = 'recs-carousel' | 'recs-list';
export type Scheme = 'light' | 'dark';

/** A custom property's value per colour scheme; both set and different become `light-dark()`. */
export interface SchemeValue {
  light?: string;
  dark?: string;
}

export interface PlaygroundState {
  tag: ElementTag;
  /** Attribute name -> value, in the order they were set; `''` is a boolean attribute that is present. */
  attributes: Record<string, string>;
  /** Custom property -> value. */
  theme: Record<string, SchemeValue>;
  /** Slot name -> the text of a `<p slot="…">` fallback. */
  slots: Record<string, string>;
  /** Use the example card template instead of the built-in card. */
  template: boolean;
  scheme: Scheme;
  /** Where the merchant hosts dist/recs.js. */
  scriptSrc: string;
}

// ---- custom-elements.json (only what the playground reads) --------------------------

export interface ManifestAttribute {
  name: string;
  type?: { text: string };
  default?: string;
  description?: string;
}
export interface ManifestNamed {
  name: string;
  description?: string;
}
export interface ManifestDeclaration {
  kind: string;
  name: string;
  tagName?: string;
  attributes?: ManifestAttribute[];
  cssProperties?: (ManifestNamed & { default?: string })[];
  cssParts?: ManifestNamed[];
  slots?: ManifestNamed[];
  events?: ManifestNamed[];
}
export interface Manifest {
  modules: { path: string; declarations?: ManifestDeclaration[] }[];
}

/** The manifest's declaration for a tag, if the manifest has one. */
export function declarationFor(manifest: Manifest | undefined, tag: ElementTag): ManifestDeclaration | undefined {
  for (const module of manifest?.modules ?? []) {
    const found = module.declarations?.find((declaration) => declaration.tagName === tag);
    if (found) return found;
  }
  return undefined;
}

// ---- what the designer can set -----------------------------------------------------

export const DEFAULT_SCRIPT_SRC = 'https://cdn.example/recs-widget/dist/recs.js';
export const TRANSPORTS = ['proxy', 'snappy', 'yespo'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

/** Reflected by the element, not set by a designer. */
const READ_ONLY_ATTRIBUTES = new Set(['state']);
/** Attributes a transport preset owns; replaced when the transport changes. */
const SOURCE_ATTRIBUTES = ['endpoint', 'api-key', 'product-id', 'location', 'source-id', 'web-id', 'customer-id', 'product-url', 'include'];

const GROUPS: [title: string, member: (name: string) => boolean][] = [
  ['Source', (name) => ['transport', 'endpoint', 'api-key', 'product-id', 'fallback'].includes(name)],
  ['Shopper', (name) => ['customer-id', 'web-id', 'contact-id', 'email', 'phone', 'external-customer-id'].includes(name)],
  ['Vendor options', (name) => ['source-id', 'category', 'location', 'collection-id', 'price-min', 'price-max', 'include', 'context', 'country', 'language'].includes(name)],
  ['Cards', (name) => ['heading', 'limit', 'slides-per-view', 'add-to-cart', 'exclude', 'dedupe-page', 'product-url'].includes(name)],
  ['Prices', (name) => ['locale', 'currency'].includes(name)],
  ['Labels', (name) => name.endsWith('-label')],
  ['Loading', (name) => ['lazy', 'timeout', 'cache-ttl'].includes(name)],
];

/** Which vendor reads an attribute that only some vendors use. */
const VENDOR_OF: Record<string, string> = {
  'source-id': 'Yespo',
  category: 'Yespo',
  location: 'Snappy',
  'collection-id': 'Snappy',
  'price-min': 'Snappy',
  'price-max': 'Snappy',
  include: 'Snappy',
  context: 'Adobe, via proxy',
  country: 'Adobe, via proxy',
  language: 'Adobe, via proxy',
};

const SUGGESTIONS: Record<string, string[]> = {
  locale: ['en-IE', 'en-US', 'de-DE', 'fr-FR', 'ar-EG', 'ja-JP'],
  currency: ['EUR', 'USD', 'GBP', 'EGP', 'JPY'],
  location: ['US', 'GB', 'DE'],
  include: ['brand', 'tags', 'brand,tags'],
};

const TRANSPORT_NOTES: Record<TransportName, string> = {
  proxy: 'Your own backend route, in the proxy wire format. Here it is the dev server\u2019s sample catalog: no keys, no network.',
  snappy: 'Snappy needs your API key and network access to api.snappy.com. Without them the widget shows its error state (and your error slot).',
  yespo: 'Yespo needs an API key, a data source id and network access to yespo.io. Without them the widget shows its error state (and your error slot).',
};

export interface ThemeControl {
  /** The custom property (or, for `font`, the two it writes). */
  name: string;
  label: string;
  kind: 'color' | 'length' | 'number' | 'select' | 'font';
  /** The element's built-in value, shown until the designer sets one. */
  fallback: string;
  min?: number;
  max?: number;
  options?: string[];
  only?: ElementTag;
}

const FONT_FAMILIES: Record<string, string> = {
  'System UI': "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  'Humanist sans': "Seravek, 'Gill Sans Nova', Ubuntu, Calibri, 'DejaVu Sans', source-sans-pro, sans-serif",
  'Transitional serif': "Charter, 'Bitstream Charter', 'Sitka Text', Cambria, Georgia, serif",
  Rounded: "ui-rounded, 'Hiragino Maru Gothic ProN', Quicksand, Comfortaa, Manjari, 'Arial Rounded MT', Calibri, sans-serif",
  Monospace: "ui-monospace, 'Cascadia Code', 'Source Code Pro', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
};

/** The theme controls, in the order a designer thinks about them. Other documented properties get a text box. */
export const THEME_CONTROLS: ThemeControl[] = [
  { name: '--recs-color-text', label: 'Text', kind: 'color', fallback: '#1a1a1a' },
  { name: '--recs-color-muted', label: 'Brand line', kind: 'color', fallback: '#5c5c5c' },
  { name: '--recs-price-color', label: 'Price', kind: 'color', fallback: '#1a1a1a' },
  { name: '--recs-heading-color', label: 'Heading', kind: 'color', fallback: '#1a1a1a' },
  { name: '--recs-color-accent', label: 'Accent (focus, add to cart)', kind: 'color', fallback: '#2f5bd3' },
  { name: '--recs-image-background', label: 'Behind images', kind: 'color', fallback: '#f2f2f2' },
  { name: '--recs-skeleton-color', label: 'Loading placeholder', kind: 'color', fallback: '#ececec' },
  { name: '--recs-badge-color', label: 'Out-of-stock text', kind: 'color', fallback: '#7a1d1d' },
  { name: '--recs-badge-background', label: 'Out-of-stock background', kind: 'color', fallback: '#fbe9e9' },
  { name: '--recs-button-background', label: 'Arrow button background', kind: 'color', fallback: '#ffffff', only: 'recs-carousel' },
  { name: '--recs-button-border', label: 'Arrow button border', kind: 'color', fallback: '#c8c8c8', only: 'recs-carousel' },
  { name: '--recs-button-color', label: 'Arrow colour', kind: 'color', fallback: '#1a1a1a', only: 'recs-carousel' },
  { name: '--recs-button-text', label: 'Add-to-cart text', kind: 'color', fallback: '#ffffff' },
  { name: '--recs-radius', label: 'Corner radius', kind: 'length', fallback: '8px', min: 0, max: 32 },
  { name: '--recs-gap', label: 'Gap', kind: 'length', fallback: '16px', min: 0, max: 48 },
  { name: '--recs-card-width', label: 'Card width', kind: 'length', fallback: '180px', min: 120, max: 320 },
  { name: '--recs-slides-per-view', label: 'Slides per view', kind: 'number', fallback: 'by width', min: 1, max: 6, only: 'recs-carousel' },
  { name: '--recs-button-size', label: 'Arrow button size', kind: 'length', fallback: '36px', min: 24, max: 56, only: 'recs-carousel' },
  { name: '--recs-image-ratio', label: 'Image ratio', kind: 'select', fallback: '1 / 1', options: ['1 / 1', '4 / 5', '3 / 4', '4 / 3', '16 / 9'] },
  { name: '--recs-image-fit', label: 'Image fit', kind: 'select', fallback: 'cover', options: ['cover', 'contain'] },
  { name: '--recs-font', label: 'Font', kind: 'font', fallback: 'System UI' },
];

/** Colours of the demo store (demo/index.html), light and dark. */
export const FERNHILL_THEME: Record<string, SchemeValue> = {
  '--recs-color-text': { light: '#1f2a24', dark: '#e9e7e2' },
  '--recs-color-muted': { light: '#5b6760', dark: '#a4ada7' },
  '--recs-price-color': { light: '#1f2a24', dark: '#e9e7e2' },
  '--recs-heading-color': { light: '#1f2a24', dark: '#e9e7e2' },
  '--recs-color-accent': { light: '#2d6a4f', dark: '#82c9a5' },
  '--recs-image-background': { light: '#ffffff', dark: '#1d2023' },
  '--recs-skeleton-color': { light: '#e5e1d8', dark: '#30353a' },
  '--recs-badge-color': { light: '#8a2222', dark: '#f5b5b5' },
  '--recs-badge-background': { light: '#fbeaea', dark: '#3a2222' },
  '--recs-button-background': { light: '#ffffff', dark: '#1d2023' },
  '--recs-button-border': { light: '#e5e1d8', dark: '#30353a' },
  '--recs-button-color': { light: '#1f2a24', dark: '#e9e7e2' },
  '--recs-button-text': { light: '#ffffff', dark: '#0e1a14' },
  '--recs-radius': { light: '12px' },
};

/** The example card template offered by the playground (trusted markup, ours). */
export const EXAMPLE_TEMPLATE = `<template>
    <style>
      .row { display: grid; grid-template-columns: 72px 1fr; gap: 4px 12px; align-items: start; color: inherit; text-decoration: none; }
      .thumb { grid-row: span 3; width: 72px; height: 72px; object-fit: cover; border-radius: 50%; }
      .name { font-weight: 600; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
      .cost { color: var(--recs-price-color, inherit); }
    </style>
    <a class="row" data-href>
      <img class="thumb" data-field="image" alt="" width="72" height="72">
      <strong class="name" data-field="title"></strong>
      <span class="cost" data-field="price"></span>
      <small data-field="badge"></small>
    </a>
  </template>`;

// ---- the snippet (pure) --------------------------------------------------------------

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeText = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const ATTRIBUTE_NAME = /^[a-z][a-z0-9-]*$/;
const SLOT_NAME = /^[a-z][a-z0-9-]*$/;
const PROPERTY_NAME = /^--[a-z0-9-]+$/;

/** A custom property value that cannot end the declaration, the rule or the `<style>` element. */
export function isSafeCssValue(value: string): boolean {
  if (!value.trim() || /[;{}<>\\]|\/\*|\*\//.test(value)) return false;
  let depth = 0;
  for (const char of value) {
    depth += char === '(' ? 1 : char === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0 && (value.match(/["']/g)?.length ?? 0) % 2 === 0;
}

/** The value written for a property: `light-dark(l, d)` when the schemes differ. */
export function cssValue(value: SchemeValue | undefined): string | undefined {
  if (!value) return undefined;
  const { light, dark } = value;
  if (light && dark && light !== dark) return `light-dark(${light}, ${dark})`;
  return light || dark || undefined;
}

/** The `<style>` rules for a theme, or '' when nothing is set. */
export function themeCss(tag: ElementTag, theme: PlaygroundState['theme'], indent = ''): string {
  const lines: string[] = [];
  let schemed = false;
  for (const [name, value] of Object.entries(theme)) {
    const css = cssValue(value);
    if (!css || !PROPERTY_NAME.test(name) || !isSafeCssValue(css)) continue;
    schemed ||= css.startsWith('light-dark(');
    lines.push(`${indent}  ${name}: ${css};`);
  }
  if (!lines.length) return '';
  const note = schemed ? `${indent}/* light-dark() follows the page's color-scheme, e.g. :root { color-scheme: light dark } */\n` : '';
  return `${note}${indent}${tag} {\n${lines.join('\n')}\n${indent}}`;
}

/**
 * Exactly what to paste into a page: the stylesheet (recs.css, beside the script: it holds the element's space until
 * its first render, so it comes first), the script tag, the theme and the element.
 */
export function snippetFor(state: PlaygroundState): string {
  const src = state.scriptSrc || DEFAULT_SCRIPT_SRC;
  const parts = [
    `<link rel="stylesheet" href="${escapeAttribute(src.replace(/[^/]*$/, 'recs.css'))}">\n<script type="module" src="${escapeAttribute(src)}"></script>`,
  ];
  const css = themeCss(state.tag, state.theme, '  ');
  if (css) parts.push(`<style>\n${css}\n</style>`);

  const attributes = Object.entries(state.attributes)
    .filter(([name]) => ATTRIBUTE_NAME.test(name) && !READ_ONLY_ATTRIBUTES.has(name))
    .map(([name, value]) => (value === '' ? name : `${name}="${escapeAttribute(value)}"`));
  const open = attributes.length > 2 ? `<${state.tag}\n  ${attributes.join('\n  ')}>` : `<${[state.tag, ...attributes].join(' ')}>`;
  const children: string[] = [];
  if (state.template) children.push(`  ${EXAMPLE_TEMPLATE}`);
  for (const [slot, text] of Object.entries(state.slots)) {
    if (text.trim() && SLOT_NAME.test(slot)) children.push(`  <p slot="${slot}">${escapeText(text)}</p>`);
  }
  parts.push(children.length ? `${open}\n${children.join('\n')}\n</${state.tag}>` : `${open}</${state.tag}>`);
  return parts.join('\n\n');
}

// ---- the page --------------------------------------------------------------------------

export interface PlaygroundOptions {
  /** custom-elements.json; without it, attribute controls come from `observedAttributes`. */
  manifest?: Manifest | undefined;
  /** Proxy routes to offer, label -> endpoint (the demo: the sample catalog's placements). */
  placements?: Record<string, string>;
  /** The starting state; anything left out takes the defaults. */
  initial?: Partial<PlaygroundState>;
}

export interface Playground {
  readonly state: PlaygroundState;
  /** The element in the preview. */
  readonly widget: HTMLElement;
  snippet(): string;
  destroy(): void;
}

const DEFAULT_PLACEMENTS = { similar: '/recs/similar', bestsellers: '/recs/bestsellers', personal: '/recs/personal' };

function presetFor(transport: TransportName, placements: Record<string, string>): Record<string, string> {
  if (transport === 'snappy') {
    return { endpoint: 'https://api.snappy.com/public-api', 'api-key': 'YOUR_SNAPPY_API_KEY', 'product-id': '655277e68e0719000d6c3fd5', location: 'US', 'product-url': '/products/{id}', include: 'brand' };
  }
  if (transport === 'yespo') return { endpoint: 'https://yespo.io', 'api-key': 'YOUR_YESPO_API_KEY', 'source-id': '1244', 'web-id': 'SHOPPER_WEB_ID' };
  return { endpoint: Object.values(placements)[0] ?? '/recs/similar', 'product-id': 'sku-01' };
}

function initialState(options: PlaygroundOptions, placements: Record<string, string>): PlaygroundState {
  const initial = options.initial ?? {};
  return {
    tag: initial.tag ?? 'recs-carousel',
    attributes: initial.attributes ?? { transport: 'proxy', ...presetFor('proxy', placements), heading: 'You may also like', locale: 'en-IE', limit: '8' },
    theme: initial.theme ?? {},
    slots: initial.slots ?? { empty: 'Nothing to recommend yet.', error: 'Recommendations are unavailable right now.' },
    template: initial.template ?? false,
    scheme: initial.scheme ?? 'light',
    scriptSrc: initial.scriptSrc ?? DEFAULT_SCRIPT_SRC,
  };
}

/** Attribute controls for an element: the manifest's list, else what the element observes. */
export function attributesFor(manifest: Manifest | undefined, tag: ElementTag): ManifestAttribute[] {
  const declared = declarationFor(manifest, tag)?.attributes;
  const names = declared ?? ((customElements.get(tag) as unknown as { observedAttributes?: string[] } | undefined)?.observedAttributes ?? []).map((name) => ({ name }));
  return names.filter((attribute) => !READ_ONLY_ATTRIBUTES.has(attribute.name) && ATTRIBUTE_NAME.test(attribute.name));
}

type Child = Node | string | null | undefined | false;

/** createElement with properties and children; strings become text nodes, never markup. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, unknown> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value as EventListener);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key in element && !key.includes('-') && key !== 'list') (element as unknown as Record<string, unknown>)[key] = value;
    else if (value !== false) element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

let mounted = 0;

/** Builds the playground into `root`: controls, the live preview and the snippet. */
export function mountPlayground(root: HTMLElement, options: PlaygroundOptions = {}): Playground {
  const placements = options.placements ?? DEFAULT_PLACEMENTS;
  const state = initialState(options, placements);
  const manifest = options.manifest;
  const prefix = `pg${++mounted}`;
  const cleanups: (() => void)[] = [];

  // Layout.
  const form = h('form', { class: 'pg-controls', 'aria-label': 'Widget settings', onsubmit: (event: Event) => event.preventDefault() });
  const themeStyle = h('style', { dataset: { playgroundTheme: '' } });
  const stage = h('div', { class: 'pg-stage' });
  const status = h('p', { class: 'pg-status', role: 'status' });
  const log = h('ol', { class: 'pg-log', 'aria-label': 'Events' });
  const code = h('code', { class: 'pg-snippet-code' });
  const copyStatus = h('span', { class: 'pg-copy-status', role: 'status' });
  const copyButton = h('button', { type: 'button', class: 'pg-copy', onclick: () => void copy() }, 'Copy snippet');
  const preview = h(
    'section',
    { class: 'pg-preview', 'aria-label': 'Preview' },
    h('div', { class: 'pg-stage-frame' }, themeStyle, stage),
    status,
    h('details', { class: 'pg-events' }, h('summary', {}, 'Events'), log),
    h('div', { class: 'pg-snippet' }, h('div', { class: 'pg-snippet-bar' }, h('h2', {}, 'Snippet'), copyStatus, copyButton), h('pre', { tabindex: 0, 'aria-label': 'Snippet to paste' }, code)),
  );
  const shell = h('div', { class: 'pg' }, form, preview);
  root.replaceChildren(shell);
  root.style.colorScheme = state.scheme;

  // The live widget.
  let widget = createWidget();

  function createWidget(): HTMLElement {
    const element = document.createElement(state.tag);
    for (const [name, value] of Object.entries(state.attributes)) element.setAttribute(name, value);
    syncChildren(element);
    stage.replaceChildren(element);
    return element;
  }

  function syncChildren(element: HTMLElement): void {
    element.querySelector(':scope > template')?.remove();
    if (state.template) {
      const holder = document.createElement('template');
      holder.innerHTML = EXAMPLE_TEMPLATE; // our own constant, not designer input
      element.prepend(holder.content.firstElementChild!);
    }
    for (const [slot, text] of Object.entries(state.slots)) {
      let node = element.querySelector<HTMLElement>(`:scope > [slot="${slot}"]`);
      if (!text.trim()) {
        node?.remove();
        continue;
      }
      node ??= element.appendChild(h('p', { slot }));
      node.textContent = text;
    }
  }

  function setAttribute(name: string, value: string | undefined): void {
    if (value === undefined) {
      delete state.attributes[name];
      widget.removeAttribute(name);
    } else {
      state.attributes[name] = value;
      widget.setAttribute(name, value);
    }
  }

  // Events and state, as a designer would want to see them.
  const onEvent = (event: Event) => {
    const detail = (event as CustomEvent).detail ?? {};
    if (event.type === 'recs-click' || event.type === 'recs-add-to-cart') event.preventDefault(); // stay in the playground
    const summary =
      event.type === 'recs-error' ? `${detail.error?.code}: ${detail.error?.message}` :
      detail.items ? `${detail.items.length} item(s)` :
      detail.item ? `#${detail.rank} ${detail.item.title}` : '';
    log.prepend(h('li', {}, h('code', {}, event.type), summary ? ` ${summary}` : ''));
    while (log.children.length > 12) log.lastElementChild!.remove();
  };
  for (const type of ['recs-load', 'recs-empty', 'recs-error', 'recs-click', 'recs-impression', 'recs-add-to-cart']) {
    stage.addEventListener(type, onEvent);
    cleanups.push(() => stage.removeEventListener(type, onEvent));
  }
  const showState = () => {
    const current = widget.getAttribute('state') ?? 'idle';
    const error = (widget as HTMLElement & { error?: { code: string } }).error;
    status.textContent = `<${state.tag}> state: ${current}${current === 'error' && error ? ` (${error.code})` : ''}`;
  };
  const stateObserver = new MutationObserver(showState);
  const watchState = () => {
    stateObserver.disconnect();
    stateObserver.observe(widget, { attributes: true, attributeFilter: ['state'] });
    showState();
  };
  watchState();
  cleanups.push(() => stateObserver.disconnect());

  // ---- controls ----
  let uid = 0;
  const id = (name: string) => `${prefix}-${name.replace(/[^a-z0-9-]/gi, '')}-${++uid}`;

  function field(label: string, control: HTMLElement, hint?: string, extra?: Child): HTMLElement {
    const hintId = hint ? `${control.id}-hint` : undefined;
    if (hintId) control.setAttribute('aria-describedby', hintId);
    return h('div', { class: 'pg-field' }, h('label', { htmlFor: control.id }, label), control, extra, hint ? h('small', { id: hintId }, hint) : null);
  }

  function fieldset(legend: string, ...children: Child[]): HTMLFieldSetElement {
    return h('fieldset', {}, h('legend', {}, legend), ...children);
  }

  // Element and scheme.
  const elementSelect = h('select', { id: id('element'), dataset: { control: 'element' } },
    h('option', { value: 'recs-carousel' }, '<recs-carousel>: a scrolling row'),
    h('option', { value: 'recs-list' }, '<recs-list>: a grid'));
  elementSelect.value = state.tag;
  elementSelect.addEventListener('change', () => {
    state.tag = elementSelect.value as ElementTag;
    const known = new Set(attributesFor(manifest, state.tag).map((attribute) => attribute.name));
    for (const name of Object.keys(state.attributes)) if (!known.has(name)) delete state.attributes[name];
    widget = createWidget();
    watchState();
    renderAttributeControls();
    renderThemeControls();
    refresh();
  });

  const schemeButtons = (['light', 'dark'] as const).map((scheme) =>
    h('button', { type: 'button', dataset: { scheme }, 'aria-pressed': String(state.scheme === scheme), onclick: () => setScheme(scheme) }, scheme === 'light' ? 'Light' : 'Dark'),
  );
  function setScheme(scheme: Scheme): void {
    state.scheme = scheme;
    root.style.colorScheme = scheme;
    for (const button of schemeButtons) button.setAttribute('aria-pressed', String(button.dataset.scheme === scheme));
    renderThemeControls(); // colour pickers now edit this scheme's values
    refresh();
  }

  const scriptInput = h('input', { id: id('script'), type: 'url', value: state.scriptSrc, dataset: { control: 'script-src' }, spellcheck: false });
  scriptInput.addEventListener('input', () => {
    state.scriptSrc = scriptInput.value.trim();
    refresh();
  });

  form.append(
    fieldset('Element',
      field('Element', elementSelect),
      h('div', { class: 'pg-field' }, h('span', { class: 'pg-label', id: `${prefix}-scheme` }, 'Colour scheme'),
        h('div', { class: 'pg-segmented', role: 'group', 'aria-labelledby': `${prefix}-scheme` }, ...schemeButtons)),
      field('Script URL', scriptInput, 'Where your store hosts dist/recs.js.'),
    ),
  );

  // Attributes, generated.
  const attributeBox = h('div', { class: 'pg-attributes' });
  form.append(attributeBox);

  function attributeControl(attribute: ManifestAttribute): HTMLElement {
    const name = attribute.name;
    const type = attribute.type?.text ?? '';
    const controlId = id(`attr-${name}`);
    const vendor = VENDOR_OF[name];
    const hint = [attribute.description, vendor ? `Used by ${vendor}.` : ''].filter(Boolean).join(' ') || undefined;
    const label = name;

    if (name === 'transport') {
      const select = h('select', { id: controlId, dataset: { attribute: name } }, ...TRANSPORTS.map((transport) => h('option', { value: transport }, transport)));
      select.value = state.attributes.transport ?? 'proxy';
      select.addEventListener('change', () => {
        const transport = select.value as TransportName;
        for (const owned of SOURCE_ATTRIBUTES) setAttribute(owned, undefined);
        setAttribute('transport', transport);
        for (const [presetName, value] of Object.entries(presetFor(transport, placements))) setAttribute(presetName, value);
        renderAttributeControls();
        refresh();
      });
      const transport = (state.attributes.transport ?? 'proxy') as TransportName;
      return field(label, select, undefined, h('p', { class: `pg-note pg-note-${transport}`, dataset: { note: transport } }, TRANSPORT_NOTES[transport] ?? ''));
    }

    if (/\bboolean\b/.test(type)) {
      const defaultOn = attribute.default === 'true';
      const checkbox = h('input', { id: controlId, type: 'checkbox', dataset: { attribute: name } });
      checkbox.checked = defaultOn ? state.attributes[name] !== 'false' : name in state.attributes && state.attributes[name] !== 'false';
      checkbox.addEventListener('change', () => {
        // A default-on boolean such as lazy is turned off with ="false"; others by leaving them out.
        if (defaultOn) setAttribute(name, checkbox.checked ? undefined : 'false');
        else setAttribute(name, checkbox.checked ? '' : undefined);
        refresh();
      });
      return h('div', { class: 'pg-field pg-check' }, checkbox, h('label', { htmlFor: controlId }, label), hint ? h('small', {}, hint) : null);
    }

    const isNumber = /\bnumber\b/.test(type);
    const suggestions = name === 'endpoint' && state.attributes.transport === 'proxy' ? Object.values(placements) : SUGGESTIONS[name];
    const listId = suggestions ? `${controlId}-list` : undefined;
    const input = h('input', {
      id: controlId,
      type: isNumber ? 'number' : 'text',
      value: state.attributes[name] ?? '',
      placeholder: attribute.default?.replace(/^'(.*)'$/, '$1') ?? '',
      list: listId,
      spellcheck: false,
      autocomplete: 'off',
      dataset: { attribute: name },
    });
    if (isNumber) input.step = 'any';
    input.addEventListener('input', () => {
      const value = input.value;
      setAttribute(name, value.trim() === '' ? undefined : value);
      refresh();
    });
    const datalist = suggestions ? h('datalist', { id: listId }, ...suggestions.map((value) => h('option', { value }))) : null;
    return field(label, input, hint, datalist);
  }

  function placementControl(): HTMLElement | null {
    if ((state.attributes.transport ?? 'proxy') !== 'proxy') return null;
    const select = h('select', { id: id('placement'), dataset: { control: 'placement' } },
      h('option', { value: '' }, 'custom endpoint'),
      ...Object.entries(placements).map(([label, endpoint]) => h('option', { value: endpoint }, `${label} (${endpoint})`)));
    select.value = Object.values(placements).includes(state.attributes.endpoint ?? '') ? state.attributes.endpoint! : '';
    select.addEventListener('change', () => {
      if (!select.value) return;
      setAttribute('endpoint', select.value);
      const endpointInput = attributeBox.querySelector<HTMLInputElement>('[data-attribute="endpoint"]');
      if (endpointInput) endpointInput.value = select.value;
      refresh();
    });
    return field('Sample placement', select, 'The demo catalog: similar (to product-id), bestsellers, personal (set a customer-id).');
  }

  function renderAttributeControls(): void {
    const attributes = attributesFor(manifest, state.tag);
    const used = new Set<string>();
    const sets: HTMLElement[] = [];
    for (const [title, member] of [...GROUPS, ['More', () => true] as [string, (name: string) => boolean]]) {
      const inGroup = attributes.filter((attribute) => !used.has(attribute.name) && member(attribute.name));
      if (!inGroup.length) continue;
      for (const attribute of inGroup) used.add(attribute.name);
      const controls: Child[] = inGroup.map(attributeControl);
      if (title === 'Source') controls.splice(2, 0, placementControl());
      sets.push(fieldset(title, ...controls));
    }
    const slots = declarationFor(manifest, state.tag)?.slots ?? [{ name: 'empty' }, { name: 'error' }];
    sets.push(fieldset('Fallback content (slots)', ...slots.filter((slot) => slot.name).map((slot) => {
      const input = h('input', { id: id(`slot-${slot.name}`), type: 'text', value: state.slots[slot.name] ?? '', dataset: { slot: slot.name } });
      input.addEventListener('input', () => {
        state.slots[slot.name] = input.value;
        syncChildren(widget);
        refresh();
      });
      return field(`slot="${slot.name}"`, input, slot.description);
    })));
    const templateBox = h('input', { id: id('template'), type: 'checkbox', dataset: { control: 'template' } });
    templateBox.checked = state.template;
    templateBox.addEventListener('change', () => {
      state.template = templateBox.checked;
      // The element reads its template when it renders cards: a fresh element shows the change at once.
      widget = createWidget();
      watchState();
      refresh();
    });
    sets.push(fieldset('Card', h('div', { class: 'pg-field pg-check' }, templateBox, h('label', { htmlFor: templateBox.id }, 'Use a card template (example)'),
      h('small', {}, 'A <template> child replaces the built-in card: data-field="title|brand|price|image|badge" is filled, data-href gets the link.'))));
    attributeBox.replaceChildren(...sets);
  }

  // Theme.
  const themeBox = h('div', { class: 'pg-theme' });
  form.append(themeBox);

  function setTheme(name: string, value: string | undefined, scheme: Scheme | 'both' = 'both'): void {
    if (value === undefined) delete state.theme[name];
    else if (scheme === 'both') state.theme[name] = { light: value };
    else state.theme[name] = { ...state.theme[name], [scheme]: value };
  }

  function themeControl(control: ThemeControl, description?: string): HTMLElement {
    const controlId = id(`css-${control.name}`);
    const current = state.theme[control.name];
    const reset = h('button', { type: 'button', class: 'pg-reset', 'aria-label': `Reset ${control.label}`, title: 'Back to the built-in value', onclick: () => {
      setTheme(control.name, undefined);
      if (control.kind === 'font') setTheme('--recs-heading-font', undefined);
      renderThemeControls();
      refresh();
    } }, '\u00d7');
    const hint = [description, control.kind === 'color' ? `Editing the ${state.scheme} value; a different dark value is written as light-dark().` : ''].filter(Boolean).join(' ') || undefined;
    const shown = (text: string) => h('output', { htmlFor: controlId, class: 'pg-value' }, text);

    if (control.kind === 'color') {
      const value = current?.[state.scheme] ?? cssValue(current);
      const input = h('input', { id: controlId, type: 'color', value: /^#[0-9a-f]{6}$/i.test(value ?? '') ? value : control.fallback, dataset: { css: control.name } });
      const output = shown(value ?? 'built-in');
      input.addEventListener('input', () => {
        setTheme(control.name, input.value, state.scheme);
        output.textContent = input.value;
        refresh();
      });
      return field(control.label, input, hint, h('span', { class: 'pg-inline' }, output, reset));
    }
    if (control.kind === 'length' || control.kind === 'number') {
      const unit = control.kind === 'length' ? 'px' : '';
      const value = cssValue(current);
      const input = h('input', { id: controlId, type: 'range', min: control.min, max: control.max, step: 1, value: value ? parseFloat(value) : parseFloat(control.fallback) || control.min, dataset: { css: control.name } });
      const output = shown(value ?? `${control.fallback} (built-in)`);
      input.addEventListener('input', () => {
        setTheme(control.name, `${input.value}${unit}`);
        output.textContent = `${input.value}${unit}`;
        refresh();
      });
      const note = control.name === '--recs-card-width' && state.tag === 'recs-carousel' ? 'In the carousel a card width replaces slides per view.' : undefined;
      return field(control.label, input, [hint, note].filter(Boolean).join(' ') || undefined, h('span', { class: 'pg-inline' }, output, reset));
    }
    if (control.kind === 'select') {
      const select = h('select', { id: controlId, dataset: { css: control.name } }, ...(control.options ?? []).map((option) => h('option', { value: option }, option)));
      select.value = cssValue(current) ?? control.fallback;
      select.addEventListener('change', () => {
        setTheme(control.name, select.value === control.fallback ? undefined : select.value);
        refresh();
      });
      return field(control.label, select, hint);
    }
    // Font: a family for the cards and the heading, and the card text size.
    const familyName = Object.entries(FONT_FAMILIES).find(([, stack]) => cssValue(current)?.endsWith(stack))?.[0] ?? 'System UI';
    const family = h('select', { id: controlId, dataset: { css: control.name } }, ...Object.keys(FONT_FAMILIES).map((option) => h('option', { value: option }, option)));
    family.value = familyName;
    const sizeId = id('font-size');
    const size = h('input', { id: sizeId, type: 'range', min: 12, max: 16, step: 1, value: /(\d+)px\//.exec(cssValue(current) ?? '')?.[1] ?? 14, dataset: { css: '--recs-font-size' } });
    const sizeOut = shown(`${size.value}px`);
    const apply = () => {
      const stack = FONT_FAMILIES[family.value] ?? FONT_FAMILIES['System UI']!;
      sizeOut.textContent = `${size.value}px`;
      // The line height stays 20px: the card's two-line title box is sized by it.
      setTheme('--recs-font', `400 ${size.value}px/20px ${stack}`);
      if (family.value === 'System UI') setTheme('--recs-heading-font', undefined);
      else setTheme('--recs-heading-font', `600 18px/24px ${stack}`);
      refresh();
    };
    family.addEventListener('change', apply);
    size.addEventListener('input', apply);
    return h('div', { class: 'pg-group' }, field(control.label, family, hint), field('Card text size', size, undefined, h('span', { class: 'pg-inline' }, sizeOut, reset)));
  }

  function renderThemeControls(): void {
    const documented = declarationFor(manifest, state.tag)?.cssProperties;
    const describe = (name: string) => documented?.find((property) => property.name === name)?.description;
    const controls = THEME_CONTROLS.filter((control) => !control.only || control.only === state.tag);
    const curated = new Set([...controls.map((control) => control.name), '--recs-heading-font', '--recs-font-size']);
    // Documented properties without a dedicated control still get a text box.
    const others = (documented ?? []).filter((property) => !curated.has(property.name) && PROPERTY_NAME.test(property.name));
    const presets = h('select', { id: id('preset'), dataset: { control: 'preset' } },
      h('option', { value: '' }, 'Choose a starting point'),
      h('option', { value: 'default' }, 'Built-in (reset all)'),
      h('option', { value: 'fernhill' }, 'Fernhill demo store (light and dark)'));
    presets.addEventListener('change', () => {
      if (presets.value === 'default') state.theme = {};
      if (presets.value === 'fernhill') state.theme = structuredClone(FERNHILL_THEME);
      renderThemeControls();
      refresh();
    });
    themeBox.replaceChildren(
      fieldset('Theme (CSS custom properties)',
        field('Preset', presets),
        ...controls.map((control) => themeControl(control, describe(control.name))),
        ...others.map((property) => {
          const input = h('input', { id: id(`css-${property.name}`), type: 'text', value: cssValue(state.theme[property.name]) ?? '', placeholder: property.default ?? '', spellcheck: false, dataset: { css: property.name } });
          input.addEventListener('input', () => {
            const value = input.value.trim();
            input.setCustomValidity(value && !isSafeCssValue(value) ? 'Not a single CSS value' : '');
            setTheme(property.name, value && isSafeCssValue(value) ? value : undefined);
            refresh();
          });
          return field(property.name, input, property.description);
        }),
      ),
    );
  }

  // ---- output ----
  function refresh(): void {
    themeStyle.textContent = themeCss(state.tag, state.theme);
    code.textContent = snippetFor(state);
    copyStatus.textContent = '';
  }

  async function copy(): Promise<void> {
    const text = snippetFor(state);
    try {
      await navigator.clipboard.writeText(text);
      copyStatus.textContent = 'Copied.';
    } catch {
      // No clipboard permission (or not a secure context): select it for Ctrl+C / Cmd+C.
      const selection = getSelection();
      selection?.selectAllChildren(code);
      copyStatus.textContent = 'Selected: press Ctrl+C (\u2318C on a Mac) to copy.';
    }
  }

  renderAttributeControls();
  renderThemeControls();
  refresh();

  return {
    state,
    get widget() {
      return widget;
    },
    snippet: () => snippetFor(state),
    destroy() {
      for (const cleanup of cleanups) cleanup();
      root.replaceChildren();
      root.style.colorScheme = '';
    },
  };
}
