// The chunked column load stores exactly what ColumnStore.load stores from whole columns, nulls
// included (sliced Arrow chunks carry a bit offset into a shared validity bitmap), and rejects
// incomplete or overfull columns with codes.
import { Float32, Int32, Int64, vectorFromArray, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { PrequelError } from '../../src/errors/index.js';
import { ColumnStore, type ColumnTableSpec } from '../../src/store/column-store.js';
import { ColumnStoreBuilder } from '../../src/store/column-store-builder.js';

const n = 203;
const rows = Array.from({ length: n }, (_, i) => i);
const price = vectorFromArray(
  rows.map((i) => (i % 7 === 3 ? null : i * 0.5)),
  new Float32(),
);
const score = vectorFromArray(
  rows.map((i) => i - 100),
  new Float32(),
);
const brand = vectorFromArray(
  rows.map((i) => (i % 5 === 0 ? null : i % 4)),
  new Int32(),
);
const added = vectorFromArray(
  rows.map((i) => (i % 9 === 8 ? null : BigInt(i) * 1000n)),
  new Int64(),
);
// Nulls only in the last chunk: the valid mask appears late and earlier rows stay present.
const late = vectorFromArray(
  rows.map((i) => (i === n - 1 ? null : i)),
  new Float32(),
);

const spec: ColumnTableSpec[] = [
  {
    nodeType: 'product',
    count: n,
    columns: [
      { name: 'price', kind: 'float', values: price },
      { name: 'score', kind: 'float', values: score },
      { name: 'brand', kind: 'category', values: brand },
      { name: 'added', kind: 'timestamp', values: added },
      { name: 'late', kind: 'float', values: late },
    ],
  },
  {
    nodeType: 'empty',
    count: 0,
    columns: [{ name: 'x', kind: 'float', values: new Float32Array() }],
  },
];

function declared(): ColumnStoreBuilder {
  return new ColumnStoreBuilder(
    spec.map((t) => ({
      nodeType: t.nodeType,
      count: t.count,
      columns: t.columns.map((c) => ({ name: c.name, kind: c.kind })),
    })),
  );
}

const plain = (store: ColumnStore, nodeType: string, count: number) => {
  const b = store.gatherSync(
    nodeType,
    Int32Array.from({ length: count }, (_, i) => i),
  );
  return {
    ...b,
    floatValues: [...b.floatValues],
    floatIsNull: [...b.floatIsNull],
    categoryValues: [...b.categoryValues],
    timestampValues: [...b.timestampValues],
  };
};

describe('column store loaded in chunks', () => {
  for (const size of [1, 8, 13, 64, n]) {
    it(`equals the whole-column load with chunks of ${size} rows`, () => {
      const expected = ColumnStore.load(spec);
      const builder = declared();
      let actual: ColumnStore | null = null;
      try {
        for (const c of spec[0]!.columns) {
          for (let lo = 0; lo < n; lo += size) {
            builder.append(
              'product',
              c.name,
              (c.values as Vector).slice(lo, Math.min(n, lo + size)),
            );
          }
        }
        actual = builder.finish();
        expect(actual.tables).toEqual(expected.tables);
        expect(actual.tables[0]!.columns.map((c) => c.hasValid)).toEqual([
          true,
          false,
          false,
          false,
          true,
        ]);
        expect(plain(actual, 'product', n)).toEqual(plain(expected, 'product', n));
      } finally {
        builder.close();
        actual?.close();
        expected.close();
      }
    });
  }

  it('takes plain typed arrays as chunks without nulls', () => {
    const builder = new ColumnStoreBuilder([
      { nodeType: 't', count: 3, columns: [{ name: 'c', kind: 'category' }] },
    ]);
    builder.append('t', 'c', Int32Array.from([4, 5]));
    builder.append('t', 'c', Int32Array.from([-1]));
    const store = builder.finish();
    try {
      expect([...store.gatherSync('t', Int32Array.from([2, 0, 1])).categoryValues]).toEqual([
        -1, 4, 5,
      ]);
    } finally {
      store.close();
    }
  });

  const cases: { name: string; run: (b: ColumnStoreBuilder) => unknown; code: string }[] = [
    {
      name: 'more rows than declared',
      run: (b) => b.append('empty', 'x', Float32Array.from([1])),
      code: 'STORE_LENGTH_MISMATCH',
    },
    {
      name: 'a column left short at finish',
      run: (b) => {
        b.append('product', 'price', price.slice(0, 10));
        b.finish();
      },
      code: 'STORE_LENGTH_MISMATCH',
    },
    {
      name: 'values of the wrong type',
      run: (b) => b.append('product', 'brand', Float32Array.from([1])),
      code: 'NATIVE_BAD_ARGUMENT',
    },
    {
      name: 'an unknown column',
      run: (b) => b.append('product', 'colour', Int32Array.from([1])),
      code: 'STORE_UNKNOWN_COLUMN',
    },
    {
      name: 'an unknown node type',
      run: (b) => b.append('nope', 'x', Float32Array.from([1])),
      code: 'STORE_UNKNOWN_NODE_TYPE',
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name} with ${c.code}`, () => {
      const b = declared();
      try {
        c.run(b);
        expect.fail('expected an error');
      } catch (err) {
        expect(err).toBeInstanceOf(PrequelError);
        expect((err as PrequelError).code).toBe(c.code);
      } finally {
        b.close();
      }
    });
  }
});
