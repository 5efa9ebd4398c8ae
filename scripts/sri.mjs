// Subresource Integrity for the script tag: sha384 of dist/recs.js, written beside it
// as dist/recs.js.sri so a merchant's snippet (and the strict-page test) can use it.
// Chunks loaded by dynamic import() cannot carry an integrity attribute; see docs/robustness.md.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export function writeSri(dist = new URL('../dist', import.meta.url).pathname) {
  const file = join(dist, 'recs.js');
  const integrity = `sha384-${createHash('sha384').update(readFileSync(file)).digest('base64')}`;
  writeFileSync(`${file}.sri`, `${integrity}\n`);
  console.log(`\ndist/recs.js integrity: ${integrity}`);
  return integrity;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) writeSri();
