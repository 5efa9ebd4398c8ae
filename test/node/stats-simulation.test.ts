/**
 * The report's verdicts, by simulation (seeded, a few seconds): peeking does not inflate
 * false winners, a real lift is found, and interleaving needs far fewer page views than a
 * split. The figures are printed; the README quotes them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bernoulliArm, clusteredArm, compareArms, interleavingPreference, type ClusterMoments } from '../../src/proxy/report/stats.js';
import { DEFAULT_SHOPPER, gaussian, rank, seededRandom, shop, simItems } from '../../src/proxy/report/simulate.js';
import { BUCKETS } from '../../src/proxy/experiments/assign.js';
import { teamDraft } from '../../src/proxy/experiments/interleave.js';

/** Binomial(n, p) by inversion; fine for the small means used here. */
function binomial(n: number, p: number, random: () => number): number {
  const q = 1 - p;
  let pmf = Math.pow(q, n);
  let cdf = pmf;
  const u = random();
  let k = 0;
  while (u > cdf && k < n) {
    pmf *= ((n - k) / (k + 1)) * (p / q);
    cdf += pmf;
    k++;
  }
  return k;
}

/** How many of 1,000 impressions go to arm A (fair coin), normal approximation. */
function splitOf(n: number, random: () => number): number {
  const u = 1 - random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return Math.min(n, Math.max(0, Math.round(n / 2 + z * Math.sqrt(n / 4))));
}

interface RunResult {
  /** Impressions in total when a winner was declared, or undefined. */
  decidedAt: number | undefined;
  winner: 'a' | 'b' | undefined;
}

