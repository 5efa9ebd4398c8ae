/**
 * A storefront that shows and hides widgets all day (single-page apps, infinite scroll)
 * must not pay for the ones it removed. Mounts and removes 1,000 widgets in Chromium and
 * checks, through the DevTools protocol, that memory comes back and nothing keeps running.
 * Needs `npm run build` first.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CDPSession, Page } from 'playwright-core';
import { chromiumSuite, collectPageErrors } from './support/chromium.ts';

const WIDGETS = 1000;
const HEAP_BUDGET = 1024 * 1024;

interface Resources {
  observersCreated: number;
  observersLeft: string[];
  timersPending: string[];
  framesPending: number;
  listeners: string[];
}

const suite = chromiumSuite();

/** A full collection, twice, so objects freed by the first (weak maps, finalized wrappers) go too. */
async function heapAfterGc(cdp: CDPSession): Promise<{ js: number; embedder: number }> {
  for (let round = 0; round < 2; round++) await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; embedderHeapUsedSize?: number };
  return { js: usage.usedSize, embedder: usage.embedderHeapUsedSize ?? 0 };
}

const resources = (page: Page, since = 0) => page.evaluate((after) => (window as any).__recsResources(after) as Resources, since);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

describe('resource hygiene: 1,000 widgets mounted and removed', () => {
  it('gives back memory, and leaves no observer, timer, frame or page listener behind', { timeout: 180_000 }, async (t) => {
    const page = await suite.browser.newPage();
    const errors = collectPageErrors(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    await page.goto(`${suite.server.origin}/test/pages/hygiene.html`);
    await page.waitForFunction(() => (window as any).hygiene?.ready === true);

    // Warm up: templates compiled, formatters and chunks created, JIT settled.
    await page.evaluate(() => (window as any).hygiene.cycle(200));
    await page.evaluate(() => (window as any).hygiene.forget());
    const start = await heapAfterGc(cdp);
    const startResources = await resources(page);

    const seen = await page.evaluate((total) => (window as any).hygiene.cycle(total), WIDGETS);
    await heapAfterGc(cdp);
    const alive = await page.evaluate(() => (window as any).hygiene.alive() as string[]);
    // The test's own bookkeeping (a WeakRef per widget) goes before the final measurement.
    await page.evaluate(() => (window as any).hygiene.forget());
    const end = await heapAfterGc(cdp);
    const endResources = await resources(page, startResources.observersCreated);

    t.diagnostic(`${seen.mounted} widgets: ${seen.removedUnrendered} removed before rendering, ${seen.removedLoading} while loading, ${seen.removedReady} once ready; ${seen.impressions} impression events`);
    t.diagnostic(`JS heap ${kb(start.js)} -> ${kb(end.js)} (${kb(end.js - start.js)}); DOM (embedder) heap ${kb(start.embedder)} -> ${kb(end.embedder)} (${kb(end.embedder - start.embedder)})`);
    t.diagnostic(`observers created: ${endResources.observersCreated - startResources.observersCreated}`);

    // The run exercised what it claims to (otherwise the checks below prove nothing).
    assert.equal(seen.mounted, WIDGETS);
    assert.deepEqual(seen.notReady, [], 'widgets that should have rendered did not');
    assert.ok(seen.removedLoading > 100, `only ${seen.removedLoading} widgets were removed while loading`);
    assert.ok(seen.impressions > 0, 'no impression was reported, so impression timers never ran');
    assert.ok(endResources.observersCreated - startResources.observersCreated >= WIDGETS / 2);

    assert.deepEqual(alive, [], 'removed widgets still reachable after GC');
    assert.ok(end.js - start.js < HEAP_BUDGET, `JS heap grew by ${kb(end.js - start.js)}`);
    assert.ok(end.embedder - start.embedder < HEAP_BUDGET, `DOM heap grew by ${kb(end.embedder - start.embedder)}`);
    assert.deepEqual(endResources.observersLeft, [], 'observers still observing');
    assert.deepEqual(endResources.timersPending, [], 'timers still pending');
    assert.equal(endResources.framesPending, 0, 'animation frames still pending');
    assert.deepEqual(endResources.listeners, startResources.listeners, 'window/document listeners changed');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
