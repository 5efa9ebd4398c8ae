/**
 * A placement answered as HTML (server-rendered placements, README): the element with its
 * cards already inside as declarative shadow DOM, and the answer beside them as a JSON data
 * block, so the page shows the cards before any script runs and the element takes them over
 * without a request (src/elements/hydrate.ts).
 *
 * The route calls `renderPlacementHtml` with the answer it would have sent as JSON. Lit's
 * server renderer (src/ssr/render.ts) is imported on the first HTML answer only, so JSON
 * answers never load it. Nothing here needs Node.
 */
import type { RecItem, RecsRequest, RecsResult } from '../model/types.js';
import { cleanResult } from '../model/clean-item.js';
import { FIELD_ENTRIES, attributeOf, fieldFromText, propertyOf } from '../model/fields.js';
import { displayLimit, excludedIds, selectItems } from '../data/request.js';
import { safeUrl } from '../format/safe-url.js';
import { InvalidParameter } from './errors.js';
import { sha256Hex } from './sha256-hex.js';
import { withRenderedPriceText } from './price-text.js';

export const PLACEMENT_TAGS = ['recs-carousel', 'recs-list'] as const;
export type PlacementTag = (typeof PLACEMENT_TAGS)[number];

export interface PlacementHtmlOptions {
  tag: PlacementTag;
  /** The element's attributes (`heading`, `limit`, `product-id`, `transport`, `endpoint`, ...), by attribute name. */
  attributes: Record<string, string>;
  /** The answer the route would send as JSON. */
  answer: RecsResult & { requestId?: string; variant?: string };
  /**
   * The element's styles as a stylesheet at this URL (see `placementCss`) instead of an
   * inline `<style>`, for pages whose Content-Security-Policy has no `style-src 'unsafe-inline'`.
   */
  stylesheet?: string | undefined;
  /** Called before rendering an element that is not kept yet (the route spends a rate-limit token); may throw to refuse. */
  beforeRender?: () => void;
}

/** Identifiers of a shopper never go into HTML that a cache may keep or a crawler index. */
const PERSONAL_ATTRIBUTES = new Set(FIELD_ENTRIES.filter(([, spec]) => spec.personal).map(([field]) => attributeOf(propertyOf(field))));
/** The element decides its state; `on…` handlers are script. */
const REFUSED_ATTRIBUTES = /^(state|on.*)$/i;
const MAX_ATTRIBUTE_LENGTH = 2000;

let renderer: Promise<typeof import('../ssr/render.js')> | undefined;
const loadRenderer = () => (renderer ??= import('../ssr/render.js'));

/** The attribute map checked against the element's own attributes: a bad one is a 400 naming it. */
function checkedAttributes(tag: PlacementTag, attributes: Record<string, string>, known: readonly string[]): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (REFUSED_ATTRIBUTES.test(name) || !known.includes(name)) throw new InvalidParameter(name, `is not an attribute of <${tag}>`);
    if (PERSONAL_ATTRIBUTES.has(name)) throw new InvalidParameter(name, 'identifies a shopper and is never put in HTML');
    if (typeof value !== 'string' || value.length > MAX_ATTRIBUTE_LENGTH) throw new InvalidParameter(name, `must be text of at most ${MAX_ATTRIBUTE_LENGTH} characters`);
    checked[name] = value;
  }
  return checked;
}

/**
 * JSON inside `<script type="application/json">`: never executed (so allowed by any CSP),
 * and with every `<` escaped it cannot close its element or open a comment.
 */
