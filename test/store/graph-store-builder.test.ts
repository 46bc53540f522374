// The chunked build (count every chunk, fill every chunk, finish) stores exactly what the
// one-call build stores, whatever the chunking, and rejects inconsistent passes with codes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrequelError } from '../../src/errors/index.js';
import { GraphStore } from '../../src/store/graph-store.js';
import { GraphStoreBuilder } from '../../src/store/graph-store-builder.js';
import type { GraphSpec } from '../../src/store/graph-def.js';

const i32 = (xs: number[]) => Int32Array.from(xs);
const i64 = (xs: number[]) => BigInt64Array.from(xs.map(BigInt));

/** Chunk boundaries of `n` rows cut at most every `size` rows. */
function cuts(n: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let lo = 0; lo < n; lo += size) out.push([lo, Math.min(n, lo + size)]);
  return out;
}

/** Builds `spec` through the chunked builder, `size` rows a chunk. */
async function buildChunked(spec: GraphSpec, size: number, threads: number) {
  const builder = new GraphStoreBuilder(
    {
      nodeTypes: spec.nodeTypes.map((n) => ({ name: n.name, count: n.count, hasTime: !!n.time })),
      edgeTypes: spec.edgeTypes.map((e) => ({
        src: e.src,
        relation: e.relation,
        dst: e.dst,
        hasTime: !!e.time,
        keepEdgeIds: e.keepEdgeIds,
      })),
    },
    { threads },
  );
  for (const n of spec.nodeTypes) {
    const time = n.time as BigInt64Array | null | undefined;
    if (time)
      for (const [lo, hi] of cuts(n.count, size))
        builder.appendNodeTime(n.name, time.subarray(lo, hi));
  }
  for (const pass of ['count', 'fill'] as const) {
    for (const e of spec.edgeTypes) {
      const src = e.srcIds as Int32Array;
      const dst = e.dstIds as Int32Array;
      const time = (e.time ?? null) as BigInt64Array | null;
      for (const [lo, hi] of cuts(src.length, size)) {
        builder[pass](`${e.src}__${e.relation}__${e.dst}`, {
          srcIds: src.subarray(lo, hi),
          dstIds: dst.subarray(lo, hi),
          time: time?.subarray(lo, hi) ?? null,
        });
      }
    }
  }
  return builder.finish();
}

function expectSameStore(actual: GraphStore, expected: GraphStore): void {
  expect(actual.nodeTypes).toEqual(expected.nodeTypes);
  expect(actual.edgeTypes).toEqual(expected.edgeTypes);
  for (const n of expected.nodeTypes)
    expect(actual.nodeTime(n.name)).toEqual(expected.nodeTime(n.name));
  for (const e of expected.edgeTypes)
    expect(actual.edgeArrays(e.name)).toEqual(expected.edgeArrays(e.name));
}

// Random three-type graphs: a hub destination (lists long enough for the radix sort), edge and
// node times optional, few distinct times so ties are common.
const graphs = fc
  .record({
    srcCount: fc.integer({ min: 1, max: 40 }),
    dstCount: fc.integer({ min: 1, max: 40 }),
    numEdges: fc.integer({ min: 0, max: 700 }),
    edgeTimes: fc.boolean(),
    nodeTimes: fc.boolean(),
    keepEdgeIds: fc.boolean(),
    seed: fc.integer(),
  })
  .map(({ srcCount, dstCount, numEdges, edgeTimes, nodeTimes, keepEdgeIds, seed }): GraphSpec => {
    let state = seed >>> 0 || 1;
    const next = (n: number) => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % n;
    };
    const srcIds = Int32Array.from({ length: numEdges }, () => next(srcCount));
    const dstIds = Int32Array.from({ length: numEdges }, () =>
      next(3) === 0 ? 0 : next(dstCount),
    );
    const time = edgeTimes
      ? BigInt64Array.from({ length: numEdges }, () => BigInt(next(7) - 3))
      : null;
    const nodeTime = nodeTimes
      ? BigInt64Array.from({ length: srcCount }, () => BigInt(next(4)) * 1_000_000_000_000n)
      : null;
    return {
      nodeTypes: [
        { name: 'src', count: srcCount, time: nodeTime },
        { name: 'dst', count: dstCount },
        { name: 'none', count: 0 },
      ],
      edgeTypes: [
        { src: 'src', relation: 'to', dst: 'dst', srcIds, dstIds, time, keepEdgeIds },
        { src: 'dst', relation: 'back', dst: 'src', srcIds: dstIds, dstIds: srcIds, time },
        { src: 'none', relation: 'empty', dst: 'src', srcIds: i32([]), dstIds: i32([]) },
      ],
    };
  });

