/**
 * The report as data (what /report.json answers and /report renders): the query results
 * turned into figures, intervals and verdicts. Pure.
 */
import type { DailyCtr, InterleavingAggregate, VariantAggregate, VariantCounts } from './queries.js';
import type { Placement } from '../config.js';
import {
  ALPHA,
  INTERLEAVE_TUNED_AT,
  METHOD,
  SPLIT_TUNED_AT,
  bernoulliArm,
  chiSquareTail,
  clusteredArm,
  compareArms,
  countArm,
  interleavingPreference,
  meanInterval,
  poissonRate,
  valueArm,
  wilson,
  type AlwaysValid,
  type Arm,
} from './stats.js';

/** A figure with its 95% interval; bounds are null where they are unbounded (no data). */
export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
}

export interface VariantReport extends VariantCounts {
  /** Plain 95% intervals (Wilson, Poisson, normal): descriptions, not verdicts. */
  ctr: Estimate;
  addToCartRate: Estimate;
  ordersPer1000: Estimate;
  /**
   * Per currency: `total`, the attributed order lines' revenue as sent; `per1000`, revenue per 1,000
   * impressions with each line counted up to `cap` (the placement's, every variant alike; queries.ts
   * CAPPED_LINES), `linesCapped` of them above it.
   */
  revenue: { currency: string; total: number; cap: number; linesCapped: number; per1000: Estimate }[];
}

export type Metric = 'ctr' | 'addToCartRate' | 'ordersPer1000' | `revenuePer1000:${string}`;

export interface Comparison {
  metric: Metric;
  /** The difference is b − a. */
  a: string;
  b: string;
  /** The metric's value for a and for b (scaled like the difference). */
  aValue: number;
  bValue: number;
  difference: number;
  /** difference / a's value, when a's value is not 0. */
  relative: number | null;
  /** Always-valid 95% interval for the difference (Bonferroni over the pairs). */
  low: number | null;
  high: number | null;
  pValue: number;
  decided: boolean;
}

export interface Verdict {
  /** `sample-ratio-mismatch`: the answers per variant do not follow the weights, so no verdict is given. */
  status: 'not-yet' | 'winner' | 'sample-ratio-mismatch';
  winner: string | null;
  text: string;
  method: string;
}

export interface InterleavingReport {
  teams: [string, string];
  pageViews: number;
  wins: number;
  losses: number;
  ties: number;
  /** (wins + ties/2) / (wins + losses + ties) − ½: above 0 the first team's ranking is preferred. */
  preference: number | null;
  low: number | null;
  high: number | null;
  winShare: number | null;
  pValue: number;
  verdict: Verdict;
}

/** A split's answers per variant against its weights (chi-square goodness of fit). */
export interface SampleRatio {
  /** Each variant's share of the answers by the configured weights, and the answers it got. */
  expected: Record<string, number>;
  observed: Record<string, number>;
  chiSquare: number;
  pValue: number;
  /**
   * The same check on the page views with events, between client units (pageViewCheck); absent without them.
   * `chiSquare` is divided by the design effect: one client's page views count about as one.
   */
  pageViews?: { observed: Record<string, number>; chiSquare: number; pValue: number };
  /** p below SRM_P for the answers and for the page views: the verdict is held back. */
  mismatch: boolean;
}

/** What the configuration says of a placement (app.ts); without it, the kind is guessed from the data. */
export interface ConfiguredPlacement {
  kind: 'split' | 'interleave' | 'single';
  variants: string[];
  /** A split's weights by variant. */
  weights?: Record<string, number>;
}

/** Each configured placement's kind, variants and (splits) weights, for buildReport. */
export function configuredPlacements(placements: Record<string, Placement>): Record<string, ConfiguredPlacement> {
  return Object.fromEntries(
    Object.entries(placements).map(([name, placement]): [string, ConfiguredPlacement] => {
      if (placement.provider === 'split') {
        return [name, { kind: 'split', variants: Object.keys(placement.variants), weights: Object.fromEntries(Object.entries(placement.variants).map(([variant, { weight }]) => [variant, weight])) }];
      }
      if (placement.provider === 'interleave') return [name, { kind: 'interleave', variants: Object.keys(placement.variants) }];
      return [name, { kind: 'single', variants: ['default'] }];
    }),
  );
}

