// SPDX-License-Identifier: Apache-2.0
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../../src/data/duckdb.js';
import { columnByName } from '../../src/data/column-builder.js';
import { valuesOf, withDb, withTempDir } from './helpers.js';

describe('DuckDB connector: typed columns', () => {
  it('returns numbers as typed arrays, strings dictionary-encoded and NULL as NULL', async () => {
    await withDb(
      [
        `CREATE TABLE t (i INTEGER, b BIGINT, f DOUBLE, s VARCHAR, ok BOOLEAN)`,
        `INSERT INTO t VALUES (1, 10, 1.5, 'x', true), (NULL, NULL, NULL, NULL, NULL), (3, 30, 2.5, 'x', false)`,
      ],
      async (db) => {
        const r = await db.queryAll('SELECT * FROM t');
        expect(r.rows).toBe(3);
        const i = columnByName(r, 'i');
        const s = columnByName(r, 's');
        expect(i.kind === 'int' && i.values).toBeInstanceOf(Int32Array);
        expect(columnByName(r, 'b').kind).toBe('bigint');
        expect(columnByName(r, 'f').kind).toBe('float');
        expect(s.kind === 'string' && s.dictionary).toEqual(['x']);
        expect(valuesOf(r, 'i')).toEqual([1, null, 3]);
        expect(valuesOf(r, 'b')).toEqual([10n, null, 30n]);
        expect(valuesOf(r, 's')).toEqual(['x', null, 'x']);
        expect(valuesOf(r, 'ok')).toEqual([1, null, 0]);
      },
    );
  });

  it('keeps integers above 2^53 exact: BIGINT 2^53+1 and DECIMAL(38,0) 9999999999999999', async () => {
    await withDb(
      [
        `CREATE TABLE k (a BIGINT, n DECIMAL(38, 0))`,
        `INSERT INTO k VALUES (9007199254740993, 9999999999999999), (-9223372036854775808, 1)`,
      ],
      async (db) => {
        const r = await db.queryAll('SELECT * FROM k');
        expect(valuesOf(r, 'a')).toEqual([9007199254740993n, -9223372036854775808n]);
        expect(valuesOf(r, 'n')).toEqual([9999999999999999n, 1n]);
        expect(columnByName(r, 'n').kind).toBe('bigint');
      },
    );
  });

  it('maps DATE and every TIMESTAMP precision to int64 microseconds UTC', async () => {
    await withDb([], async (db) => {
      const r = await db.queryAll(
        `SELECT DATE '2020-01-02' AS d, TIMESTAMP '2020-01-02 00:00:00' AS ts,
                TIMESTAMP_S '2020-01-02 00:00:00' AS s, TIMESTAMP_MS '2020-01-02 00:00:00' AS ms,
                TIMESTAMP_NS '2020-01-02 00:00:00.000001' AS ns,
                TIMESTAMPTZ '2020-01-02 00:00:00+00' AS tz, CAST(NULL AS DATE) AS nd`,
      );
      const micros = 1577923200000000n;
      for (const name of ['d', 'ts', 's', 'ms', 'tz']) expect(valuesOf(r, name)).toEqual([micros]);
      expect(valuesOf(r, 'ns')).toEqual([micros + 1n]);
      expect(valuesOf(r, 'nd')).toEqual([null]);
      expect(columnByName(r, 'd').kind).toBe('timestamp');
    });
  });

  it('binds values as parameters and quotes identifiers with quotes, semicolons and spaces', async () => {
    await withDb([], async (db) => {
      await db.execute(`CREATE TABLE "we""ird; DROP TABLE x; --" ("a b"";" BIGINT, "c" VARCHAR)`);
      await db.execute(`INSERT INTO "we""ird; DROP TABLE x; --" VALUES ($1, $2), ($3, $4)`, [
        9007199254740993n,
        "it's; DROP",
        2n,
        null,
      ]);
      expect(await db.listTables()).toEqual(['we"ird; DROP TABLE x; --']);
      const info = await db.describe('we"ird; DROP TABLE x; --');
      expect(info.columns.map((c) => [c.name, c.physical])).toEqual([
        ['a b";', 'bigint'],
        ['c', 'string'],
      ]);
      expect(await db.countRows('we"ird; DROP TABLE x; --')).toBe(2n);
      const r = await db.queryAll(
        `SELECT "c" FROM "we""ird; DROP TABLE x; --" WHERE "a b"";" = $1`,
        [9007199254740993n],
      );
      expect(valuesOf(r, 'c')).toEqual(["it's; DROP"]);
    });
  });

  it('streams a large result in bounded chunks', async () => {
    const db = await openDuckDb(':memory:', { chunkRows: 5000 });
    try {
      const sizes: number[] = [];
      let sum = 0n;
      for await (const chunk of db.query('SELECT range AS v FROM range(12345)')) {
        sizes.push(chunk.rows);
        const v = chunk.columns[0];
        if (v.kind === 'bigint') for (const x of v.values) sum += x;
      }
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(12345);
      expect(Math.max(...sizes)).toBeLessThan(5000 + 2048);
      expect(sizes.length).toBeGreaterThan(1);
      expect(sum).toBe((12344n * 12345n) / 2n);
    } finally {
      await db.close();
    }
  });

  it('reads lists as offsets into a flat child', async () => {
    await withDb([], async (db) => {
      const r = await db.queryAll(`SELECT * FROM (VALUES ([1.5, 2.5]), (NULL), ([])) v(e)`);
      expect(valuesOf(r, 'e')).toEqual([[1.5, 2.5], null, []]);
    });
  });
});