const dataBlock = (value: unknown) => `<script type="application/json" data-recs>${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;

/**
 * The placement as HTML: `<recs-list …><template shadowrootmode="open">…cards…</template>
 * <script type="application/json" data-recs>…</script></recs-list>`. The items are cleaned and
 * selected exactly as the element would (cleanResult, then limit, exclusions and `product-url`),
 * and every text and URL passes Lit's escaping and safeUrl(), as in the browser.
 */
export async function renderPlacementHtml(options: PlacementHtmlOptions): Promise<string> {
  const { tag } = options;
  if (!(PLACEMENT_TAGS as readonly string[]).includes(tag)) throw new InvalidParameter('element', `must be one of ${PLACEMENT_TAGS.join(', ')}`);
  const result = cleanResult(options.answer, 'answer');
  const { trackerId, requestId, variant } = result;
  const key = JSON.stringify([tag, options.attributes, options.stylesheet, result.items, trackerId]);
  let rendered = renderedElements.get(key);
  if (!rendered) {
    options.beforeRender?.();
    rendered = await renderElementOnce(options, result);
  }
  keepRendering(key, rendered);
  const { open, items } = rendered;
  return `${open}${dataBlock({ items, trackerId, requestId, variant })}</${tag}>`;
}

/**
 * Elements already rendered, by all they are made from (a request id, one page view's, is
 * only in the data block): Lit's server render takes 2–4 ms, 50 to 100 times a cached JSON
 * answer, so a cached answer is rendered once (a rendering not kept costs the client a token: app.ts).
 */
const renderedElements = new Map<string, { open: string; items: RecItem[] }>();
const MAX_RENDERED = 256;
/**
 * And at most this many characters of keys and HTML: clients choose what is rendered (100 cards,
 * 2,000-character labels), and 256 renderings of 100 rich cards held 270 MB.
 */
const MAX_RENDERED_CHARS = 16 * 1024 * 1024;
let renderedChars = 0;

function forgetRendering(key: string): void {
  const rendered = renderedElements.get(key);
  if (!rendered) return;
  renderedChars -= key.length + rendered.open.length;
  renderedElements.delete(key);
}

/** Kept as the most recently used (Map order: the first key is dropped first); one over the whole budget is not kept. */
function keepRendering(key: string, rendered: { open: string; items: RecItem[] }): void {
  const size = key.length + rendered.open.length;
  if (size > MAX_RENDERED_CHARS) return;
  forgetRendering(key);
  renderedChars += size;
  renderedElements.set(key, rendered);
  while (renderedElements.size > MAX_RENDERED || renderedChars > MAX_RENDERED_CHARS) forgetRendering(renderedElements.keys().next().value!);
}

/** The element without its closing tag, and the items it shows: checked, selected and rendered. */
async function renderElementOnce(options: PlacementHtmlOptions, result: RecsResult): Promise<{ open: string; items: RecItem[] }> {
  const { tag } = options;
  const stylesheet = options.stylesheet === undefined ? undefined : safeUrl(options.stylesheet);
  if (options.stylesheet !== undefined && !stylesheet) throw new InvalidParameter('stylesheet', 'must be an http(s) or relative URL');
  const { ELEMENTS, renderElement } = await loadRenderer();
  const attributes = checkedAttributes(tag, options.attributes, ELEMENTS[tag].observedAttributes);
  const productIds = fieldFromText('list', attributes['product-id']) as string[] | undefined;
  const items = selectItems(result.items, {
    excluded: excludedIds({ productIds }, attributes.exclude),
    limit: displayLimit(attributes.limit),
    productUrl: attributes['product-url'],
  });
  const element = renderElement({ tag, attributes, items: withRenderedPriceText(items, attributes.locale, attributes.currency), trackerId: result.trackerId, stylesheet });
  return { open: element.slice(0, -`</${tag}>`.length), items };
}

/** Each element's stylesheet, made once: GET /elements/<tag>.css is public and not rate limited. */
const cssTexts = new Map<PlacementTag, Promise<string>>();

/** The element's shadow styles, for the URL given as `stylesheet` (cacheable: they change only with a release). */
export function placementCss(tag: PlacementTag): Promise<string> {
  if (!(PLACEMENT_TAGS as readonly string[]).includes(tag)) return Promise.reject(new InvalidParameter('element', `must be one of ${PLACEMENT_TAGS.join(', ')}`));
  let css = cssTexts.get(tag);
  if (!css) cssTexts.set(tag, (css = loadRenderer().then((renderer) => renderer.elementCss(tag))));
  return css;
}

const cssVersions = new Map<PlacementTag, Promise<string>>();

/**
 * A digest of `placementCss(tag)`, for the stylesheet's URL (`?v=`): browsers keep the file a
 * day, and the next release's cards must not meet this release's styles.
 */
export function placementCssVersion(tag: PlacementTag): Promise<string> {
  let version = cssVersions.get(tag);
  if (!version) cssVersions.set(tag, (version = placementCss(tag).then((css) => sha256Hex(css, 6))));
  return version;
}

// ---- choosing HTML on the route --------------------------------------------------

/**
 * Query parameters of an HTML answer beside the widget's request fields: what the element
 * shows (its display attributes, camelCase as the properties are named) and which element.
 * `css=link` puts the element's styles in a stylesheet (pages with a strict CSP).
 */
const DISPLAY_PARAMETERS = ['heading', 'productUrl', 'exclude', 'slidesPerView', 'addToCart', 'emptyLabel', 'outOfStockLabel', 'addToCartLabel', 'prevLabel', 'nextLabel', 'slideLabel'];

export interface HtmlRequest {
  tag: PlacementTag;
  /** Display attributes by attribute name. */
  display: Record<string, string>;
  /** `css=link`: styles in a stylesheet (`placementCss`) instead of inline. */
  linkStyles: boolean;
  /** The rest of the query: the widget's request fields, for parseQuery as for JSON. */
  query: string;
}

/**
 * Whether a request asks for HTML: an `element` parameter, or an Accept header that names
 * text/html and not JSON (a server fetching the placement to put it in its page).
 */
export function wantsHtml(request: Request): boolean {
  const accept = request.headers.get('accept') ?? '';
  return /(^|[?&])element=/.test(request.url.split('#')[0]!.split('?')[1] ?? '') || (/\btext\/html\b/i.test(accept) && !/\bapplication\/json\b/i.test(accept));
}

/** Splits an HTML request's query into the element, its display attributes and the request fields. */
export function htmlRequest(query: string): HtmlRequest {
  const params = new URLSearchParams(query);
  const rest = new URLSearchParams();
  const display: Record<string, string> = {};
  let tag: string = 'recs-list';
  let linkStyles = false;
  for (const [name, value] of params) {
    if (name === 'element') tag = value;
    else if (name === 'css') {
      if (value !== 'link' && value !== 'inline') throw new InvalidParameter('css', 'must be link or inline');
      linkStyles = value === 'link';
    } else if (DISPLAY_PARAMETERS.includes(name)) {
      if (Object.hasOwn(display, attributeOf(name))) throw new InvalidParameter(name, 'is given more than once');
      display[attributeOf(name)] = value;
    } else rest.append(name, value);
  }
  if (!(PLACEMENT_TAGS as readonly string[]).includes(tag)) throw new InvalidParameter('element', `must be one of ${PLACEMENT_TAGS.join(', ')}`);
  return { tag: tag as PlacementTag, display, linkStyles, query: rest.toString() };
}

/**
 * The request an HTML answer loads: the element leaves out the page's product(s) and `exclude`,
 * so it asks for as many more, as the browser's element does (buildRequest), and its row stays full.
 */
export function htmlVendorRequest(request: RecsRequest, display: Record<string, string>): RecsRequest {
  // The outer displayLimit only holds the sum to the most cards there are (100).
  return { ...request, limit: displayLimit(displayLimit(request.limit) + excludedIds(request, display.exclude).size) };
}

/**
 * The element's attributes for an HTML answer: the request's fields as the widget would have
 * sent them (personal ones never), the display attributes, and `transport="proxy"` with the
 * route's own URL as `endpoint`, so a later change of attributes fetches from the same place.
 */
export function placementAttributes(request: RecsRequest, display: Record<string, string>, endpoint: string): Record<string, string> {
  const attributes: Record<string, string> = { transport: 'proxy', endpoint };
  for (const [field, spec] of FIELD_ENTRIES) {
    const value = (request as Record<string, unknown>)[field];
    if (value === undefined || spec.personal || spec.kind === 'cart' || spec.element === 0) continue;
    attributes[attributeOf(propertyOf(field))] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return { ...attributes, ...display };
}