/**
 * A sample ratio mismatch is declared below this p-value: strict, because the check runs at
 * every look (Fabijan et al., "Diagnosing Sample Ratio Mismatch in Online Controlled
 * Experiments", KDD 2019, use 0.0005 too).
 */
export const SRM_P = 0.0005;

export interface PlacementReport {
  placement: string;
  /** `interleave`: an interleaved placement (its other variants are sides served alone); `split`: two or more variants; `single`. */
  kind: 'split' | 'interleave' | 'single';
  variants: VariantReport[];
  /** Split comparisons: CTR decides the verdict; the others are shown beside it. */
  comparisons: Comparison[];
  verdict: Verdict | null;
  /** Splits with configured weights: the sample-ratio check. */
  sampleRatio: SampleRatio | null;
  interleaving: InterleavingReport | null;
  /** A split's events in the range served under an earlier configuration (weights or salt): left out of its figures and verdict. */
  earlierConfigEvents: number;
  /** CTR per day, counted like the figures above it: of a split, the configuration compared only. */
  daily: { variant: string; points: { day: string; impressions: number; clicks: number; ctr: number | null }[] }[];
}

export interface ReportData {
  /** Dates as asked, both included (UTC). */
  from: string;
  to: string;
  placement: string | null;
  method: string;
  placements: PlacementReport[];
}

const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);
const estimate = (value: number, low: number, high: number): Estimate => ({ value: finite(value), low: finite(low), high: finite(high) });

export function buildReport(input: {
  from: string;
  to: string;
  placement?: string;
  aggregates: VariantAggregate[];
  daily: DailyCtr[];
  interleaving: InterleavingAggregate[];
  /** The configured placements by name; the kind, a split's variants and weights come from here. */
  configured?: Record<string, ConfiguredPlacement>;
  /** Per split, the events left out of `aggregates` as served under an earlier configuration (queries.ts splitConfigs). */
  earlierConfigEvents?: Record<string, number>;
}): ReportData {
  // A split whose events all predate its current configuration is shown too ("not yet", and what was left out).
  const leftOut = Object.entries(input.earlierConfigEvents ?? {}).filter(([, events]) => events > 0).map(([name]) => name);
  const names = [...new Set([...input.aggregates.map((a) => a.placement), ...input.interleaving.map((i) => i.placement), ...leftOut])].sort();
  const placements = names.map((name): PlacementReport => {
    const rows = input.aggregates.filter((a) => a.placement === name);
    const interleaved = input.interleaving.find((i) => i.placement === name);
    const configured = Object.hasOwn(input.configured ?? {}, name) ? input.configured![name] : undefined;
    const kind = configured?.kind ?? (interleaved || rows.some((r) => r.variant === 'interleave') ? 'interleave' : rows.filter((r) => r.variant !== 'default').length >= 2 ? 'split' : 'single');
    // A split compares its configured variants, those without events yet included (as zeros).
    const armNames = kind !== 'split' ? [] : configured ? [...configured.variants].sort() : rows.map((r) => r.variant).filter((v) => v !== 'default');
    const arms = armNames.map((variant) => rows.find((r) => r.variant === variant) ?? emptyAggregate(name, variant));
    const shown = [...rows, ...arms.filter((arm) => !rows.includes(arm))].sort((a, b) => (a.variant < b.variant ? -1 : 1));
    const comparisons = compareVariants(arms);
    const sampleRatio = configured?.weights ? sampleRatioCheck(arms, configured.weights) : null;
    const variants = [...new Set(input.daily.filter((d) => d.placement === name).map((d) => d.variant))].sort();
    const earlierConfigEvents = kind === 'split' && Object.hasOwn(input.earlierConfigEvents ?? {}, name) ? input.earlierConfigEvents![name]! : 0;
    return {
      placement: name,
      kind,
      variants: shown.map(variantReport),
      comparisons,
      verdict: kind === 'split' ? withEarlierConfigs(withUnseenAnswers(splitVerdict(arms, comparisons, sampleRatio), sampleRatio), earlierConfigEvents) : null,
      sampleRatio,
      interleaving: interleaved ? interleavingReport(interleaved) : null,
      earlierConfigEvents,
      daily: variants.map((variant) => ({
        variant,
        points: input.daily
          .filter((d) => d.placement === name && d.variant === variant)
          .map((d) => ({ day: d.day, impressions: d.impressions, clicks: d.clicks, ctr: d.impressions > 0 ? Math.min(d.clicks / d.impressions, 1) : null })),
      })),
    };
  });
  return { from: input.from, to: input.to, placement: input.placement ?? null, method: METHOD, placements };
}

