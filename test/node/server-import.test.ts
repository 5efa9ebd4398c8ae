/**
 * Server code (Next.js, Nuxt, an edge function) imports the package without a DOM:
 * `recs-widget`, `recs-widget/define` and `recs-widget/react` must load in plain Node,
 * throw nothing and define nothing. Each case runs in a fresh `node` (no tsx, no shim),
 * importing the built package by its name through package.json's exports, as a server
 * would. Needs `npm run build` first.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const root = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);

/** Runs an ES module script in a fresh Node inside the package (so `recs-widget` resolves to itself); returns its JSON output. */
async function inFreshNode(script: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', script], { cwd: root });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

const defined = `({
  carousel: globalThis.customElements?.get('recs-carousel') !== undefined,
  list: globalThis.customElements?.get('recs-list') !== undefined,
  dom: typeof globalThis.HTMLElement !== 'undefined' || typeof globalThis.document !== 'undefined',
})`;

describe('importing the package on a server', () => {
  it('has a build to import', () => {
    assert.ok(existsSync(`${root}dist/react.js`), 'dist/ is missing: run npm run build');
  });

  for (const entry of ['recs-widget', 'recs-widget/define', 'recs-widget/react']) {
    it(`imports ${entry} without a DOM and defines nothing`, async () => {
      const result = await inFreshNode(`
        const before = typeof globalThis.HTMLElement !== 'undefined' || typeof globalThis.document !== 'undefined';
        const module = await import('${entry}');
        console.log(JSON.stringify({ before, exports: Object.keys(module).sort(), ...${defined} }));
      `);
      assert.equal(result.before, false, 'the test Node already had a DOM');
      assert.deepEqual({ carousel: result.carousel, list: result.list, dom: result.dom }, { carousel: false, list: false, dom: false });
      if (entry === 'recs-widget') assert.ok((result.exports as string[]).includes('setContext'));
      if (entry === 'recs-widget/react') assert.deepEqual(result.exports, ['RecsCarousel', 'RecsList', 'createRecsComponents']);
    });
  }

  it('renders the React wrapper to HTML on the server: the element, its attributes and its children, no made-up attributes', async () => {
    const result = await inFreshNode(`
      const React = await import('react');
      const { renderToString } = await import('react-dom/server');
      const { RecsCarousel } = await import('recs-widget/react');
      const html = renderToString(React.createElement(RecsCarousel, {
        id: 'also-bought', className: 'recs', productId: 'sku-1', transport: 'proxy', endpoint: '/recs',
        labels: { next: 'Weiter' }, limit: 4, onRecsClick: () => {},
      }, React.createElement('p', { slot: 'empty' }, 'Nothing yet')));
      console.log(JSON.stringify({ html, ...${defined} }));
    `);
    // Props that are attributes print as the element's attributes (recs.css sizes the space from them); objects and
    // handlers are the client's to set after hydration, never made-up attributes (`productid`, `labels="[object Object]"`).
    assert.equal(result.html, '<recs-carousel id="also-bought" class="recs" transport="proxy" endpoint="/recs" product-id="sku-1" limit="4"><p slot="empty">Nothing yet</p></recs-carousel>');
    assert.equal(result.carousel, false);
  });

  it('defines the elements once a DOM shim is installed (what @lit-labs/ssr rendering needs)', async () => {
    const result = await inFreshNode(`
      await import('@lit-labs/ssr/lib/install-global-dom-shim.js');
      await import('recs-widget/define');
      console.log(JSON.stringify(${defined}));
    `);
    assert.deepEqual(result, { carousel: true, list: true, dom: true });
  });
});
