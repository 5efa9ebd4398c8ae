/**
 * The package as an app gets it: `npm pack` makes the tarball, a fresh consumer project in
 * a temporary folder installs it, TypeScript (strict, no skipLibCheck) type-checks the
 * app's `import { setContext } from 'recs-widget'`, `import 'recs-widget/define'` and the
 * React wrapper, Vite builds it, and the built app runs in Chromium (React mounts the
 * wrapper, the element loads and the handler sees the event).
 *
 * No network: the tarball is unpacked into the consumer's node_modules, and its
 * dependencies (and the app's React) are links to the packages `npm ci` installed here.
 * Only what the packed package.json declares is linked, with what those packages need in
 * turn, so a dependency the package forgot to declare fails the build. (`npm install
 * --offline` is no alternative: after `npm ci` the npm cache holds tarballs but not the
 * registry metadata an install of a version range needs.) Needs `npm run build` first.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { build, preview, type PreviewServer } from 'vite';
import { launchChromium, collectPageErrors } from './support/chromium.ts';

const root = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'recs-consumer-'));
const app = join(work, 'app');

interface PackResult {
  filename: string;
  files: { path: string }[];
}
let packed: PackResult;

/** A package and everything it needs at run time, as installed in the repository's node_modules (top level only: nested copies travel with their parent). */
function dependencyClosure(names: string[]): Set<string> {
  const found = new Set<string>();
  const queue = [...names];
  while (queue.length) {
    const name = queue.shift()!;
    if (found.has(name)) continue;
    const manifest = join(root, 'node_modules', name, 'package.json');
    assert.ok(existsSync(manifest), `${name} is needed by the consumer but not installed here (npm ci)`);
    found.add(name);
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    const optional = { ...pkg.optionalDependencies, ...pkg.peerDependencies };
    for (const dep of Object.keys({ ...pkg.dependencies, ...optional })) {
      if (existsSync(join(root, 'node_modules', name, 'node_modules', dep))) continue;
      const installed = existsSync(join(root, 'node_modules', dep, 'package.json'));
      if (installed || !(dep in optional)) queue.push(dep);
    }
  }
  return found;
}

const CONSUMER_TSX = `
import { setContext, type RecItem, type Transport } from 'recs-widget';
import 'recs-widget/define';
import { RecsCarousel } from 'recs-widget/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

setContext({ productIds: ['sku-1'], locale: 'de-DE' });

const transport: Transport = {
  fetch: async () => ({ items: [{ id: 'sku-9', title: 'Packed shoe', url: 'https://shop.example/p/sku-9' }] }),
};

function App() {
  return (
    <RecsCarousel
      transport={transport}
      lazy={false}
      heading="Dazu passt"
      onRecsLoad={(event) => {
        document.body.dataset.loaded = event.detail.items.map((item: RecItem) => item.id).join(',');
      }}
    />
  );
}

createRoot(document.getElementById('app')!).render(<StrictMode><App /></StrictMode>);
`;

