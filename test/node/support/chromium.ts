/**
 * For the node-driven browser tests: a static server for the repository on loopback
 * and Debian's Chromium through playwright-core (Playwright's own browsers are never used).
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../../../scripts/chromium.mjs';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.css': 'text/css',
};

/** The policy a strict merchant sends (the README promises the widget works under it), with the one Trusted Types policy name Lit needs. */
export const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');

export interface ServerOptions {
  /** Extra response headers by URL path, e.g. a Content-Security-Policy for one page. */
  headers?: Record<string, Record<string, string>>;
  /** URL path -> repository file, for routes that are not file paths (a vendor API path). */
  routes?: Record<string, string>;
  /** `{{NAME}}` in served HTML becomes the value (the SRI hash of the current build). */
  substitute?: Record<string, string>;
}

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves the repository read-only on 127.0.0.1 at a free port. Query strings are ignored. */
export async function startStaticServer(options: ServerOptions = {}): Promise<StaticServer> {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(REPO_ROOT, options.routes?.[path] ?? path));
    if (!file.startsWith(REPO_ROOT)) return void response.writeHead(403).end();
    let body: Buffer | string;
    try {
      body = await readFile(file);
    } catch {
      return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    if (type.startsWith('text/html') && options.substitute) {
      body = body.toString('utf8').replace(/\{\{(\w+)\}\}/g, (all, name: string) => options.substitute?.[name] ?? all);
    }
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...options.headers?.[path] });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function launchChromium(options: { ignore?: string[] } = {}): Promise<Browser> {
  return chromium.launch(await chromiumLaunchOptions(options));
}

/** Console errors and uncaught exceptions of a page, collected from the moment it opens. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

/** Chromium and the repository's static server for one test file: started before its tests, closed after them. */
export function chromiumSuite(): { browser: Browser; server: StaticServer } {
  const suite = {} as { browser: Browser; server: StaticServer };
  before(async () => {
    [suite.browser, suite.server] = await Promise.all([launchChromium(), startStaticServer()]);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
