/**
 * The report's verdicts, by simulation (seeded, a few seconds): peeking does not inflate
 * false winners, a real lift is found, and interleaving needs far fewer page views than a
 * split. The figures are printed; the README quotes them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bernoulliArm, compareArms, interleavingPreference } from '../../src/proxy/report/stats.js';
import { DEFAULT_SHOPPER, rank, seededRandom, shop, simItems } from '../../src/proxy/report/simulate.js';
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

describe('statistics by simulation', () => {
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
        const merged = drafted.items.map((item, r) => ({ ...item, team: drafted.teams[r] === 'a' ? 'good' : 'worse' }));
        const seen = shop(merged, DEFAULT_SHOPPER, random);
        let a = 0;
        let b = 0;
        seen.clicks.forEach((clicked, index) => {
          if (clicked) merged[index]!.team === 'good' ? a++ : b++;
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
