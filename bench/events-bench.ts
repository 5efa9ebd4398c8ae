/**
 * `npm run bench:events`: events committed per second and the latency of `POST /events`,
 * into embedded PGlite (a data folder on disk) and into a Postgres server, on loopback.
 *
 * The server (the real handler and store, in a tiny Hono app on @hono/node-server) runs
 * in its own process (this file, started with --serve), so it has one core and its event
 * loop to itself; this process is the client: CONNECTIONS loops, each posting unique
 * batches back to back for BENCH_SECONDS (default 8), after a short warm-up. A 202 counts
 * only once its batch is committed, so events/s is committed events. The last column
 * divides by the server process's CPU time instead of the wall clock: what one core
 * sustains, whatever else the machine is doing (the PGlite database lives in that
 * process; a Postgres server's own CPU time is not in it).
 *
 * Request ids are accepted without checking (the signer is not what is measured here).
 * Postgres: RECS_TEST_DATABASE_URL's server (a fresh database on it), else a throwaway
 * cluster from Debian's binaries (default settings: fsync on), else that row is skipped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = 1;
const CONNECTIONS = 8;
const SIZES = [100, 10];

/** --serve <options json>: the server process. */
async function serve(options: { databaseUrl?: string; dataDir?: string }): Promise<void> {
  const { Hono } = await import('hono');
  const { serve: listen } = await import('@hono/node-server');
  const { createEventsHandler } = await import('../src/proxy/events/ingest.js');
  const { openEventStore } = await import('../src/proxy/events/store.js');
  const { toProxyError } = await import('../src/proxy/errors.js');
  const store = await openEventStore(options);
  const handler = createEventsHandler({ store, placements: () => ({ variants: ['snappy'] }), verifyRequestId: async () => 'ok', now: Date.now });
  const app = new Hono();
  app.post('/events', (c) => handler(c.req.raw));
  // The server's CPU time: events per CPU-second does not depend on what else the machine runs.
  app.get('/cpu', (c) => c.json(process.cpuUsage()));
  app.onError((thrown, c) => {
    const error = toProxyError(thrown);
    return c.json({ error: { code: error.code, message: error.message } }, error.status, error.extra.headers);
  });
  const server = listen({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`port ${info.port}`));
  process.on('SIGTERM', () => server.close(() => void store.close().then(() => process.exit(0))));
}

async function startServer(options: { databaseUrl?: string; dataDir?: string }): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /port (\d+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}/events`, child };
}

let batchSerial = 0;
function batch(size: number): string {
  const id = `${process.pid.toString(36)}x${(++batchSerial).toString(36)}`.padEnd(16, '0');
  const at = Date.now();
  return JSON.stringify({
    batchId: `b_${id}`,
    events: Array.from({ length: size }, (_, i) => ({
      type: i % 10 === 0 ? 'click' : 'impression', placement: 'pdp', variant: 'snappy', requestId: `v1.${id}`, itemId: `sku-${i}`, rank: i + 1, trackerId: 'trk-1', at,
    })),
  });
}

interface Figures { events: number; batches: number; failures: number; latencies: number[]; seconds: number; cpuSeconds: number }

async function cpuSeconds(url: string): Promise<number> {
  const { user, system } = (await (await fetch(url.replace(/events$/, 'cpu'))).json()) as { user: number; system: number };
  return (user + system) / 1e6;
}

async function load(url: string, size: number, seconds: number): Promise<Figures> {
  const figures: Figures = { events: 0, batches: 0, failures: 0, latencies: [], seconds, cpuSeconds: 0 };
  const cpuBefore = await cpuSeconds(url);
  const end = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < end) {
      const body = batch(size);
      const started = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body });
      const answer = (await response.json()) as { accepted?: number };
      figures.latencies.push(performance.now() - started);
      if (response.status === 202) {
        figures.events += answer.accepted ?? 0;
        figures.batches += 1;
      } else figures.failures += 1;
    }
  }));
  figures.cpuSeconds = (await cpuSeconds(url)) - cpuBefore;
  return figures;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

async function postgresUrl(): Promise<{ url: string; done(): Promise<void> } | undefined> {
  const support = await import('../test/node/support/postgres.js');
  const shared = process.env.RECS_TEST_DATABASE_URL;
  if (!shared && !support.POSTGRES_BIN) return undefined;
  const cluster = shared ? undefined : await support.startCluster();
  const database = await support.createDatabase(shared ?? cluster!.url);
  return { url: database.url, done: async () => (await database.drop(), await cluster?.destroy()) };
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  const dir = await mkdtemp(join(tmpdir(), 'recs-events-bench-'));
  const postgres = await postgresUrl();
  const targets: [string, { databaseUrl?: string; dataDir?: string }][] = [['PGlite (folder)', { dataDir: join(dir, 'events') }]];
  if (postgres) targets.push(['Postgres (loopback)', { databaseUrl: postgres.url }]);
  else console.log('Postgres: skipped (no RECS_TEST_DATABASE_URL and no /usr/lib/postgresql/*/bin)');
  try {
    for (const [name, options] of targets) {
      const { url, child } = await startServer(options);
      try {
        for (const size of SIZES) {
          await load(url, size, WARMUP_SECONDS);
          const figures = await load(url, size, SECONDS);
          const sorted = figures.latencies.sort((a, b) => a - b);
          rows.push([
            name, String(size), String(CONNECTIONS), Math.round(figures.events / figures.seconds).toLocaleString('en'),
            Math.round(figures.batches / figures.seconds).toLocaleString('en'), percentile(sorted, 50).toFixed(1), percentile(sorted, 99).toFixed(1), String(figures.failures),
            Math.round(figures.events / figures.cpuSeconds).toLocaleString('en'),
          ]);
        }
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
  } finally {
    await postgres?.done();
    await rm(dir, { recursive: true, force: true });
  }
  const header = ['store', 'batch', 'connections', 'events/s', 'batches/s', 'p50 ms', 'p99 ms', 'non-202', 'events per server CPU-s'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\nPOST /events, ${SECONDS} s per row, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  console.log([line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n'));
}

const serveAt = process.argv.indexOf('--serve');
await (serveAt > 0 ? serve(JSON.parse(process.argv[serveAt + 1]!)) : main());
