/**
 * The published React wrapper (dist/react.js, which inlines @lit/react's browser build) rendered on a server with
 * React 18 and 19: the server's log stays clean. React 18 warned "useLayoutEffect does nothing on the server" twice
 * per element on every render (react-ssr.test.ts renders the source, where @lit/react's node build has no layout
 * effect, so it did not see it). Needs `npm run build` first.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as ReactNamespace from 'react';
import type * as ReactDOMServer from 'react-dom/server';

const root = new URL('../..', import.meta.url).pathname;
const homes = { 19: root, 18: `${root}test/react18/` };

for (const [major, home] of Object.entries(homes)) {
  describe(`recs-widget/react as published, on a React ${major} server`, () => {
    it('renders without warnings or errors in the server log', async () => {
      assert.ok(existsSync(`${root}dist/react.js`), 'dist/ is missing: run npm run build');
      const require = createRequire(home);
      const React = require('react') as typeof ReactNamespace;
      const { renderToString } = require('react-dom/server') as typeof ReactDOMServer;
      assert.equal(React.version.split('.')[0], major);
      const { createRecsComponents } = (await import(`${root}dist/react.js`)) as typeof import('../../src/react.ts');
      const { RecsCarousel, RecsList } = createRecsComponents(React);
      const logged: string[] = [];
      const { error, warn } = console;
      console.error = console.warn = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
      let html: string;
      try {
        html = renderToString(React.createElement('div', null,
          React.createElement(RecsCarousel, { transport: 'proxy', endpoint: '/recs/pdp', productId: 'sku-1', limit: 4, onRecsLoad: () => {} }),
          React.createElement(RecsList, { transport: 'proxy', endpoint: '/recs/home', lazy: false })));
      } finally {
        Object.assign(console, { error, warn });
      }
      assert.deepEqual(logged, []);
      assert.equal(html, '<div><recs-carousel transport="proxy" endpoint="/recs/pdp" product-id="sku-1" limit="4"></recs-carousel>'
        + '<recs-list transport="proxy" endpoint="/recs/home" lazy="false"></recs-list></div>');
    });
  });
}
