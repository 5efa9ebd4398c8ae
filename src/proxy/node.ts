/**
 * `npm run proxy`: the reference proxy on Node.
 *
 *   RECS_CONFIG  config file (default ./recs.config.json)
 *   PORT         default 8787 (0 picks a free port; the line printed at start names it)
 *   HOST         default 127.0.0.1 (set 0.0.0.0 to listen on every interface)
 *   DATABASE_URL the event store's Postgres server; unset: embedded PGlite in RECS_DATA_DIR
 *                (default .recs-data/events). RECS_EVENTS_SECRET signs request ids, REPORT_TOKEN
 *                opens /report (docs/experiments.md).
 *
 * A bad config file stops the process with one line naming the field at fault.
 * SIGTERM or SIGINT stops it gracefully: requests in flight are answered, then it exits 0.
 */
import { ConfigError } from './config.js';
import { eventStoreFromEnv, fileReaderRelativeTo, loadConfig, shutdownDeadlineMs, startProxyServer, stopProxy } from './server.js';

const configPath = process.env.RECS_CONFIG || 'recs.config.json';

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 8787;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('PORT', 'must be a port number from 0 to 65535');
  return port;
}

try {
  const config = await loadConfig(configPath);
  const log = (line: string) => console.error(line);
  const store = eventStoreFromEnv(process.env, log);
  // Opens and migrates now rather than on the first event; a failure is logged and retried then.
  void store.sql.query('SELECT 1').catch(() => undefined);
  const proxy = await startProxyServer(
    config,
    { env: process.env, readFile: fileReaderRelativeTo(configPath), log, events: { store } },
    { port: parsePort(process.env.PORT), hostname: process.env.HOST || '127.0.0.1' },
  );
  const placements = Object.entries(config.placements).map(([name, placement]) => `${name} (${placement.provider})`);
  console.log(`recs proxy listening on ${proxy.url}/recs/<placement> with placements: ${placements.join(', ')}`);
  // Graceful: requests in flight are answered before the process exits (at most
  // shutdownDeadlineMs). `once`: a second signal ends the process at once, as usual.
  const stop = (signal: NodeJS.Signals) => {
    const deadlineMs = shutdownDeadlineMs(config);
    console.log(`recs proxy: ${signal}, answering requests in flight (at most ${deadlineMs} ms), then stopping`);
    void stopProxy(proxy, store, deadlineMs).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const reason = error instanceof ConfigError ? `config error in ${configPath}: ${error.message}` : `could not start: ${String(error)}`;
  console.error(`recs proxy: ${reason}`);
  process.exit(1);
}
