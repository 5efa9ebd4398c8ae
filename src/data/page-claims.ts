/**
 * `dedupe-page`: the same product never appears twice on one page. The first
 * widget to show a product keeps it; later widgets skip it. A widget's claims are
 * released when it shows new results or leaves the page.
 */
const claims = new Map<object, string[]>();

/** The ids every other widget on the page shows. */
export const claimedByOthers = (owner: object): string[] => [...claims].flatMap(([other, ids]) => (other === owner ? [] : ids));

export const claim = (owner: object, ids: string[]): void => void claims.set(owner, ids);

export const release = (owner: object): void => void claims.delete(owner);
