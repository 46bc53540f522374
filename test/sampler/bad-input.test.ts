// Bad input gives coded errors naming the argument, never a crash or a hang; the native side
// checks again what the TypeScript layer already validated.
import { describe, expect, it } from 'vitest';
import { fromNative } from '../../src/errors/index.js';
import { native } from '../../src/native/index.js';
import type { RawSampleRequest } from '../../src/native/sampler-binding.js';
import { sample, sampleSync, type SampleOptions } from '../../src/sampler/index.js';
import { buildStore, withStore, type RefGraph } from './reference.js';

const g: RefGraph = {
  nodeTypes: [
    { name: 'user', count: 3, time: [1n, 2n, 3n] },
    { name: 'item', count: 2, time: null },
  ],
  edgeTypes: [
    { src: 'item', relation: 'seen', dst: 'user', srcIds: [0, 1], dstIds: [0, 1], time: [1n, 2n] },
    { src: 'user', relation: 'saw', dst: 'item', srcIds: [0, 1], dstIds: [0, 1], time: [1n, 2n] },
  ],
};

const good: SampleOptions = {
  seedType: 'user',
  seeds: [0, 2],
  seedTimes: [5n, 5n],
  fanouts: [2, 2],
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (fromNative(err) as { code?: string }).code;
  }
  return undefined;
}

const cases: [string, Partial<SampleOptions> | Record<string, unknown>, string][] = [
  ['negative seed id', { seeds: [0, -1] }, 'SAMPLER_BAD_SEEDS'],
  ['seed id past the node count', { seeds: [0, 3] }, 'SAMPLER_BAD_SEEDS'],
  ['fractional seed id', { seeds: [0.5, 1] }, 'SAMPLER_BAD_SEEDS'],
  ['seeds of the wrong type', { seeds: 'abc' }, 'SAMPLER_BAD_SEEDS'],
  ['fewer times than seeds', { seedTimes: [5n] }, 'SAMPLER_BAD_SEED_TIMES'],
  ['times of the wrong type', { seedTimes: new Float64Array(2) }, 'SAMPLER_BAD_SEED_TIMES'],
  ['unknown seed type', { seedType: 'nope' }, 'SAMPLER_UNKNOWN_NODE_TYPE'],
  [
    'unknown edge type',
    { fanouts: { item__seen__user: [1], x__y__z: [1] } },
    'SAMPLER_UNKNOWN_EDGE_TYPE',
  ],
  [
    'fanout lists of different lengths',
    { fanouts: { item__seen__user: [1, 2], user__saw__item: [1] } },
    'SAMPLER_BAD_FANOUTS',
  ],
  ['fanout below -1', { fanouts: [2, -2] }, 'SAMPLER_BAD_FANOUTS'],
  ['fractional fanout', { fanouts: [1.5] }, 'SAMPLER_BAD_FANOUTS'],
  ['NaN fanout', { fanouts: [NaN] }, 'SAMPLER_BAD_FANOUTS'],
  ['too many hops', { fanouts: new Array<number>(16).fill(1) }, 'SAMPLER_BAD_FANOUTS'],
  ['fanouts of the wrong type', { fanouts: 3 }, 'SAMPLER_BAD_FANOUTS'],
  ['unknown strategy', { strategy: 'random' }, 'SAMPLER_BAD_OPTION'],
  ['batch dedup with seed times', { dedup: 'batch' }, 'SAMPLER_BAD_OPTION'],
  ['zero threads', { threads: 0 }, 'SAMPLER_BAD_OPTION'],
  ['negative random seed', { randomSeed: -1 }, 'SAMPLER_BAD_OPTION'],
  ['random seed above 64 bits', { randomSeed: 1n << 64n }, 'SAMPLER_BAD_OPTION'],
];

describe('sampler bad input', () => {
  for (const [name, patch, code] of cases) {
    it(`rejects ${name} with ${code}, sync and async`, async () => {
      const store = buildStore(g);
      try {
        const options = { ...good, ...patch } as SampleOptions;
        expect(codeOf(() => sampleSync(store, options))).toBe(code);
        await expect(sample(store, options)).rejects.toMatchObject({ code });
      } finally {
        store.close();
      }
    });
  }

  it('the native layer checks ids, lengths, names and fanouts itself', () => {
    withStore(g, (store) => {
      const raw: RawSampleRequest = {
        seedType: 'user',
        seeds: Int32Array.from([0, 1]),
        seedTimes: null,
        fanouts: Int32Array.from([1]),
        strategy: 'uniform',
        dedup: 'tree',
        randomSeed: 0n,
        streams: 'position',
        threads: 1,
        edgeIds: false,
      };
      const call = (patch: Partial<RawSampleRequest>) =>
        codeOf(() => native().samplerSampleSync(store.handle, { ...raw, ...patch }));
      expect(call({})).toBeUndefined();
      expect(call({ seeds: Int32Array.from([7]) })).toBe('SAMPLER_BAD_SEEDS');
      expect(call({ seeds: Int32Array.from([-1]) })).toBe('SAMPLER_BAD_SEEDS');
      expect(call({ seedTimes: new BigInt64Array(3) })).toBe('SAMPLER_BAD_SEED_TIMES');
      expect(call({ seedType: 'nope' })).toBe('SAMPLER_UNKNOWN_NODE_TYPE');
      expect(call({ fanouts: { nope: Int32Array.from([1]) } })).toBe('SAMPLER_UNKNOWN_EDGE_TYPE');
      expect(call({ fanouts: Int32Array.from([-3]) })).toBe('SAMPLER_BAD_FANOUTS');
      expect(call({ fanouts: new Int32Array(16) })).toBe('SAMPLER_BAD_FANOUTS');
      const uneven = {
        item__seen__user: Int32Array.from([1, 1]),
        user__saw__item: Int32Array.from([1]),
      };
      expect(call({ fanouts: uneven })).toBe('SAMPLER_BAD_FANOUTS');
      expect(call({ strategy: 'nope' as 'last' })).toBe('SAMPLER_BAD_OPTION');
      expect(call({ dedup: 'batch', seedTimes: new BigInt64Array(2) })).toBe('SAMPLER_BAD_OPTION');
      expect(call({ threads: 0 })).toBe('SAMPLER_BAD_OPTION');
      expect(call({ streams: 'nope' as 'seed' })).toBe('SAMPLER_BAD_OPTION');
      expect(call({ dedup: 'batch', streams: 'seed' })).toBe('SAMPLER_BAD_OPTION');
      expect(call({ seeds: [0] as unknown as Int32Array })).toBe('NATIVE_BAD_ARGUMENT');
      expect(codeOf(() => native().samplerSampleSync({}, raw))).toBe('NATIVE_BAD_HANDLE');
    });
  });

  it('a closed store gives SAMPLER_STORE_CLOSED', async () => {
    const store = buildStore(g);
    store.close();
    expect(codeOf(() => sampleSync(store, good))).toBe('SAMPLER_STORE_CLOSED');
    await expect(sample(store, good)).rejects.toMatchObject({ code: 'SAMPLER_STORE_CLOSED' });
  });

  it('closing the store while a sample runs is safe: the running sample finishes', async () => {
    const store = buildStore(g);
    const pending = sample(store, { ...good, fanouts: [-1, -1, -1] });
    store.close();
    const s = await pending;
    expect(Array.from(s.nodes.user!.ids.subarray(0, 2))).toEqual([0, 2]);
  });
});
