/**
 * A seeded simulation of shoppers, for the demo's report and for the statistics tests.
 *
 * Shoppers: each item has a quality in (0, 1); a ranker orders items by quality seen
 * through noise (a better ranker, less noise). A shopper looks at the first few items
 * (viewable impressions), clicks an item with a probability that falls with its rank
 * and rises with its quality, adds some clicked items to the cart, orders some of those.
 *
 * Deterministic for a seed (and `now`): the same seed fills the same rows. Web APIs only
 * (crypto.subtle for the order hash), so it runs wherever the proxy runs.
 */
import { teamDraft } from '../experiments/interleave.js';
import { splitFingerprint } from '../experiments/assign.js';

/** mulberry32: a small, fast, seeded PRNG with uniform output in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimItem {
  id: string;
  quality: number;
  price: number;
}

/** A ranker: items by quality + noise·N(0,1); `noise` 0 is a perfect ranker. */
export function rank(items: readonly SimItem[], noise: number, random: () => number, limit: number): SimItem[] {
  const keys = items.map((item) => item.quality + noise * gaussian(random));
  const picked: SimItem[] = [];
  // Selection of the top `limit` (limit is small): cheaper than sorting the whole catalog.
  for (let n = 0; n < Math.min(limit, items.length); n++) {
    let best = -1;
    for (let i = 0; i < keys.length; i++) if (keys[i]! > -Infinity && (best < 0 || keys[i]! > keys[best]!)) best = i;
    picked.push(items[best]!);
    keys[best] = -Infinity;
  }
  return picked;
}

export function gaussian(random: () => number): number {
  // Box-Muller; 1 - u keeps log away from 0.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface ShopperModel {
  /** Probability that a shopper clicks at all, scaled by the best quality in view (0.5 + 0.5·best). */
  clickScale: number;
  /** Probability of a second click, on another item, after a first. */
  secondClick: number;
  /** Probability that a shopper who views rank r also views rank r + 1. */
  scroll: number;
  /** Examination falls as 1 / rank^positionBias. */
  positionBias: number;
  /** How sharply shoppers pick the better item among those in view: weight exp(quality / temperature). */
  temperature: number;
  addToCartGivenClick: number;
  orderGivenAddToCart: number;
}

export const DEFAULT_SHOPPER: ShopperModel = {
  clickScale: 0.3,
  secondClick: 0.15,
  scroll: 0.8,
  positionBias: 0.7,
  temperature: 0.1,
  addToCartGivenClick: 0.3,
  orderGivenAddToCart: 0.45,
};

export interface PageViewOutcome {
  /** 1-based ranks viewed (viewable impressions): 1..viewed. */
  viewed: number;
  /** Per viewed rank: clicked, added to cart, ordered (quantity, 0 = not ordered). */
  clicks: boolean[];
  addToCarts: boolean[];
  quantities: number[];
}

/**
 * One shopper's page view over a shown list. Shoppers compare what they see: whether they
 * click at all depends a little on the best item in view, which item they click depends
 * strongly on the items' qualities (and on rank). So two rankings of similar overall
 * quality give similar CTRs while shoppers still clearly prefer one ranking's items,
 * which is what interleaving measures.
 */
export function shop(list: readonly SimItem[], model: ShopperModel, random: () => number): PageViewOutcome {
  let viewed = list.length === 0 ? 0 : 1;
  while (viewed < list.length && random() < model.scroll) viewed++;
  const clicks = Array<boolean>(viewed).fill(false);
  const addToCarts = Array<boolean>(viewed).fill(false);
  const quantities = Array<number>(viewed).fill(0);
  if (viewed === 0) return { viewed, clicks, addToCarts, quantities };
  let best = 0;
  const weights: number[] = [];
  for (let r = 1; r <= viewed; r++) {
    const quality = list[r - 1]!.quality;
    best = Math.max(best, quality);
    weights.push(Math.exp(quality / model.temperature) / Math.pow(r, model.positionBias));
  }
  let wantsClick = random() < model.clickScale * (0.5 + 0.5 * best);
  while (wantsClick) {
    const total = weights.reduce((sum, w, i) => (clicks[i] ? sum : sum + w), 0);
    if (total <= 0) break;
    let pick = random() * total;
    let index = weights.findIndex((w, i) => !clicks[i] && (pick -= w) < 0);
    if (index < 0) index = clicks.lastIndexOf(false);
    clicks[index] = true;
    if (random() < model.addToCartGivenClick) {
      addToCarts[index] = true;
      if (random() < model.orderGivenAddToCart) quantities[index] = 1 + Math.floor(random() * 3);
    }
    wantsClick = random() < model.secondClick;
  }
  return { viewed, clicks, addToCarts, quantities };
}

