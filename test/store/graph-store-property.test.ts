// Invariants on random graphs against the brute-force reference (test/store/reference.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GraphStore } from '../../src/store/graph-store.js';
import type { GraphSpec } from '../../src/store/graph-def.js';
import { referenceLists } from './reference.js';

// A random two-type graph: edge times optional, source node times optional, few distinct times
// so that ties are common.
const graphs = fc
  .record({
    srcCount: fc.integer({ min: 1, max: 30 }),
    dstCount: fc.integer({ min: 1, max: 30 }),
    numEdges: fc.integer({ min: 0, max: 200 }),
    edgeTimes: fc.boolean(),
    nodeTimes: fc.boolean(),
    seed: fc.integer(),
  })
  .map(({ srcCount, dstCount, numEdges, edgeTimes, nodeTimes, seed }): GraphSpec => {
    let state = seed >>> 0 || 1;
    const next = (n: number) => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % n;
    };
    const srcIds = Int32Array.from({ length: numEdges }, () => next(srcCount));
    const dstIds = Int32Array.from({ length: numEdges }, () => next(dstCount));
    const time = edgeTimes
      ? BigInt64Array.from({ length: numEdges }, () => BigInt(next(5) - 2))
      : null;
    const nodeTime = nodeTimes
      ? BigInt64Array.from({ length: srcCount }, () => BigInt(next(4)) * 1_000_000_000_000n)
      : null;
    return {
      nodeTypes: [
        { name: 'src', count: srcCount, time: nodeTime },
        { name: 'dst', count: dstCount },
      ],
      edgeTypes: [
        { src: 'src', relation: 'to', dst: 'dst', srcIds, dstIds, time, keepEdgeIds: true },
      ],
    };
  });

