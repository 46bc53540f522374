// Exact outputs on tiny hand-built graphs, including the cases reported against other samplers.
import { describe, expect, it } from 'vitest';
import { sampleSync } from '../../src/sampler/index.js';
import { plain, withStore, type RefGraph } from './reference.js';

const list = (a: ArrayLike<number | bigint> | null) => (a === null ? null : Array.from(a, Number));

// user 0 with four posts at T-0, T+1, T-1, T (ids deliberately out of time order); T = 10.
const ties = (edgeTimes: boolean): RefGraph => ({
  nodeTypes: [
    { name: 'user', count: 1, time: null },
    { name: 'post', count: 4, time: edgeTimes ? null : [10n, 11n, 9n, 10n] },
  ],
  edgeTypes: [
    {
      src: 'post',
      relation: 'by',
      dst: 'user',
      srcIds: [0, 1, 2, 3],
      dstIds: [0, 0, 0, 0],
      time: edgeTimes ? [10n, 11n, 9n, 10n] : null,
    },
  ],
});

describe('ties at the seed time', () => {
  for (const edgeTimes of [false, true]) {
    const mode = edgeTimes ? 'edge times' : 'node times';
    it(`are eligible, and \`last\` breaks them by higher source id (${mode})`, () => {
      withStore(ties(edgeTimes), (store) => {
        const base = { seedType: 'user', seeds: [0], seedTimes: [10n] };
        const all = sampleSync(store, { ...base, fanouts: [-1] });
        // Eligible: T-1 (post 2), then T (posts 0 and 3, by id); T+1 (post 1) is not.
        expect(list(all.nodes.post!.ids)).toEqual([2, 0, 3]);
        const last2 = sampleSync(store, { ...base, fanouts: [2], strategy: 'last' });
        expect(list(last2.nodes.post!.ids)).toEqual([0, 3]);
        const last1 = sampleSync(store, { ...base, fanouts: [1], strategy: 'last' });
        expect(list(last1.nodes.post!.ids)).toEqual([3]);
        expect(list(last1.edges['post__by__user']!.src)).toEqual([0]);
        expect(list(last1.edges['post__by__user']!.dst)).toEqual([0]);
      });
    });
  }
});

describe('temporal cut-offs', () => {
  it('a seed earlier than all its neighbors samples nothing', () => {
    withStore(ties(false), (store) => {
      const s = sampleSync(store, {
        seedType: 'user',
        seeds: [0],
        seedTimes: [8n],
        fanouts: [-1, 5],
      });
      expect(plain(s)).toEqual({
        nodes: {
          user: { ids: [0], batch: [0], perHop: [1, 0, 0] },
          post: { ids: [], batch: [], perHop: [0, 0, 0] },
        },
        edges: { post__by__user: { src: [], dst: [], perHop: [0, 0] } },
      });
    });
  });

  it("bounds every hop by the seed's time, not by the edge that led there", () => {
    // root <- A at time 3, A <- B at time 8; seed at 10: both edges, though 8 > 3.
    const g: RefGraph = {
      nodeTypes: [
        { name: 'root', count: 1, time: null },
        { name: 'a', count: 1, time: null },
        { name: 'b', count: 2, time: null },
      ],
      edgeTypes: [
        { src: 'a', relation: 'r', dst: 'root', srcIds: [0], dstIds: [0], time: [3n] },
        { src: 'b', relation: 'r', dst: 'a', srcIds: [0, 1], dstIds: [0, 0], time: [8n, 11n] },
      ],
    };
    withStore(g, (store) => {
      const s = sampleSync(store, {
        seedType: 'root',
        seeds: [0],
        seedTimes: [10n],
        fanouts: [-1, -1],
      });
      expect(plain(s)).toEqual({
        nodes: {
          root: { ids: [0], batch: [0], perHop: [1, 0, 0] },
          a: { ids: [0], batch: [0], perHop: [0, 1, 0] },
          b: { ids: [0], batch: [0], perHop: [0, 0, 1] },
        },
        edges: {
          a__r__root: { src: [0], dst: [0], perHop: [1, 0] },
          b__r__a: { src: [0], dst: [0], perHop: [0, 1] },
        },
      });
    });
  });
});

// Users (timed) write reviews (timed) of products (static); products have static tags.
const shop: RefGraph = {
  nodeTypes: [
    { name: 'user', count: 2, time: [0n, 0n] },
    { name: 'review', count: 4, time: [5n, 6n, 7n, 20n] },
    { name: 'product', count: 2, time: null },
    { name: 'tag', count: 2, time: null },
  ],
  edgeTypes: [
    {
      src: 'review',
      relation: 'by',
      dst: 'user',
      srcIds: [0, 1, 2, 3],
      dstIds: [0, 0, 1, 0],
      time: null,
    },
    {
      src: 'product',
      relation: 'of',
      dst: 'review',
      srcIds: [1, 0, 1, 1],
      dstIds: [0, 1, 2, 3],
      time: null,
    },
    {
      src: 'tag',
      relation: 'on',
      dst: 'product',
      srcIds: [0, 1, 1],
      dstIds: [0, 0, 1],
      time: null,
    },
  ],
};

