// Exact CSR contents on small hand-built graphs.
import { makeVector, vectorFromArray, Int32 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { GraphStore } from '../../src/store/graph-store.js';
import { foreignKeyEdges, type GraphSpec } from '../../src/store/graph-def.js';

const i32 = (xs: number[]) => Int32Array.from(xs);
const i64 = (xs: number[]) => BigInt64Array.from(xs.map(BigInt));

function withStore<T>(spec: GraphSpec, body: (s: GraphStore) => T): T {
  const store = GraphStore.buildSync(spec, { threads: 2 });
  try {
    return body(store);
  } finally {
    store.close();
  }
}

describe('graph store build', () => {
  it('sorts in-edges by edge time, ties broken by source id, and keeps edge ids', () => {
    const spec: GraphSpec = {
      nodeTypes: [
        { name: 'user', count: 5 },
        { name: 'item', count: 2 },
      ],
      edgeTypes: [
        {
          src: 'user',
          relation: 'rated',
          dst: 'item',
          srcIds: i32([4, 1, 3, 0, 2, 1]),
          dstIds: i32([0, 0, 0, 0, 0, 1]),
          time: i64([10, 9, 10, 11, 10, 3]),
          keepEdgeIds: true,
        },
      ],
    };
    withStore(spec, (s) => {
      const a = s.edgeArrays('user__rated__item');
      expect([...a.rowptr]).toEqual([0n, 5n, 6n]);
      expect([...a.col]).toEqual([1, 2, 3, 4, 0, 1]);
      expect([...a.edgeTime!]).toEqual([9n, 10n, 10n, 10n, 11n, 3n]);
      expect([...a.edgeId!]).toEqual([1, 4, 2, 0, 3, 5]);
      expect(s.edgeType('user__rated__item')).toMatchObject({ hasEdgeTime: true, numEdges: 6 });
    });
  });

  it('sorts by source node time when edges have no time, and by id for static sources', () => {
    const spec: GraphSpec = {
      nodeTypes: [
        { name: 'post', count: 4, time: i64([30, 10, 20, 10]) },
        { name: 'tag', count: 3 },
      ],
      edgeTypes: [
        {
          src: 'post',
          relation: 'has',
          dst: 'tag',
          srcIds: i32([0, 1, 2, 3]),
          dstIds: i32([2, 2, 2, 2]),
        },
        { src: 'tag', relation: 'on', dst: 'post', srcIds: i32([2, 0, 1]), dstIds: i32([0, 0, 0]) },
      ],
    };
    withStore(spec, (s) => {
      expect([...s.neighbors('post__has__tag', 2).src]).toEqual([1, 3, 2, 0]);
      expect([...s.neighbors('tag__on__post', 0).src]).toEqual([0, 1, 2]);
      expect(s.neighbors('post__has__tag', 0).src.length).toBe(0);
      expect(s.neighbors('post__has__tag', 2).edgeTime).toBeNull();
      expect(s.nodeTime('tag')).toBeNull();
      expect([...s.nodeTime('post')!]).toEqual([30n, 10n, 20n, 10n]);
    });
  });

  it('builds a table with keys only, gaps in numbering, and empty edge lists', () => {
    const spec: GraphSpec = {
      nodeTypes: [
        { name: 'a', count: 10 },
        { name: 'b', count: 0 },
      ],
      edgeTypes: [
        { src: 'a', relation: 'r', dst: 'a', srcIds: i32([9, 0]), dstIds: i32([7, 7]) },
        { src: 'b', relation: 'r', dst: 'a', srcIds: i32([]), dstIds: i32([]), time: i64([]) },
      ],
    };
    withStore(spec, (s) => {
      const a = s.edgeArrays('a__r__a');
      expect([...a.rowptr]).toEqual([0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 2n, 2n, 2n].map(BigInt));
      expect([...a.col]).toEqual([0, 9]);
      expect(s.edgeArrays('b__r__a').rowptr.length).toBe(11);
      expect(s.memory().numEdges).toBe(2);
    });
  });

  it('turns a foreign key into forward and reverse edge types, skipping null keys', () => {
    const fk = foreignKeyEdges({
      table: 'order',
      column: 'customer_id',
      references: 'customer',
      keys: i32([1, -1, 0, 1]),
      time: i64([5, 6, 7, 8]),
    });
    const spec: GraphSpec = {
      nodeTypes: [
        { name: 'order', count: 4, time: i64([5, 6, 7, 8]) },
        { name: 'customer', count: 2 },
      ],
      edgeTypes: [fk.forward, fk.reverse],
    };
    withStore(spec, (s) => {
      expect(s.edgeTypes.map((e) => e.name)).toEqual([
        'order__f2p_customer_id__customer',
        'customer__rev_f2p_customer_id__order',
      ]);
      expect([...s.neighbors('order__f2p_customer_id__customer', 1).src]).toEqual([0, 3]);
      expect([...s.neighbors('customer__rev_f2p_customer_id__order', 2).src]).toEqual([0]);
      expect(s.neighbors('customer__rev_f2p_customer_id__order', 1).src.length).toBe(0);
    });
  });

  it('builds the same store asynchronously', async () => {
    const spec: GraphSpec = {
      nodeTypes: [{ name: 'n', count: 3 }],
      edgeTypes: [
        { src: 'n', relation: 'e', dst: 'n', srcIds: i32([2, 1, 0]), dstIds: i32([0, 0, 1]) },
      ],
    };
    const store = await GraphStore.build(spec);
    try {
      expect([...store.edgeArrays('n__e__n').col]).toEqual([1, 2, 0]);
    } finally {
      store.close();
    }
  });

  it('builds from Arrow vectors, one chunk or several, and rejects null ids', () => {
    const chunked = makeVector(i32([1, 0])).concat(makeVector(i32([2])));
    const spec: GraphSpec = {
      nodeTypes: [{ name: 'n', count: 3, time: makeVector(i64([3, 2, 1])) }],
      edgeTypes: [
        { src: 'n', relation: 'e', dst: 'n', srcIds: chunked, dstIds: makeVector(i32([0, 0, 0])) },
      ],
    };
    withStore(spec, (s) => expect([...s.neighbors('n__e__n', 0).src]).toEqual([2, 1, 0]));
    const withNull = vectorFromArray([0, null, 1], new Int32());
    expect(() =>
      GraphStore.buildSync({ ...spec, edgeTypes: [{ ...spec.edgeTypes[0]!, srcIds: withNull }] }),
    ).toThrow(expect.objectContaining({ code: 'STORE_BAD_DEFINITION' }));
  });

  it('reports memory per edge type', () => {
    const n = 1000;
    const spec: GraphSpec = {
      nodeTypes: [{ name: 'n', count: 10 }],
      edgeTypes: [
        {
          src: 'n',
          relation: 'e',
          dst: 'n',
          srcIds: new Int32Array(n).map((_, i) => i % 10),
          dstIds: new Int32Array(n).map((_, i) => (i * 7) % 10),
          time: new BigInt64Array(n),
        },
      ],
    };
    withStore(spec, (s) => {
      const m = s.memory();
      expect(m.edgeTypes[0]!.bytes).toBe(11 * 8 + n * 12);
      expect(m.bytesPerEdge).toBeCloseTo((11 * 8 + n * 12) / n);
      expect(m.totalBytes).toBe(m.edgeTypes[0]!.bytes);
    });
  });
});
