import { defineConfig, type Plugin } from 'vite';
import { readFile } from 'node:fs/promises';
import { getRequestListener } from '@hono/node-server';
import { createProxyApp } from './src/proxy/app.ts';
import { eventStoreFromEnv, fileReaderRelativeTo, loadConfig } from './src/proxy/server.ts';
import { createRequestIdSigner } from './src/proxy/experiments/token.ts';
import { DEMO_PLACEMENTS, simulateDemo } from './src/proxy/report/simulate.ts';
import type { EventStore } from './src/proxy/events/store.ts';

const port = Number(process.env.PORT) || 5173;
/** The demo's report password when REPORT_TOKEN is unset (the demo page says so). */
const DEMO_REPORT_TOKEN = 'demo';
/** What the dev server answers itself: recommendations, events and the report. */
const PROXY_PATHS = /^\/(recs\/|events$|report(\.json$|\/|$))/;

/** Whether the proxy answers this request URL: its path, whatever the query (`/report.json?placement=similar`). */
export const isProxyPath = (url: string) => PROXY_PATHS.test(url.split('?')[0]!);

/**
 * The demo's report is filled once, on an empty store, by a seeded simulation of a few
 * thousand page views over the last 14 days, signed like real answers; the demo page's
 * own events add to it.
 */
async function fillDemoReport(store: EventStore, secret: string): Promise<void> {
  const [{ seen }] = await store.sql.query<{ seen: boolean }>('SELECT EXISTS (SELECT 1 FROM recs_requests) AS seen');
  if (seen) return;
  const signer = createRequestIdSigner({ secret, maxAgeMs: 30 * 86_400_000, now: Date.now });
  const catalog = JSON.parse(await readFile('demo/catalog.json', 'utf8')) as { items: { id: string; price: { amount: number } }[] };
  await simulateDemo(store, {
    seed: 1,
    now: Date.now(),
    pageViews: 1500,
    placements: DEMO_PLACEMENTS,
    sign: (placement, variant, ranks) => signer.sign(placement, variant, ranks),
    catalog: catalog.items.map((item) => ({ id: item.id, price: item.price.amount })),
  });
}

/**
 * The dev server answers /recs/*, /events and /report with the reference proxy itself
 * (src/proxy), on recs.config.json's demo placements, so the demo needs no keys and no
 * network and shows exactly what `npm run proxy` serves. Events go to an embedded
 * database in .recs-data/demo-events (RECS_DATA_DIR).
 */
function recsProxy(): Plugin {
  return {
    name: 'recs-proxy',
    async configureServer(server) {
      const config = await loadConfig('recs.config.json');
      config.allowedOrigins.push(`http://localhost:${port}`, `http://127.0.0.1:${port}`);
      const env = {
        RECS_DATA_DIR: '.recs-data/demo-events',
        REPORT_TOKEN: DEMO_REPORT_TOKEN,
        // A fixed key, so the demo's stored events and its report outlive a restart.
        RECS_EVENTS_SECRET: 'demo-only-events-secret-not-for-production',
        ...process.env,
      };
      const log = (line: string) => console.error(line);
      const store = eventStoreFromEnv(env, log);
      await fillDemoReport(store, env.RECS_EVENTS_SECRET).catch((error: unknown) => log(`demo report: not filled (${String(error)})`));
      // The report password "demo" is shorter than the proxy accepts elsewhere (MIN_SECRET_LENGTH).
      const app = createProxyApp(config, { env, readFile: fileReaderRelativeTo('recs.config.json'), log, events: { store }, allowShortSecrets: true });
      const listener = getRequestListener(app.fetch);
      server.middlewares.use((request, response, next) => (isProxyPath(request.url ?? '/') ? void listener(request, response) : next()));
      server.httpServer?.once('close', () => void app.close().then(() => store.close()));
    },
  };
}

// `npm start`: the demo and the playground at http://localhost:5173 (PORT honoured).
export default defineConfig({
  root: 'demo',
  server: { port, strictPort: Boolean(process.env.PORT) },
  plugins: [recsProxy()],
});
