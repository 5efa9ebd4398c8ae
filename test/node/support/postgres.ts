/**
 * A real Postgres server for the node tests.
 *
 * - RECS_TEST_DATABASE_URL set (.ci/run sets it): that server; each suite gets its own
 *   fresh database on it (created, and dropped in `after`), so test files running in
 *   parallel never see each other's rows.
 * - otherwise Debian's binaries (/usr/lib/postgresql/<version>/bin): a throwaway cluster
 *   in a temporary directory on a free loopback port, as the `postgres` user when we are
 *   root, stopped and removed in `after`.
 * - neither: the suite is skipped with the reason, except under CI, where it fails.
 *
 * `startCluster` is also used directly by the fault test (it stops and starts its server).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before } from 'node:test';
import pg from 'pg';

const run = promisify(execFile);

/** The newest Debian postgresql bin folder, if any. */
export const POSTGRES_BIN: string | undefined = (() => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((version) => join(root, version, 'bin')).find((bin) => existsSync(join(bin, 'initdb')));
})();

const isRoot = process.getuid?.() === 0;
const INSTALL_HINT = 'install Debian\'s postgresql (apt-get install postgresql) or set RECS_TEST_DATABASE_URL';

/** For `describe(..., { skip })`: why the Postgres suites cannot run here, or false. Under CI they never skip: they fail. */
export const postgresSkip: string | false = process.env.RECS_TEST_DATABASE_URL || POSTGRES_BIN || process.env.CI ? false : `no Postgres server: ${INSTALL_HINT}`;
/** For suites that stop and start their own server: only the binaries will do. */
export const clusterSkip: string | false = POSTGRES_BIN || process.env.CI ? false : `no Postgres binaries: ${INSTALL_HINT}`;

/** Runs a Postgres binary, as the postgres user when we are root (Postgres refuses to run as root). */
async function pgBin(name: string, args: string[]): Promise<string> {
  if (!POSTGRES_BIN) throw new Error(`Postgres binaries are required here (CI is set): ${INSTALL_HINT}`);
  const command = join(POSTGRES_BIN, name);
  const { stdout } = isRoot ? await run('runuser', ['-u', 'postgres', '--', command, ...args]) : await run(command, args);
  return stdout;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Cluster {
  /** Connects as the superuser `recs` to the `postgres` database. */
  url: string;
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: sessions are ended, the server shuts down cleanly. */
  stop(): Promise<void>;
  /** Stops it if running and deletes its folder. */
  destroy(): Promise<void>;
}

/** A new cluster in a temporary folder, started on a free loopback port. */
export async function startCluster(): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), 'recs-pg-'));
  if (isRoot) await chown(dir, ...(await postgresIds()));
  const data = join(dir, 'data');
  const port = await freePort();
  await pgBin('initdb', ['-D', data, '-U', 'recs', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  let running = false;
  // Should the test process die without `after`, the server must not outlive it.
  const onExit = () => running && spawnSync(isRoot ? 'runuser' : join(POSTGRES_BIN!, 'pg_ctl'), [...(isRoot ? ['-u', 'postgres', '--', join(POSTGRES_BIN!, 'pg_ctl')] : []), '-D', data, 'stop', '-m', 'immediate']);
  process.on('exit', onExit);
  const cluster: Cluster = {
    url: `postgres://recs@127.0.0.1:${port}/postgres`,
    async start() {
      await pgBin('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start']);
      running = true;
    },
    async stop() {
      await pgBin('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    async destroy() {
      if (running) await pgBin('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      running = false;
      process.off('exit', onExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout } = await run('id', ['postgres']);
  const uid = /uid=(\d+)/.exec(stdout)?.[1];
  const gid = /gid=(\d+)/.exec(stdout)?.[1];
  if (!uid || !gid) throw new Error('no postgres user (it comes with Debian\'s postgresql package)');
  return [Number(uid), Number(gid)];
}

/** A new empty database on the server at `adminUrl`; returns its URL and how to drop it. */
export async function createDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `recs_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * For a describe block: a fresh database, on RECS_TEST_DATABASE_URL's server or on a
 * throwaway cluster, ready in `before` and gone after `after`. Read `.url` inside tests.
 */
export function usePostgres(): { readonly url: string } {
  let url: string | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  before(async () => {
    const shared = process.env.RECS_TEST_DATABASE_URL;
    const cluster = shared ? undefined : await startCluster();
    const database = await createDatabase(shared ?? cluster!.url);
    url = database.url;
    cleanup = async () => {
      await database.drop().catch(() => undefined);
      await cluster?.destroy();
    };
  });
  after(async () => cleanup?.());
  return {
    get url() {
      if (!url) throw new Error('no Postgres database: did `before` fail?');
      return url;
    },
  };
}