/** Items for a simulation: `count` items with qualities spread over (0, 1) and prices. */
export function simItems(count: number, random: () => number, prices?: readonly { id: string; price: number }[]): SimItem[] {
  return Array.from({ length: count }, (_, index) => {
    const given = prices?.[index];
    return {
      id: given?.id ?? `sku-${String(index + 1).padStart(2, '0')}`,
      quality: 0.05 + 0.95 * random(),
      price: given?.price ?? Math.round((10 + random() * 190) * 100) / 100,
    };
  });
}

// ---------------------------------------------------------------------------------------
// The demo's data

/** One row of recs_events as the store takes it (the contract's StoredEvent). */
export interface SimStoredEvent {
  eventKey: string;
  batchId: string;
  type: 'impression' | 'click' | 'add-to-cart' | 'order';
  placement: string;
  variant: string;
  requestId: string;
  itemId: string;
  rank: number;
  team?: string;
  trackerId?: string;
  quantity?: number;
  revenue?: number;
  currency?: string;
  /** A split's config fingerprint, as its answers sign it (the report compares the current configuration's only). */
  split?: string;
  occurredAt: Date;
}

export interface SimSink {
  insertBatch(batchId: string, events: SimStoredEvent[]): Promise<unknown>;
  addRequests(rows: { day: string; placement: string; variant: string; interleaved: boolean; count: number; split?: string }[]): Promise<void>;
}

/** A placement to simulate: a split (weights) or an interleave of exactly two variants. */
export type SimPlacement =
  | { name: string; kind: 'split'; variants: { name: string; weight: number; noise: number }[] }
  | { name: string; kind: 'interleave'; variants: [{ name: string; noise: number }, { name: string; noise: number }]; fallbackRate?: number };

export interface SimulateOptions {
  seed: number;
  /** ms since epoch; page views spread over the `days` calendar days (UTC) up to it, today included. */
  now: number;
  days?: number;
  /** Page views per placement. */
  pageViews: number;
  placements: SimPlacement[];
  /** The proxy's request-id signer. */
  sign(placement: string, variant: string, ranks: number | string): Promise<string>;
  /** Catalog ids and unit prices (the demo's catalog); 40 made-up items when absent. */
  catalog?: readonly { id: string; price: number }[];
  currency?: string;
  /** Items per answer. */
  limit?: number;
  model?: ShopperModel;
}

const DAY_MS = 86_400_000;

