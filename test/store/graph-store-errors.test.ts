// Bad inputs to the graph store fail with coded errors that name the argument; nothing crashes.
import { describe, expect, it } from 'vitest';
import { PrequelError } from '../../src/errors/index.js';
import { GraphStore } from '../../src/store/graph-store.js';
import type { GraphSpec } from '../../src/store/graph-def.js';

const i32 = (xs: number[]) => Int32Array.from(xs);
const i64 = (xs: number[]) => BigInt64Array.from(xs.map(BigInt));

function spec(
  over: Partial<GraphSpec['edgeTypes'][number]> = {},
  nodeTime?: BigInt64Array,
): GraphSpec {
  return {
    nodeTypes: [
      { name: 'a', count: 3, time: nodeTime ?? null },
      { name: 'b', count: 2 },
    ],
    edgeTypes: [
      {
        src: 'a',
        relation: 'r',
        dst: 'b',
        srcIds: i32([0, 1, 2]),
        dstIds: i32([0, 1, 1]),
        ...over,
      },
    ],
  };
}

const cases: { name: string; spec: GraphSpec; code: string; mentions: string }[] = [
  {
    name: 'negative source id',
    spec: spec({ srcIds: i32([0, -1, 2]) }),
    code: 'STORE_BAD_ID',
    mentions: 'src[1]',
  },
  {
    name: 'source id past the count',
    spec: spec({ srcIds: i32([0, 1, 3]) }),
    code: 'STORE_BAD_ID',
    mentions: 'src[2] = 3',
  },
  {
    name: 'destination id past the count',
    spec: spec({ dstIds: i32([0, 2, 1]) }),
    code: 'STORE_BAD_ID',
    mentions: 'dst[1] = 2',
  },
  {
    name: 'dst shorter than src',
    spec: spec({ dstIds: i32([0, 1]) }),
    code: 'STORE_LENGTH_MISMATCH',
    mentions: 'dst',
  },
  {
    name: 'edge times of the wrong length',
    spec: spec({ time: i64([1, 2]) }),
    code: 'STORE_LENGTH_MISMATCH',
    mentions: 'time',
  },
  {
    name: 'node times of the wrong length',
    spec: spec({}, i64([1, 2])),
    code: 'STORE_LENGTH_MISMATCH',
    mentions: 'nodeTypes[0].time',
  },
  {
    name: 'null sentinel as an edge time',
    spec: spec({ time: BigInt64Array.from([0n, -(2n ** 63n), 1n]) }),
    code: 'STORE_BAD_TIME',
    mentions: 'time[1]',
  },
  {
    name: 'null sentinel as a node time',
    spec: spec({}, BigInt64Array.from([0n, 1n, -(2n ** 63n)])),
    code: 'STORE_BAD_TIME',
    mentions: 'time[2]',
  },
  {
    name: 'unknown source type',
    spec: spec({ src: 'zzz' }),
    code: 'STORE_UNKNOWN_NODE_TYPE',
    mentions: 'zzz',
  },
  {
    name: 'unknown destination type',
    spec: spec({ dst: 'q' }),
    code: 'STORE_UNKNOWN_NODE_TYPE',
    mentions: "'q'",
  },
  {
    name: 'relation containing __',
    spec: spec({ relation: 'x__y' }),
    code: 'STORE_BAD_DEFINITION',
    mentions: 'relation',
  },
  {
    name: 'ids as a plain array',
    spec: spec({ srcIds: [0, 1, 2] as unknown as Int32Array }),
    code: 'STORE_BAD_DEFINITION',
    mentions: 'srcIds',
  },
  {
    name: 'ids as Float64Array',
    spec: spec({ dstIds: new Float64Array(3) as unknown as Int32Array }),
    code: 'STORE_BAD_DEFINITION',
    mentions: 'Float64Array',
  },
  {
    name: 'times as numbers',
    spec: spec({ time: new Float64Array(3) as unknown as BigInt64Array }),
    code: 'STORE_BAD_DEFINITION',
    mentions: 'time',
  },
];

describe('graph store bad inputs', () => {
  it.each(cases)('rejects $name', ({ spec: s, code, mentions }) => {
    let error: unknown;
    try {
      GraphStore.buildSync(s).close();
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toContain(mentions);
  });

  it('rejects bad node type definitions', () => {
    const bad: [GraphSpec, string][] = [
      [{ nodeTypes: [{ name: 'a', count: -1 }], edgeTypes: [] }, 'STORE_BAD_DEFINITION'],
      [{ nodeTypes: [{ name: 'a', count: 1.5 }], edgeTypes: [] }, 'STORE_BAD_DEFINITION'],
      [{ nodeTypes: [{ name: '', count: 1 }], edgeTypes: [] }, 'STORE_BAD_DEFINITION'],
      [
        {
          nodeTypes: [
            { name: 'a', count: 1 },
            { name: 'a', count: 2 },
          ],
          edgeTypes: [],
        },
        'STORE_DUPLICATE_TYPE',
      ],
      [{ nodeTypes: 'x' as unknown as [], edgeTypes: [] }, 'STORE_BAD_DEFINITION'],
      [
        { ...spec(), edgeTypes: [spec().edgeTypes[0]!, spec().edgeTypes[0]!] },
        'STORE_DUPLICATE_TYPE',
      ],
    ];
    for (const [s, code] of bad)
      expect(() => GraphStore.buildSync(s).close()).toThrow(expect.objectContaining({ code }));
  });

  it('rejects the async build with the same code', async () => {
    await expect(GraphStore.build(spec({ srcIds: i32([0, 9, 2]) }))).rejects.toMatchObject({
      code: 'STORE_BAD_ID',
    });
  });

  it('rejects use of a closed store and unknown types on lookups', () => {
    const store = GraphStore.buildSync(spec());
    expect(() => store.neighbors('a__nope__b', 0)).toThrow(
      expect.objectContaining({ code: 'STORE_UNKNOWN_EDGE_TYPE' }),
    );
    expect(() => store.neighbors('a__r__b', 2)).toThrow(
      expect.objectContaining({ code: 'STORE_BAD_ID' }),
    );
    expect(() => store.neighbors('a__r__b', -1)).toThrow(
      expect.objectContaining({ code: 'STORE_BAD_ID' }),
    );
    expect(() => store.nodeTime('c')).toThrow(
      expect.objectContaining({ code: 'STORE_UNKNOWN_NODE_TYPE' }),
    );
    store.close();
    store.close();
    expect(store.closed).toBe(true);
    expect(() => store.memory()).toThrow(expect.objectContaining({ code: 'STORE_CLOSED' }));
    expect(() => store.handle).toThrow(expect.objectContaining({ code: 'STORE_CLOSED' }));
  });
});

describe('graph store async errors', () => {
  it('rejects bad native arguments of the async build as registry errors', async () => {
    const err = await GraphStore.build(spec(), { threads: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrequelError);
    expect(err).toMatchObject({ code: 'NATIVE_BAD_ARGUMENT' });
  });
});
