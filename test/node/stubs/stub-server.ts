/**
 * A loopback HTTP server standing in for a vendor: it records every request it gets
 * and answers through a handler that speaks the vendor's documented wire format.
 * `fault` switches it into a failure mode shared by all vendors.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';

export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  /** Objects are sent as JSON, strings as they are. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type Fault = 'none' | 'unavailable' | 'rate-limited' | 'slow' | 'not-json' | 'wrong-shape';

export interface Stub {
  url: string;
  received: Received[];
  fault: Fault;
  /** How long `slow` waits before answering. */
  slowMs: number;
  close(): Promise<void>;
}

export const fixture = (path: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8'));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function faultReply(fault: Fault): Reply | undefined {
  switch (fault) {
    case 'unavailable':
      return { status: 503, body: 'Service Unavailable', headers: { 'content-type': 'text/plain' } };
    case 'rate-limited':
      return { status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': '7' } };
    case 'not-json':
      return { status: 200, body: '{"data": [' };
    case 'wrong-shape':
      // A JSON array where every vendor documents something else.
      return { status: 200, body: '[1, 2, 3]' };
    default:
      return undefined;
  }
}

export async function startStub(handle: (request: Received) => Reply | Promise<Reply>): Promise<Stub> {
  const received: Received[] = [];
  const server = createServer(async (incoming, outgoing) => {
    // Browsers may call a stub directly (the browser runner): CORS for any page, preflights not recorded.
    outgoing.setHeader('access-control-allow-origin', '*');
    if (incoming.method === 'OPTIONS') {
      outgoing.writeHead(204, { 'access-control-allow-headers': 'x-api-key, authorization, accept', 'access-control-allow-methods': 'GET' });
      return outgoing.end();
    }
    let body = '';
    for await (const chunk of incoming) body += chunk;
    const url = new URL(incoming.url ?? '/', 'http://stub');
    const request: Received = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, body };
    received.push(request);
    if (stub.fault === 'slow') await sleep(stub.slowMs);
    const reply = faultReply(stub.fault) ?? (await handle(request));
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
    outgoing.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    outgoing.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stub: Stub = {
    url: `http://127.0.0.1:${port}`,
    received,
    fault: 'none',
    slowMs: 2000,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return stub;
}

/** The vendor's way of saying a request broke its documented contract. */
export const reject = (status: number, why: string): Reply => ({ status, body: { message: `stub: ${why}` } });