describe('graph store built in chunks', () => {
  it('equals the one-call build for any chunk size and thread count', async () => {
    await fc.assert(
      fc.asyncProperty(
        graphs,
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 3 }),
        async (spec, size, threads) => {
          const expected = GraphStore.buildSync(spec, { threads: 1 });
          const actual = await buildChunked(spec, size, threads);
          try {
            expectSameStore(actual, expected);
          } finally {
            actual.close();
            expected.close();
          }
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });

  it('equals the one-call build on large chunks with lists long enough to radix sort', async () => {
    const numEdges = 50_000;
    let state = 5;
    const next = (n: number) => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % n;
    };
    const srcIds = Int32Array.from({ length: numEdges }, () => next(3000));
    const dstIds = Int32Array.from({ length: numEdges }, () => next(150));
    const time = BigInt64Array.from({ length: numEdges }, () => BigInt(next(100)));
    const spec: GraphSpec = {
      nodeTypes: [
        { name: 'src', count: 3000 },
        { name: 'dst', count: 150 },
      ],
      edgeTypes: [
        { src: 'src', relation: 'to', dst: 'dst', srcIds, dstIds, time, keepEdgeIds: true },
        { src: 'dst', relation: 'back', dst: 'src', srcIds: dstIds, dstIds: srcIds, time },
      ],
    };
    const expected = GraphStore.buildSync(spec, { threads: 1 });
    const actual = await buildChunked(spec, 20_000, 3);
    try {
      expectSameStore(actual, expected);
    } finally {
      actual.close();
      expected.close();
    }
  });

  const declared = () =>
    new GraphStoreBuilder({
      nodeTypes: [
        { name: 'a', count: 3, hasTime: true },
        { name: 'b', count: 2, hasTime: false },
      ],
      edgeTypes: [{ src: 'a', relation: 'r', dst: 'b', hasTime: false }],
    });
  const chunk = { srcIds: i32([0, 1, 2]), dstIds: i32([0, 1, 1]) };

  const cases: {
    name: string;
    run: (b: GraphStoreBuilder) => Promise<unknown> | unknown;
    code: string;
    mentions: string;
  }[] = [
    {
      name: 'an id out of range in the count pass',
      run: (b) => b.count('a__r__b', { srcIds: i32([0, 3]), dstIds: i32([0, 0]) }),
      code: 'STORE_BAD_ID',
      mentions: 'src[1] = 3',
    },
    {
      name: 'edge times on a type declared without them',
      run: (b) => b.count('a__r__b', { ...chunk, time: i64([1, 2, 3]) }),
      code: 'STORE_BAD_DEFINITION',
      mentions: 'without edge times',
    },
    {
      name: 'a chunk counted after the fill began',
      run: (b) => {
        b.count('a__r__b', chunk);
        b.fill('a__r__b', chunk);
        b.count('a__r__b', chunk);
      },
      code: 'STORE_BAD_DEFINITION',
      mentions: 'count every chunk first',
    },
    {
      name: 'a fill pass with more edges than the count pass',
      run: (b) => {
        b.count('a__r__b', chunk);
        b.fill('a__r__b', chunk);
        b.fill('a__r__b', chunk);
      },
      code: 'STORE_LENGTH_MISMATCH',
      mentions: 'more edges',
    },
    {
      name: 'a fill pass with other edges than the count pass',
      run: async (b) => {
        b.appendNodeTime('a', i64([1, 2, 3]));
        b.count('a__r__b', chunk);
        b.fill('a__r__b', { srcIds: i32([0, 1, 2]), dstIds: i32([0, 1, 0]) });
        await b.finish();
      },
      code: 'STORE_LENGTH_MISMATCH',
      mentions: 'other edges',
    },
    {
      name: 'a fill pass with fewer edges than the count pass',
      run: async (b) => {
        b.appendNodeTime('a', i64([1, 2, 3]));
        b.count('a__r__b', chunk);
        b.fill('a__r__b', { srcIds: i32([0]), dstIds: i32([0]) });
        await b.finish();
      },
      code: 'STORE_LENGTH_MISMATCH',
      mentions: 'the fill pass had 1 edges, the count pass 3',
    },
    {
      name: 'node times missing at finish',
      run: async (b) => {
        b.appendNodeTime('a', i64([1, 2]));
        await b.finish();
      },
      code: 'STORE_LENGTH_MISMATCH',
      mentions: 'expected length 3, got 2',
    },
    {
      name: 'too many node times',
      run: (b) => b.appendNodeTime('a', i64([1, 2, 3, 4])),
      code: 'STORE_LENGTH_MISMATCH',
      mentions: 'expected length 3',
    },
    {
      name: 'times for a static node type',
      run: (b) => b.appendNodeTime('b', i64([1, 2])),
      code: 'STORE_BAD_DEFINITION',
      mentions: 'declared without times',
    },
    {
      name: 'an unknown edge type',
      run: (b) => b.count('a__x__b', chunk),
      code: 'STORE_UNKNOWN_EDGE_TYPE',
      mentions: 'a__x__b',
    },
    {
      name: 'a call after finish',
      run: async (b) => {
        b.appendNodeTime('a', i64([1, 2, 3]));
        (await b.finish()).close();
        b.count('a__r__b', chunk);
      },
      code: 'STORE_CLOSED',
      mentions: 'count',
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name} with ${c.code}`, async () => {
      const b = declared();
      try {
        await c.run(b);
        expect.fail('expected an error');
      } catch (err) {
        expect(err).toBeInstanceOf(PrequelError);
        expect((err as PrequelError).code).toBe(c.code);
        expect((err as Error).message).toContain(c.mentions);
      } finally {
        b.close();
      }
    });
  }

  it('rejects bad declarations like the one-call build', () => {
    const bad = (def: ConstructorParameters<typeof GraphStoreBuilder>[0], code: string) => {
      try {
        new GraphStoreBuilder(def).close();
        expect.fail('expected an error');
      } catch (err) {
        expect((err as PrequelError).code).toBe(code);
      }
    };
    const edge = { src: 'a', relation: 'r', dst: 'a', hasTime: false };
    bad(
      { nodeTypes: [{ name: 'a__b', count: 1, hasTime: false }], edgeTypes: [] },
      'STORE_BAD_DEFINITION',
    );
    bad(
      { nodeTypes: [{ name: 'a', count: -1, hasTime: false }], edgeTypes: [] },
      'STORE_BAD_DEFINITION',
    );
    bad(
      { nodeTypes: [{ name: 'a', count: 1, hasTime: false }], edgeTypes: [{ ...edge, dst: 'z' }] },
      'STORE_UNKNOWN_NODE_TYPE',
    );
    bad(
      { nodeTypes: [{ name: 'a', count: 1, hasTime: false }], edgeTypes: [edge, edge] },
      'STORE_DUPLICATE_TYPE',
    );
  });
});
