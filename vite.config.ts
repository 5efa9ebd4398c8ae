import { defineConfig, type Plugin } from 'vite';
import { getRequestListener } from '@hono/node-server';
import { createProxyApp } from './src/proxy/app.ts';
import { fileReaderRelativeTo, loadConfig } from './src/proxy/server.ts';

const port = Number(process.env.PORT) || 5173;

/**
 * The dev server answers /recs/* with the reference proxy itself (src/proxy), on
 * recs.config.json's demo placements, so the demo needs no keys and no network and
 * shows exactly what `npm run proxy` serves.
 */
function recsProxy(): Plugin {
  return {
    name: 'recs-proxy',
    async configureServer(server) {
      const config = await loadConfig('recs.config.json');
      config.allowedOrigins.push(`http://localhost:${port}`, `http://127.0.0.1:${port}`);
      const app = createProxyApp(config, { env: process.env, readFile: fileReaderRelativeTo('recs.config.json') });
      const listener = getRequestListener(app.fetch);
      server.middlewares.use((request, response, next) => (request.url?.startsWith('/recs/') ? void listener(request, response) : next()));
    },
  };
}

// `npm start`: the demo and the playground at http://localhost:5173 (PORT honoured).
export default defineConfig({
  root: 'demo',
  server: { port, strictPort: Boolean(process.env.PORT) },
  plugins: [recsProxy()],
});
