// Invariants of the native sampler on random heterogeneous temporal graphs, checked against the
// brute-force reference sampler.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleSync, type SampleOptions, type SampledSubgraph } from '../../src/sampler/index.js';
import {
  chooseLast,
  edgeTypeName,
  eligible,
  graphArb,
  plain,
  referenceSample,
  withStore,
  type RefGraph,
} from './reference.js';

interface Case {
  g: RefGraph;
  hops: number;
  seedType: string;
  seeds: number[];
  seedTimes: bigint[] | null;
  fanouts: number[][];
  randomSeed: bigint;
}

const caseArb = (opts: { temporal: boolean | null }): fc.Arbitrary<Case> =>
  graphArb.chain((g) =>
    fc
      .record({
        hops: fc.integer({ min: 1, max: 3 }),
        type: fc.nat({ max: g.nodeTypes.length - 1 }),
        seeds: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 20 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fanouts: fc.array(
          fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 3, maxLength: 3 }),
          {
            minLength: g.edgeTypes.length,
            maxLength: g.edgeTypes.length,
          },
        ),
        temporal: opts.temporal === null ? fc.boolean() : fc.constant(opts.temporal),
        randomSeed: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      })
      .map((c) => {
        const type = g.nodeTypes[c.type]!;
        return {
          g,
          hops: c.hops,
          seedType: type.name,
          seeds: c.seeds.map(([s]) => s % type.count),
          seedTimes: c.temporal ? c.seeds.map(([, t]) => BigInt(t)) : null,
          fanouts: c.fanouts.map((f) => f.slice(0, c.hops)),
          randomSeed: c.randomSeed,
        };
      }),
  );

function options(c: Case, extra: Partial<SampleOptions>): SampleOptions {
  const fanouts = Object.fromEntries(c.g.edgeTypes.map((e, i) => [edgeTypeName(e), c.fanouts[i]!]));
  return {
    seedType: c.seedType,
    seeds: c.seeds,
    seedTimes: c.seedTimes,
    fanouts,
    randomSeed: c.randomSeed,
    edgeIds: true,
    ...extra,
  };
}

const hopOf = (perHop: Int32Array, i: number): number => {
  let end = 0;
  for (let h = 0; h < perHop.length; h++) if (i < (end += perHop[h]!)) return h;
  throw new Error(`local index ${i} outside perHop`);
};

// Every invariant that holds for any strategy; fanout counts are exact for `uniform`.
function checkInvariants(c: Case, s: SampledSubgraph, dedup: 'tree' | 'batch'): void {
  const seedTime = (batch: number): bigint | null => c.seedTimes?.[batch] ?? null;
  for (const nt of c.g.nodeTypes) {
    const n = s.nodes[nt.name]!;
    expect(n.perHop.reduce((a, b) => a + b, 0)).toBe(n.ids.length);
    for (let i = 0; i < n.ids.length; i++) {
      const t = seedTime(n.batch[i]!);
      const isSeed = nt.name === c.seedType && i < c.seeds.length;
      // No sampled node is later than its seed's time.
      if (!isSeed && t !== null && nt.time !== null) expect(nt.time[n.ids[i]!]! <= t).toBe(true);
    }
  }
  c.g.edgeTypes.forEach((et, e) => {
    const out = s.edges[edgeTypeName(et)]!;
    const src = s.nodes[et.src]!;
    const dst = s.nodes[et.dst]!;
    const perDst = new Map<number, number[]>();
    for (let i = 0; i < out.src.length; i++) {
      const id = out.edgeIds![i]!;
      // The edge exists, between the nodes it claims to join.
      expect(et.srcIds[id]).toBe(src.ids[out.src[i]!]);
      expect(et.dstIds[id]).toBe(dst.ids[out.dst[i]!]);
      if (dedup === 'tree') expect(src.batch[out.src[i]!]).toBe(dst.batch[out.dst[i]!]);
      perDst.set(out.dst[i]!, [...(perDst.get(out.dst[i]!) ?? []), id]);
    }
    // Each frontier node keeps exactly min(fanout, eligible) distinct edges.
    for (let d = 0; d < dst.ids.length; d++) {
      const hop = hopOf(dst.perHop, d) + 1;
      const ids = perDst.get(d) ?? [];
      expect(new Set(ids).size).toBe(ids.length);
      if (hop > c.hops || c.fanouts[e]![hop - 1] === 0) {
        expect(ids).toEqual([]);
        continue;
      }
      const k = c.fanouts[e]![hop - 1]!;
      const allowed = eligible(c.g, e, dst.ids[d]!, seedTime(dst.batch[d]!));
      expect(ids.length).toBe(k < 0 ? allowed.length : Math.min(k, allowed.length));
      const allowedIds = new Set(allowed.map((a) => a.edge));
      for (const id of ids) expect(allowedIds.has(id)).toBe(true);
    }
  });
}

describe('sampler properties on random graphs', () => {
  it('`last` equals the reference exactly, temporal or not', () => {
    fc.assert(
      fc.property(caseArb({ temporal: null }), (c) =>
        withStore(c.g, (store) => {
          const s = sampleSync(store, options(c, { strategy: 'last' }));
          const ref = referenceSample(c.g, { ...c, dedup: 'tree', choose: chooseLast });
          expect(plain(s)).toEqual(ref);
          checkInvariants(c, s, 'tree');
        }),
      ),
      { numRuns: 150 },
    );
  });

  it('`last` with batch dedup equals the reference exactly', () => {
    fc.assert(
      fc.property(caseArb({ temporal: false }), (c) =>
        withStore(c.g, (store) => {
          const s = sampleSync(store, options(c, { strategy: 'last', dedup: 'batch' }));
          const ref = referenceSample(c.g, { ...c, dedup: 'batch', choose: chooseLast });
          expect(plain(s)).toEqual(ref);
          checkInvariants(c, s, 'batch');
        }),
      ),
      { numRuns: 100 },
    );
  });

  it('`uniform` keeps only existing, eligible, distinct edges within the fanout', () => {
    fc.assert(
      fc.property(caseArb({ temporal: null }), fc.boolean(), (c, batch) => {
        const dedup = batch && c.seedTimes === null ? 'batch' : 'tree';
        withStore(c.g, (store) =>
          checkInvariants(c, sampleSync(store, options(c, { dedup })), dedup),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('`uniform` with fanouts at least the eligible count is exactly the eligible set', () => {
    fc.assert(
      fc.property(caseArb({ temporal: null }), fc.constantFrom(-1, 30, 1000), (c0, big) => {
        const c = { ...c0, fanouts: c0.fanouts.map((f) => f.map((k) => (k === 0 ? 0 : big))) };
        withStore(c.g, (store) => {
          const s = sampleSync(store, options(c, { strategy: 'uniform' }));
          const all = referenceSample(c.g, { ...c, dedup: 'tree', choose: (l) => l });
          expect(plain(s)).toEqual(all);
        });
      }),
      { numRuns: 100 },
    );
  });
});