describe('DuckDB connector: sources', () => {
  it('opens a directory of CSV (\\N nulls, Latin-1, custom delimiter), Parquet and JSON files', async () => {
    await withTempDir(async (dir) => {
      await writeFile(
        join(dir, 'people.csv'),
        Buffer.from('id;name\n1;Jos\xe9\n2;\\N\n', 'latin1'),
      );
      await writeFile(
        join(dir, 'events.json'),
        '[{"id": 1, "kind": "a"}, {"id": 2, "kind": null}]',
      );
      await writeFile(join(dir, 'README.md'), 'not a table');
      const seed = await openDuckDb(':memory:');
      try {
        const path = join(dir, 'facts.parquet').replaceAll("'", "''");
        await seed.execute(`COPY (SELECT range AS id FROM range(3)) TO '${path}' (FORMAT parquet)`);
      } finally {
        await seed.close();
      }
      const db = await openDuckDb(dir, {
        tables: { people: { delimiter: ';', encoding: 'latin-1', nullStrings: ['\\N'] } },
      });
      try {
        expect(await db.listTables()).toEqual(['events', 'facts', 'people']);
        const people = await db.queryAll('SELECT * FROM people ORDER BY id');
        expect(valuesOf(people, 'name')).toEqual(['José', null]);
        expect(await db.countRows('facts')).toBe(3n);
        expect(valuesOf(await db.queryAll('SELECT kind FROM events ORDER BY id'), 'kind')).toEqual([
          'a',
          null,
        ]);
      } finally {
        await db.close();
      }
    });
  });

  it('reads a headerless CSV and an existing .duckdb file', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'csv'));
      await writeFile(join(dir, 'csv', 'rows.csv'), '1,a\n2,b\n');
      const headerless = await openDuckDb(join(dir, 'csv'), { header: false });
      try {
        expect(await headerless.countRows('rows')).toBe(2n);
      } finally {
        await headerless.close();
      }
      const file = join(dir, 'shop.duckdb');
      const writer = await openDuckDb(file, { readOnly: false }).catch(() => null);
      expect(writer).toBeNull(); // A missing .duckdb file is refused, never created silently.
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const instance = await DuckDBInstance.create(file);
      const connection = await instance.connect();
      await connection.run('CREATE TABLE orders AS SELECT range AS id FROM range(4)');
      connection.closeSync();
      instance.closeSync();
      const db = await openDuckDb(file);
      try {
        expect(await db.listTables()).toEqual(['orders']);
        expect(await db.countRows('orders')).toBe(4n);
      } finally {
        await db.close();
      }
    });
  });

  it('reads files whose names hold quotes, semicolons and spaces', async () => {
    await withTempDir(async (dir) => {
      const name = `it's; a "table"`;
      await mkdir(join(dir, `o'dd "dir"; x`));
      await writeFile(join(dir, `o'dd "dir"; x`, `${name}.csv`), 'id,v\n1,a\n');
      const db = await openDuckDb(join(dir, `o'dd "dir"; x`));
      try {
        expect(await db.listTables()).toEqual([name]);
        expect(await db.countRows(name)).toBe(1n);
      } finally {
        await db.close();
      }
    });
  });
});
