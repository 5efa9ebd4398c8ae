// What the test stubs (vendor-stubs.mjs, events-stub.mjs) share: a koa request's body and a JSON answer.

export async function readBody(ctx) {
  let body = '';
  for await (const chunk of ctx.req) body += chunk;
  return body;
}

/** A JSON answer; a string body is sent as it is (malformed JSON on purpose). */
export function json(ctx, status, body, headers = {}) {
  ctx.status = status;
  ctx.type = 'application/json';
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
  ctx.body = typeof body === 'string' ? body : JSON.stringify(body);
}
