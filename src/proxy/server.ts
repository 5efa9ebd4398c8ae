/**
 * Node-only glue: reading the config file and serving the fetch handler with
 * @hono/node-server. Edge runtimes use app.ts directly (see docs/proxy.md).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ConfigError, parseConfigText, type ProxyConfig } from './config.js';
import { createProxyApp, type ProxyDeps } from './app.js';

/** Reads and validates a config file. Throws ConfigError naming the field at fault. */
export async function loadConfig(path: string): Promise<ProxyConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError('', `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseConfigText(text);
}

/** Feed paths in the config are relative to the config file, wherever the proxy is started from. */
export function fileReaderRelativeTo(configPath: string): (path: string) => Promise<string> {
  const base = dirname(resolve(configPath));
  return (path) => readFile(resolve(base, path), 'utf8');
}

export interface RunningProxy {
  /** The base URL, such as http://127.0.0.1:8787 */
  url: string;
  close(): Promise<void>;
}

/** Serves the proxy on a real port (0 picks a free one). Rejects with ConfigError when secrets are missing. */
export function startProxyServer(
  config: ProxyConfig,
  deps: ProxyDeps,
  options: { port?: number; hostname?: string } = {},
): Promise<RunningProxy> {
  const app = createProxyApp(config, deps);
  const hostname = options.hostname ?? '127.0.0.1';
  return new Promise((resolvePromise, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 8787, hostname }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolvePromise({
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            // Keep-alive sockets would otherwise hold close() open until they time out.
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
