// The column store: gather matches a TypeScript reference, round trips through files, and
// rejects bad ids, names and lengths with codes.
import { mkdtempSync, rmSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeVector, vectorFromArray, Float32, Int32 } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ColumnStore,
  type ColumnTableSpec,
  type GatherBatch,
} from '../../src/store/column-store.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'prequel-columns-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const NULL_TIME = -(2n ** 63n);

function tables(): ColumnTableSpec[] {
  const n = 300;
  const price = Float32Array.from({ length: n }, (_, i) => (i % 17 === 0 ? NaN : i * 0.25));
  const valid = Uint8Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 0 : 1));
  return [
    {
      nodeType: 'product',
      count: n,
      columns: [
        { name: 'price', kind: 'float', values: price },
        {
          name: 'weight',
          kind: 'float',
          values: Float32Array.from({ length: n }, (_, i) => -i),
          valid,
        },
        {
          name: 'brand',
          kind: 'category',
          values: Int32Array.from({ length: n }, (_, i) => (i % 5) - 1),
        },
        {
          name: 'added',
          kind: 'timestamp',
          values: BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 1000n),
        },
      ],
    },
    { nodeType: 'keys_only', count: 7, columns: [] },
  ];
}

// The reference gather: same grouping by kind, same null rules, in plain TypeScript.
function reference(spec: ColumnTableSpec, ids: number[], names?: string[]): GatherBatch {
  const cols =
    names === undefined ? spec.columns : names.map((n) => spec.columns.find((c) => c.name === n)!);
  const floats = cols.filter((c) => c.kind === 'float');
  const cats = cols.filter((c) => c.kind === 'category');
  const times = cols.filter((c) => c.kind === 'timestamp');
  const floatValues: number[] = [];
  const floatIsNull: number[] = [];
  for (const id of ids) {
    for (const c of floats) {
      const v = (c.values as Float32Array)[id]!;
      const valid = c.kind === 'float' && c.valid != null ? c.valid[id] === 1 : true;
      const isNull = !valid || Number.isNaN(v);
      floatValues.push(isNull ? 0 : v);
      floatIsNull.push(isNull ? 1 : 0);
    }
  }
  return {
    rows: ids.length,
    floatColumns: floats.map((c) => c.name),
    categoryColumns: cats.map((c) => c.name),
    timestampColumns: times.map((c) => c.name),
    floatValues: Float32Array.from(floatValues),
    floatIsNull: Uint8Array.from(floatIsNull),
    categoryValues: Int32Array.from(
      ids.flatMap((id) => cats.map((c) => (c.values as Int32Array)[id]!)),
    ),
    timestampValues: BigInt64Array.from(
      ids.flatMap((id) => times.map((c) => (c.values as BigInt64Array)[id]!)),
    ),
  };
}

const plain = (b: GatherBatch) => ({
  ...b,
  floatValues: [...b.floatValues],
  floatIsNull: [...b.floatIsNull],
  categoryValues: [...b.categoryValues],
  timestampValues: [...b.timestampValues],
});

