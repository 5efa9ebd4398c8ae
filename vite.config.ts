import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { demoRecsMiddleware } from './demo/catalog-route.ts';

// `npm start`: the demo at http://localhost:5173 (PORT honoured). The dev server
// answers /recs/* from the sample catalog, so the demo needs no keys and no network.
export default defineConfig({
  root: 'demo',
  server: { port: Number(process.env.PORT) || 5173, strictPort: Boolean(process.env.PORT) },
  plugins: [
    {
      name: 'recs-demo-catalog',
      configureServer(server) {
        server.middlewares.use(demoRecsMiddleware(fileURLToPath(new URL('./demo/catalog.json', import.meta.url))));
      },
    },
  ],
});
