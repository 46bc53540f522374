// SPDX-License-Identifier: Apache-2.0
// Numerical features are stored as float32: a column whose values float32 cannot hold (integers
// past 2^24, values past float32's range, integers past int64) is reported per column and still
// materialised, never rounded silently and never failing under an internal field name. Each
// stype has its Arrow encoding in the node file; keys are never features.
import { describe, expect, it } from 'vitest';
import { inferGraph } from '../../src/data/infer.js';
import { materialise } from '../../src/data/materialise.js';
import { readNodes } from '../../src/data/stage.js';
import { validateGraph } from '../../src/data/validate.js';
import { rejectsWith, withDb, withTempDir } from './helpers.js';

const WIDE = [
  `CREATE TABLE m (mId BIGINT, i INTEGER, big BIGINT, huge DECIMAL(38, 0), money DECIMAL(18, 2),
     far DOUBLE, small INTEGER, ratio DOUBLE)`,
  `INSERT INTO m VALUES
     (9007199254740993, 16777217, 9007199254740993, 100000000000000000000, 123456789.01, 1e300, 5, 0.5),
     (2, 16777216, 3, 7, 1.5, -2.5, 6, 0.25),
     (3, -3, NULL, NULL, NULL, NULL, 7, NULL)`,
];

const numerical = ['i', 'big', 'huge', 'money', 'far', 'small', 'ratio'].map((name) => ({
  name,
  stype: 'numerical' as const,
}));

describe('numerical features that float32 cannot hold', () => {
  it('are reported per column: past 2^24 as FLOAT_PRECISION, past float32 range as FLOAT_OVERFLOW', async () => {
    await withDb(WIDE, async (db) => {
      const { graph } = await inferGraph(db, {
        override: { tables: [{ name: 'm', primaryKey: 'mId', columns: numerical }] },
      });
      const report = await validateGraph(db, graph);
      expect(report.errors).toBe(0);
      expect(report.issues.map((i) => [i.severity, i.code, i.column])).toEqual([
        ['warning', 'FLOAT_PRECISION', 'i'],
        ['warning', 'FLOAT_PRECISION', 'big'],
        ['warning', 'FLOAT_PRECISION', 'huge'],
        ['warning', 'FLOAT_PRECISION', 'money'],
        ['warning', 'FLOAT_OVERFLOW', 'far'],
      ]);
      expect(report.warnings).toBe(5);
    });
  });

  it('materialise as float32 with the warnings in the stage, an int beyond int64 included', async () => {
    await withDb(WIDE, async (db) => {
      await withTempDir(async (workspace) => {
        const { graph } = await inferGraph(db, {
          override: { tables: [{ name: 'm', primaryKey: 'mId', columns: numerical }] },
        });
        const stage = await materialise(db, graph, { workspace });
        expect(stage.manifest.report.issues.map((i) => `${i.code}:${i.column}`)).toEqual([
          'FLOAT_PRECISION:i',
          'FLOAT_PRECISION:big',
          'FLOAT_PRECISION:huge',
          'FLOAT_PRECISION:money',
          'FLOAT_OVERFLOW:far',
        ]);
        const nodes = await readNodes(stage, 'm');
        // Node order is by key: 2, 3, 9007199254740993; the key stays exact.
        expect(Array.from(nodes.getChild('__key')!.toArray() as BigInt64Array)).toEqual([
          2n,
          3n,
          9007199254740993n,
        ]);
        const entry = stage.manifest.tables[0];
        const values = (column: string) => {
          const f = entry.features.find((x) => x.column === column)!;
          return nodes.getChild(f.field)!.toJSON();
        };
        expect(entry.features.map((f) => f.column)).toEqual(numerical.map((c) => c.name));
        expect(values('i')).toEqual([16777216, -3, 16777216]); // 2^24 + 1 rounds to 2^24
        expect(values('big')).toEqual([3, null, Math.fround(9007199254740993)]);
        expect(values('huge')).toEqual([7, null, Math.fround(1e20)]);
        expect(values('money')).toEqual([1.5, null, Math.fround(123456789.01)]);
        expect(values('far')).toEqual([-2.5, null, Infinity]);
        expect(values('small')).toEqual([6, 7, 5]);
      });
    });
  });

  it('a categorical integer beyond int64 is an error naming the table and column', async () => {
    await withDb(WIDE, async (db) => {
      await withTempDir(async (workspace) => {
        const { graph } = await inferGraph(db, {
          override: {
            onlyListed: true,
            tables: [
              {
                name: 'm',
                primaryKey: 'mId',
                columns: [{ name: 'huge', stype: 'categorical' }],
                drop: ['i', 'big', 'money', 'far', 'small', 'ratio'],
              },
            ],
          },
        });
        const details = await rejectsWith(
          materialise(db, graph, { workspace }),
          'DATA_VALUE_OUT_OF_RANGE',
        );
        expect(details).toMatchObject({ column: 'm.huge', value: 100000000000000000000n });
      });
    });
  });
});

describe('feature encodings in the node file', () => {
  it('numerical float32, categorical int32 codes, timestamp int64, text utf8; keys are no features', async () => {
    await withDb(
      [
        `CREATE TABLE p (pId BIGINT, score DOUBLE, kind VARCHAR, note VARCHAR, seen TIMESTAMP)`,
        `INSERT INTO p VALUES (1, 0.5, 'a', 'x', '2020-01-01'), (2, NULL, NULL, NULL, NULL)`,
        `CREATE TABLE c (cId BIGINT, pId BIGINT, at_time TIMESTAMP, n INTEGER)`,
        `INSERT INTO c VALUES (1, 1, '2020-01-02', 3)`,
      ],
      async (db) => {
        await withTempDir(async (workspace) => {
          const { graph } = await inferGraph(db, {
            override: {
              tables: [
                { name: 'p', timeColumn: null, columns: [{ name: 'note', stype: 'text' }] },
                { name: 'c', columns: [{ name: 'n', stype: 'numerical' }] },
              ],
            },
          });
          const stage = await materialise(db, graph, { workspace });
          const types = async (table: string) => {
            const nodes = await readNodes(stage, table);
            const entry = stage.manifest.tables.find((t) => t.name === table)!;
            const byField = new Map(entry.features.map((f) => [f.field, f.column]));
            return nodes.schema.fields.map((f) => [byField.get(f.name) ?? f.name, String(f.type)]);
          };
          expect(await types('p')).toEqual([
            ['__key', 'Int64'],
            ['score', 'Float32'],
            ['kind', 'Int32'],
            ['note', 'Utf8'],
            ['seen', 'Int64'],
          ]);
          expect(await types('c')).toEqual([
            ['__key', 'Int64'],
            ['__time', 'Int64'],
            ['n', 'Float32'],
          ]);
          const kind = stage.manifest.tables
            .find((t) => t.name === 'p')!
            .features.find((f) => f.column === 'kind')!;
          expect(kind.vocabulary).toEqual(['a']);
          expect((await readNodes(stage, 'p')).getChild(kind.field)!.toJSON()).toEqual([0, null]);
        });
      },
    );
  });
});