/** Answers that do not follow the weights while the page views do: said, since they may be someone's doing. */
function withUnseenAnswers(verdict: Verdict, sampleRatio: SampleRatio | null): Verdict {
  if (!sampleRatio || sampleRatio.mismatch || !(sampleRatio.pValue < SRM_P)) return verdict;
  return { ...verdict, text: `${verdict.text} Answers served per variant do not follow the weights, but the page views shoppers saw do, client by client: answers nobody saw (bots, or one client asking for one variant) are left out of the sample-ratio check.` };
}

/** The verdict says what it leaves out: a reader comparing with the event counts of the export must not be surprised. */
function withEarlierConfigs(verdict: Verdict, events: number): Verdict {
  if (events === 0) return verdict;
  const count = `${events.toLocaleString('en')} ${events === 1 ? 'event' : 'events'}`;
  return { ...verdict, text: `${verdict.text} ${count} of an earlier configuration of this split (other weights or salt) ${events === 1 ? 'is' : 'are'} left out.` };
}

const emptyAggregate = (placement: string, variant: string): VariantAggregate => ({ placement, variant, requests: 0, impressions: 0, clicks: 0, addToCarts: 0, orders: 0, impliedImpressions: 0, unattributedOrders: 0, ordersSumSquares: 0, revenue: [] });

/**
 * Answers served per variant against the weights: Pearson's chi-square goodness of fit.
 * A mismatch means something loses or adds page views of one variant (a vendor failing
 * or slow, a cache, bots, a bug), so every comparison is suspect whatever it says.
 */
function sampleRatioCheck(arms: VariantAggregate[], weights: Record<string, number>): SampleRatio | null {
  const total = arms.reduce((sum, arm) => sum + arm.requests, 0);
  const weightSum = arms.reduce((sum, arm) => sum + (weights[arm.variant] ?? 0), 0);
  if (total === 0 || !(weightSum > 0) || arms.length < 2) return null;
  const expected: Record<string, number> = {};
  const observed: Record<string, number> = {};
  let chiSquare = 0;
  for (const arm of arms) {
    const share = (weights[arm.variant] ?? 0) / weightSum;
    expected[arm.variant] = share;
    observed[arm.variant] = arm.requests;
    chiSquare += share > 0 ? (arm.requests - total * share) ** 2 / (total * share) : 0;
  }
  const pValue = chiSquareTail(chiSquare, arms.length - 1);
  const pageViews = pageViewCheck(arms, expected);
  return { expected, observed, chiSquare, pValue, ...(pageViews ? { pageViews } : {}), mismatch: pValue < SRM_P && (!pageViews || pageViews.pValue < SRM_P) };
}

/**
 * The check again on the page views with events, one client weighing as one. Answers served are counted with
 * nothing of who asked: one address asking for a few hundred answers of one variant (its shopper key picks it,
 * and a cached answer costs nothing), with or without their impressions, would hold back every verdict. Page
 * views are counted per client unit (queries.ts), and the chi-square divided by the largest design effect of
 * the variants' shares (each share's variance between clusters, as clusteredArm, over the binomial one; Rao and
 * Scott's first-order correction), so a mismatch must show across clients. Undefined without page views.
 */
function pageViewCheck(arms: VariantAggregate[], expected: Record<string, number>): SampleRatio['pageViews'] {
  const total = arms.reduce((sum, arm) => sum + (arm.pageViews?.views ?? 0), 0);
  if (total === 0) return undefined;
  const observed: Record<string, number> = {};
  let chiSquare = 0;
  let effect = 1;
  for (const arm of arms) {
    const views = arm.pageViews?.views ?? 0;
    const share = expected[arm.variant]!;
    observed[arm.variant] = views;
    chiSquare += share > 0 ? (views - total * share) ** 2 / (total * share) : 0;
    const binomial = bernoulliArm(views, total);
    effect = Math.max(effect, clusteredArm(views, arm.pageViews?.moments, binomial).variance / binomial.variance);
  }
  return { observed, chiSquare: chiSquare / effect, pValue: chiSquareTail(chiSquare / effect, arms.length - 1) };
}

