import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { createRequestIdSigner, issuedAt, splitUnitOf } from '../../src/proxy/experiments/token.js';
import { BUCKETS, assignShopper, assignVariant } from '../../src/proxy/experiments/assign.js';
import { teamDraft } from '../../src/proxy/experiments/interleave.js';
import { servePlacement } from '../../src/proxy/experiments/serve.js';
import type { Placement } from '../../src/proxy/config.js';
import type { RecsResult } from '../../src/model/types.js';

const DAY = 24 * 3600 * 1000;

describe('signed request ids', () => {
  let clock = Date.parse('2026-11-30T12:00:00Z');
  const signer = createRequestIdSigner({ secret: 'current-secret-123', maxAgeMs: 7 * DAY, now: () => clock });

  it('verify what was signed for the same placement, variant and rank', async () => {
    const id = await signer.sign('pdp', 'snappy', 4);
    assert.match(id, /^v1\.[A-Za-z0-9_-]{16}\.[0-9a-z]+\.-4\.[A-Za-z0-9_-]{22}$/);
    assert.equal(await signer.verify(id, { placement: 'pdp', variant: 'snappy', rank: 3 }), 'ok');
    assert.equal(await signer.verify(id, { placement: 'pdp', variant: 'snappy', rank: 4 }), 'ok');
    assert.notEqual(await signer.sign('pdp', 'snappy', 4), id, 'every answer gets its own id');
  });

  it('refuse a rank the answer did not have: a page view of 4 items has no rank 5', async () => {
    const id = await signer.sign('pdp', 'snappy', 4);
    assert.equal(await signer.verify(id, { placement: 'pdp', variant: 'snappy', rank: 5 }), 'forged');
    assert.equal(await signer.verify(await signer.sign('pdp', 'snappy', 0), { placement: 'pdp', variant: 'snappy', rank: 1 }), 'forged');
    // A changed count breaks the signature.
    const [v, nonce, issued, , sig] = id.split('.');
    assert.equal(await signer.verify([v, nonce, issued, '-40', sig].join('.'), { placement: 'pdp', variant: 'snappy', rank: 5 }), 'forged');
  });

  it('verify ids of proxies before 0.5, signed without the count, until they age out', async () => {
    const legacy = createRequestIdSigner({ secret: 'current-secret-123', maxAgeMs: 7 * DAY, now: () => clock });
    const id = await legacy.sign('pdp', 'snappy', '-');
    assert.match(id, /^v1\.[A-Za-z0-9_-]{16}\.[0-9a-z]+\.-\.[A-Za-z0-9_-]{22}$/);
    assert.equal(await signer.verify(id, { placement: 'pdp', variant: 'snappy', rank: 9 }), 'ok');
  });

  it('tell when an id was issued', async () => {
    const id = await signer.sign('pdp', 'snappy', 4);
    assert.equal(issuedAt(id), Math.floor(clock / 1000) * 1000);
  });

  it('refuse another placement or variant, a changed field, and garbage', async () => {
    const id = await signer.sign('pdp', 'snappy', 4);
    assert.equal(await signer.verify(id, { placement: 'home', variant: 'snappy', rank: 1 }), 'forged');
    assert.equal(await signer.verify(id, { placement: 'pdp', variant: 'adobe', rank: 1 }), 'forged');
    const [v, nonce, issued, teams, sig] = id.split('.');
    const later = (parseInt(issued!, 36) + 1).toString(36);
    assert.equal(await signer.verify([v, nonce, later, teams, sig].join('.'), { placement: 'pdp', variant: 'snappy', rank: 1 }), 'forged');
    assert.equal(await signer.verify(`${id}x`, { placement: 'pdp', variant: 'snappy', rank: 1 }), 'malformed');
    assert.equal(await signer.verify('', { placement: 'pdp', variant: 'snappy', rank: 1 }), 'malformed');
    assert.equal(await signer.verify('v1.'.padEnd(10_000, 'a'), { placement: 'pdp', variant: 'snappy', rank: 1 }), 'malformed');
    const other = createRequestIdSigner({ secret: 'another-secret-456', maxAgeMs: 7 * DAY, now: () => clock });
    assert.equal(await signer.verify(await other.sign('pdp', 'snappy', 4), { placement: 'pdp', variant: 'snappy', rank: 1 }), 'forged');
  });

  it('credit only the team the answer gave each rank', async () => {
    const id = await signer.sign('mix', 'interleave', 'abba');
    const teams = ['popular', 'related'];
    assert.equal(await signer.verify(id, { placement: 'mix', variant: 'interleave', team: 'popular', rank: 1 }, teams), 'ok');
    assert.equal(await signer.verify(id, { placement: 'mix', variant: 'interleave', team: 'related', rank: 2 }, teams), 'ok');
    assert.equal(await signer.verify(id, { placement: 'mix', variant: 'interleave', team: 'related', rank: 1 }, teams), 'forged');
    assert.equal(await signer.verify(id, { placement: 'mix', variant: 'interleave', team: 'popular', rank: 5 }, teams), 'forged');
    assert.equal(await signer.verify(id, { placement: 'mix', variant: 'interleave', rank: 1 }, teams), 'forged');
    const plain = await signer.sign('pdp', 'default', 4);
    assert.equal(await signer.verify(plain, { placement: 'pdp', variant: 'default', team: 'popular', rank: 1 }, teams), 'forged');
  });

  it('refuse ids older than the maximum age or from the future', async () => {
    const id = await signer.sign('pdp', 'default', 4);
    clock += 7 * DAY + 1000;
    assert.equal(await signer.verify(id, { placement: 'pdp', variant: 'default', rank: 1 }), 'stale');
    clock -= 7 * DAY + 1000 + 5 * 60_000;
    assert.equal(await signer.verify(id, { placement: 'pdp', variant: 'default', rank: 1 }), 'stale');
    clock += 5 * 60_000;
  });

  it('are the same whether WebCrypto or node:crypto computes the HMAC (Node signs with the faster one)', async () => {
    const node = createRequestIdSigner({ secret: 'current-secret-123', maxAgeMs: 7 * DAY, now: () => clock, hmac: (secret, text) => createHmac('sha256', secret).update(text).digest().subarray(0, 16) });
    const id = await node.sign('mix', 'interleave', 'ab');
    assert.equal(await signer.verify(id, { placement: 'mix', variant: 'interleave', team: 'x', rank: 1 }, ['x', 'y']), 'ok');
    assert.equal(await node.verify(await signer.sign('pdp', 'default', 4), { placement: 'pdp', variant: 'default', rank: 1 }), 'ok');
  });

  it('still verify ids of the previous secret during a rotation, and sign with the new one', async () => {
    const old = await signer.sign('pdp', 'default', 4);
    const rotated = createRequestIdSigner({ secret: 'next-secret-789', previousSecret: 'current-secret-123', maxAgeMs: 7 * DAY, now: () => clock });
    assert.equal(await rotated.verify(old, { placement: 'pdp', variant: 'default', rank: 1 }), 'ok');
    const fresh = await rotated.sign('pdp', 'default', 4);
    assert.equal(await signer.verify(fresh, { placement: 'pdp', variant: 'default', rank: 1 }), 'forged');
  });

  it("carry a split answer's shopper bucket and config fingerprint, signed; ids without them still verify", async () => {
    const id = await signer.sign('bestsellers', 'snappy', 8, { bucket: 417, fingerprint: '3fa2b1c0' });
    assert.match(id, /^v1\.[A-Za-z0-9_-]{16}\.[0-9a-z]+\.-8\.s417-3fa2b1c0\.[A-Za-z0-9_-]{22}$/);
    assert.equal(await signer.verify(id, { placement: 'bestsellers', variant: 'snappy', rank: 8 }), 'ok');
    assert.deepEqual(splitUnitOf(id), { bucket: 417, fingerprint: '3fa2b1c0' });
    // Moving the page view to another bucket or configuration breaks the signature.
    assert.equal(await signer.verify(id.replace('.s417-', '.s418-'), { placement: 'bestsellers', variant: 'snappy', rank: 1 }), 'forged');
    assert.equal(await signer.verify(id.replace('-3fa2b1c0.', '-3fa2b1c1.'), { placement: 'bestsellers', variant: 'snappy', rank: 1 }), 'forged');
    const plain = await signer.sign('bestsellers', 'snappy', 8);
    assert.equal(await signer.verify(plain, { placement: 'bestsellers', variant: 'snappy', rank: 1 }), 'ok');
    assert.equal(splitUnitOf(plain), undefined);
  });

  it('credit no team for an item placed after one list ran out (n), and refuse one for it', async () => {
    const id = await signer.sign('mix', 'interleave', 'abn');
    const teams = ['popular', 'related'];
    assert.equal(await signer.verify(id, { placement: 'mix', variant: 'interleave', rank: 3 }, teams), 'ok');
    assert.equal(await signer.verify(id, { placement: 'mix', variant: 'interleave', team: 'popular', rank: 3 }, teams), 'forged');
    assert.equal(await signer.verify(id, { placement: 'mix', variant: 'interleave', team: 'related', rank: 3 }, teams), 'forged');
    assert.equal(await signer.verify(id, { placement: 'mix', variant: 'interleave', rank: 1 }, teams), 'forged', 'a drafted item has a team');
  });
});

