/**
 * Server rendering of a placement (loaded by src/proxy/html-answer.ts with a dynamic
 * import, so the proxy pays for Lit's SSR only when it answers HTML): the real element
 * classes render their cards with @lit-labs/ssr into declarative shadow DOM, with the
 * answer beside them as a JSON data block for src/elements/hydrate.ts.
 *
 * No DOM shim is installed: Lit's server build brings its own minimal HTMLElement and a
 * registry on `globalThis.customElements` (src/define.ts relies on `HTMLElement` staying
 * undefined). The carousel's ResizeObserver is lent for the synchronous render only.
 */
import { ResizeObserver as ResizeObserverShim } from '@lit-labs/ssr-dom-shim';
import { render, type RenderInfo } from '@lit-labs/ssr';
import { LitElementRenderer } from '@lit-labs/ssr/lib/lit-element-renderer.js';
import { renderValue } from '@lit-labs/ssr/lib/render-value.js';
import { collectResultSync } from '@lit-labs/ssr/lib/render-result.js';
import { escapeHtml } from '@lit-labs/ssr/lib/util/escape-html.js';
import { html } from '@lit-labs/ssr/lib/server-template.js';
import { isTemplateResult } from 'lit/directive-helpers.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { TemplateResult } from 'lit';
import type { RecItem } from '../model/types.js';
import { loadCards } from '../elements/recs-element.js';
import { RecsCarousel } from '../elements/recs-carousel.js';
import { RecsList } from '../elements/recs-list.js';
import { HtmlNode, serverDocument } from './server-dom.js';

export const ELEMENTS = { 'recs-carousel': RecsCarousel, 'recs-list': RecsList } as const;
export type PlacementTag = keyof typeof ELEMENTS;

export interface ServerElement {
  tag: PlacementTag;
  /** Host attributes, names already checked (src/proxy/html-answer.ts). */
  attributes: Record<string, string>;
  /** The cards, cleaned and selected, in rank order. */
  items: RecItem[];
  trackerId?: string | undefined;
  /** Instead of an inline `<style>` (refused by `style-src` without 'unsafe-inline'): this stylesheet's URL. */
  stylesheet?: string | undefined;
}

for (const [tag, element] of Object.entries(ELEMENTS)) if (!customElements.get(tag)) customElements.define(tag, element);
// The cards' chunk, which the browser loads beside the request, is here before any render.
await loadCards();

/**
 * dist/recs.js ships its templates squeezed by scripts/minify-templates.mjs (`squeeze.html`,
 * applied to each static part). Hydration matches templates by a digest of their text, and
 * whitespace between inline elements is layout, so the server renders the same text.
 */
export const squeezeHtml = (text: string) => text.replace(/>\s+</g, '><').replace(/\s*\n\s*/g, ' ');
/** Its `squeeze.css`: the shadow styles as the script tag adopts them. */
export const squeezeCss = (text: string) =>
  text.replace(/\/\*[^]*?\*\//g, '').replace(/\s+/g, ' ').replace(/\s*([{};:,>])\s*/g, '$1').replace(/;}/g, '}').replace(/([^\w.])0\./g, '$1.');
const squeezedStrings = new WeakMap<TemplateStringsArray, TemplateStringsArray>();

function squeeze(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(squeeze);
  // A card, made by the element's own code with the server's document.
  if (value instanceof HtmlNode) return unsafeHTML(value.outerHTML);
  if (!isTemplateResult(value)) return value;
  const { strings: source, values } = value as TemplateResult;
  let strings = squeezedStrings.get(source);
  if (!strings) {
    const parts = source.map(squeezeHtml);
    // Lit accepts only arrays shaped as a tagged template's: with their own `raw`.
    strings = Object.freeze(Object.assign(parts, { raw: parts })) as unknown as TemplateStringsArray;
    squeezedStrings.set(source, strings);
  }
  return { ...value, strings, values: values.map(squeeze) };
}

/** What the next element renderer built sets on its element (rendering is synchronous, one at a time). */
let pending: ServerElement | undefined;

class PlacementRenderer extends LitElementRenderer {
  constructor(tagName: string) {
    super(tagName);
    const target = pending;
    pending = undefined;
    if (!target) return;
    // The shim element has no children to search: no designer's <template> on the server. Its cards are HTML.
    Object.assign(this.element, { querySelector: () => null, ownerDocument: serverDocument });
    for (const [name, value] of Object.entries(target.attributes)) this.setAttribute(name, value);
    Object.assign(this.element, { items: target.items, trackerId: target.trackerId, state: target.items.length ? 'ready' : 'empty' });
    if (target.stylesheet) this.#stylesheet = target.stylesheet;
  }

  #stylesheet: string | undefined;

  override renderShadow(renderInfo: RenderInfo) {
    const element = this.element as unknown as { render(): unknown };
    // CSS never holds `<` (Lit's own renderShadow writes it as is, too).
    const styles = this.#stylesheet ? `<link rel="stylesheet" href="${escapeHtml(this.#stylesheet)}">` : `<style>${elementCss(this.tagName as PlacementTag)}</style>`;
    return [styles, () => renderValue(squeeze(element.render()), renderInfo)];
  }
}

const TEMPLATES: Record<PlacementTag, TemplateResult> = {
  'recs-carousel': html`<recs-carousel></recs-carousel>`,
  'recs-list': html`<recs-list></recs-list>`,
};

/** The element with its shadow root, as HTML (`</tag>` last). */
export function renderElement(target: ServerElement): string {
  const hadObserver = 'ResizeObserver' in globalThis;
  if (!hadObserver) Object.assign(globalThis, { ResizeObserver: ResizeObserverShim });
  pending = target;
  try {
    return collectResultSync(render(TEMPLATES[target.tag], { elementRenderers: [PlacementRenderer] }));
  } finally {
    pending = undefined;
    if (!hadObserver) delete (globalThis as { ResizeObserver?: unknown }).ResizeObserver;
  }
}

/**
 * The carousel sets `slides-per-view` through the CSSOM once its script runs; before that,
 * these rules give the same cards per view (1 to 6, as dist/recs.css reserves).
 */
const SLIDES_PER_VIEW = Array.from({ length: 6 }, (_, index) => `:host([slides-per-view='${index + 1}']) .track{--_spv:${index + 1}}`).join('');

/**
 * dist/recs.css reserves an empty element's space until the script defines it (pseudo-element
 * boxes, containment); a server-rendered element already has its cards, so that is undone here.
 * From inside the shadow root, only `!important` outweighs the page's rules.
 */
const NOT_RESERVED =
  ':host(:not(:defined)){container-type:normal!important;overflow:visible!important}:host(:not(:defined))::before,:host(:not(:defined))::after{content:none!important}';

/** The element's shadow styles as one stylesheet, inline or at the `stylesheet` URL (pages whose CSP refuses inline styles). */
export function elementCss(tag: PlacementTag): string {
  const css = squeezeCss(ELEMENTS[tag].elementStyles.map((style) => ('cssText' in style ? style.cssText : '')).join('\n'));
  return css + NOT_RESERVED + (tag === 'recs-carousel' ? SLIDES_PER_VIEW : '');
}
