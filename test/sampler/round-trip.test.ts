// The same request gives the same output: from a memory-mapped store as from the built one,
// with any number of threads, sync or async; a different random seed gives another sample.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  sample,
  sampleSync,
  type SampleOptions,
  type SampledSubgraph,
} from '../../src/sampler/index.js';
import { GraphStore } from '../../src/store/graph-store.js';
import {
  buildStore,
  chooseLast,
  digest,
  mediumGraph,
  plain,
  prng,
  referenceSample,
  withStore,
  type RefGraph,
} from './reference.js';

const graph = mediumGraph(7, 3000, 800, 40000);
const rand = prng(11);
const seeds = Int32Array.from({ length: 300 }, () => Math.floor(rand() * 3000));
const seedTimes = BigInt64Array.from(seeds, () => BigInt(Math.floor(rand() * 1000)));

const requests: [string, SampleOptions][] = [
  ['temporal uniform', { seedType: 'user', seeds, seedTimes, fanouts: [15, 10], randomSeed: 3n }],
  ['temporal last', { seedType: 'user', seeds, seedTimes, fanouts: [5, -1], strategy: 'last' }],
  ['tree uniform, no time', { seedType: 'user', seeds, fanouts: [8, 4, 2], randomSeed: 4n }],
  [
    'batch dedup uniform',
    { seedType: 'user', seeds, fanouts: [15, 10], dedup: 'batch', randomSeed: 5n },
  ],
  [
    'per edge type fanouts',
    {
      seedType: 'item',
      seeds: seeds.map((s) => s % 800),
      seedTimes,
      fanouts: {
        user__buys__item: [10, 0],
        item__like__item: [3, 3],
        item__bought_by__user: [0, 5],
      },
      edgeIds: true,
    },
  ],
];

describe('sampler determinism', () => {
  it('gives identical output with 1, 2, 3 and 4 threads, and async equals sync', async () => {
    const store = buildStore(graph);
    try {
      for (const [, options] of requests) {
        const one = sampleSync(store, { ...options, threads: 1 });
        expect(one.numEdges).toBeGreaterThan(300);
        for (const threads of [2, 3, 4]) {
          expect(digest(sampleSync(store, { ...options, threads }))).toEqual(digest(one));
        }
        expect(digest(await sample(store, { ...options, threads: 2 }))).toEqual(digest(one));
      }
    } finally {
      store.close();
    }
  });

  it('another random seed gives another uniform sample', () => {
    const store = buildStore(graph);
    try {
      const options = requests[0]![1];
      const a = sampleSync(store, options);
      const b = sampleSync(store, { ...options, randomSeed: 99n });
      expect(Array.from(a.nodes.user!.ids.subarray(0, 300))).toEqual(Array.from(seeds));
      expect(digest(a)['nodes.item.ids']).not.toEqual(digest(b)['nodes.item.ids']);
    } finally {
      store.close();
    }
  });
});

describe('store round trip', () => {
  it('build, save, open (mmap), sample: identical to the in-memory store', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prequel-sampler-'));
    const built = buildStore(graph);
    let opened: GraphStore | null = null;
    try {
      await built.save(path.join(dir, 'store'));
      opened = await GraphStore.open(path.join(dir, 'store'));
      for (const [, options] of requests) {
        const expected = digest(sampleSync(built, options));
        expect(digest(sampleSync(opened, options))).toEqual(expected);
        expect(digest(await sample(opened, { ...options, threads: 2 }))).toEqual(expected);
      }
    } finally {
      built.close();
      opened?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('batch dedup scratch reuse', () => {
  // Scratch memory is reused between requests: a type that used a dense bitmap in one store
  // must switch to the hash map for a store where it is too large for one (over 2^24 nodes).
  const graphOf = (count: number, far: number): RefGraph => ({
    nodeTypes: [
      { name: 'x', count, time: null },
      { name: 'y', count: 2, time: null },
    ],
    edgeTypes: [
      { src: 'x', relation: 'r', dst: 'y', srcIds: [1, far, 3], dstIds: [0, 0, 1], time: null },
    ],
  });

  it('is correct across stores whose types change size', () => {
    const options = { seedType: 'y', seeds: [0, 1, 0], fanouts: [-1], dedup: 'batch' as const };
    const expected = (far: number) => ({
      nodes: {
        x: { ids: [1, far, 3], batch: [0, 0, 1], perHop: [0, 3] },
        y: { ids: [0, 1, 0], batch: [0, 1, 2], perHop: [3, 0] },
      },
      edges: { x__r__y: { src: [0, 1, 2, 0, 1], dst: [0, 0, 1, 2, 2], perHop: [5] } },
    });
    for (const [count, far] of [
      [5, 4],
      [(1 << 24) + 10, (1 << 24) + 5],
      [5, 4],
    ] as const) {
      withStore(graphOf(count, far), (store) => {
        expect(plain(sampleSync(store, options))).toEqual(expected(far));
        expect(plain(sampleSync(store, options))).toEqual(expected(far));
      });
    }
  });

  it('forgets every node of a request, whether few (one by one) or many (whole bitmap)', () => {
    // 4,096 x nodes: y0 reaches 3 of them (cleared bit by bit), y1 reaches 300 (bitmap cleared).
    const many = Array.from({ length: 300 }, (_, i) => i * 13);
    const g: RefGraph = {
      nodeTypes: [
        { name: 'x', count: 4096, time: null },
        { name: 'y', count: 2, time: null },
      ],
      edgeTypes: [
        {
          src: 'x',
          relation: 'r',
          dst: 'y',
          srcIds: [5, 700, 4000, ...many],
          dstIds: [0, 0, 0, ...many.map(() => 1)],
          time: null,
        },
      ],
    };
    withStore(g, (store) => {
      for (const seeds of [[0], [1], [0], [0, 1], [1, 0], [1]]) {
        const s = sampleSync(store, { seedType: 'y', seeds, fanouts: [-1, 2], dedup: 'batch' });
        const ref = referenceSample(g, {
          seedType: 'y',
          seeds,
          seedTimes: null,
          fanouts: [[-1, 2]],
          dedup: 'batch',
          choose: chooseLast,
        });
        expect(plain(s)).toEqual(ref);
      }
    });
  });
});
