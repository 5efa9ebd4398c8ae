// Serves React to the browser tests as one ES module per version:
//   /react-bundle/19.js   React and react-dom/client from the project's node_modules
//   /react-bundle/18.js   the same from test/react18/node_modules (a test-only package)
// React ships CommonJS only, which a browser cannot import, so each version is bundled
// once with Vite (Rolldown) on first request; both export { React, ReactDOM }.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const homes = { 19: root, 18: `${root}test/react18/` };
const bundles = new Map();

async function bundle(version) {
  const require = createRequire(homes[version]);
  let react, reactDom;
  try {
    react = require.resolve('react');
    reactDom = require.resolve('react-dom/client');
  } catch {
    throw new Error(`React ${version} is not installed for the tests (${homes[version]}node_modules): run npm ci`);
  }
  const installed = require('react/package.json').version;
  if (!installed.startsWith(`${version}.`)) throw new Error(`React ${version} is not installed for the tests (found ${installed} from ${homes[version]}): run npm ci`);
  const entry = 'virtual:react-bundle';
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root,
    define: { 'process.env.NODE_ENV': JSON.stringify('development') },
    plugins: [{
      name: 'react-bundle-entry',
      enforce: 'pre',
      resolveId: (id) => (id === entry ? id : undefined),
      load: (id) => (id === entry ? `import React from ${JSON.stringify(react)};\nimport ReactDOM from ${JSON.stringify(reactDom)};\nexport { React, ReactDOM };\nexport const version = React.version;` : undefined),
    }],
    build: { write: false, minify: false, rolldownOptions: { input: entry, preserveEntrySignatures: 'strict', output: { format: 'es' } } },
  });
  const output = (Array.isArray(result) ? result[0] : result).output;
  return output.find((chunk) => chunk.type === 'chunk' && chunk.isEntry).code;
}

export function reactBundles() {
  return async (ctx, next) => {
    const match = /^\/react-bundle\/(18|19)\.js$/.exec(ctx.path);
    if (!match) return next();
    const version = match[1];
    if (!bundles.has(version)) bundles.set(version, bundle(version).catch((error) => ({ error })));
    const code = await bundles.get(version);
    ctx.type = 'application/javascript';
    if (typeof code === 'string') ctx.body = code;
    else {
      // Fails the importing test with the reason, not a bare 500.
      ctx.body = `throw new Error(${JSON.stringify(code.error.message)});`;
    }
  };
}
