/**
 * How every Chromium here is launched (browser tests, node tests, bench, screenshots):
 * Debian's Chromium, never Playwright's download, with one set of flags.
 *
 * Chromium keeps only the last `--disable-features` it is given, so a second one would
 * silently drop Playwright's own list (PaintHolding, MediaRouter, ...); ours is merged into
 * it instead. What we add: the omnibox popup's WebUI. From Chromium 156 every new window
 * (each Playwright context and page) starts a renderer for `chrome://omnibox-popup.top-chrome`,
 * 100-180 ms of CPU on a 2-vCPU machine that lands on whatever page is loading
 * (docs/bench.md, run 71). A shopper's tab opened that window long before the page.
 */
import { chromium } from 'playwright-core';

export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const DISABLED_FEATURES = ['PreloadTopChromeWebUI', 'WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup'];

let defaults;

/** Playwright's own `--disable-features` switch, read off a browser it starts (it is not exported). */
async function playwrightDisabledFeatures() {
  const server = await chromium.launchServer({ executablePath, args: FLAGS });
  try {
    return server.process().spawnargs.filter((arg) => arg.startsWith('--disable-features='));
  } finally {
    await server.close();
  }
}

/**
 * Options for chromium.launch (or @web/test-runner-playwright's launchOptions); `ignore`
 * names more of Playwright's default switches to leave out (e.g. `--hide-scrollbars`).
 */
export async function chromiumLaunchOptions({ ignore = [] } = {}) {
  defaults ??= await playwrightDisabledFeatures();
  const features = [...defaults.map((arg) => arg.slice('--disable-features='.length)), ...DISABLED_FEATURES].join(',');
  return { executablePath, args: [...FLAGS, `--disable-features=${features}`], ignoreDefaultArgs: [...defaults, ...ignore] };
}
