// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { readTimeRange } from '../../src/control/pql/time-range.js';
import { inferGraph } from '../../src/data/infer.js';
import { validateGraph, throwOnErrors } from '../../src/data/validate.js';
import type { GraphDef } from '../../src/data/graph-def.js';
import { rejectsWith, withDb } from './helpers.js';

const parentChild = [
  `CREATE TABLE parent (parentId BIGINT, v DOUBLE)`,
  `INSERT INTO parent VALUES (10, 1), (3, 2), (7, 3)`,
  `CREATE TABLE child (childId BIGINT, parentId BIGINT, happened TIMESTAMP)`,
  `INSERT INTO child VALUES (1, 3, '2020-01-01'), (2, 7, '2020-01-02'), (3, 99, '2020-01-03'), (4, NULL, '2020-01-04')`,
];

const graphOf = (tables: GraphDef['tables']): GraphDef => ({ version: 1, tables });

describe('validation report', () => {
  it('parent ids [10, 3, 7] and child keys 3, 7, 99, NULL: two links, one dangling, one null', async () => {
    await withDb(parentChild, async (db) => {
      const { graph } = await inferGraph(db);
      const report = await validateGraph(db, graph);
      expect(report.errors).toBe(0);
      expect(report.edges).toEqual([
        {
          name: 'child__f2p_parentId__parent',
          table: 'child',
          column: 'parentId',
          references: 'parent',
          edges: 2,
          dangling: 1,
          nulls: 1,
        },
      ]);
      const codes = report.issues.map((i) => [i.severity, i.code, i.count]);
      expect(codes).toEqual([
        ['warning', 'FK_DANGLING', 1],
        ['info', 'FK_NULL', 1],
      ]);
    });
  });

  it('a duplicated primary key is an error naming the table and the value', async () => {
    await withDb(
      [...parentChild, `INSERT INTO parent VALUES (9007199254740993, 4), (9007199254740993, 5)`],
      async (db) => {
        const { graph } = await inferGraph(db, {
          override: { tables: [{ name: 'parent', primaryKey: 'parentId' }] },
        });
        const report = await validateGraph(db, graph);
        const error = report.issues.find((i) => i.severity === 'error');
        expect(error?.code).toBe('DATA_PK_DUPLICATE');
        expect(error?.details).toMatchObject({
          table: 'parent',
          column: 'parentId',
          value: '9007199254740993',
          count: 2,
          rowNumbers: [4, 5],
        });
        let thrown: unknown;
        try {
          throwOnErrors(report);
        } catch (err) {
          thrown = err;
        }
        expect((thrown as { code: string }).code).toBe('DATA_PK_DUPLICATE');
        expect((thrown as Error).message).toContain('parent.parentId');
        expect((thrown as Error).message).toContain('9007199254740993');
        expect((thrown as Error).message).toContain('occurs 2 times (data rows 4, 5)');
        expect((thrown as Error).message).toContain('set primaryKey of parent in the graph file');
      },
    );
  });

  it('a time column of a type that is not a time is a coded error naming its type, in validation and in SQL', async () => {
    await withDb(
      [
        `CREATE TABLE ev (evId INTEGER, amount BIGINT, price DOUBLE, flag BOOLEAN, day DATE, txt VARCHAR)`,
        `INSERT INTO ev VALUES (1, 5, 1.5, true, '2020-01-01', '2020-01-01')`,
      ],
      async (db) => {
        const cases: Array<[string, string | null]> = [
          ['amount', 'BIGINT'],
          ['price', 'DOUBLE'],
          ['flag', 'BOOLEAN'],
          ['day', null],
          ['txt', null],
        ];
        for (const [column, type] of cases) {
          const { graph } = await inferGraph(db, {
            override: { tables: [{ name: 'ev', timeColumn: column }] },
          });
          const report = await validateGraph(db, graph);
          const issue = report.issues.find((i) => i.code === 'DATA_TIME_INVALID');
          if (type === null) expect(issue, column).toBeUndefined();
          else expect(issue?.details, column).toMatchObject({ table: 'ev', column, type });
          expect(issue?.message ?? '', column).toContain(type === null ? '' : `has type ${type}`);
          // An integer is told how to become a Unix time; other types are not.
          const unit = type === 'BIGINT' ? 'set "timeUnit" of ev' : 'or an integer Unix time';
          expect(issue?.message ?? unit, column).toContain(unit);
          // The SQL over the graph refuses it before DuckDB's cast fails.
          const range = readTimeRange(db, graph);
          if (type === null) await range;
          else {
            const details = await rejectsWith(range, 'DATA_TIME_INVALID');
            expect(details, column).toMatchObject({ table: 'ev', column });
          }
        }
      },
    );
  });

  it('reports NULL keys, FK/PK type mismatches, missing parents and empty tables', async () => {
    await withDb(
      [
        `CREATE TABLE p (pId INTEGER)`,
        `INSERT INTO p VALUES (1), (NULL)`,
        `CREATE TABLE s (sId VARCHAR)`,
        `INSERT INTO s VALUES ('a')`,
        `CREATE TABLE c (cId INTEGER, sRef INTEGER)`,
        `CREATE TABLE e (eId INTEGER)`,
      ],
      async (db) => {
        const col = (name: string, physical: 'int' | 'string') => ({
          name,
          physical,
          stype: 'id' as const,
        });
        const base = { endTimeColumn: null, timeColumn: null };
        const graph = graphOf([
          { ...base, name: 'p', primaryKey: 'pId', foreignKeys: [], columns: [col('pId', 'int')] },
          {
            ...base,
            name: 's',
            primaryKey: 'sId',
            foreignKeys: [],
            columns: [col('sId', 'string')],
          },
          {
            ...base,
            name: 'c',
            primaryKey: 'cId',
            foreignKeys: [
              { column: 'sRef', references: 's' },
              { column: 'cId', references: 'nowhere' },
            ],
            columns: [col('cId', 'int'), col('sRef', 'int')],
          },
          {
            ...base,
            name: 'e',
            primaryKey: 'eId',
            foreignKeys: [],
            columns: [col('eId', 'int'), col('ghost', 'int')],
          },
        ]);
        const report = await validateGraph(db, graph);
        const codes = report.issues.map((i) => `${i.severity}:${i.code}:${i.table}`);
        expect(codes).toEqual([
          'error:DATA_COLUMN_NOT_FOUND:e',
          'error:DATA_PK_NULL:p',
          'error:DATA_FK_TYPE_MISMATCH:c',
          'error:DATA_FK_MISSING_TABLE:c',
        ]);
        const fixed = graphOf(
          graph.tables.slice(3).map((t) => ({ ...t, columns: t.columns.slice(0, 1) })),
        );
        const empty = await validateGraph(db, fixed);
        expect(empty.issues.map((i) => i.code)).toEqual(['TABLE_EMPTY']);
        expect(empty.warnings).toBe(1);
      },
    );
  });

  it('counts rows with a NULL or unparseable time', async () => {
    await withDb(
      [
        `CREATE TABLE ev (evId INTEGER, created_at VARCHAR)`,
        `INSERT INTO ev VALUES (1, '2020-01-01 10:00:00'), (2, NULL), (3, 'not a time'), (4, 'soon')`,
      ],
      async (db) => {
        const { graph } = await inferGraph(db, {
          override: { tables: [{ name: 'ev', timeColumn: 'created_at' }] },
        });
        const report = await validateGraph(db, graph);
        expect(report.issues.map((i) => [i.code, i.column, i.count])).toEqual([
          ['TIME_NULL', 'created_at', 1],
          ['TIME_UNPARSEABLE', 'created_at', 2],
        ]);
      },
    );
  });

  it('warns per column when a numeric feature must be rounded to float', async () => {
    await withDb(
      [
        `CREATE TABLE m (mId INTEGER, big BIGINT, small INTEGER)`,
        `INSERT INTO m VALUES (1, 9007199254740993, 5), (2, 3, 6), (3, 4, 7)`,
      ],
      async (db) => {
        const { graph } = await inferGraph(db);
        const report = await validateGraph(db, graph);
        const warnings = report.issues.filter((i) => i.code === 'FLOAT_PRECISION');
        expect(warnings.map((w) => [w.table, w.column])).toEqual([['m', 'big']]);
      },
    );
  });

  it('an edge type whose keys all dangle exists with zero edges and a warning', async () => {
    await withDb(
      [
        `CREATE TABLE parent (parentId BIGINT)`,
        `INSERT INTO parent VALUES (1), (2)`,
        `CREATE TABLE child (childId BIGINT, parentId BIGINT)`,
        `INSERT INTO child VALUES (1, 50), (2, 60)`,
      ],
      async (db) => {
        const { graph } = await inferGraph(db, {
          override: {
            tables: [
              { name: 'child', foreignKeys: [{ column: 'parentId', references: 'parent' }] },
            ],
          },
        });
        const report = await validateGraph(db, graph);
        expect(report.errors).toBe(0);
        expect(report.edges[0]).toMatchObject({ edges: 0, dangling: 2, nulls: 0 });
        expect(report.issues.map((i) => i.code)).toEqual(['FK_ALL_DANGLING']);
      },
    );
  });

  it('a foreign key to a missing table is a coded error at inference', async () => {
    await withDb(parentChild, async (db) => {
      await rejectsWith(
        inferGraph(db, {
          override: {
            tables: [{ name: 'child', foreignKeys: [{ column: 'parentId', references: 'gone' }] }],
          },
        }),
        'DATA_FK_MISSING_TABLE',
      );
    });
  });
});
