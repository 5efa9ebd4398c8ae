/**
 * No layout shift from the first paint: a product page written as the README's snippet says
 * (dist/recs.css linked, dist/recs.js in the head with its SRI hash, under the strict CSP),
 * text above the widget and a 500px section below it. The script arrives only after the
 * first paint and the data 600 ms after the request, so the page goes through every step:
 * reserved space (recs.css), upgrade to skeletons, cards, images. Layout shift is measured
 * by the browser (PerformanceObserver `layout-shift`, buffered) and must stay at most 0.001;
 * the element's height before the script, with skeletons and with cards must be the same
 * (that holds dist/recs.css and the elements' styles to one another, theme properties included).
 * Needs `node scripts/build.mjs` first. Classic (space-taking) scrollbars, as on Windows and Linux desktops.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page, Route } from 'playwright-core';
import { REPO_ROOT, collectPageErrors, launchChromium, startStaticServer, type StaticServer } from './support/chromium.ts';

const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; require-trusted-types-for 'script'; trusted-types lit-html";
const WIDTHS = { 360: 740, 768: 1024, 1280: 800 } as const;
const DATA_DELAY = 600;
const MAX_CLS = 0.001;

type Tag = 'recs-carousel' | 'recs-list';
interface Case {
  tag: Tag;
  width: keyof typeof WIDTHS;
  /** Attributes beyond the snippet's. */
  attributes?: Record<string, string>;
  /** How many items the proxy answers (default: the limit); 0 is empty, -1 an error. */
  answer?: number;
  /** The merchant's theme: custom properties on the element. */
  theme?: string;
  /** More of the page's own rules, in the same stylesheet as the theme. */
  pageCss?: string;
  /** A class for a `<div>` around the element (its rule in pageCss). */
  wrapper?: string;
  /** The page's rules hide the element: nothing to wait for but the upgrade (a lazy widget out of sight does not load). */
  hiddenByPage?: boolean;
  /** Without `<link rel="stylesheet" href="dist/recs.css">` (the control: the page must then shift). */
  bare?: boolean;
  /** Run in the page once it has settled; then the page settles again (its cards back) before the shift is read. */
  afterSettled?: string;
  /** Device pixels per CSS pixel: 2 with half the width is a desktop window at 200% zoom. */
  zoom?: number;
}
interface Measured {
  cls: number;
  /** Each shift: when (ms), its score, and what moved from where to where, so a failure says what moved. */
  shifts: string[];
  /** The element's height before the script ran, with skeletons, and at the end. */
  reserved: number;
  skeletons: number;
  final: number;
  /** The element's width over its parent's, before the script ran and at the end. */
  widthShare: [number, number];
  state: string | null;
  /** The height of the merchant's slot content shown (with its margin), 0 for cards. */
  slotted: number;
  errors: string[];
  /** Frame by frame from the first, each change of the page's width and height and the element's box and state (FRAME_LOG). */
  frameLog: string[];
}

/**
 * Run in the page before its own scripts: what each frame showed, when it changed, so a failure
 * says what moved and when (the shift entries say only the two boxes of the element). Text, not
 * a function: tsx would wrap a function's inner names in a __name() call the page does not have.
 */
const FRAME_LOG = `window.__recsFrames = []; let last = '';
  const tick = () => {
    const element = document.querySelector('recs-carousel, recs-list');
    const box = element && element.getBoundingClientRect();
    const seen = 'page ' + document.documentElement.clientWidth + 'x' + document.documentElement.scrollHeight + ', element ' +
      (box ? Math.round(box.x) + ',' + Math.round(box.y) + ' ' + Math.round(box.width) + 'x' + Math.round(box.height) : 'none') +
      ' state=' + (element && element.getAttribute('state')) + (element && element.shadowRoot ? ' upgraded' : '') +
      (document.getElementById('end') ? '' : ' partial');
    if (seen !== last) window.__recsFrames.push(Math.round(performance.now()) + ' ms ' + seen);
    last = seen;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);`;