describe("a client's unit (the report's cluster for events it sends)", () => {
  const unitsOf = (secret: string) => {
    const signer = createRequestIdSigner({ secret, maxAgeMs: DAY, now: Date.now });
    return Promise.all(Array.from({ length: 2000 }, (_, i) => signer.clientUnit(`198.51.${i >> 8}.${i & 255}`)));
  };

  it('is one of 1,000, the same for the same address, spread evenly, and keyed by the secret', async () => {
    const [units, again, other] = await Promise.all([unitsOf('current-secret-123'), unitsOf('current-secret-123'), unitsOf('another-secret-456')]);
    assert.deepEqual(units, again);
    assert.ok(units.every((unit) => Number.isInteger(unit) && unit >= 0 && unit < 1000));
    assert.ok(new Set(units).size > 800, `2,000 addresses fall in ${new Set(units).size} units`);
    assert.ok(units.filter((unit, i) => unit === other[i]).length < 20, 'another secret, other units: a unit says nothing of an address without it');
  });
});

describe('split assignment', () => {
  const variants = [
    { name: 'a', weight: 1 },
    { name: 'b', weight: 3 },
  ];

  it('is sticky per shopper key, with no state, and follows the weights', async () => {
    const counts = { a: 0, b: 0 } as Record<string, number>;
    for (let i = 0; i < 4000; i++) {
      const key = `shopper-${i}-key`;
      const first = await assignVariant(variants, 'pdp', key);
      assert.equal(await assignVariant(variants, 'pdp', key), first);
      counts[first]!++;
    }
    // 1:3 weights: a gets 25% (binomial sd ~0.7%).
    assert.ok(Math.abs(counts.a! / 4000 - 0.25) < 0.03, JSON.stringify(counts));
  });

  it('puts each shopper in one of 1,000 buckets, sticky and spread evenly whatever the variant', async () => {
    const perVariant: Record<string, number[]> = { a: new Array(10).fill(0), b: new Array(10).fill(0) };
    for (let i = 0; i < 4000; i++) {
      const { variant, bucket } = await assignShopper(variants, 'pdp', `shopper-${i}-key`);
      assert.deepEqual(await assignShopper(variants, 'pdp', `shopper-${i}-key`), { variant, bucket });
      assert.ok(Number.isInteger(bucket) && bucket >= 0 && bucket < BUCKETS);
      perVariant[variant]![Math.floor(bucket / 100)]!++;
    }
    // Each variant's shoppers spread over the buckets alike (a tenth per hundred buckets, within sampling error).
    for (const [variant, tenths] of Object.entries(perVariant)) {
      const total = tenths.reduce((sum, n) => sum + n, 0);
      for (const n of tenths) assert.ok(Math.abs(n / total - 0.1) < (variant === 'a' ? 0.04 : 0.025), `${variant}: ${tenths.join(',')}`);
    }
  });

  it('does not move shoppers when the variants are listed in another order in recs.config.json', async () => {
    const leaf = { provider: 'demo', timeoutMs: 1000 } as const;
    const split = (order: string[]) =>
      servePlacement('bestsellers', { provider: 'split', events: true, variants: Object.fromEntries(order.map((name) => [name, { ...leaf, weight: 50 }])) } as unknown as Placement, { log: () => {} });
    const [one, other] = [split(['snappy', 'yespo']), split(['yespo', 'snappy'])];
    const load = async () => ({ value: { items: [] }, hit: false });
    for (let i = 0; i < 200; i++) {
      const request = { limit: 4 } as never;
      assert.equal((await one.answer(request, `k${i}`, load)).variant, (await other.answer(request, `k${i}`, load)).variant);
    }
  });

  it('reshuffles with another salt', async () => {
    let moved = 0;
    for (let i = 0; i < 400; i++) if ((await assignVariant(variants, 'pdp', `k${i}`)) !== (await assignVariant(variants, 'pdp-2027', `k${i}`))) moved++;
    assert.ok(moved > 60, `only ${moved} of 400 moved`);
  });
});

