/**
 * Issue 14, item 8: a storefront that loads dist/recs.js twice (a theme and an app each
 * bring the script tag). Whichever copy the page calls, setContext and registerTransport
 * reach the elements. Needs `node scripts/build.mjs` first (dist/).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { chromiumSuite, collectPageErrors } from './support/chromium.ts';

const suite = chromiumSuite();

/** The widget's state once it settled (or what it is after 8 s) and the titles it shows. */
const shown = async (page: Page, id: string) => {
  await page
    .waitForFunction((elementId) => ['ready', 'empty', 'error'].includes(document.getElementById(elementId)?.getAttribute('state') ?? ''), id, { timeout: 8000 })
    .catch(() => {});
  return page.evaluate((elementId) => {
    const el = document.getElementById(elementId) as (HTMLElement & { error?: { message: string } }) | null;
    return {
      state: el?.getAttribute('state') ?? null,
      error: el?.error?.message ?? null,
      titles: [...(el?.shadowRoot?.querySelectorAll('[part="title"]') ?? [])].map((node) => node.textContent),
    };
  }, id);
};

describe('two copies of the bundle on one page: the second copy’s page API', () => {
  it('a transport registered through the second copy shows its cards', async () => {
    const page = await suite.browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${suite.server.origin}/test/pages/two-copies-api.html`);
    assert.deepEqual(await shown(page, 'registered'), { state: 'ready', error: null, titles: ['From the second copy'] });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('setContext through the second copy reaches the widgets: the current product is left out, and a change re-renders', async () => {
    const page = await suite.browser.newPage();
    await page.goto(`${suite.server.origin}/test/pages/two-copies-api.html`);
    const before = await shown(page, 'context');
    assert.equal(before.state, 'ready');
    assert.deepEqual(before.titles.length, 3, `titles: ${before.titles.join(' | ')}`);
    assert.ok(!before.titles.includes('Trail shoe'), 'the page’s own product (sku-01) was recommended');

    await page.evaluate(() => (window as any).secondCopy.setContext({ productIds: ['sku-02'] }));
    await page.waitForFunction(() => {
      const titles = [...(document.getElementById('context')?.shadowRoot?.querySelectorAll('[part="title"]') ?? [])].map((node) => node.textContent);
      return titles.includes('Trail shoe') && !titles.includes('Hiking sock');
    }, undefined, { timeout: 5000 });
    await page.close();
  });
});