describe('static node types and multi-hop hetero paths', () => {
  it('static neighbors are always eligible; timed ones only up to the seed time', () => {
    withStore(shop, (store) => {
      const s = sampleSync(store, {
        seedType: 'user',
        seeds: [0, 1],
        seedTimes: [10n, 6n],
        fanouts: [-1, -1, -1],
      });
      // user 0 at 10: reviews 0, 1 (review 3 at 20 is later); user 1 at 6: review 2 is at 7.
      expect(plain(s)).toEqual({
        nodes: {
          user: { ids: [0, 1], batch: [0, 1], perHop: [2, 0, 0, 0] },
          review: { ids: [0, 1], batch: [0, 0], perHop: [0, 2, 0, 0] },
          product: { ids: [1, 0], batch: [0, 0], perHop: [0, 0, 2, 0] },
          // Tag 1 is reached from both products: one node of the tree.
          tag: { ids: [1, 0], batch: [0, 0], perHop: [0, 0, 0, 2] },
        },
        edges: {
          review__by__user: { src: [0, 1], dst: [0, 0], perHop: [2, 0, 0] },
          product__of__review: { src: [0, 1], dst: [0, 1], perHop: [0, 2, 0] },
          tag__on__product: { src: [0, 1, 0], dst: [0, 1, 1], perHop: [0, 0, 3] },
        },
      });
      expect(list(s.nodes.review!.time)).toEqual([5, 6]);
      expect(s.nodes.product!.time).toBeNull();
    });
  });

  it('per-edge-type fanouts skip edge types left out or set to 0', () => {
    withStore(shop, (store) => {
      const s = sampleSync(store, {
        seedType: 'user',
        seeds: [0],
        seedTimes: [10n],
        fanouts: { review__by__user: [-1, 0, 0], product__of__review: [0, 1, 0] },
      });
      expect(list(s.nodes.review!.ids)).toEqual([0, 1]);
      expect(list(s.nodes.product!.ids)).toEqual([1, 0]);
      expect(s.nodes.tag!.ids.length).toBe(0);
      expect(list(s.edges['product__of__review']!.perHop)).toEqual([0, 2, 0]);
    });
  });
});

describe('disjoint trees and batch dedup', () => {
  const homo: RefGraph = {
    nodeTypes: [{ name: 'n', count: 3, time: [1n, 2n, 3n] }],
    edgeTypes: [{ src: 'n', relation: 'e', dst: 'n', srcIds: [0, 0], dstIds: [1, 2], time: null }],
  };

  it('a node reached from two seeds appears once per tree', () => {
    withStore(homo, (store) => {
      const s = sampleSync(store, {
        seedType: 'n',
        seeds: [1, 2],
        seedTimes: [5n, 5n],
        fanouts: [1],
      });
      expect(plain(s).nodes.n).toEqual({ ids: [1, 2, 0, 0], batch: [0, 1, 0, 1], perHop: [2, 2] });
      expect(list(s.nodes.n!.time)).toEqual([2, 3, 1, 1]);
    });
  });

  it('without times, batch dedup keeps one copy for the whole batch', () => {
    withStore(homo, (store) => {
      const s = sampleSync(store, { seedType: 'n', seeds: [1, 2], fanouts: [1], dedup: 'batch' });
      expect(plain(s)).toEqual({
        nodes: { n: { ids: [1, 2, 0], batch: [0, 1, 0], perHop: [2, 1] } },
        edges: { n__e__n: { src: [2, 2], dst: [0, 1], perHop: [2] } },
      });
    });
  });
});

describe('without replacement means distinct', () => {
  // Node 0 of degree 10 (one repeated pair: sources 3 and 3 are two distinct edges).
  const star: RefGraph = {
    nodeTypes: [
      { name: 'hub', count: 1, time: null },
      { name: 'leaf', count: 9, time: null },
    ],
    edgeTypes: [
      {
        src: 'leaf',
        relation: 'to',
        dst: 'hub',
        srcIds: [0, 1, 2, 3, 3, 4, 5, 6, 7, 8],
        dstIds: new Array<number>(10).fill(0),
        time: null,
      },
    ],
  };

  it('fanout 4 of degree 10 gives 4 distinct edges for every random seed', () => {
    withStore(star, (store) => {
      for (let seed = 0; seed < 300; seed++) {
        const s = sampleSync(store, {
          seedType: 'hub',
          seeds: [0],
          fanouts: [4],
          randomSeed: seed,
          edgeIds: true,
        });
        const ids = list(s.edges['leaf__to__hub']!.edgeIds)!;
        expect(ids).toHaveLength(4);
        expect(new Set(ids).size).toBe(4);
      }
    });
  });

  it('fanout 10 or more gives every edge exactly once', () => {
    withStore(star, (store) => {
      for (const fanout of [10, 11, 100, -1]) {
        for (let seed = 0; seed < 50; seed++) {
          const s = sampleSync(store, {
            seedType: 'hub',
            seeds: [0],
            fanouts: [fanout],
            randomSeed: seed,
            edgeIds: true,
          });
          expect(list(s.edges['leaf__to__hub']!.edgeIds)!.sort((a, b) => a - b)).toEqual([
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
          ]);
        }
      }
    });
  });
});
