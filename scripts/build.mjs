// Builds dist/: the script-tag bundle (Lit inside, vendor transports as chunks beside it),
// the npm entries (dependencies left external) and type declarations; then prints sizes.
import { build } from 'vite';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';
import { minifyTemplates, minifyTemplatesPlugin } from './minify-templates.mjs';
import { noGlobalsPlugin } from './no-globals.mjs';
import { writeSri } from './sri.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const common = { root, configFile: false, logLevel: 'warn' };
const files = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  return statSync(path).isDirectory() ? (name === 'types' ? [] : files(path)) : [path];
});


// 1. dist/recs.js for the script tag. Every file is self-contained: relative imports only.
await build({
  ...common,
  plugins: [minifyTemplatesPlugin, noGlobalsPlugin],
  // Lib mode leaves process.env.NODE_ENV for a consumer's bundler; a script tag has none.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  // The script tag exports no store, so nanostores' atom gives way to the subset it uses (src/data/atom.ts).
  resolve: { alias: { nanostores: join(root, 'src/data/atom.ts') } },
  build: {
    outDir: dist,
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    lib: { entry: { recs: 'src/cdn.ts' }, formats: ['es'] },
    rolldownOptions: {
      preserveEntrySignatures: 'allow-extension',
      output: {
        // Lib mode keeps whitespace for ES output; the script tag wants it fully minified.
        minify: true,
        // Annotations and license banners serve bundlers, not shoppers (Lit's BSD notice: see README).
        comments: false,
        entryFileNames: '[name].js',
        // Vendor transports load on first use; what they share (zod/mini) is one chunk.
        chunkFileNames: (chunk) => (/[\\/]transports[\\/]/.test(chunk.facadeModuleId ?? '') ? 'transports/[name].js' : 'chunks/[name].js'),
      },
    },
  },
});

// Terser's extra passes find ~1% more than Rolldown's minifier; on a file every shopper downloads, that counts.
for (const file of files(dist).filter((path) => path.endsWith('.js'))) {
  const { code } = await minify(readFileSync(file, 'utf8'), { module: true, ecma: 2020, compress: { passes: 2 } });
  writeFileSync(file, code);
}

// V8's explicit compile hint (Chromium 136 and later; a comment elsewhere): compile every function of the element and
// card code with the file, not on first call. On a fresh page the first cards otherwise wait for each function on their
// path (answer, render, events) to be compiled, ~2.5 ms for 20 cards (docs/bench.md); with the file, the compile is on a
// background thread while it downloads, and in the code cache from the second page view on.
for (const file of ['recs.js', 'chunks/card.js']) writeFileSync(join(dist, file), `//# allFunctionsCalledOnLoad\n${readFileSync(join(dist, file), 'utf8')}`);

// dist/recs.css: the space the elements hold before recs.js defines them, squeezed like the elements' own css``.
const reserve = readFileSync(join(root, 'src/elements/reserve.css'), 'utf8');
writeFileSync(join(dist, 'recs.css'), minifyTemplates(`css\`${reserve}\``).slice(4, -1) + '\n');

// 2. The npm entries: side-effect-free index.js, define.js and the React wrapper react.js, with lit,
// zod, nanostores and react external. @lit/react (1 KB) is inlined, so React users need no extra dependency.
// Templates are compacted as in recs.js: hydration matches a template by a digest of its text, and the
// proxy's server-rendered HTML comes from the compacted one.
await build({
  ...common,
  plugins: [minifyTemplatesPlugin],
  build: {
    outDir: dist,
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    lib: { entry: { index: 'src/index.ts', define: 'src/define.ts', react: 'src/react.ts' }, formats: ['es'] },
    rolldownOptions: {
      // @lit-labs/ssr-client too: inlined, it brought its own copy of lit-html, a second Lit on the page.
      external: [/^lit($|\/)/, /^@lit\/(?!react($|\/))/, /^@lit-labs\/ssr-client($|\/)/, /^zod($|\/)/, /^nanostores($|\/)/, /^react($|\/)/],
      output: {
        // One file per module, so an app's bundler drops what it does not use (trackOrder alone brings no Lit).
        preserveModules: true,
        preserveModulesRoot: 'src',
        // The inlined @lit/react goes to lib/vendor/, not under a node_modules folder.
        entryFileNames: (chunk) =>
          ['index', 'define', 'react'].includes(chunk.name) ? '[name].js' : chunk.name.includes('node_modules/') ? `lib/vendor/${chunk.name.split('node_modules/').pop()}.js` : 'lib/[name].js',
        // The wrapper uses hooks: React Server Components frameworks (Next.js) must load it on the client.
        banner: (chunk) => (chunk.isEntry && chunk.name === 'react' ? "'use client';" : ''),
      },
    },
  },
});

// 3. Type declarations for npm users.
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

// 4. What each shopper-facing file costs.
console.log('\nfile                              bytes     gzip');
for (const file of files(dist).filter((path) => /\.(js|css)$/.test(path)).sort()) {
  const source = readFileSync(file);
  const gzip = gzipSync(source, { level: 9 }).length;
  console.log(`${relative(dist, file).padEnd(30)} ${String(source.length).padStart(8)} ${String(gzip).padStart(8)}`);
}

// 5. The SRI hash merchants put on the script tag (dist/recs.js.sri).
writeSri(dist);