let browser: Browser;
let server: StaticServer;
before(async () => {
  server = await startStaticServer();
  // Playwright hides scrollbars by default; shoppers on Windows and Linux have them, and a carousel's takes space.
  browser = await launchChromium({ ignore: ['--hide-scrollbars'] });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The merchant's page: the README's snippet between product text and the rest of the page. */
function pageHtml(test: Case, sri: string): string {
  const attributes = { transport: 'proxy', endpoint: '/recs/pdp', 'product-id': 'sku-40', locale: 'en-IE', currency: 'EUR', ...test.attributes };
  const markup = Object.entries(attributes).map(([name, value]) => ` ${name}="${escape(value)}"`).join('');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="data:,">
  <title>Trail shoe</title>
  <!-- No paint of half the page: the parser may yield before the section below has arrived on a busy machine, and
       the page's own scrollbar then appears after the first paint and rewraps the text above the widget, a shift that
       is the page's, not the widget's. -->
  <link rel="expect" href="#end" blocking="render">
  <script src="/test/pages/watch.js"></script>
  <link rel="stylesheet" href="/test/pages/layout-shift.css">
  ${test.theme || test.pageCss ? '<link rel="stylesheet" href="/theme.css">' : ''}
  ${test.bare ? '' : '<link rel="stylesheet" href="/dist/recs.css">'}
  <script type="module" src="/dist/recs.js" integrity="${sri}" crossorigin="anonymous"></script>
</head>
<body>
  <h1>Trail shoe</h1>
  <p>A light shoe for long days on rough paths, with a grippy sole and a breathable upper.</p>
  ${test.wrapper ? `<div class="${test.wrapper}">` : ''}<${test.tag}${markup}>
    <p slot="empty">Browse our <a href="/bestsellers">bestsellers</a>.</p>
    <p slot="error">Recommendations are unavailable right now.</p>
  </${test.tag}>${test.wrapper ? '</div>' : ''}
  <section class="below" id="end">Reviews, details and the rest of the page.</section>
</body>
</html>`;
}

const items = (count: number) => Array.from({ length: count }, (_, index) => {
  const sku = `sku-${String(index + 1).padStart(2, '0')}`;
  return { id: sku, title: index % 3 ? `Product ${index + 1}` : `A product with a long name that needs two lines or more ${index + 1}`,
    url: `/products/${sku}`, image: `/demo/public/images/${sku}.svg`, price: { amount: 10 + index, currency: 'EUR' },
    ...(index % 2 ? { brand: 'Acme' } : {}), inStock: index % 4 !== 1 };
});

const until = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const widthShare = (page: Page, tag: Tag) => page.evaluate((name) => {
  const element = document.querySelector(name)!;
  return Math.round((element.getBoundingClientRect().width / element.parentElement!.getBoundingClientRect().width) * 1000) / 1000;
}, tag);
const height = (page: Page, tag: Tag) => page.evaluate((name) => document.querySelector(name)!.getBoundingClientRect().height, tag);
const frames = (page: Page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

async function measure(test: Case): Promise<Measured> {
  const page = await browser.newPage({ viewport: { width: test.width, height: WIDTHS[test.width] }, deviceScaleFactor: test.zoom ?? 1 });
  const errors = collectPageErrors(page);
  await page.addInitScript({ content: FRAME_LOG });
  const limit = Number(test.attributes?.limit ?? 10);
  const answer = test.answer ?? limit;
  let releaseScript!: () => void;
  const scriptHeld = new Promise<void>((resolve) => (releaseScript = resolve));
  try {
    // The build's script and its hash (what dist/recs.js.sri holds), read once: served from memory, they match
    // even if another run rebuilds dist/ meanwhile.
    const script = readFileSync(`${REPO_ROOT}dist/recs.js`);
    const body = pageHtml(test, `sha384-${createHash('sha384').update(script).digest('base64')}`);
    await page.route('**/shop/product.html', (route) => route.fulfill({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': STRICT_CSP }, body }));
    await page.route('**/theme.css', (route) => route.fulfill({ status: 200, contentType: 'text/css', body: `${test.tag} { ${test.theme ?? ''} }\n${test.pageCss ?? ''}` }));
    // The script arrives after the first paint, whatever the machine's speed.
    await page.route('**/dist/recs.js', async (route: Route) => {
      await scriptHeld;
      await route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: script });
    });
    await page.route('**/recs/pdp*', async (route) => {
      await until(DATA_DELAY);
      if (answer < 0) return route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":{"code":"invalid-request","message":"no"}}' });
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items: items(answer) }) });
    });
    await page.goto(`${server.origin}/shop/product.html`, { waitUntil: 'commit' });
    await page.waitForFunction(() => document.querySelector('.below') && [...document.styleSheets].every((sheet) => sheet.cssRules.length > 0));
    await frames(page);
    const reserved = await height(page, test.tag);
    const widthBefore = await widthShare(page, test.tag);
    releaseScript();
    await page.waitForFunction((name) => customElements.get(name) && document.querySelector(name)!.shadowRoot?.querySelector('.root'), test.tag);
    await frames(page);
    const skeletons = await height(page, test.tag);
    if (test.hiddenByPage) await until(DATA_DELAY + 200);
    else await page.waitForFunction((name) => ['ready', 'empty', 'error'].includes(document.querySelector(name)!.getAttribute('state') ?? ''), test.tag, { timeout: 10_000 });
    // The images in view have loaded (the rest are lazy), then the page has painted them.
    if (!test.hiddenByPage) await page.waitForFunction((name) => [...document.querySelector(name)!.shadowRoot!.querySelectorAll('img')]
      .filter((img) => {
        const box = img.getBoundingClientRect();
        return box.top < innerHeight && box.left < innerWidth && box.right > 0;
      }).every((img) => img.complete), test.tag);
    await frames(page);
    await until(100);
    if (test.afterSettled) {
      await page.evaluate(test.afterSettled);
      await page.waitForFunction((name) => document.querySelector(name)!.shadowRoot?.querySelector<HTMLImageElement>('[part=card] img')?.complete, test.tag, { timeout: 10_000 });
      await frames(page);
      await until(100);
    }
    const final = await height(page, test.tag);
    const widthAfter = await widthShare(page, test.tag);
    const { cls, shifts } = await page.evaluate(() => new Promise<{ cls: number; shifts: string[] }>((resolve) => {
      interface Shift { value: number; hadRecentInput: boolean; startTime: number; sources: { node?: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[] }
      let sum = 0;
      const shifts: string[] = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as unknown as Shift[]) {
          if (entry.hadRecentInput) continue;
          sum += entry.value;
          // No named helpers in here: tsx would wrap them in a __name() call the page does not have.
          const moved = entry.sources.map(({ node, previousRect: a, currentRect: b }) => [
            node instanceof Element ? `${node.localName}${node.getAttribute('part') ? `[part=${node.getAttribute('part')}]` : ''}${node.className ? `.${String(node.className).replace(/ /g, '.')}` : ''}` : node?.nodeName ?? '?',
            `${Math.round(a.x)},${Math.round(a.y)} ${Math.round(a.width)}x${Math.round(a.height)} -> ${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}x${Math.round(b.height)}`,
          ].join(' '));
          shifts.push(`${Math.round(entry.startTime)} ms ${entry.value.toFixed(4)}: ${moved.join('; ')}`);
        }
      }).observe({ type: 'layout-shift', buffered: true });
      setTimeout(() => resolve({ cls: sum, shifts }), 100);
    }));
    const watched = await page.evaluate(() => (window as unknown as { __recsWatch: { violations: string[]; errors: string[] } }).__recsWatch);
    const state = await page.evaluate((name) => document.querySelector(name)!.getAttribute('state'), test.tag);
    const slotted = await page.evaluate(([name, shown]) => {
      const content = document.querySelector(name)!.querySelector(`[slot="${shown}"]`);
      return content ? content.getBoundingClientRect().height + parseFloat(getComputedStyle(content).marginBottom) : 0;
    }, [test.tag, state] as const);
    // The browser logs the answer the error case asks for; anything else is a fault.
    const logged = errors.filter((error) => !(answer < 0 && error.includes('status of 400') && error.includes('/recs/pdp')));
    const frameLog = await page.evaluate(() => (window as unknown as { __recsFrames: string[] }).__recsFrames);
    return { cls, shifts, reserved, skeletons, final, widthShare: [widthBefore, widthAfter], state, slotted, errors: [...logged, ...watched.violations, ...watched.errors], frameLog };
  } finally {
    releaseScript();
    await page.close();
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
const describeCase = (test: Case) => `${test.zoom ? `${test.zoom * 100}% zoom: ` : ''}${test.wrapper ? `in div.${test.wrapper}: ` : ''}${test.tag} ${test.width}px ${JSON.stringify(test.attributes ?? {})}${test.theme ? ` {${test.theme}}` : ''}${test.pageCss ? ` ${test.pageCss}` : ''}`;

/** The page holds still: no shift above 0.001, and one height from before the script to the end. */
async function assertStill(test: Case, expectedState = 'ready'): Promise<Measured> {
  const result = await measure(test);
  const label = `${describeCase(test)}: ${JSON.stringify({ ...result, reserved: round(result.reserved), skeletons: round(result.skeletons), final: round(result.final) })}`;
  assert.deepEqual(result.errors, [], label);
  assert.ok(!result.frameLog.some((frame) => frame.endsWith('partial')), `a paint before the whole page was parsed: ${label}`);
  assert.equal(result.state, expectedState, label);
  assert.ok(result.reserved > 0, label);
  assert.ok(Math.abs(result.skeletons - result.reserved) < 0.5, `skeletons as high as the reserved space: ${label}`);
  assert.ok(Math.abs(result.final - result.reserved) < 0.5, `cards as high as the reserved space: ${label}`);
  assert.ok(result.cls <= MAX_CLS, `cumulative layout shift ${result.cls}: ${label}`);
  return result;
}

const widths = Object.keys(WIDTHS).map(Number) as (keyof typeof WIDTHS)[];

for (const tag of ['recs-carousel', 'recs-list'] as const) {
  describe(`<${tag}> as the README's snippet places it`, () => {
    for (const heading of ['You may also like', undefined]) {
      for (const limit of ['4', '10', '20']) {
        for (const width of widths) {
          it(`${heading ? 'with' : 'without'} a heading, limit ${limit}, ${width}px: no shift`, async () => {
            await assertStill({ tag, width, attributes: { limit, ...(heading ? { heading } : {}) } });
          });
        }
      }
    }

    it('without a limit attribute (10 cards), and with limit 7, 5 (at 1280px the carousel shows exactly 5) and 1', async () => {
      for (const width of widths) {
        await assertStill({ tag, width });
        await assertStill({ tag, width, attributes: { limit: '7', heading: 'Bestsellers' } });
        await assertStill({ tag, width, attributes: { limit: '5' } });
        await assertStill({ tag, width, attributes: { limit: '1' } });
      }
    });

    it("follows the merchant's theme: image ratio, gap, card width, heading font, button size, add-to-cart", async () => {
      const themes = [
        '--recs-image-ratio: 3 / 4; --recs-gap: 24px; --recs-heading-font: 700 22px/30px serif;',
        '--recs-card-width: 240px; --recs-image-ratio: 16 / 9; --recs-button-size: 44px;',
        '--recs-gap: 8px; --recs-card-width: 150px; --recs-heading-font: 600 16px/40px system-ui;',
      ];
      for (const width of widths) {
        for (const theme of themes) await assertStill({ tag, width, theme, attributes: { limit: '9', heading: 'Bestsellers', 'add-to-cart': '' } });
        await assertStill({ tag, width, theme: '--recs-slides-per-view: 2.5;', attributes: { limit: '6' } });
        if (tag === 'recs-carousel') await assertStill({ tag, width, attributes: { limit: '5', 'slides-per-view': '3' } });
      }
    });

    it('keeps its space when empty or failed, and gives it back only with collapse', async () => {
      for (const width of widths) {
        await assertStill({ tag, width, answer: 0, attributes: { limit: '8', heading: 'Bestsellers' } }, 'empty');
        await assertStill({ tag, width, answer: -1, attributes: { limit: '8' } }, 'error');
        for (const answer of [0, -1]) {
          const collapsed = await measure({ tag, width, answer, attributes: { limit: '8', collapse: '' } });
          assert.equal(collapsed.state, answer ? 'error' : 'empty');
          // Only the merchant's slot content is left (one line of text and its margin).
          assert.ok(collapsed.slotted > 0);
          assert.equal(round(collapsed.final), round(collapsed.slotted), describeCase({ tag, width }));
          assert.ok(collapsed.reserved > 300);
        }
      }
    });

    // Vue writes a bound `:add-to-cart="false"` as the attribute add-to-cart="false": no button, so no button space either.
    it('add-to-cart="false" (a framework\'s bound false) reserves no button space; collapse="false" keeps an empty widget\'s', async () => {
      for (const width of widths) {
        for (const value of ['false', 'FALSE']) await assertStill({ tag, width, attributes: { limit: '6', heading: 'Bestsellers', 'add-to-cart': value } });
        await assertStill({ tag, width, answer: 0, attributes: { limit: '6', collapse: 'false' } }, 'empty');
      }
    });

    it('fills the width of a flex row or a centred flex column, before the script and after', async () => {
      const pageCss = '.row { display: flex; gap: 8px } .centred { display: flex; flex-direction: column; align-items: center }';
      for (const width of widths) {
        for (const wrapper of ['row', 'centred']) {
          const result = await assertStill({ tag, width, pageCss, wrapper, attributes: { limit: '8', heading: 'Bestsellers' } });
          assert.deepEqual(result.widthShare, [1, 1], describeCase({ tag, width, pageCss, wrapper }));
        }
      }
    });

    it("yields to the page's own rules: hidden by a class or on small screens, it holds no space to give back", async () => {
      const small = '@media (max-width: 600px) { recs-carousel, recs-list { display: none } }';
      for (const width of [360, 1280] as const) {
        for (const test of [{ tag, width, pageCss: small }, { tag, width, pageCss: '.hide { display: none }', attributes: { class: 'hide' } }]) {
          const hidden = test.pageCss === small ? width === 360 : true;
          if (!hidden) {
            await assertStill({ ...test, attributes: { limit: '4' } });
            continue;
          }
          const result = await measure({ ...test, hiddenByPage: true });
          const label = `${describeCase(test)}: ${JSON.stringify(result)}`;
          assert.deepEqual(result.errors, [], label);
          assert.deepEqual([result.reserved, result.skeletons, result.final], [0, 0, 0], label);
          assert.equal(result.cls, 0, label);
        }
      }
    });

    it('holds still right to left (dir="rtl": the other cards overflow to the left), in a 320px column and at 200% zoom', async () => {
      for (const width of widths) {
        for (const heading of [{ heading: 'قد يعجبك أيضًا' }, {}] as Record<string, string>[]) await assertStill({ tag, width, attributes: { dir: 'rtl', limit: '8', 'add-to-cart': '', ...heading } });
      }
      // A phone's 320px column (an iPhone SE, a narrow sidebar), and a 1280px window at 200% zoom: 640 CSS px at 2 device pixels each.
      for (const limit of ['1', '5', '10']) {
        await assertStill({ tag, width: 360, pageCss: '.column { width: 320px }', wrapper: 'column', attributes: { limit, heading: 'Empfehlungen für Sie aus unserem Sortiment an Wanderschuhen' } });
        await assertStill({ tag, width: 360, pageCss: '.column { width: 320px }', wrapper: 'column', attributes: { limit, dir: 'rtl' } });
      }
      for (const zoom of [2, 1.5]) await assertStill({ tag, width: 768, zoom, attributes: { limit: '9', heading: 'You may also like' } });
    });

    it('reads a limit that is no whole number from 1 (a CMS field: 0, -1, 4.5) as the default 10 cards, before the script and after', async () => {
      for (const width of [360, 1280] as const) {
        for (const limit of ['0', '-1', '4.5']) await assertStill({ tag, width, answer: 10, attributes: { limit, heading: 'Bestsellers' } });
      }
    });

    it('holds still when a snapshot of the page is put back (Turbo, a saved page): the copied state attribute is not believed', async () => {
      // The clone has state="ready" and no shadow root: dist/recs.css must hold its space until its first render.
      for (const width of [360, 1280] as const) {
        await assertStill({ tag, width, attributes: { limit: '6', heading: 'More' }, afterSettled: 'document.body.replaceWith(document.body.cloneNode(true))' });
      }
    });

    it('shifts the page without dist/recs.css (the measure can fail)', async () => {
      const result = await measure({ tag, width: 768, bare: true, attributes: { limit: '10' } });
      assert.equal(result.state, 'ready');
      assert.ok(result.cls > 0.1, `cumulative layout shift ${result.cls}`);
      // The frame log saw it too (it is what a failure above reports): the element's box changed after the first frame.
      assert.ok(result.frameLog.length >= 2, `frame log: ${JSON.stringify(result.frameLog)}`);
    });
  });
}
