import { RecsFailure } from '../model/errors.js';
import type { VendorAdapter, VendorRequest } from '../transports/adapter.js';

/**
 * What the data path needs only once something failed (HTTP statuses as codes,
 * Retry-After, whether and when to try again) is a chunk: the happy path never loads it.
 * If it cannot load, a failure stands as it is (an HTTP error as `http`) and is not retried.
 */
export const afterFailure = () => import('./after-failure.js');

export interface FetchVendorOptions {
  signal: AbortSignal;
  /** Ignored: fetchVendor never follows a redirect, on either runner (src/proxy's callers still say `manual`). */
  redirect?: 'manual' | undefined;
  /** How the body is read; the proxy's reader refuses redirects and stops at a size cap (src/proxy/capped-body.ts). */
  read?: ((response: Response, vendor: string) => Promise<string>) | undefined;
}

/**
 * The browser's reader (the proxy has its own, src/proxy/capped-body.ts): cards need a few kB, so at most 2 MB are
 * read, counted as they arrive, after the browser inflated them. Past that the stream ends there (the rest of the
 * download is cancelled) and the cut text fails to parse like any unreadable answer: an endless body or a gzip bomb
 * costs no more memory than the cap, and JSON.parse never holds the page (30 MB took a second). (Called as `read` is.)
 */
const readCapped = (response: Response, _vendor: string, size = 0) =>
  // A page's fetch polyfill (whatwg-fetch, unfetch) answers without a body stream: its text is all there already.
  response.body ? new Response(response.body.pipeThrough(new TransformStream({ transform: (chunk, out) => ((size += chunk.length) > 2e6 ? out.terminate() : out.enqueue(chunk)) }))).text() : response.text();

/**
 * The one HTTP call of both runners: no cookies to another origin, never follows a redirect, turns every failure into a
 * RecsFailure with a code (the adapter's describeError refines HTTP errors from the
 * vendor's documented error codes), and lets an abort pass through untouched.
 */
export async function fetchVendor(
  adapter: Pick<VendorAdapter<never>, 'vendor' | 'describeError'>,
  request: VendorRequest,
  { signal, read }: FetchVendorOptions,
): Promise<{ body: unknown; headers: Headers }> {
  const { vendor } = adapter;
  let response: Response;
  let text: string;
  try {
    // The request's method, headers and body as they are (fetch ignores its other fields). A redirect is never
    // followed: it would carry the key, a POST body with the shopper's e-mail or an identifier in the URL to whatever
    // host it names. A browser answers it as an opaque redirect (an `http` failure); the proxy's `read` refuses the 3xx.
    // Credentials as fetch's default, same-origin: no cookies to a vendor or any other origin; a same-origin proxy
    // gets the page's, and so the page's open connection. With `omit` Chromium keeps a request off it: every cold
    // page opened a new connection for its first answer (docs/bench.md, run 76), a TCP and TLS handshake away.
    response = await fetch(request.url, { ...request, signal, redirect: 'manual' });
    text = await (read ?? readCapped)(response, vendor);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw error instanceof RecsFailure ? error : new RecsFailure('network', `${vendor}: network error`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    if (response.ok) throw new RecsFailure('invalid-response', `${vendor}: not JSON or over 2 MB`);
  }
  if (!response.ok) {
    const { status } = response;
    const failure = (await afterFailure().catch(() => undefined))?.failureForStatus(response, vendor) ?? new RecsFailure('http', `${vendor}: HTTP ${status}`, { status });
    throw adapter.describeError?.(failure, json) ?? failure;
  }
  return { body: json, headers: response.headers };
}
