// `uniform` draws are uniform: chi-square goodness of fit at a fixed random seed.
import { describe, expect, it } from 'vitest';
import { sampleSync, type SampleOptions } from '../../src/sampler/index.js';
import { withStore, type RefGraph } from './reference.js';

// Hub 0 with 10 in-edges from leaves 0..9; leaf i has time i.
const star: RefGraph = {
  nodeTypes: [
    { name: 'hub', count: 1, time: null },
    { name: 'leaf', count: 10, time: [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n] },
  ],
  edgeTypes: [
    {
      src: 'leaf',
      relation: 'to',
      dst: 'hub',
      srcIds: [7, 2, 9, 0, 4, 1, 8, 3, 6, 5],
      dstIds: new Array<number>(10).fill(0),
      time: null,
    },
  ],
};

// Upper 0.1% points of the chi-square distribution by degrees of freedom.
const CRITICAL_0_001: Record<number, number> = { 5: 20.515, 9: 27.877 };

function chiSquare(counts: number[], expected: number): number {
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

function leafCounts(
  options: Omit<SampleOptions, 'seedType' | 'fanouts'>,
  fanout: number,
): number[] {
  return withStore(star, (store) => {
    const s = sampleSync(store, {
      ...options,
      seedType: 'hub',
      fanouts: [fanout],
      randomSeed: 20261203n,
    });
    const counts = new Array<number>(10).fill(0);
    const leaf = s.nodes.leaf!;
    const edges = s.edges['leaf__to__hub']!;
    expect(edges.src.length).toBe(options.seeds.length * fanout);
    for (const i of edges.src) counts[leaf.ids[i]!]!++;
    return counts;
  });
}

describe('uniform sampling', () => {
  const seeds = new Int32Array(3000);

  it('picks each of 10 neighbors equally often (fanout 3, one tree per seed)', () => {
    const counts = leafCounts({ seeds }, 3);
    expect(chiSquare(counts, (3000 * 3) / 10)).toBeLessThan(CRITICAL_0_001[9]!);
  });

  it('picks each eligible neighbor equally often at a seed time (6 of 10 eligible)', () => {
    const counts = leafCounts({ seeds, seedTimes: new BigInt64Array(3000).fill(5n) }, 2);
    expect(counts.slice(6)).toEqual([0, 0, 0, 0]);
    expect(chiSquare(counts.slice(0, 6), (3000 * 2) / 6)).toBeLessThan(CRITICAL_0_001[5]!);
  });

  it('is uniform with batch dedup too (repeated seeds draw independently)', () => {
    const counts = leafCounts({ seeds, dedup: 'batch' }, 3);
    expect(chiSquare(counts, (3000 * 3) / 10)).toBeLessThan(CRITICAL_0_001[9]!);
  });

  it('would notice a skew: the test statistic of `last` is far above the bound', () => {
    const counts = leafCounts({ seeds, strategy: 'last' }, 3);
    expect(counts).toEqual([0, 0, 0, 0, 0, 0, 0, 3000, 3000, 3000]);
    expect(chiSquare(counts, (3000 * 3) / 10)).toBeGreaterThan(CRITICAL_0_001[9]!);
  });
});
