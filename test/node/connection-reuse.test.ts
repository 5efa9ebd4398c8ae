/**
 * A proxy on the shop's own origin answers over the page's open connection (src/data/http.ts). A request without
 * credentials (`credentials: 'omit'`, as until 0.4.1) is kept off it by Chromium even on the same origin, and waits
 * for a new connection: a TCP and TLS handshake on a real network, before the first card. Here recs.js takes
 * SCRIPT_DELAY to arrive, so a connection opened for the page is older than that when the data request comes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import type { Browser } from 'playwright-core';
import { REPO_ROOT, launchChromium } from './support/chromium.ts';

const SCRIPT_DELAY = 400;

describe('a same-origin proxy request', () => {
  let server: Server;
  let origin: string;
  let browser: Browser;
  const openedAt = new WeakMap<Socket, number>();
  const dataRequests: { age: number; cookie: string }[] = [];

  before(async () => {
    server = createServer((request, response) => {
      const path = new URL(request.url!, 'http://x').pathname;
      const send = (type: string, body: string | Buffer, headers = {}) => response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(body);
      if (path === '/recs') {
        dataRequests.push({ age: performance.now() - openedAt.get(request.socket)!, cookie: request.headers.cookie ?? '' });
        return send('application/json', JSON.stringify({ items: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }] }));
      }
      if (path === '/') {
        // The README's snippet, and a session cookie as a shop has.
        return send('text/html', `<!doctype html><html><head>
<link rel="stylesheet" href="/dist/recs.css">
<script type="module" src="/dist/recs.js" crossorigin="anonymous"></script>
</head><body><recs-list transport="proxy" endpoint="/recs" lazy="false" limit="2"></recs-list></body></html>`, { 'set-cookie': 'shop_session=s1; Path=/; HttpOnly; SameSite=Lax' });
      }
      if (!/^\/dist\/[\w/.-]+$/.test(path) || path.includes('..')) return response.writeHead(404).end();
      const body = readFileSync(`${REPO_ROOT}${path.slice(1)}`);
      const type = path.endsWith('.css') ? 'text/css' : 'text/javascript';
      if (path === '/dist/recs.js') setTimeout(() => send(type, body), SCRIPT_DELAY);
      else send(type, body);
    });
    server.on('connection', (socket: Socket) => openedAt.set(socket, performance.now()));
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  });

  it("goes over the page's open connection, with the page's cookies, on a shopper's first page", async () => {
    const context = await browser.newContext(); // nothing kept from before: a cold page
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => document.querySelector('recs-list')?.getAttribute('state') === 'ready', null, { timeout: 10_000 });
    } finally {
      await context.close();
    }
    assert.equal(dataRequests.length, 1, 'one data request');
    const [{ age, cookie }] = dataRequests as [{ age: number; cookie: string }];
    assert.ok(age >= SCRIPT_DELAY, `its connection was ${age.toFixed(0)} ms old: opened for it, not the page's`);
    assert.equal(cookie, 'shop_session=s1');
  });
});
