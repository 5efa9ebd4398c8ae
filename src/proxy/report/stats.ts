/**
 * The report's statistics (pure: no I/O, no clock).
 *
 * Two kinds of interval, kept apart on purpose:
 *
 * - Per variant, a plain (fixed-sample) 95% interval describes each figure: Wilson for
 *   rates (CTR, add-to-cart rate), a Poisson interval for orders per 1,000 impressions,
 *   a normal interval for revenue per 1,000 impressions. They describe; they decide nothing.
 * - Between variants, and for interleaving, the verdict uses an ALWAYS-VALID 95%
 *   confidence sequence, so a merchant may look at the report every day (peeking) and the
 *   chance of ever declaring a winner when there is no difference stays at most 5%.
 *
 * Method: the mixture sequential probability ratio test with a normal mixture (mSPRT),
 * Johari, Koomen, Pekelis and Walsh, "Peeking at A/B Tests: Why it matters, and what to
 * do about it", KDD 2017 (section 4), in its equivalent confidence-sequence form, the
 * normal-mixture boundary of Howard, Ramdas, McAuliffe and Sekhon, "Time-uniform,
 * nonparametric, nonasymptotic confidence sequences", Annals of Statistics 49(2), 2021
 * (eq. 14). For an estimate θ̂ with variance V (from the data, a normal approximation as
 * in Johari et al.; the asymptotic justification of plugging in the variance is
 * Waudby-Smith et al., "Time-uniform central limit theory and asymptotic confidence
 * sequences", 2023) and mixing variance τ², the mixture likelihood ratio against θ is
 *
 *   Λ(θ) = sqrt(V / (V + τ²)) · exp(τ² (θ̂ − θ)² / (2 V (V + τ²)))
 *
 * and {θ : Λ(θ) < 1/α} is the always-valid set:
 *
 *   θ̂ ± sqrt( V (V + τ²) / τ² · (2 ln(1/α) + ln((V + τ²) / V)) ).
 *
 * τ² is tied to the data's own scale: τ² = V · N / m, with N the observations so far.
 * The boundary is then tightest around N ≈ m observations and the method is unchanged by
 * the metric's unit (CTR in points, revenue in euros). "Not yet" means the always-valid
 * interval for the difference still contains 0.
 */

/** The 97.5% normal quantile: two-sided 95% intervals. */
export const Z95 = 1.959963984540054;
/** Error rate of every verdict: at most 5% false winners, however often anyone looks. */
export const ALPHA = 0.05;
/** Splits: the confidence sequence is tightest around this many impressions in total. */
export const SPLIT_TUNED_AT = 20_000;
/** Interleaving: tightest around this many page views with a click. */
export const INTERLEAVE_TUNED_AT = 500;

export const METHOD =
  'always-valid 95% confidence sequence: mSPRT with a normal mixture (Johari et al., "Peeking at A/B Tests", KDD 2017)';

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for a proportion; [0, 1] when there are no trials. */
export function wilson(successes: number, trials: number, z = Z95): Interval {
  if (trials <= 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = ((z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials)));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Interval for a count's rate per `per` units of exposure (Poisson, Wilson-Hilferty
 * approximation of the exact interval; good from 0 counts on).
 */
export function poissonRate(count: number, exposure: number, per: number, z = Z95): Interval {
  if (exposure <= 0) return { low: 0, high: Infinity };
  const low = count === 0 ? 0 : count * Math.pow(1 - 1 / (9 * count) - z / (3 * Math.sqrt(count)), 3);
  const k = count + 1;
  const high = k * Math.pow(1 - 1 / (9 * k) + z / (3 * Math.sqrt(k)), 3);
  return { low: (Math.max(0, low) / exposure) * per, high: (high / exposure) * per };
}

/** Normal interval for a mean of n observations from their sum and sum of squares, floored at `floor`. */
export function meanInterval(sum: number, sumSquares: number, n: number, floor = 0, z = Z95): Interval {
  if (n <= 0) return { low: floor, high: Infinity };
  const mean = sum / n;
  const variance = Math.max(0, sumSquares / n - mean * mean);
  const half = z * Math.sqrt(variance / Math.max(1, n - 1));
  return { low: Math.max(floor, mean - half), high: mean + half };
}

/** One arm of a comparison: n observations with their mean and per-observation variance. */
export interface Arm {
  n: number;
  mean: number;
  variance: number;
}