describe('team-draft interleaving', () => {
  const list = (ids: string[]) => ids.map((id) => ({ id }));

  it('alternates picks, a coin deciding ties, and skips what the other team took', () => {
    const coins = [true, false];
    const { items, teams } = teamDraft(list(['1', '2', '3', '4']), list(['2', '5', '1', '6']), 6, () => coins.shift() ?? true);
    // Round 1: coin a -> a takes 1, b takes 2. Round 2: coin b -> b takes 5, a takes 3 (2 is taken).
    // Round 3: a takes 4, its last; 6 fills the slot left but belongs to no team (n).
    assert.deepEqual(items.map((item) => item.id), ['1', '2', '5', '3', '4', '6']);
    assert.equal(teams, 'abbaan');
  });

  it('names teams by variant name, whatever the config order, and gives no team to items placed after one list ran out', async () => {
    const leaf = { provider: 'demo', timeoutMs: 1000 } as const;
    const signed: string[] = [];
    const signer = { sign: async (_p: string, _v: string, ranks: number | string) => (signed.push(String(ranks)), 'v1.id'), verify: async () => 'ok' as const, clientUnit: async () => 0 };
    const lists: Record<string, { id: string }[]> = { related: list(['r1', 'r2', 'r3', 'r4', 'r5']), popular: list(['p1']) };
    for (const order of [['related', 'popular'], ['popular', 'related']]) {
      const served = servePlacement('similar', { provider: 'interleave', events: true, variants: Object.fromEntries(order.map((name) => [name, leaf])) } as unknown as Placement, { signer, log: () => {} });
      assert.deepEqual(served.teams, ['popular', 'related']);
      const { body } = await served.answer({ limit: 4 } as never, undefined, async (variant) => ({ value: { items: lists[variant]! } as unknown as RecsResult, hit: false }));
      // popular (team a, first by name) has one item: once it is taken, the rest fill the list for no team.
      const ranks = signed.at(-1)!;
      assert.match(ranks, /^(annn|bann)$/);
      assert.deepEqual(body.items.map((item) => item.team), [...ranks].map((letter) => ({ a: 'popular', b: 'related', n: undefined })[letter]));
    }
  });

  it('for any two lists: no repeats, each team in its own order, picks balanced within one', () => {
    const ids = fc.array(fc.constantFrom(...'abcdefghijkl'.split('')), { maxLength: 12 }).map((values) => [...new Set(values)]);
    fc.assert(
      fc.property(ids, ids, fc.integer({ min: 1, max: 20 }), fc.infiniteStream(fc.boolean()), (a, b, limit, coins) => {
        const { items, teams } = teamDraft(list(a), list(b), limit, () => coins.next().value);
        const got = items.map((item) => item.id);
        assert.equal(new Set(got).size, got.length);
        assert.equal(got.length, Math.min(limit, new Set([...a, ...b]).size));
        for (const [team, source] of [['a', a], ['b', b]] as const) {
          const picked = got.filter((_, rank) => teams[rank] === team);
          assert.deepEqual(picked, source.filter((id) => picked.includes(id)));
        }
        // While both lists have items left, neither team is ever two picks ahead.
        let lead = 0;
        for (let rank = 0; rank < teams.length; rank++) {
          lead += teams[rank] === 'a' ? 1 : -1;
          const bothLeft = a.some((id) => !got.slice(0, rank).includes(id)) && b.some((id) => !got.slice(0, rank).includes(id));
          if (bothLeft) assert.ok(Math.abs(lead) <= 1);
        }
      }),
    );
  });
});
