/**
 * `dedupe-page`: the same product never appears twice on one page. The first
 * widget to show a product keeps it; later widgets skip it. A widget's claims are
 * released when it shows new results or leaves the page.
 */
const claims = new Map<object, Set<string>>();

export function claimedByOthers(owner: object): Set<string> {
  const taken = new Set<string>();
  for (const [other, ids] of claims) if (other !== owner) for (const id of ids) taken.add(id);
  return taken;
}

export function claim(owner: object, ids: Iterable<string>): void {
  claims.set(owner, new Set(ids));
}

export function release(owner: object): void {
  claims.delete(owner);
}