describe('column store', () => {
  it('gathers exactly what the reference gathers, sync and async, all or named columns', async () => {
    const spec = tables();
    const store = ColumnStore.load(spec, { threads: 2 });
    try {
      const ids = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 300);
      const all = store.gatherSync('product', Int32Array.from(ids), { threads: 2 });
      expect(plain(all)).toEqual(plain(reference(spec[0]!, ids)));
      const some = await store.gather('product', Int32Array.from(ids.slice(0, 40)), {
        columns: ['added', 'weight', 'brand'],
      });
      expect(plain(some)).toEqual(
        plain(reference(spec[0]!, ids.slice(0, 40), ['added', 'weight', 'brand'])),
      );
      const none = store.gatherSync('keys_only', Int32Array.from([6, 0]));
      expect(none.rows).toBe(2);
      expect(none.floatValues.length + none.categoryValues.length).toBe(0);
    } finally {
      store.close();
    }
  });

  it('saves asynchronously and refuses to overwrite', async () => {
    const store = ColumnStore.load(tables());
    const dir = path.join(root, 'async');
    try {
      await store.save(dir);
      const opened = ColumnStore.open(dir);
      try {
        const ids = Int32Array.from([3, 2, 1]);
        expect(plain(opened.gatherSync('product', ids))).toEqual(
          plain(store.gatherSync('product', ids)),
        );
      } finally {
        opened.close();
      }
      await expect(store.save(dir)).rejects.toMatchObject({ code: 'STORE_EXISTS' });
    } finally {
      store.close();
    }
  });

  it('round trips through a columns/ directory that it memory-maps', () => {
    const spec = tables();
    const store = ColumnStore.load(spec);
    const dir = path.join(root, 'rt');
    try {
      store.saveSync(dir);
      const opened = ColumnStore.open(dir);
      try {
        const ids = Int32Array.from([0, 11, 17, 299, 5]);
        expect(plain(opened.gatherSync('product', ids))).toEqual(
          plain(store.gatherSync('product', ids)),
        );
        expect(opened.tables).toEqual(store.tables);
      } finally {
        opened.close();
      }
      truncateSync(path.join(dir, 'columns', 'col.0.3.values.bin'), 8);
      expect(() => ColumnStore.open(dir)).toThrow(
        expect.objectContaining({ code: 'STORE_FILE_SIZE' }),
      );
    } finally {
      store.close();
    }
  });

  it('loads Arrow vectors, turning their nulls into null flags and -1 codes', () => {
    const floats = vectorFromArray([1.5, null, 3], new Float32());
    const codes = vectorFromArray([4, null, 2], new Int32());
    const store = ColumnStore.load([
      {
        nodeType: 't',
        count: 3,
        columns: [
          { name: 'x', kind: 'float', values: floats },
          { name: 'c', kind: 'category', values: codes },
          { name: 'd', kind: 'category', values: makeVector(Int32Array.from([7, 8, 9])) },
        ],
      },
    ]);
    try {
      const b = store.gatherSync('t', Int32Array.from([2, 1, 0]));
      expect([...b.floatValues]).toEqual([3, 0, 1.5]);
      expect([...b.floatIsNull]).toEqual([0, 1, 0]);
      expect([...b.categoryValues]).toEqual([2, 9, -1, 8, 4, 7]);
    } finally {
      store.close();
    }
  });

  it('rejects bad ids, unknown names, wrong lengths and closed stores with codes', async () => {
    const store = ColumnStore.load(tables());
    const bad: [() => unknown, string][] = [
      [() => store.gatherSync('product', Int32Array.from([0, 300])), 'STORE_BAD_ID'],
      [() => store.gatherSync('product', Int32Array.from([-1])), 'STORE_BAD_ID'],
      [() => store.gatherSync('product', [1, 2] as unknown as Int32Array), 'STORE_BAD_ID'],
      [() => store.gatherSync('nope', Int32Array.from([0])), 'STORE_UNKNOWN_NODE_TYPE'],
      [
        () => store.gatherSync('product', Int32Array.from([0]), { columns: ['zz'] }),
        'STORE_UNKNOWN_COLUMN',
      ],
      [
        () =>
          ColumnStore.load([
            {
              nodeType: 'a',
              count: 2,
              columns: [{ name: 'x', kind: 'float', values: new Float32Array(3) }],
            },
          ]),
        'STORE_LENGTH_MISMATCH',
      ],
      [
        () =>
          ColumnStore.load([
            {
              nodeType: 'a',
              count: 1,
              columns: [
                {
                  name: 'x',
                  kind: 'float',
                  values: new Float64Array(1) as unknown as Float32Array,
                },
              ],
            },
          ]),
        'STORE_BAD_DEFINITION',
      ],
      [
        () =>
          ColumnStore.load([
            {
              nodeType: 'a',
              count: 1,
              columns: [{ name: 'x', kind: 'blob' as 'float', values: new Float32Array(1) }],
            },
          ]),
        'STORE_BAD_DEFINITION',
      ],
      [
        () =>
          ColumnStore.load([
            { nodeType: 'a', count: 0, columns: [] },
            { nodeType: 'a', count: 0, columns: [] },
          ]),
        'STORE_DUPLICATE_TYPE',
      ],
    ];
    try {
      for (const [fn, code] of bad) expect(fn).toThrow(expect.objectContaining({ code }));
      await expect(store.gather('product', Int32Array.from([1000]))).rejects.toMatchObject({
        code: 'STORE_BAD_ID',
      });
    } finally {
      store.close();
    }
    expect(() => store.gatherSync('product', Int32Array.from([0]))).toThrow(
      expect.objectContaining({ code: 'STORE_CLOSED' }),
    );
  });
});
