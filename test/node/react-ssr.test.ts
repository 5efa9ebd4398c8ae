/**
 * The React wrapper rendered on a server (renderToString, React 18 and 19), from the source: the HTML carries the
 * element's configuration as its attributes, so dist/recs.css reserves the right space before any script runs and the
 * element reads the same configuration when it upgrades. (server-import.test.ts checks the built package the same way.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type * as ReactNamespace from 'react';
import type * as ReactDOMServer from 'react-dom/server';
import { createRecsComponents } from '../../src/react/factory.ts';

const root = new URL('../..', import.meta.url).pathname;
const homes = { 19: root, 18: `${root}test/react18/` };

for (const [major, home] of Object.entries(homes)) {
  describe(`the React wrapper on a server, React ${major}`, () => {
    const require = createRequire(home);
    const React = require('react') as typeof ReactNamespace;
    const { renderToString } = require('react-dom/server') as typeof ReactDOMServer;
    const { RecsCarousel, RecsList } = createRecsComponents(React);

    it(`runs React ${major}`, () => assert.equal(React.version.split('.')[0], major));

    it('renders string, number and boolean props as the attributes the element reads, objects and handlers not at all', () => {
      const html = renderToString(React.createElement(RecsCarousel, {
        id: 'also-bought', className: 'recs', transport: 'proxy', endpoint: '/recs/pdp', productId: 'sku-1', limit: 8,
        heading: 'You may also like', addToCart: true, dedupePage: false, slidesPerView: 3, lazy: false,
        labels: { next: 'Weiter' }, onRecsClick: () => {},
      }, React.createElement('p', { slot: 'empty' }, 'Nothing yet')));
      assert.equal(html, '<recs-carousel id="also-bought" class="recs" transport="proxy" endpoint="/recs/pdp" product-id="sku-1" '
        + 'limit="8" heading="You may also like" lazy="false" add-to-cart="" slides-per-view="3"><p slot="empty">Nothing yet</p></recs-carousel>');
    });

    it('names a transport object `custom` (the element waits for it) and leaves out unset props', () => {
      const html = renderToString(React.createElement(RecsList, { transport: { fetch: () => Promise.resolve({ items: [] }) }, limit: 4, heading: undefined, addToCart: false }));
      assert.equal(html, '<recs-list transport="custom" limit="4"></recs-list>');
    });
  });
}