function variantReport(row: VariantAggregate): VariantReport {
  const n = row.impressions;
  const ratio = (x: number) => (n > 0 ? x / n : NaN);
  // A rate counts at most one per impression, as its interval does. A click without an impression
  // event counts its card as viewed (queries.ts COUNTED); only a click stored in the range on a card
  // viewed before it can outnumber the range's impressions.
  const clicks = Math.min(row.clicks, n);
  const addToCarts = Math.min(row.addToCarts, n);
  const ctr = wilson(clicks, n);
  const cart = wilson(addToCarts, n);
  const orders = poissonRate(row.orders, n, 1000);
  return {
    variant: row.variant,
    requests: row.requests,
    impressions: n,
    clicks: row.clicks,
    addToCarts: row.addToCarts,
    orders: row.orders,
    impliedImpressions: row.impliedImpressions,
    unattributedOrders: row.unattributedOrders,
    ctr: estimate(ratio(clicks), ctr.low, ctr.high),
    addToCartRate: estimate(ratio(addToCarts), cart.low, cart.high),
    ordersPer1000: estimate(ratio(row.orders) * 1000, orders.low, orders.high),
    revenue: row.revenue.map((r) => {
      const interval = meanInterval(r.sum, r.sumSquares, n);
      return { currency: r.currency, total: r.total, cap: r.cap, linesCapped: r.linesCapped, per1000: estimate(ratio(r.sum) * 1000, interval.low * 1000, interval.high * 1000) };
    }),
  };
}

/** Every pair of variants (name order), every metric; Bonferroni over the pairs so the verdict's error stays ≤ α. */
function compareVariants(rows: VariantAggregate[]): Comparison[] {
  const pairs: [VariantAggregate, VariantAggregate][] = [];
  for (let i = 0; i < rows.length; i++) for (let j = i + 1; j < rows.length; j++) pairs.push([rows[i]!, rows[j]!]);
  const alpha = ALPHA / Math.max(1, pairs.length);
  const currencies = [...new Set(rows.flatMap((r) => r.revenue.map((x) => x.currency)))].sort();
  // The variance between shopper buckets (clusteredArm), never below the per-impression one.
  const arms: [Metric, (row: VariantAggregate) => Arm, number][] = [
    ['ctr', (r) => clusteredArm(r.clicks, r.moments?.clicks, bernoulliArm(Math.min(r.clicks, r.impressions), r.impressions)), 1],
    ['addToCartRate', (r) => clusteredArm(r.addToCarts, r.moments?.addToCarts, bernoulliArm(Math.min(r.addToCarts, r.impressions), r.impressions)), 1],
    ['ordersPer1000', (r) => clusteredArm(r.orders, r.moments?.orders, countArm(r.orders, r.ordersSumSquares, r.impressions)), 1000],
    ...currencies.map((currency): [Metric, (row: VariantAggregate) => Arm, number] => [
      `revenuePer1000:${currency}`,
      (r) => {
        const revenue = r.revenue.find((x) => x.currency === currency);
        return clusteredArm(revenue?.sum ?? 0, revenue?.moments, valueArm(revenue?.sum ?? 0, revenue?.sumSquares ?? 0, r.impressions));
      },
      1000,
    ]),
  ];
  return pairs.flatMap(([a, b]) =>
    arms.map(([metric, arm, scale]) => {
      const armA = arm(a);
      const armB = arm(b);
      const result: AlwaysValid = compareArms(armA, armB, { alpha, tunedAt: SPLIT_TUNED_AT });
      return {
        metric,
        a: a.variant,
        b: b.variant,
        aValue: armA.mean * scale,
        bValue: armB.mean * scale,
        difference: result.estimate * scale,
        relative: armA.mean > 0 ? result.estimate / armA.mean : null,
        low: finite(result.interval.low * scale),
        high: finite(result.interval.high * scale),
        pValue: result.pValue,
        decided: result.decided,
      };
    }),
  );
}

const percent = (x: number, digits = 1) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(digits)}%`;
const points = (x: number | null) => (x === null ? 'unbounded' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(2)}`);

