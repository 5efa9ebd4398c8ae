// `npm run screenshots`: pictures of both elements on the demo store, at phone, tablet and
// desktop widths, in light and dark, for docs/designer.md and for reviewing visual changes.
//
//   1. builds (so the pictures are of code that compiles; `--no-build` skips it),
//   2. starts the demo's Vite dev server on a free loopback port (the /recs/* sample catalog),
//   3. opens it in Debian's Chromium through playwright-core (never Playwright's download),
//   4. saves element-only PNGs, after state=ready and every visible image has loaded, as
//      docs/screenshots/<element>-<width>-<theme>.png.
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from './chromium.mjs';
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'docs/screenshots');
const WIDTHS = [360, 768, 1280];
const THEMES = ['light', 'dark'];
const ELEMENTS = ['recs-carousel', 'recs-list'];

process.chdir(root); // vite.config.ts names its root ('demo') relative to the working directory

if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });

/** A port nothing listens on right now. */
const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const port = await freePort();
const server = await createServer({
  configFile: join(root, 'vite.config.ts'),
  logLevel: 'warn',
  server: { port, strictPort: true, host: '127.0.0.1', open: false },
});
await server.listen();
const url = `http://127.0.0.1:${port}/`;

const browser = await chromium.launch(await chromiumLaunchOptions());
mkdirSync(out, { recursive: true });
const saved = [];
try {
  // Dependency pre-bundling may reload the page the first time: warm the server up once.
  const warm = await browser.newPage();
  await warm.goto(url, { waitUntil: 'networkidle' });
  await warm.close();

  for (const theme of THEMES) {
    for (const width of WIDTHS) {
      // A tall viewport, so lazily loaded images further down the list load too; the shots are element-only.
      const context = await browser.newContext({ viewport: { width, height: 5000 }, colorScheme: theme, reducedMotion: 'reduce', deviceScaleFactor: 1 });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[${width} ${theme}] page error: ${error.message}`));
      await page.goto(url, { waitUntil: 'networkidle' });
      await page.waitForFunction(
        (tags) => tags.every((tag) => document.querySelector(tag)?.getAttribute('state') === 'ready'),
        ELEMENTS,
        { timeout: 15_000 },
      );
      for (const tag of ELEMENTS) {
        const element = page.locator(tag).first();
        await element.scrollIntoViewIfNeeded();
        // Every image the shopper can see has arrived (off-screen carousel cards may stay lazy).
        await page.waitForFunction(
          (name) => {
            const host = document.querySelector(name);
            const box = (host.shadowRoot.querySelector('[part="track"]') ?? host).getBoundingClientRect();
            return [...host.shadowRoot.querySelectorAll('img')].every((img) => {
              const rect = img.getBoundingClientRect();
              const visible = rect.right > box.left && rect.left < box.right && rect.bottom > 0 && rect.top < innerHeight;
              return !visible || (img.complete && img.naturalWidth > 0);
            });
          },
          tag,
          { timeout: 15_000 },
        );
        await page.evaluate(() => document.fonts.ready.then(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))));
        const path = join(out, `${tag}-${width}-${theme}.png`);
        await element.screenshot({ path, animations: 'disabled', caret: 'hide' });
        saved.push(path);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}

for (const path of saved) console.log(`${path.slice(root.length).padEnd(44)} ${String(Math.round(statSync(path).size / 1024)).padStart(5)} KB`);