/** One split, looking after every `step` impressions up to `looks` looks. */
function runSplit(ctrA: number, ctrB: number, looks: number, step: number, random: () => number): RunResult {
  let nA = 0;
  let nB = 0;
  let xA = 0;
  let xB = 0;
  for (let look = 1; look <= looks; look++) {
    const toA = splitOf(step, random);
    nA += toA;
    nB += step - toA;
    xA += binomial(toA, ctrA, random);
    xB += binomial(step - toA, ctrB, random);
    const verdict = compareArms(bernoulliArm(xA, nA), bernoulliArm(xB, nB));
    if (verdict.decided) return { decidedAt: nA + nB, winner: verdict.estimate > 0 ? 'b' : 'a' };
  }
  return { decidedAt: undefined, winner: undefined };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Gamma(shape, 1) (Marsaglia and Tsang), for the shoppers' Beta-distributed click propensities. */
function gamma(shape: number, random: () => number): number {
  if (shape < 1) return gamma(shape + 1, random) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = gaussian(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One arm's clicks and impressions per shopper bucket, with the between-bucket sums kept as shoppers arrive. */
class BucketedArm {
  clicks = 0;
  impressions = 0;
  readonly moments: ClusterMoments = { clusters: 0, nn: 0, yy: 0, yn: 0 };
  private readonly x = new Float64Array(BUCKETS);
  private readonly n = new Float64Array(BUCKETS);
  add(bucket: number, clicks: number, impressions: number): void {
    const x = this.x[bucket]!;
    const n = this.n[bucket]!;
    if (n === 0 && x === 0) this.moments.clusters++;
    this.moments.yy += (x + clicks) ** 2 - x * x;
    this.moments.nn += (n + impressions) ** 2 - n * n;
    this.moments.yn += (x + clicks) * (n + impressions) - x * n;
    this.x[bucket] = x + clicks;
    this.n[bucket] = n + impressions;
    this.clicks += clicks;
    this.impressions += impressions;
  }
  /** As the report computes it (model.ts): between buckets, never below the per-impression variance. */
  arm(clustered: boolean) {
    const independent = bernoulliArm(this.clicks, this.impressions);
    return clustered ? clusteredArm(this.clicks, this.moments, independent) : independent;
  }
}

/**
 * One A/A split of shoppers who are not alike, as in a shop: each shopper has a click
 * propensity ~ Beta (mean 5%, intra-shopper correlation `icc`), a Geometric number of page
 * views (mean `pageViews`) of 4 cards, a sticky arm and a bucket (experiments/assign.ts).
 * Looks after every 100 shoppers; returns whether the naive and the bucketed verdicts ever named a winner.
 */
function runShopperAA(icc: number, pageViews: number, looks: number, random: () => number): { naive: boolean; clustered: boolean } {
  const ab = 1 / icc - 1;
  const arms = [new BucketedArm(), new BucketedArm()];
  let naive = false;
  let clustered = false;
  for (let look = 0; look < looks && !clustered; look++) {
    for (let shopper = 0; shopper < 100; shopper++) {
      const arm = arms[random() < 0.5 ? 0 : 1]!;
      const bucket = Math.floor(random() * BUCKETS);
      const x = gamma(0.05 * ab, random);
      const p = x / (x + gamma(0.95 * ab, random));
      let views = 1;
      while (random() > 1 / pageViews) views++;
      let clicks = 0;
      for (let i = 0; i < 4 * views; i++) if (random() < p) clicks++;
      arm.add(bucket, clicks, 4 * views);
    }
    naive ||= compareArms(arms[0]!.arm(false), arms[1]!.arm(false)).decided;
    clustered ||= compareArms(arms[0]!.arm(true), arms[1]!.arm(true)).decided;
  }
  return { naive, clustered };
}

describe('statistics by simulation', () => {
  // Shoppers differ: one who clicks, clicks again. A split assigns shoppers, so the verdict's
  // variance must be the shoppers' (between buckets), not the impressions'.
  for (const [icc, pageViews] of [[0.03, 5], [0.03, 10], [0.1, 5]] as const) {
    it(`A/A with correlated shoppers (intra-shopper correlation ${icc}, ${pageViews} page views of 4 cards each on average), 50 looks: at most 5% false winners`, () => {
      const random = seededRandom(20261201);
      const experiments = 300;
      let naive = 0;
      let clustered = 0;
      for (let i = 0; i < experiments; i++) {
        const result = runShopperAA(icc, pageViews, 50, random);
        if (result.naive) naive++;
        if (result.clustered) clustered++;
      }
      console.log(
        `A/A, shoppers icc ${icc}, ~${4 * pageViews} impressions each, 5,000 shoppers, 50 looks: ` +
          `${clustered} of ${experiments} (${((clustered / experiments) * 100).toFixed(1)}%) declared a winner with the variance between buckets; ` +
          `${naive} (${((naive / experiments) * 100).toFixed(1)}%) had impressions been independent`,
      );
      assert.ok(clustered <= 0.05 * experiments, `${clustered} false winners`);
    });
  }


  it('A/A with one client flooding one arm: counted as one unit, it names a false winner in at most 5% whatever it sends', () => {
    // 2,500 honest page views of 4 cards a side (CTR 5%); one client adds m impressions to b, every one clicked.
    const random = seededRandom(20261202);
    const experiments = 300;
    /** An arm from its clusters' (clicks, impressions), as the report's query sums them. */
    const arm = (clusters: [number, number][]) => {
      const x = clusters.reduce((sum, [y]) => sum + y, 0);
      const n = clusters.reduce((sum, [, k]) => sum + k, 0);
      const moments: ClusterMoments = { clusters: clusters.length, nn: 0, yy: 0, yn: 0, jackknife: 0 };
      for (const [y, k] of clusters) {
        moments.nn += k * k;
        moments.yy += y * y;
        moments.yn += y * k;
        if (n > k) moments.jackknife! += ((x - y) / (n - k) - x / n) ** 2;
      }
      return clusteredArm(x, moments, bernoulliArm(Math.min(x, n), n));
    };
    const honest = () => Array.from({ length: 2_500 }, (): [number, number] => [binomial(4, 0.05, random), 4]);
    /** The flood as one cluster (`units` 1), or as page views of 4 of as many shoppers (`units` m / 4). */
    const flood = (base: [number, number][], m: number, units: number): [number, number][] => [...base, ...Array.from({ length: units }, (): [number, number] => [m / units, m / units])];
    const sizes = [40, 100, 400, 1_000, 4_000, 40_000];
    const asOne = new Map(sizes.map((m) => [m, 0]));
    const asMany = new Map(sizes.map((m) => [m, 0]));
    for (let i = 0; i < experiments; i++) {
      const a = honest();
      const b = honest();
      for (const m of sizes) {
        const one = compareArms(arm(a), arm(flood(b, m, 1)));
        if (one.decided && one.estimate > 0) asOne.set(m, asOne.get(m)! + 1);
        const many = compareArms(arm(a), arm(flood(b, m, m / 4)));
        if (many.decided && many.estimate > 0) asMany.set(m, asMany.get(m)! + 1);
      }
    }
    const rate = (count: number) => `${((count / experiments) * 100).toFixed(1)}%`;
    console.log(
      `A/A, 10,000 impressions a side, one client adding m clicked impressions to b, ${experiments} runs: b named the winner in ` +
        sizes.map((m) => `m=${m}: ${rate(asOne.get(m)!)} (as ${m / 4} shoppers' page views: ${rate(asMany.get(m)!)})`).join(', '),
    );
    for (const m of sizes) assert.ok(asOne.get(m)! <= 0.05 * experiments, `m=${m}: ${asOne.get(m)} false winners`);
    assert.ok(asMany.get(400)! > 0.5 * experiments, 'the same flood counted as many shoppers decides');
  });

  it('A/A: 1,000 experiments, a look after every 1,000 impressions, declare a winner in at most 5%', () => {
    const random = seededRandom(20261130);
    const experiments = 1_000;
    const looks = 100; // up to 100,000 impressions each
    let falseWinners = 0;
    for (let i = 0; i < experiments; i++) {
      if (runSplit(0.05, 0.05, looks, 1_000, random).decidedAt !== undefined) falseWinners++;
    }
    console.log(`A/A: ${falseWinners} of ${experiments} experiments declared a winner (CTR 5%, 100 looks up to 100,000 impressions)`);
    assert.ok(falseWinners <= 0.05 * experiments, `${falseWinners} false winners`);
  });

  it('A/B: a 20% relative CTR lift (5% -> 6%) is detected', () => {
    const random = seededRandom(7);
    const experiments = 200;
    const looks = 200;
    const decided: number[] = [];
    let wrongWay = 0;
    for (let i = 0; i < experiments; i++) {
      const result = runSplit(0.05, 0.06, looks, 1_000, random);
      if (result.decidedAt !== undefined) decided.push(result.decidedAt);
      if (result.winner === 'a') wrongWay++;
    }
    const within = (limit: number) => decided.filter((n) => n <= limit).length / experiments;
    console.log(
      `A/B 5% vs 6% CTR: detected in ${decided.length} of ${experiments} by 200,000 impressions; ` +
        `${Math.round(within(50_000) * 100)}% by 50,000, ${Math.round(within(100_000) * 100)}% by 100,000; ` +
        `median impressions at detection ${median(decided)}; wrong way ${wrongWay}`,
    );
    assert.equal(wrongWay, 0);
    assert.ok(decided.length >= 0.9 * experiments, `only ${decided.length} detected`);
  });

  it('interleaving with two equally good rankings, looked at after every 50 page views, declares a winner in at most 5%', () => {
    const random = seededRandom(99);
    const experiments = 1_000;
    let falseWinners = 0;
    for (let i = 0; i < experiments; i++) {
      const outcomes = { wins: 0, losses: 0, ties: 0 };
      for (let look = 1; look <= 60; look++) {
        for (let v = 0; v < 50; v++) {
          const u = random();
          if (u < 0.44) outcomes.wins++;
          else if (u < 0.88) outcomes.losses++;
          else outcomes.ties++;
        }
        if (interleavingPreference(outcomes).decided) {
          falseWinners++;
          break;
        }
      }
    }
    console.log(`interleaving A/A: ${falseWinners} of ${experiments} declared a winner (60 looks up to 3,000 page views with a click)`);
    assert.ok(falseWinners <= 0.05 * experiments, `${falseWinners} false winners`);
  });

  it('interleaving shows no preference for a ranking that merely returns more items (a shopper who clicks at random)', () => {
    // Fidelity (Hofmann, Whiteson and de Rijke, CIKM 2011): random clicks must prefer neither
    // side. Team B returns 3 items for 8 slots: crediting A with the slots B could not fill
    // would name A better for being longer.
    const random = seededRandom(31);
    const items = simItems(40, random);
    const runs = 20;
    let decided = 0;
    let share = 0;
    for (let run = 0; run < runs; run++) {
      const outcomes = { wins: 0, losses: 0, ties: 0 };
      for (let v = 0; v < 3_000; v++) {
        const { teams } = teamDraft(rank(items, 0.3, random, 8), rank(items, 0.3, random, 3), 8, () => random() < 0.5);
        let viewed = 1;
        while (viewed < teams.length && random() < 0.8) viewed++;
        let a = 0;
        let b = 0;
        for (let i = 0; i < viewed; i++) if (random() < 0.08) teams[i] === 'a' ? a++ : teams[i] === 'b' ? b++ : 0;
        if (a + b === 0) continue;
        if (a > b) outcomes.wins++;
        else if (b > a) outcomes.losses++;
        else outcomes.ties++;
      }
      const preference = interleavingPreference(outcomes);
      if (preference.decided) decided++;
      share += (preference.winShare ?? 0.5) / runs;
    }
    console.log(`interleaving, random clicks, B returns 3 of 8 items, 3,000 page views: a preference named in ${decided} of ${runs}; A's mean win share ${share.toFixed(3)}`);
    assert.ok(decided <= 2, `${decided} of ${runs} named a preference`);
  });

  it('interleaving detects a preference that the same page views in an A/B split do not', () => {
    const random = seededRandom(42);
    const items = simItems(40, random);
    const good = 0.15;
    const worse = 0.4;
    const limit = 8;
    const pageViews = 3_000;
    const replicates = 20;
    let interleavingDecided = 0;
    let splitDecided = 0;
    const splitCtr = [0, 0, 0, 0]; // impressions and clicks of A and B over all replicates
    let winShare = 0;
    for (let rep = 0; rep < replicates; rep++) {
      // Interleaving: every page view shows both rankers' picks.
      const outcomes = { wins: 0, losses: 0, ties: 0 };
      for (let v = 0; v < pageViews; v++) {
        const drafted = teamDraft(rank(items, good, random, limit), rank(items, worse, random, limit), limit, () => random() < 0.5);
        const merged = drafted.items.map((item, r) => ({ ...item, team: ({ a: 'good', b: 'worse' } as Record<string, string>)[drafted.teams[r]!] }));
        const seen = shop(merged, DEFAULT_SHOPPER, random);
        let a = 0;
        let b = 0;
        seen.clicks.forEach((clicked, index) => {
          // An item placed after one list ran out belongs to no team: its click counts for neither.
          if (clicked && merged[index]!.team) merged[index]!.team === 'good' ? a++ : b++;
        });
        if (a + b === 0) continue;
        if (a > b) outcomes.wins++;
        else if (b > a) outcomes.losses++;
        else outcomes.ties++;
      }
      const preference = interleavingPreference(outcomes);
      if (preference.decided && preference.estimate > 0) interleavingDecided++;
      winShare += preference.winShare ?? 0;
      // The same number of page views as a 50/50 split.
      const counts = [0, 0, 0, 0];
      for (let v = 0; v < pageViews; v++) {
        const side = random() < 0.5 ? 0 : 1;
        const seen = shop(rank(items, side === 0 ? good : worse, random, limit), DEFAULT_SHOPPER, random);
        counts[side * 2]! += seen.viewed;
        counts[side * 2 + 1]! += seen.clicks.filter(Boolean).length;
      }
      counts.forEach((value, index) => (splitCtr[index]! += value));
      if (compareArms(bernoulliArm(counts[1]!, counts[0]!), bernoulliArm(counts[3]!, counts[2]!)).decided) splitDecided++;
    }
    const ctrGood = splitCtr[1]! / splitCtr[0]!;
    const ctrWorse = splitCtr[3]! / splitCtr[2]!;
    console.log(
      `${pageViews} page views, ${replicates} replicates: interleaving found the better ranker in ${interleavingDecided}, ` +
        `the A/B split in ${splitDecided} (CTR ${(ctrGood * 100).toFixed(2)}% vs ${(ctrWorse * 100).toFixed(2)}%, ` +
        `+${((ctrGood / ctrWorse - 1) * 100).toFixed(1)}% relative; interleaving win share ${(winShare / replicates).toFixed(3)})`,
    );
    assert.ok(interleavingDecided >= 0.8 * replicates, `interleaving decided only ${interleavingDecided}`);
    assert.ok(splitDecided <= 0.2 * replicates, `the split decided ${splitDecided}`);
  });
});