/** A Bernoulli arm (impressions and clicks); the variance uses (x+1)/(n+2) so 0 or n successes never claim certainty. */
export function bernoulliArm(successes: number, trials: number): Arm {
  const smoothed = (successes + 1) / (trials + 2);
  return { n: trials, mean: trials > 0 ? successes / trials : 0, variance: smoothed * (1 - smoothed) };
}

/** A count-per-observation arm (orders per impression); Poisson-like floor on the variance for the same reason. */
export function countArm(total: number, sumSquares: number, n: number): Arm {
  if (n <= 0) return { n: 0, mean: 0, variance: 0 };
  const mean = total / n;
  const empirical = Math.max(0, sumSquares / n - mean * mean);
  return { n, mean, variance: Math.max(empirical, (total + 1) / (n + 2)) };
}

/** An arm of any measured value (revenue per impression) from its sum and sum of squares. */
export function valueArm(sum: number, sumSquares: number, n: number): Arm {
  if (n <= 0) return { n: 0, mean: 0, variance: 0 };
  const mean = sum / n;
  return { n, mean, variance: Math.max(0, sumSquares / n - mean * mean) };
}

/**
 * Between-cluster sums of a per-impression ratio y / n (clicks, add-to-carts, orders or
 * revenue per impression), one cluster per sending client's unit, else per shopper bucket of
 * a split, else per page view (report/queries.ts): Σ n², Σ y², Σ y·n over the clusters, and how many there are.
 */
export interface ClusterMoments {
  clusters: number;
  nn: number;
  yy: number;
  yn: number;
  /** Σ_g (R without cluster g − R)², for the jackknife (report/queries.ts); absent: the delta method alone. */
  jackknife?: number | undefined;
}

/**
 * An arm whose variance is honest at the unit that was randomized. A split assigns shoppers,
 * not impressions, and one shopper's impressions click alike: treating them as independent
 * understates the variance (3-43% false winners in A/A splits with realistic shoppers). The
 * ratio R = Σy / Σn is taken over iid clusters, and its variance by the delta method
 * (Deng, Knoblich and Lu, "Applying the Delta Method in Metric Analytics", KDD 2018):
 *
 *   Var(R) ≈ G / (G − 1) · Σ_g (y_g − R n_g)² / (Σ n)²
 *
 * returned per impression (× Σn) so compareArms treats it like any arm. Never below
 * `independent`, the arm as if impressions were independent (its smoothing keeps a handful
 * of events from looking certain); with fewer than 2 clusters, that arm alone.
 */
export function clusteredArm(total: number, moments: ClusterMoments | undefined, independent: Arm): Arm {
  const { n } = independent;
  if (!moments || moments.clusters < 2 || n <= 0) return independent;
  const G = moments.clusters;
  const R = total / n;
  const residual = Math.max(0, moments.yy - 2 * R * moments.yn + R * R * moments.nn);
  const variance = ((G / (G - 1)) * residual) / n;
  // The delta method assumes no cluster weighs much; one that does (a client sending as much as all
  // shoppers together) pulls R to itself and hides its own spread. The jackknife leaves each cluster
  // out in turn and sees it: equal to the delta method for many small clusters, larger otherwise.
  const jackknife = (((G - 1) / G) * (moments.jackknife ?? 0)) * n;
  return { ...independent, variance: Math.max(variance, jackknife, independent.variance) };
}

/**
 * Upper tail of the chi-square distribution with `df` degrees of freedom: the regularized
 * upper incomplete gamma Q(df/2, x/2), by its series or continued fraction (Numerical
 * Recipes, 6.2). Used for the sample-ratio-mismatch check.
 */
export function chiSquareTail(x: number, df: number): number {
  if (!(x > 0)) return 1;
  const a = df / 2;
  const z = x / 2;
  const logPrefix = a * Math.log(z) - z - logGamma(a);
  if (z < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < 500 && term > sum * 1e-15; k++) sum += term *= z / (a + k);
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  // Lentz's method for the continued fraction of Q.
  let b = z + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    d = Math.abs(d) < 1e-300 ? 1e-300 : d;
    c = b + an / c;
    c = Math.abs(c) < 1e-300 ? 1e-300 : c;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(logPrefix) * h);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Half-width of the normal-mixture confidence sequence for an estimate of variance V, mixing variance τ². */
