/**
 * The reference proxy as a Cloudflare Worker: the same fetch handler as `npm run proxy`
 * (app.ts), with what differs on Workers passed in here (wrangler.toml: main = "src/proxy/worker.ts").
 *
 * - The config is bundled: `recs.config.json` is imported as a JSON module (wrangler's
 *   bundler inlines it; change the import below to bundle another file) and validated
 *   once, when the Worker starts: a bad config, or a catalog feed that is a file path
 *   (there is no filesystem), stops `wrangler deploy` and `wrangler dev` with the field at fault.
 * - Secrets come from the `env` binding (`wrangler secret put NAME`), read on the first
 *   request: a missing one answers 500 `internal` and logs the variable's name.
 * - Anonymous answers are kept in the Cache API (`caches.default`), shared by every
 *   isolate of a data centre, not in an isolate's memory.
 * - Logs go to the console (Workers Logs, `wrangler tail`).
 * - The client's address is `CF-Connecting-IP`, which Cloudflare sets on every request and a client
 *   cannot (leave `limits.trustProxy` false). The per-client limits hold per isolate, as the vendor
 *   limits do: they stop one client's flood, and Cloudflare's rate limiting rules bound it for a zone.
 * - The vendor limits (`limits.vendor`: calls in flight, calls a minute) hold per isolate: each
 *   isolate counts its own calls, and a Worker runs many, so a budget is the isolate's share.
 * - No event store is passed: answers carry no request id, /events and /report are off.
 */
import configJson from '../../recs.config.json';
import type { RecsResult } from '../model/types.js';
import { createProxyApp, type ProxyApp, type ProxyErrorBody } from './app.js';
import { ConfigError, parseConfig, type ProxyConfig } from './config.js';
import { createHttpResponseCache, type HttpCache } from './response-cache.js';
import type { Env } from './secrets.js';

/** Every catalog feed in the config must be a URL here; the first file path is a config error. */
function refuseFileFeeds(config: ProxyConfig): ProxyConfig {
  const feeds: [path: string, source: string][] = config.catalog ? [['catalog.source', config.catalog.source]] : [];
  // Placements name their feed `catalog` (demo placements, and demo variants inside splits).
  const visit = (value: unknown, path: string): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'catalog' && typeof child === 'string') feeds.push([`${path}.${key}`, child]);
      else visit(child, `${path}.${key}`);
    }
  };
  visit(config.placements, 'placements');
  const file = feeds.find(([, source]) => !/^https?:\/\//i.test(source));
  if (file) throw new ConfigError(file[0], 'must be an http(s) URL on Cloudflare Workers (there is no filesystem to read a file from)');
  return config;
}

const config = refuseFileFeeds(parseConfig(configJson));
const log = (line: string) => console.error(line);

/** Only text bindings can be secrets; the env object also holds KV namespaces and the like. */
function textBindings(env: Record<string, unknown>): Env {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

let app: ProxyApp | undefined;

export default {
  fetch(request: Request, env: Record<string, unknown>): Response | Promise<Response> {
    try {
      // Built once per isolate, on the first request: that is when the env binding exists.
      app ??= createProxyApp(config, {
        env: textBindings(env),
        log,
        cache: createHttpResponseCache<RecsResult>((caches as unknown as { default: HttpCache }).default, { ttlSeconds: config.cache.sMaxAge, log }),
        clientAddress: (c) => c.req.header('cf-connecting-ip'),
      });
    } catch (error) {
      // A missing secret: said in the log (its name, never a value), not to the client. Retried on the next request.
      log(`recs-proxy: cannot start: ${error instanceof ConfigError ? error.message : String(error)}`);
      const body: ProxyErrorBody = { error: { code: 'internal', message: 'the proxy is not configured correctly; see its log' } };
      return Response.json(body, { status: 500, headers: { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } });
    }
    return app.fetch(request);
  },
};

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the bundle (wrangler.toml's [alias]):
 * the AWS default chain reads files and runs processes, which a Worker cannot, and without
 * the alias the bundle would pull it in. AWS placements take AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY secrets; without them they answer 502 saying so.
 */
export function defaultProvider(): never {
  throw new Error('the AWS default credential chain is not available on Workers');
}
