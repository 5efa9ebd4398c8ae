// A loopback proxy for the first-party events tests (test/browser/events*.test.ts), served by
// web-test-runner under /evstub/. Each test uses its own <uid>, so its counts are its own.
//
//   GET|POST /evstub/<uid>/<scenario>/recs/<placement>   an answer with requestId, variant (and teams)
//   POST     /evstub/<uid>/<scenario>/events             records the batch; answers as <scenario> says
//   GET      /evstub/log/<uid>                           { recs: [...], events: [...] } as received
//
// Scenarios: split (variant "snappy"), interleave (teams), plain (no requestId), hostile,
// many (25 items); events answers: 202 by default, 429-once / 503-once (Retry-After: 1),
// 400, fail-once (the connection is dropped), 307 (to /evstub/<uid>/followed/events on the other loopback origin).
import { json, readBody } from './stub-http.mjs';
const logs = new Map();
const logOf = (uid) => {
  if (!logs.has(uid)) logs.set(uid, { recs: [], events: [] });
  return logs.get(uid);
};

let answers = 0;
/** Shaped as the proxy's (src/proxy/experiments/token.ts): a nonce unique per answer, issued now (base 36 seconds; the sender reads it), the ranks, a signature. */
const requestId = (uid) => `v1.${uid.replace(/[^\w]/g, '').padEnd(10, 'x').slice(0, 10)}${(++answers).toString(36).padStart(6, '0')}.${Math.floor(Date.now() / 1000).toString(36)}.-.signatureSignatureSig`;
const items = (count) => Array.from({ length: count }, (_, index) => ({ id: `sku-${index + 1}`, title: `Product ${index + 1}`, url: `#p${index + 1}` }));

function answer(scenario, uid) {
  switch (scenario) {
    case 'plain': return { items: items(4), trackerId: 'trk-9' };
    case 'interleave': return { items: items(4).map((item, index) => ({ ...item, team: index % 2 ? 'yespo' : 'snappy' })), requestId: requestId(uid), variant: 'interleave' };
    case 'hostile': return {
      items: items(3).map((item) => ({ ...item, team: '<img src=x onerror="window.__pwned=1">' })),
      requestId: 'v1.'.padEnd(10_240, 'A'),
      variant: { toString: 'evil' },
      trackerId: 'trk-9',
    };
    case 'many': return { items: items(25), requestId: requestId(uid), variant: 'snappy' };
    default: return { items: items(6), requestId: requestId(uid), variant: 'snappy', trackerId: 'trk-9' };
  }
}

export function eventsStub() {
  return async (ctx, next) => {
    const [root, uid, scenario, route] = ctx.path.split('/').filter(Boolean);
    if (root !== 'evstub') return next();
    if (uid === 'log') return json(ctx, 200, logOf(scenario));
    const body = ctx.method === 'POST' ? await readBody(ctx) : undefined;
    const log = logOf(uid);
    if (route === 'recs') {
      log.recs.push({ method: ctx.method, url: ctx.url, body });
      return json(ctx, 200, answer(scenario, uid), { 'cache-control': 'private, no-store' });
    }
    if (route !== 'events' || ctx.method !== 'POST') return json(ctx, 404, { error: { code: 'not-found', message: 'no such stub route' } });
    log.events.push({ headers: ctx.headers, body });
    const attempt = log.events.length;
    if (scenario === '307') {
      // To this stub on the other origin (localhost <-> 127.0.0.1): what follows it is logged here with that host.
      const [host, port] = ctx.host.split(':');
      ctx.status = 307;
      ctx.set('location', `http://${host === '127.0.0.1' ? 'localhost' : '127.0.0.1'}:${port}/evstub/${uid}/followed/events`);
      return;
    }
    if (scenario === '400') return json(ctx, 400, { error: { code: 'invalid-request', message: 'bad', parameter: 'events[0].rank' } });
    if (attempt === 1 && scenario === '429-once') return json(ctx, 429, { error: { code: 'rate-limited' } }, { 'retry-after': '1' });
    if (attempt === 1 && scenario === '503-once') return json(ctx, 503, { error: { code: 'unavailable' } }, { 'retry-after': '1' });
    if (attempt === 1 && scenario === 'fail-once') {
      ctx.req.socket.destroy();
      return;
    }
    const { events = [] } = JSON.parse(body || '{}');
    return json(ctx, 202, { accepted: events.length, duplicates: 0 });
  };
}