export function mixtureHalfWidth(V: number, tau2: number, alpha = ALPHA): number {
  if (!(V > 0) || !(tau2 > 0)) return Infinity;
  return Math.sqrt(((V * (V + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((V + tau2) / V)));
}

/** Always-valid p-value for θ = 0: min(1, 1/Λ(0)), Λ being the mixture likelihood ratio above. */
export function mixturePValue(estimate: number, V: number, tau2: number): number {
  if (!(V > 0) || !(tau2 > 0)) return 1;
  const logLambda = 0.5 * Math.log(V / (V + tau2)) + (tau2 * estimate * estimate) / (2 * V * (V + tau2));
  return Math.min(1, Math.exp(-logLambda));
}

export interface AlwaysValid {
  /** The estimate (difference b − a, or the preference). */
  estimate: number;
  /** Always-valid interval for it; [-Infinity, Infinity] before there is data on both sides. */
  interval: Interval;
  /** Always-valid p-value against no difference. */
  pValue: number;
  /** True once the interval excludes 0. */
  decided: boolean;
}

function alwaysValid(estimate: number, V: number, observations: number, tunedAt: number, alpha: number): AlwaysValid {
  if (!(V > 0) || observations <= 0 || !Number.isFinite(estimate)) {
    return { estimate: Number.isFinite(estimate) ? estimate : 0, interval: { low: -Infinity, high: Infinity }, pValue: 1, decided: false };
  }
  const tau2 = (V * observations) / tunedAt;
  const half = mixtureHalfWidth(V, tau2, alpha);
  const interval = { low: estimate - half, high: estimate + half };
  return { estimate, interval, pValue: mixturePValue(estimate, V, tau2), decided: interval.low > 0 || interval.high < 0 };
}

/** Always-valid comparison of two arms: the difference b.mean − a.mean. */
export function compareArms(a: Arm, b: Arm, options: { alpha?: number; tunedAt?: number } = {}): AlwaysValid {
  const alpha = options.alpha ?? ALPHA;
  const tunedAt = options.tunedAt ?? SPLIT_TUNED_AT;
  if (a.n <= 0 || b.n <= 0) return alwaysValid(NaN, 0, 0, tunedAt, alpha);
  const V = a.variance / a.n + b.variance / b.n;
  return alwaysValid(b.mean - a.mean, V, a.n + b.n, tunedAt, alpha);
}

export interface InterleavingOutcomes {
  wins: number;
  losses: number;
  ties: number;
  /** Between-cluster sums of the score against page views with a click (report/queries.ts); absent: page views independent. */
  moments?: ClusterMoments | undefined;
}

export interface Preference extends AlwaysValid {
  /** Page views that count (at least one click). */
  n: number;
  /** wins / (wins + losses), the share of decided page views won; null with none. */
  winShare: number | null;
}

/**
 * Team-draft interleaving, from the first team's side: each page view with at least one
 * click scores 1 (won: more clicks on its items), 0 (lost) or ½ (tie); page views
 * without clicks say nothing and are left out. The preference is the mean score − ½
 * (from −½ to +½; above 0 the first team's ranking is preferred), with an always-valid
 * interval (same method as the splits, one sample). The variance adds one pseudo win and
 * one pseudo loss so that a handful of identical outcomes never looks certain, and with
 * `moments` is the between-cluster one when that is larger (clusteredArm).
 */
export function interleavingPreference(outcomes: InterleavingOutcomes, options: { alpha?: number; tunedAt?: number } = {}): Preference {
  const { wins, losses, ties } = outcomes;
  const n = wins + losses + ties;
  const winShare = wins + losses > 0 ? wins / (wins + losses) : null;
  const alpha = options.alpha ?? ALPHA;
  const tunedAt = options.tunedAt ?? INTERLEAVE_TUNED_AT;
  if (n === 0) return { ...alwaysValid(NaN, 0, 0, tunedAt, alpha), n, winShare };
  const mean = (wins + ties / 2) / n;
  const w = wins + 1;
  const l = losses + 1;
  const m = w + l + ties;
  const smoothedMean = (w + ties / 2) / m;
  const independent = Math.max(0, (w + ties / 4) / m - smoothedMean * smoothedMean);
  // Between clients when known: one client's page views are not independent contests (report/queries.ts).
  const { variance } = clusteredArm(wins + ties / 2, outcomes.moments, { n, mean, variance: independent });
  return { ...alwaysValid(mean - 0.5, variance / n, n, tunedAt, alpha), n, winShare };
}