describe('graph store on random graphs', () => {
  it('stores every edge once, in reference order, with edge ids mapping back to the input', () => {
    fc.assert(
      fc.property(graphs, fc.integer({ min: 1, max: 3 }), (spec, threads) => {
        const store = GraphStore.buildSync(spec, { threads });
        try {
          const e = spec.edgeTypes[0]!;
          const a = store.edgeArrays('src__to__dst');
          const expected = referenceLists(spec, 0);
          expect(Number(a.rowptr[a.rowptr.length - 1])).toBe(e.srcIds.length);
          const seen = new Uint8Array(e.srcIds.length);
          expected.forEach((list, d) => {
            const lo = Number(a.rowptr[d]);
            const hi = Number(a.rowptr[d + 1]);
            expect([...a.col.subarray(lo, hi)]).toEqual(list.src);
            expect([...a.edgeId!.subarray(lo, hi)]).toEqual(list.edgeId);
            if (list.edgeTime !== null) {
              expect([...a.edgeTime!.subarray(lo, hi)]).toEqual(list.edgeTime);
            }
            for (let k = lo; k < hi; k++) {
              const id = a.edgeId![k]!;
              seen[id]!++;
              // The edge id points back at an input edge with the same endpoints and time.
              expect((e.srcIds as Int32Array)[id]).toBe(a.col[k]);
              expect((e.dstIds as Int32Array)[id]).toBe(d);
              if (e.time != null) expect((e.time as BigInt64Array)[id]).toBe(a.edgeTime![k]);
            }
          });
          expect(seen.every((c) => c === 1)).toBe(true);
        } finally {
          store.close();
        }
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('moves per-edge columns with the sort and leaves per-node ones in place', () => {
    fc.assert(
      fc.property(graphs, (spec) => {
        const store = GraphStore.buildSync(spec, { threads: 2 });
        try {
          const e = spec.edgeTypes[0]!;
          // A per-edge attribute (level: edge type), read in stored order through edge ids.
          const weight = Float64Array.from({ length: e.srcIds.length }, (_, i) => i * 0.5 + 1);
          const a = store.edgeArrays('src__to__dst');
          const stored = Array.from(a.edgeId!, (id) => weight[id]!);
          const expected = referenceLists(spec, 0).flatMap((l) => l.edgeId.map((i) => weight[i]!));
          expect(stored).toEqual(expected);
          // A per-node attribute (level: node type) is indexed by node id and never permuted.
          const nodeTime = spec.nodeTypes[0]!.time as BigInt64Array | null;
          const got = store.nodeTime('src');
          expect(got === null ? null : [...got]).toEqual(nodeTime === null ? null : [...nodeTime]);
        } finally {
          store.close();
        }
      }),
      { numRuns: 30, seed: 11 },
    );
  });
});

function firstDifference(a: number[], b: number[]): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('graph store on long neighbor lists', () => {
  it.each([
    {
      name: 'negative and huge times (comparison sort)',
      times: [-(2n ** 62n), -5n, 0n, 2n ** 62n],
    },
    { name: 'one repeated time (radix on source ids only)', times: [7n] },
    {
      name: 'times in a narrow window (radix)',
      times: [1_600_000_000n, 1_600_000_001n, 1_600_000_300n],
    },
  ])('sorts a list of 1,000 edges with $name', ({ times }) => {
    const n = 1000;
    const srcIds = Int32Array.from({ length: n }, (_, i) => (i * 37) % 101);
    const spec: GraphSpec = {
      nodeTypes: [
        { name: 'src', count: 101 },
        { name: 'dst', count: 2 },
      ],
      edgeTypes: [
        {
          src: 'src',
          relation: 'to',
          dst: 'dst',
          srcIds,
          dstIds: Int32Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 1 : 0)),
          time: BigInt64Array.from({ length: n }, (_, i) => times[(i * 7) % times.length]!),
          keepEdgeIds: true,
        },
      ],
    };
    const store = GraphStore.buildSync(spec);
    try {
      const expected = referenceLists(spec, 0);
      for (const d of [0, 1]) {
        const got = store.neighbors('src__to__dst', d);
        expect(Array.from(got.edgeId!)).toEqual(expected[d]!.edgeId);
      }
    } finally {
      store.close();
    }
  });
});

describe('graph store on graphs large enough for many buckets and threads', () => {
  it.each([
    { edgeTimes: true, nodeTimes: false, dstCount: 3000 },
    { edgeTimes: false, nodeTimes: true, dstCount: 70_000 },
    { edgeTimes: false, nodeTimes: false, dstCount: 5 },
  ])('matches the reference with $dstCount destinations', ({ edgeTimes, nodeTimes, dstCount }) => {
    const numEdges = 70_000; // above one partition chunk (65,536), so two threads partition
    const srcCount = 1000;
    let state = 99;
    const next = (n: number) => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % n;
    };
    // Skewed destinations: a few very popular nodes and a long tail.
    const dstIds = Int32Array.from({ length: numEdges }, () =>
      next(4) === 0 ? next(3) : next(dstCount),
    );
    const srcIds = Int32Array.from({ length: numEdges }, () => next(srcCount));
    const spec: GraphSpec = {
      nodeTypes: [
        {
          name: 'src',
          count: srcCount,
          time: nodeTimes ? BigInt64Array.from({ length: srcCount }, () => BigInt(next(50))) : null,
        },
        { name: 'dst', count: dstCount },
      ],
      edgeTypes: [
        {
          src: 'src',
          relation: 'to',
          dst: 'dst',
          srcIds,
          dstIds,
          time: edgeTimes
            ? BigInt64Array.from({ length: numEdges }, () => BigInt(next(100)))
            : null,
          keepEdgeIds: true,
        },
      ],
    };
    const store = GraphStore.buildSync(spec, { threads: 3 });
    try {
      const a = store.edgeArrays('src__to__dst');
      const expected = referenceLists(spec, 0);
      const rowptr: number[] = [0];
      for (const l of expected) rowptr.push(rowptr[rowptr.length - 1]! + l.src.length);
      expect(firstDifference(Array.from(a.rowptr, Number), rowptr)).toBe(-1);
      expect(
        firstDifference(
          Array.from(a.edgeId!),
          expected.flatMap((l) => l.edgeId),
        ),
      ).toBe(-1);
      expect(
        firstDifference(
          Array.from(a.col),
          expected.flatMap((l) => l.src),
        ),
      ).toBe(-1);
    } finally {
      store.close();
    }
  });
});
