const RELATIVE_BASE = 'http://a.invalid';

/**
 * The one gate every URL passes before it reaches `href` or `src`: http(s) and
 * relative URLs come back (absolute ones normalized), anything else (javascript:,
 * data:, vbscript:, blob:, malformed) becomes undefined.
 */
export function safeUrl(raw: unknown): string | undefined {
  const trimmed = typeof raw === 'string' && raw.trim();
  if (!trimmed) return undefined;
  // A path from the site's root (most vendors' and proxies' URLs) is http(s) and relative whatever follows: no parse.
  // Not //host or /\host (another host), nor with tab or newline, which the URL parser drops (making /\t/host //host).
  if (/^\/(?![/\\])[^\t\n\r\\]*$/.test(trimmed)) return trimmed;
  let parsed: URL;
  try {
    parsed = new URL(trimmed, RELATIVE_BASE);
  } catch {
    return undefined;
  }
  if (!/^https?:$/.test(parsed.protocol)) return undefined;
  // Written with a scheme: absolute, normalized. Otherwise relative (//host too: a CDN's image keeps the page's https,
  // where the parse above would have made it http), left for the page to resolve as the parse did.
  return /^[a-z][a-z\d+.-]*:/i.test(trimmed) ? parsed.href : trimmed;
}

/** Fills `{id}` in a link template such as `/products/{id}` (the id URL-encoded), then checks it. */
export function urlFromTemplate(template: string | undefined, id: string): string | undefined {
  if (!template) return undefined;
  return safeUrl(template.replaceAll('{id}', encodeURIComponent(id)));
}