describe('the npm package in a fresh consumer project', () => {
  before(async () => {
    assert.ok(existsSync(join(root, 'dist/react.js')) && existsSync(join(root, 'dist/types/index.d.ts')), 'dist/ is missing: run npm run build');
    // --ignore-scripts: dist/ is built already; the tarball is what `npm publish` would upload.
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root });
    packed = (JSON.parse(stdout) as PackResult[])[0]!;

    const modules = join(app, 'node_modules');
    const own = join(modules, 'recs-widget');
    mkdirSync(own, { recursive: true });
    await run('tar', ['-xzf', join(work, packed.filename), '-C', own, '--strip-components=1']);
    const declared = Object.keys(JSON.parse(readFileSync(join(own, 'package.json'), 'utf8')).dependencies ?? {});
    for (const name of dependencyClosure([...declared, 'react', 'react-dom', '@types/react', '@types/react-dom'])) {
      mkdirSync(dirname(join(modules, name)), { recursive: true });
      symlinkSync(join(root, 'node_modules', name), join(modules, name), 'dir');
    }
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'storefront', private: true, type: 'module' }));
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        jsx: 'react-jsx', strict: true, noEmit: true, skipLibCheck: false, types: [], isolatedModules: true,
      },
      include: ['src'],
    }));
    mkdirSync(join(app, 'src'));
    writeFileSync(join(app, 'src/main.tsx'), CONSUMER_TSX);
    writeFileSync(join(app, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><div id="app"></div><script type="module" src="/src/main.tsx"></script></body></html>');
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('packs dist, types, the manifest and the README; no tests, fixtures, demo or images', () => {
    const paths = packed.files.map((file) => file.path);
    for (const needed of ['package.json', 'README.md', 'custom-elements.json', 'dist/index.js', 'dist/define.js', 'dist/react.js', 'dist/recs.js', 'dist/types/index.d.ts', 'dist/types/react.d.ts', 'dist/types/frameworks/vue.d.ts']) {
      assert.ok(paths.includes(needed), `${needed} is not in the tarball`);
    }
    const unwanted = paths.filter((path) => /(^|\/)(test|tests|fixtures|demo|bench|docs|screenshots)\//.test(path) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(path) || /\.(png|jpe?g|gif|webp|avif)$/i.test(path));
    assert.deepEqual(unwanted, []);
  });

  it('exports the reserved-space stylesheet: import \'recs-widget/recs.css\' resolves in the consumer', () => {
    const resolved = createRequire(join(app, 'package.json')).resolve('recs-widget/recs.css');
    assert.equal(resolved, join(app, 'node_modules/recs-widget/dist/recs.css'));
    assert.match(readFileSync(resolved, 'utf8'), /recs-carousel/);
  });

  it('brings no Lit of its own: the npm chunks import lit and @lit-labs/ssr-client from the app', () => {
    const lib = join(app, 'node_modules/recs-widget/dist/lib');
    const copies = (readdirSync(lib, { recursive: true }) as string[]).filter((name) => name.endsWith('.js') && readFileSync(join(lib, name), 'utf8').includes('createPolicy("lit-html"'));
    assert.deepEqual(copies, [], 'these npm chunks carry their own copy of lit-html');
  });

  it('type-checks the consumer with TypeScript strict (the package, its types and their dependencies)', async () => {
    try {
      await run(join(root, 'node_modules/.bin/tsc'), ['-p', join(app, 'tsconfig.json')], { cwd: app });
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      assert.fail(`tsc failed in the consumer:\n${failed.stdout}${failed.stderr}`);
    }
  });

  it('builds with Vite and runs in Chromium: the wrapper mounts, the element loads, the handler hears it', async () => {
    await build({ root: app, configFile: false, logLevel: 'error', build: { outDir: join(app, 'dist') } });
    const server: PreviewServer = await preview({ root: app, configFile: false, logLevel: 'error', preview: { port: 0, host: '127.0.0.1', strictPort: false }, build: { outDir: join(app, 'dist') } });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors = collectPageErrors(page);
      await page.goto(server.resolvedUrls!.local[0]!);
      await page.waitForFunction(() => document.body.dataset.loaded === 'sku-9', undefined, { timeout: 5000 });
      const title = await page.locator('recs-carousel').evaluate((element) => element.shadowRoot?.querySelector('[part="title"]')?.textContent?.trim());
      assert.equal(title, 'Packed shoe');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });

  it('tree-shakes: a checkout page importing only trackOrder bundles no Lit and no element', async () => {
    const page = join(app, 'checkout'); // inside the app: its node_modules has the packed package
    mkdirSync(page, { recursive: true });
    writeFileSync(join(page, 'index.html'), '<script type="module" src="./main.js"></script>');
    writeFileSync(join(page, 'main.js'), "import { trackOrder } from 'recs-widget';\ntrackOrder({ id: 'o-1', currency: 'EUR', lines: [] });\n");
    const out = join(page, 'dist');
    await build({ root: page, configFile: false, logLevel: 'error', build: { outDir: out } });
    const entry = (readdirSync(join(out, 'assets')) as string[]).filter((name) => /^index-.*\.js$/.test(name));
    assert.equal(entry.length, 1);
    const code = readFileSync(join(out, 'assets', entry[0]!), 'utf8');
    for (const marker of ['createPolicy("lit-html"', 'attachShadow', 'recs-carousel']) assert.ok(!code.includes(marker), `the trackOrder-only bundle has ${marker}`);
  });
});
