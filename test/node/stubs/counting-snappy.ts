/**
 * Snappy v3 related products (GET /v3/products/{productId}/recommendations, X-Api-Key)
 * for load tests. Unlike startSnappyStub() it counts requests instead of recording them
 * (a load run sends tens of thousands), serializes its fixture once so it costs next to
 * nothing per request, and exposes its http.Server so a test can count open sockets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNAPPY_KEY, relatedProductsAnswer, snappyRequestError } from './snappy.js';

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
  // One serialized answer per query that shapes it (the answer holds only the fields the query asks for).
  const answers = new Map<string, string>();
  const answerFor = (query: URLSearchParams) => {
    const key = ['page[limit]', 'include', 'fields'].map((name) => query.get(name)).join('|');
    return answers.get(key) ?? answers.set(key, JSON.stringify(relatedProductsAnswer(query))).get(key)!;
  };
  let requests = 0;
  const server = createServer((incoming, outgoing) => {
    requests += 1;
    incoming.resume();
    incoming.once('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://stub');
      const productId = /^\/v3\/products\/([^/]+)\/recommendations$/.exec(url.pathname)?.[1];
      let status = 200;
      let body: string;
      if (incoming.method !== 'GET' || productId === undefined) [status, body] = [404, '{"message":"stub: no route"}'];
      else if (incoming.headers['x-api-key'] !== SNAPPY_KEY) [status, body] = [401, '{"message":"Unauthorized","errorCode":"401_AUTH_001"}'];
      else {
        const invalid = snappyRequestError(decodeURIComponent(productId), url.searchParams);
        if (invalid) [status, body] = [invalid.status, JSON.stringify(invalid.body)];
        else body = answerFor(url.searchParams);
      }
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
