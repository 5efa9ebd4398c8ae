import { playwrightLauncher } from '@web/test-runner-playwright';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { vendorStubs } from './test/stubs/vendor-stubs.mjs';
import { reactBundles } from './test/stubs/react-bundles.mjs';
import { eventsStub } from './test/stubs/events-stub.mjs';
import { chromiumLaunchOptions } from './scripts/chromium.mjs';

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  rootDir: '.',
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  middleware: [vendorStubs(), eventsStub(), reactBundles()],
  browsers: [playwrightLauncher({ product: 'chromium', launchOptions: await chromiumLaunchOptions() })],
  testFramework: { config: { timeout: 10000 } },
  concurrency: 2,
  // Bundlers replace process.env.NODE_ENV; nanostores' development build reads it.
  testRunnerHtml: (testFramework) => `<!doctype html><html><head>
    <script>window.process = { env: { NODE_ENV: 'development' } };</script>
    </head><body><script type="module" src="${testFramework}"></script></body></html>`,
};
