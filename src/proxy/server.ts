/**
 * Node-only glue: reading the config file and serving the fetch handler with
 * @hono/node-server. Edge runtimes use app.ts directly (README: "Deploying to an edge runtime").
 *
 * The server faces the internet, so it carries its own limits (config `server`, see
 * docs/proxy.md "Limits and hardening"): slow or idle clients are cut, connections are
 * capped, and close() lets requests in flight finish instead of resetting them.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { createHmac } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { serve } from '@hono/node-server';
import { ConfigError, longestTimeoutMs, parseConfigText, type ProxyConfig } from './config.js';
import { createProxyApp, type ProxyDeps } from './app.js';
import { InvalidParameter } from './errors.js';
import { clientKey } from './rate-limit.js';
import { createEventStore, openEventStore, StoreUnavailable, type EventStore, type SqlClient } from './events/store.js';

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

/**
 * The event store the environment names: DATABASE_URL's Postgres server, else an embedded
 * PGlite database in RECS_DATA_DIR (default `.recs-data/events` in the working directory).
 * It opens (and migrates) on first use and again after a failed open, so a database that is
 * down at start costs 503s on /events, never the recommendations.
 */
export function eventStoreFromEnv(env: Readonly<Record<string, string | undefined>>, log: (line: string) => void = () => undefined): EventStore {
  const options = { databaseUrl: env.DATABASE_URL || undefined, dataDir: env.RECS_DATA_DIR === 'memory://' ? 'memory://' : resolve(env.RECS_DATA_DIR || '.recs-data/events') };
  // PGlite makes its own folder but not the ones above it (.recs-data in a fresh checkout).
  const folder = options.databaseUrl || options.dataDir === 'memory://' ? undefined : options.dataDir;
  let opening: Promise<EventStore> | undefined;
  const store = () =>
    (opening ??= (folder ? mkdir(folder, { recursive: true }) : Promise.resolve()).then(() => openEventStore(options)).catch((error: unknown) => {
      opening = undefined;
      log(`events: the event database could not be opened (${error instanceof Error ? error.message : String(error)}); trying again on the next event`);
      throw error instanceof StoreUnavailable ? error : new StoreUnavailable('the event database is not available', { cause: error });
    }));
  const sql: SqlClient = {
    query: async (text, params) => (await store()).sql.query(text, params),
    transaction: async (work) => (await store()).sql.transaction(work),
    close: async () => {
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
  return createEventStore(sql);
}

export interface RunningProxy {
  /** The base URL, such as http://127.0.0.1:8787 */
  url: string;
  /**
   * Graceful stop: accepts no new connection, closes idle keep-alive connections, lets
   * requests in flight finish (each answer then closes its connection), and resolves once
   * every connection is closed, at the latest after shutdownDeadlineMs(config), when the
   * connections left are cut. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * What `npm run proxy` does on SIGTERM: close() (requests in flight answered, then the counts
 * stored), then the event store closed, resolving at `deadlineMs` whatever is left. Storing and
 * closing wait for the store to open, which PGlite's first start makes many seconds.
 */
export async function stopProxy(proxy: RunningProxy, store: EventStore, deadlineMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
  await Promise.race([proxy.close().then(() => store.close()).catch(() => undefined), deadline]);
  clearTimeout(timer);
}

/** Added to the longest upstream timeout: the time an answer takes to be built and written. */
const SHUTDOWN_MARGIN_MS = 1000;

/**
 * How long close() waits for requests in flight. A request's vendor call and catalog
 * enrichment are bounded by its placement's timeoutMs, so nothing legitimate needs longer.
 */
export function shutdownDeadlineMs(config: ProxyConfig): number {
  return longestTimeoutMs(config) + SHUTDOWN_MARGIN_MS;
}

/**
 * A client that hangs up before its body ends (or is cut by requestTimeoutMs) makes reading
 * the body fail with a stream error, which the app would answer as a 500 and log as an
 * "internal error": any client could flood the log and trip 5xx alerts. As a bad request
 * (400, parameter `body`) it is answered to nobody and not logged, like any client mistake.
 */
function hangUpIsBadRequest(request: Request): Request {
  if (request.method === 'GET' || request.method === 'HEAD' || !request.body) return request;
  const reader = request.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch {
        controller.error(new InvalidParameter('body', 'the client closed the connection before the body ended'));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Request(request, { body, duplex: 'half' } as RequestInit);
}

/** node:http's options for the config's `server` limits (also what bench:proxy serves its bare route with). */
export function nodeServerOptions(limits: ProxyConfig['server']) {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two timeouts above only this often (30 s by default), so a slow
    // client would otherwise outlive its timeout by up to 30 s.
    connectionsCheckingInterval: Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)),
  };
}

/** Serves the proxy on a real port (0 picks a free one). Rejects with ConfigError when secrets are missing. */
export function startProxyServer(
  config: ProxyConfig,
  deps: ProxyDeps,
  options: { port?: number; hostname?: string } = {},
): Promise<RunningProxy> {
  // The socket's peer is the client (or, with limits.trustProxy, the last proxy in front), as it connected: a socket
  // destroyed since (a client that resets the connection right after its request) has no remoteAddress any more,
  // and a request without an address would not be limited.
  const peers = new WeakMap<Socket, string | undefined>();
  const app = createProxyApp(config, {
    clientAddress: (c) => {
      const socket = (c.env as { incoming?: { socket?: Socket } } | undefined)?.incoming?.socket;
      return socket && (peers.get(socket) ?? socket.remoteAddress);
    },
    // Request ids on every measured answer: node:crypto signs in the request's own task, WebCrypto queues a job per signature.
    hmac: (secret, text) => createHmac('sha256', secret).update(text).digest().subarray(0, 16),
    ...deps,
  });
  const hostname = options.hostname ?? '127.0.0.1';
  const limits = config.server;
  return new Promise((resolvePromise, reject) => {
    const server = serve(
      {
        fetch: (request, env) => app.fetch(hangUpIsBadRequest(request), env),
        port: options.port ?? 8787,
        hostname,
        serverOptions: nodeServerOptions(limits),
        // The app's listener, for connections with at most MAX_PIPELINED_REQUESTS requests unanswered.
        createServer: ((options: ServerOptions, listener: RequestListener) => createServer(options, pipelinedAtMost(MAX_PIPELINED_REQUESTS, listener))) as typeof createServer,
      },
      (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        (server as Server).on('connection', (socket: Socket) => peers.set(socket, socket.remoteAddress));
        cutUnreadAnswers(server as Server, Math.max(limits.requestTimeoutMs, shutdownDeadlineMs(config)));
        // Behind trusted proxies every connection comes from one of them: the cap would refuse shoppers.
        if (!config.limits.trustProxy) capConnectionsPerClient(server as Server, limits.maxConnectionsPerClient);
        const closeServer = graceful(server as Server, shutdownDeadlineMs(config));
        // Then what the app still holds in memory (request counts) goes to the event store.
        resolvePromise({ url: `http://${host}:${info.port}`, close: () => closeServer().then(() => app.close()) });
      },
    ) as Server;
    // Past the cap Node closes new connections as they arrive, before reading a byte.
    server.maxConnections = limits.maxConnections;
    server.once('error', reject);
  });
}

/**
 * The most requests of one connection that are answered at once. A client may send requests without waiting for
 * their answers (HTTP/1.1 pipelining; browsers never do) and then never read them: Node runs every request it has
 * read and holds each answer until those before it are written. 4 connections of 64 kB of pipelined requests for a
 * server-rendered placement (a kept rendering costs no token) held 585 MB, for as long as the connections lasted.
 */
export const MAX_PIPELINED_REQUESTS = 16;

/**
 * `listener` for the requests of a connection with at most `max` of them unanswered. A connection with more is
 * closed, and the requests Node has already read from it never reach `listener` (the app).
 */
function pipelinedAtMost(max: number, listener: RequestListener): RequestListener {
  const unanswered = new WeakMap<Socket, number>();
  return (request, response) => {
    const { socket } = request;
    const count = (unanswered.get(socket) ?? 0) + 1;
    if (count > max || socket.destroyed) return void socket.destroy();
    unanswered.set(socket, count);
    // A request closes once its answer is written, or when its connection dies (graceful(), below).
    request.once('close', () => unanswered.set(socket, unanswered.get(socket)! - 1));
    listener(request, response);
  };
}

/**
 * Ends a connection on which nothing was read or written for `deadlineMs` (the socket's own
 * inactivity timeout: no timer per request). Node's other timeouts bound receiving a request
 * and keep-alive idleness, not sending: a client that never reads (its socket buffers full)
 * would otherwise hold its connection for ever. `deadlineMs` is at least the shutdown deadline,
 * so a connection waiting for a slow vendor's answer is never cut.
 */
function cutUnreadAnswers(server: Server, deadlineMs: number): void {
  // With no 'timeout' listener on the server, Node destroys the socket.
  server.timeout = deadlineMs;
}

/** Closes a new connection at once when its client (clientKey: an address, an IPv6 /64) already has `max` open. */
function capConnectionsPerClient(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const client = clientKey(undefined, socket.remoteAddress, false);
    const count = (open.get(client) ?? 0) + 1;
    open.set(client, count);
    socket.once('close', () => {
      const left = open.get(client)! - 1;
      if (left) open.set(client, left);
      else open.delete(client);
    });
    if (count > max) socket.destroy();
  });
}

/** close() for a running server; see RunningProxy.close. */
function graceful(server: Server, deadlineMs: number): () => Promise<void> {
  const inFlight = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;
  // Before the app's own listener, so the header is set before any answer is written.
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    if (closing) response.setHeader('connection', 'close');
    inFlight.add(response);
    const done = () => inFlight.delete(response);
    response.once('close', done);
    // An answer queued behind another (pipelined requests) whose connection dies never emits 'close' (Node): its
    // request does, then or once the answer is written. Without it each such answer, its text with it, stayed here for ever.
    request.once('close', done);
  });
  return () =>
    (closing ??= new Promise<void>((done) => {
      const cut = setTimeout(() => server.closeAllConnections(), deadlineMs);
      // Stops accepting and (Node 19+) closes the idle keep-alive connections; the callback
      // runs once the last connection has closed.
      server.close(() => {
        clearTimeout(cut);
        done();
      });
      // Answers still to be written end their connection; kept alive, it would hold close()
      // open until the client or keepAliveTimeoutMs closed it.
      for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
    }));
}
