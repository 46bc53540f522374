// SPDX-License-Identifier: Apache-2.0
// Seed-keyed random streams: with streams 'seed', a seed's tree is the same whether it is
// sampled alone or among other seeds in any order (what inference needs: one entity at one time
// always sees the same subgraph); with the default 'position' streams it depends on the batch.
import { describe, expect, it } from 'vitest';
import { sampleSync, type SampledSubgraph } from '../../src/sampler/index.js';
import { mediumGraph, withStore } from './reference.js';

const FANOUTS = {
  user__buys__item: [3, 2],
  item__bought_by__user: [3, 2],
  item__like__item: [2, 2],
};

/** Each seed's tree as sorted "edge type: global src -> global dst" lines, by seed position. */
function trees(s: SampledSubgraph): string[][] {
  const out: string[][] = Array.from({ length: s.numSeeds }, () => []);
  const [, , dstOf] = [0, 0, (name: string) => name.split('__')[2]!];
  for (const [name, e] of Object.entries(s.edges)) {
    const src = s.nodes[name.split('__')[0]!]!;
    const dst = s.nodes[dstOf(name)]!;
    for (let i = 0; i < e.src.length; i++) {
      const seed = dst.batch[e.dst[i]!]!;
      out[seed]!.push(`${name}: ${src.ids[e.src[i]!]} -> ${dst.ids[e.dst[i]!]}`);
    }
  }
  return out.map((lines) => lines.sort());
}

describe('random streams', () => {
  const g = mediumGraph(17, 300, 60, 6000);
  const seeds = Array.from({ length: 12 }, (_, i) => i * 7);
  const times = seeds.map((_, i) => BigInt(400 + 40 * i));
  const others = Array.from({ length: 40 }, (_, i) => 100 + i);
  const otherTimes = others.map((_, i) => BigInt(300 + 13 * i));
  // The batch: other seeds first, then ours in reverse order.
  const mixedSeeds = [...others, ...[...seeds].reverse()];
  const mixedTimes = [...otherTimes, ...[...times].reverse()];
  const ours = (all: string[][]) => all.slice(others.length).reverse();

  const run = (streams: 'position' | 'seed') =>
    withStore(g, (store) => {
      const common = { seedType: 'user', fanouts: FANOUTS, randomSeed: 99n, streams } as const;
      const alone = sampleSync(store, { ...common, seeds, seedTimes: times });
      const mixed = sampleSync(store, { ...common, seeds: mixedSeeds, seedTimes: mixedTimes });
      return { alone: trees(alone), mixed: ours(trees(mixed)) };
    });

  it("gives each seed the same tree in any batch with streams 'seed'", () => {
    const { alone, mixed } = run('seed');
    expect(alone.some((t) => t.length > 4)).toBe(true);
    expect(mixed).toEqual(alone);
  });

  it("depends on the seed's position with the default streams", () => {
    const { alone, mixed } = run('position');
    const differ = alone.filter((t, i) => t.join('\n') !== mixed[i]!.join('\n'));
    expect(differ.length).toBeGreaterThan(0);
  });

  it("refuses streams 'seed' with batch dedup, and unknown stream kinds", () => {
    withStore(g, (store) => {
      expect(() =>
        sampleSync(store, {
          seedType: 'user',
          seeds,
          fanouts: FANOUTS,
          dedup: 'batch',
          streams: 'seed',
        }),
      ).toThrow(expect.objectContaining({ code: 'SAMPLER_BAD_OPTION' }));
      expect(() =>
        sampleSync(store, {
          seedType: 'user',
          seeds,
          fanouts: FANOUTS,
          streams: 'node' as 'seed',
        }),
      ).toThrow(/streams/);
    });
  });
});
