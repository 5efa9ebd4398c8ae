import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createProxyApp } from '../../src/proxy/app.js';
import { parseConfig } from '../../src/proxy/config.js';
import { fileReaderRelativeTo } from '../../src/proxy/server.js';
import { REPO_ROOT } from './harness.js';

/** The modules that may use Node APIs; everything else must run on edge runtimes. */
const NODE_ONLY = new Set(['node.ts', 'server.ts']);

function proxySources(dir = join(REPO_ROOT, 'src/proxy')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? proxySources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('one fetch handler, any runtime', () => {
  it('answers a standard Request with a standard Response, no server involved', async () => {
    const config = parseConfig(JSON.parse(readFileSync(join(REPO_ROOT, 'recs.config.json'), 'utf8')));
    const app = createProxyApp(config, { env: {}, readFile: fileReaderRelativeTo(join(REPO_ROOT, 'recs.config.json')) });
    const response = await app.fetch(new Request('https://proxy.example/recs/pdp?productId=sku-09&limit=3'));
    assert.ok(response instanceof Response);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { items: { id: string }[] };
    assert.equal(body.items.length, 3);
  });

  it('keeps Node APIs out of everything but the Node entry', () => {
    for (const file of proxySources()) {
      if (NODE_ONLY.has(file.split('/').at(-1)!)) continue;
      // Code only: comments may well mention process.env.
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      assert.doesNotMatch(code, /from ['"]node:|import\(['"]node:|(?<![.\w])process\.|@hono\/node-server/, file);
    }
  });

  it('never ends up in dist/recs.js', { skip: !existsSync(join(REPO_ROOT, 'dist/recs.js')) && 'dist/recs.js is not built (npm run build)' }, () => {
    const bundle = readFileSync(join(REPO_ROOT, 'dist/recs.js'), 'utf8');
    for (const marker of ['allowedOrigins', 'x-recommendation-tracker-id', 'GetProfileRecommendations', 'recs-proxy:']) {
      assert.ok(!bundle.includes(marker), `dist/recs.js contains proxy code (${marker})`);
    }
  });
});