/** The split's verdict, on CTR: a winner only when it beats every other variant beyond doubt. */
function splitVerdict(arms: VariantAggregate[], comparisons: Comparison[], sampleRatio: SampleRatio | null): Verdict {
  const variants = arms.map((arm) => arm.variant);
  // An arm with nothing yet says more than its ratio (a new split, or a variant that never answers).
  const empty = arms.filter((arm) => arm.impressions === 0).map((arm) => arm.variant);
  if (empty.length) return { status: 'not-yet', winner: null, text: `Not yet: no data for ${empty.join(', ')}.`, method: METHOD };
  if (sampleRatio?.mismatch) {
    const shares = variants.map((v) => `${v} ${sampleRatio.observed[v]!.toLocaleString('en')} (${(sampleRatio.expected[v]! * 100).toFixed(0)}% expected)`).join(', ');
    const p = sampleRatio.pValue < 1e-6 ? 'p < 0.000001' : `p = ${sampleRatio.pValue.toPrecision(2)}`;
    return { status: 'sample-ratio-mismatch', winner: null, text: `No verdict: sample ratio mismatch. Answers served per variant do not follow the weights: ${shares}; ${p}. Something loses or adds one variant's page views (a failing or slow vendor, caching, bots, a changed config); find it before trusting any figure here.`, method: METHOD };
  }
  const ctr = comparisons.filter((c) => c.metric === 'ctr');
  const beats = (x: string, y: string) => ctr.some((c) => c.decided && ((c.b === x && c.a === y && c.difference > 0) || (c.a === x && c.b === y && c.difference < 0)));
  const winner = variants.find((v) => variants.every((other) => other === v || beats(v, other))) ?? null;
  if (winner === null) {
    const detail = ctr.length === 1 ? ` (${ctr[0]!.b} − ${ctr[0]!.a}: ${points(ctr[0]!.low)} to ${points(ctr[0]!.high)} CTR points)` : '';
    return { status: 'not-yet', winner: null, text: `Not yet: no variant's CTR is better beyond doubt${detail}.`, method: METHOD };
  }
  const against = ctr.filter((c) => c.a === winner || c.b === winner);
  const text = against
    .map((c) => {
      const sign = c.b === winner ? 1 : -1;
      const other = c.b === winner ? c.a : c.b;
      const low = sign > 0 ? c.low : c.high === null ? null : -c.high;
      const high = sign > 0 ? c.high : c.low === null ? null : -c.low;
      const otherValue = c.b === winner ? c.aValue : c.bValue;
      const lift = otherValue > 0 ? (sign * c.difference) / otherValue : null;
      return `${points(sign * c.difference)} CTR points over ${other}${lift === null ? '' : ` (${percent(lift)} relative)`}, interval ${points(low)} to ${points(high)}`;
    })
    .join('; ');
  return { status: 'winner', winner, text: `${winner} wins on CTR: ${text}.`, method: METHOD };
}

function interleavingReport(row: InterleavingAggregate): InterleavingReport {
  const preference = interleavingPreference(row, { tunedAt: INTERLEAVE_TUNED_AT });
  const [first, second] = row.teams;
  const decided = preference.decided;
  const winner = decided ? (preference.estimate > 0 ? first : second) : null;
  const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;
  const range = Number.isFinite(preference.interval.low) ? `${pts(preference.interval.low)} to ${pts(preference.interval.high)} points` : 'unbounded';
  const share = preference.winShare === null ? '' : `${first} won ${(preference.winShare * 100).toFixed(1)}% of the page views one side won; `;
  const text =
    preference.n === 0
      ? 'Not yet: no interleaved page view with a click.'
      : winner === null
        ? `Not yet: ${share}preference for ${first} over ${second} ${pts(preference.estimate)} points (interval ${range}).`
        : `Shoppers prefer ${winner}'s ranking: ${share}preference for ${first} ${pts(preference.estimate)} points (interval ${range}); ${row.wins} wins, ${row.losses} losses, ${row.ties} ties.`;
  return {
    teams: row.teams,
    pageViews: row.pageViews,
    wins: row.wins,
    losses: row.losses,
    ties: row.ties,
    preference: preference.n > 0 ? preference.estimate : null,
    low: finite(preference.interval.low),
    high: finite(preference.interval.high),
    winShare: preference.winShare,
    pValue: preference.pValue,
    verdict: { status: decided ? 'winner' : 'not-yet', winner, text, method: METHOD },
  };
}