/** Fills `sink` with simulated page views; returns how many events and page views went in. */
export async function simulateDemo(sink: SimSink, options: SimulateOptions): Promise<{ events: number; pageViews: number }> {
  const random = seededRandom(options.seed);
  const days = options.days ?? 14;
  const limit = options.limit ?? 8;
  const model = options.model ?? DEFAULT_SHOPPER;
  const currency = options.currency ?? 'EUR';
  const items = simItems(options.catalog?.length ?? 40, random, options.catalog);
  const requests = new Map<string, { day: string; placement: string; variant: string; interleaved: boolean; count: number; split?: string }>();
  let pending: SimStoredEvent[] = [];
  let batchNumber = 0;
  let events = 0;
  let pageViews = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const batchId = `b_sim${options.seed}_${String(batchNumber++).padStart(8, '0')}`;
    await sink.insertBatch(batchId, pending.map((event) => ({ ...event, batchId })));
    events += pending.length;
    pending = [];
  };
  const countRequest = (day: string, placement: string, variant: string, interleaved: boolean, split: string | undefined) => {
    const key = `${day}\u0000${placement}\u0000${variant}\u0000${interleaved}`;
    const row = requests.get(key) ?? { day, placement, variant, interleaved, count: 0, ...(split === undefined ? {} : { split }) };
    row.count++;
    requests.set(key, row);
  };

  // The last `days` calendar days (UTC) up to an hour before now, so that the report's
  // default range holds everything and an order never lies in the future.
  const start = Math.floor(options.now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
  const span = Math.max(0, options.now - 3_600_000 - start);
  for (const placement of options.placements) {
    // The split as recs.config.json has it (salt: the placement's name), so the demo's real events join the simulated ones.
    const split = placement.kind === 'split' ? await splitFingerprint(placement.variants, placement.name) : undefined;
    for (let view = 0; view < options.pageViews; view++) {
      const at = start + Math.floor(random() * span);
      const day = new Date(at).toISOString().slice(0, 10);
      let variant: string;
      let shown: (SimItem & { team?: string })[];
      let teams: string | undefined;
      if (placement.kind === 'split') {
        const total = placement.variants.reduce((sum, v) => sum + v.weight, 0);
        let pick = random() * total;
        const chosen = placement.variants.find((v) => (pick -= v.weight) < 0) ?? placement.variants.at(-1)!;
        variant = chosen.name;
        shown = rank(items, chosen.noise, random, limit);
      } else {
        const [a, b] = placement.variants;
        const listA = rank(items, a.noise, random, limit);
        const listB = rank(items, b.noise, random, limit);
        if (random() < (placement.fallbackRate ?? 0.02)) {
          // One side failed or was slow: the other's list alone, not counted as interleaving.
          const alone = random() < 0.5 ? a : b;
          variant = alone.name;
          shown = alone === a ? listA : listB;
        } else {
          variant = 'interleave';
          const merged = teamDraft(listA, listB, limit, () => random() < 0.5);
          teams = merged.teams;
          shown = merged.items.map((item, r) => ({ ...item, team: merged.teams[r] === 'a' ? a.name : b.name }));
        }
      }
      countRequest(day, placement.name, variant, teams !== undefined, split);
      pageViews++;
      const requestId = await options.sign(placement.name, variant, teams ?? shown.length);
      const outcome = shop(shown, model, random);
      const base = { batchId: '', placement: placement.name, variant, requestId, ...(split === undefined ? {} : { split }) };
      for (let r = 1; r <= outcome.viewed; r++) {
        const item = shown[r - 1]!;
        const common = { ...base, itemId: item.id, rank: r, ...(item.team === undefined ? {} : { team: item.team }) };
        let t = at + r * 500;
        pending.push({ ...common, type: 'impression', eventKey: `impression:${requestId}:${r}`, occurredAt: new Date(t) });
        if (outcome.clicks[r - 1]) {
          t += 4_000 + Math.floor(random() * 20_000);
          pending.push({ ...common, type: 'click', eventKey: `click:${requestId}:${r}`, occurredAt: new Date(t) });
        }
        if (outcome.addToCarts[r - 1]) {
          t += 10_000 + Math.floor(random() * 60_000);
          pending.push({ ...common, type: 'add-to-cart', eventKey: `add-to-cart:${requestId}:${r}`, occurredAt: new Date(t) });
        }
        const quantity = outcome.quantities[r - 1]!;
        if (quantity > 0) {
          t += 60_000 + Math.floor(random() * 600_000);
          pending.push({
            ...common,
            type: 'order',
            eventKey: `order:${requestId}:${r}`,
            quantity,
            revenue: Math.round(quantity * item.price * 100) / 100,
            currency,
            occurredAt: new Date(Math.min(t, options.now)),
          });
        }
        if (pending.length >= 90) await flush();
      }
    }
  }
  await flush();
  await sink.addRequests([...requests.values()]);
  return { events, pageViews };
}

/**
 * The demo's experiments (recs.config.json): a split and an interleave of the demo's two
 * rankings, `related` being the better one for shoppers on a product page.
 */
export const DEMO_PLACEMENTS: SimPlacement[] = [
  {
    name: 'bestsellers',
    kind: 'split',
    variants: [
      { name: 'popular', weight: 50, noise: 0.3 },
      { name: 'related', weight: 50, noise: 0.15 },
    ],
  },
  {
    name: 'similar',
    kind: 'interleave',
    variants: [
      { name: 'related', noise: 0.15 },
      { name: 'popular', noise: 0.4 },
    ],
  },
];
