/**
 * Team-draft interleaving (Radlinski, Kurup, Joachims, "How does clickthrough data
 * reflect retrieval quality?", CIKM 2008, Algorithm 2; Chapelle, Joachims, Radlinski, Yue,
 * "Large-scale validation and analysis of interleaved search evaluation", TOIS 2012): the
 * two rankings take turns as in picking teams, the team with fewer picks going next and a
 * coin deciding ties; each picks its best item not already taken. Every item keeps the
 * team that picked it, so a click credits one ranking, and a page view is a win for the
 * team with more clicks.
 *
 * The draft runs only while both lists have an item left. Slots after that are filled from
 * the longer list so the shopper still sees a full list, but those items belong to no team
 * (`n`): crediting them would turn "returns more items" into "ranks better".
 */
export interface Ranked {
  id: string;
}

/** Team letters per rank: `a`, `b`, or `n` (placed after one list ran out; no team). */
export function teamDraft<Item extends Ranked>(a: readonly Item[], b: readonly Item[], limit: number, coin: () => boolean = () => Math.random() < 0.5): { items: Item[]; teams: string } {
  const items: Item[] = [];
  let teams = '';
  const taken = new Set<string>();
  const next = [0, 0];
  const picks = [0, 0];
  const lists = [a, b];
  const remaining = (team: number) => {
    const list = lists[team]!;
    while (next[team]! < list.length && taken.has(list[next[team]!]!.id)) next[team]!++;
    return next[team]! < list.length;
  };
  while (items.length < limit) {
    const aLeft = remaining(0);
    const bLeft = remaining(1);
    if (!aLeft && !bLeft) break;
    const drafting = aLeft && bLeft;
    const team = !bLeft ? 0 : !aLeft ? 1 : picks[0]! < picks[1]! ? 0 : picks[1]! < picks[0]! ? 1 : coin() ? 0 : 1;
    const item = lists[team]![next[team]!]!;
    taken.add(item.id);
    items.push(item);
    teams += !drafting ? 'n' : team === 0 ? 'a' : 'b';
    picks[team]!++;
  }
  return { items, teams };
}
