/**
 * Snappy v3 related products (GET /v3/products/{productId}/recommendations, X-Api-Key)
 * for load tests. Unlike startSnappyStub() it counts requests instead of recording them
 * (a load run sends tens of thousands), serializes its fixture once so it costs next to
 * nothing per request, and exposes its http.Server so a test can count open sockets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixture } from './stub-server.js';
import { SNAPPY_KEY } from './snappy.js';

export interface CountingStub {
  url: string;
  server: Server;
  /** Requests received so far, answered or not. */
  readonly requests: number;
  /** Milliseconds every answer waits, to hold many requests in flight at once. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startCountingSnappyStub(): Promise<CountingStub> {
  const related = fixture('snappy/related-products.json') as { data: unknown[] };
  const answers = new Map<number, string>();
  const answerFor = (limit: number) => answers.get(limit) ?? answers.set(limit, JSON.stringify({ data: related.data.slice(0, limit) })).get(limit)!;
  let requests = 0;
  const server = createServer((incoming, outgoing) => {
    requests += 1;
    incoming.resume();
    incoming.once('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://stub');
      const limit = Number(url.searchParams.get('page[limit]') ?? 10);
      let status = 200;
      let body: string;
      if (incoming.method !== 'GET' || !/^\/v3\/products\/[^/]+\/recommendations$/.test(url.pathname)) [status, body] = [404, '{"message":"stub: no route"}'];
      else if (incoming.headers['x-api-key'] !== SNAPPY_KEY) [status, body] = [401, '{"message":"Unauthorized","errorCode":"401_AUTH_001"}'];
      else if (!/^[A-Z]{2}$/.test(url.searchParams.get('location') ?? '') || !Number.isInteger(limit) || limit < 0 || limit > 20) {
        [status, body] = [400, '{"message":"Request validation failed.","errorCode":"400_PBLC_001"}'];
      } else body = answerFor(limit);
      const answer = () => outgoing.writeHead(status, { 'content-type': 'application/json' }).end(body);
      if (stub.delayMs > 0) setTimeout(answer, stub.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stub: CountingStub = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    get requests() {
      return requests;
    },
    delayMs: 0,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return stub;
}
