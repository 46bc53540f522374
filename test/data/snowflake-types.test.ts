// SPDX-License-Identifier: Apache-2.0
// Snowflake result types arriving as typed columns: integers beyond 2^53 exact, NUMBER(38,0)
// keys as BigInt64, floats, strings dictionary-encoded, booleans, DATE and TIMESTAMP_NTZ as
// int64 microseconds UTC whatever the process's time zone, and NULL kept as NULL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellValue, columnByName } from '../../src/data/column-builder.js';
import type { ResultChunk, ResultColumn } from '../../src/data/connector.js';
import type { SnowflakeDouble } from '../support/snowflake-double/server.js';
import { startDouble, withConnector } from '../support/snowflake-double/fixture.js';

let double: SnowflakeDouble;

beforeAll(async () => {
  double = await startDouble();
  await double.seed(`
    CREATE TABLE "T" (
      "I" SMALLINT, "BIG" BIGINT, "KEY" DECIMAL(38,0), "PRICE" DECIMAL(10,2), "F" DOUBLE,
      "S" VARCHAR, "B" BOOLEAN, "D" DATE, "TS" TIMESTAMP, "E" DOUBLE[], "TAGS" VARCHAR[]);
    INSERT INTO "T" VALUES
      (7, 9007199254740993, 9999999999999999, 12.34, 0.1, 'héllo ✓', true,
       DATE '2024-02-29', TIMESTAMP '2024-02-29 23:59:59.123456', [1.5, -2.0], ['a', 'b']),
      (-32768, -9223372036854775808, -99999999999999999999999999999999999999 + 0, -0.01,
       -1e300, '', false, DATE '1969-12-31', TIMESTAMP '1969-12-31 23:59:59.999999', [], []),
      (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  `);
});

afterAll(async () => {
  await double?.close();
});

function column(result: ResultChunk, name: string): ResultColumn {
  return columnByName(result, name);
}

function cells(result: ResultChunk, name: string): unknown[] {
  const c = column(result, name);
  return Array.from({ length: result.rows }, (_, i) => cellValue(c, i));
}

const ROWS = 'SELECT * FROM "T" WHERE "I" IS NULL OR "I" > -32768 ORDER BY "I" NULLS LAST';

describe('Snowflake result types', () => {
  it('reads integers exactly, keys as BigInt64 and never through a JS number', async () => {
    await withConnector(double, async (sf) => {
      const r = await sf.queryAll(ROWS);
      expect(column(r, 'I').kind).toBe('int');
      expect((column(r, 'I') as { values: unknown }).values).toBeInstanceOf(Int32Array);
      expect((column(r, 'BIG') as { values: unknown }).values).toBeInstanceOf(BigInt64Array);
      expect(cells(r, 'BIG')).toEqual([9007199254740993n, null]);
      expect(column(r, 'KEY').kind).toBe('bigint');
      expect(cells(r, 'KEY')).toEqual([9999999999999999n, null]);
      expect(cells(r, 'I')).toEqual([7, null]);
    });
  });

  it('reads decimals with a scale and doubles as float64', async () => {
    await withConnector(double, async (sf) => {
      const r = await sf.queryAll(ROWS);
      expect(column(r, 'PRICE').kind).toBe('float');
      expect(cells(r, 'PRICE')).toEqual([12.34, null]);
      expect(cells(r, 'F')).toEqual([0.1, null]);
      const special = await sf.queryAll(
        "SELECT 'inf'::DOUBLE AS p, '-inf'::DOUBLE AS n, 'nan'::DOUBLE AS q, -1e300 AS tiny",
      );
      expect(cells(special, 'p')).toEqual([Infinity]);
      expect(cells(special, 'n')).toEqual([-Infinity]);
      expect(Number.isNaN(cells(special, 'q')[0])).toBe(true);
      expect(cells(special, 'tiny')).toEqual([-1e300]);
    });
  });

  it('dictionary-encodes strings and keeps the empty string apart from NULL', async () => {
    await withConnector(double, async (sf) => {
      const r = await sf.queryAll('SELECT "S" FROM "T" ORDER BY "I" NULLS LAST');
      const s = column(r, 'S');
      expect(s.kind).toBe('string');
      expect(cells(r, 'S')).toEqual(['', 'héllo ✓', null]);
      expect(s.valid).toEqual(new Uint8Array([1, 1, 0]));
    });
  });

  it('reads booleans as 0/1 with a validity mask', async () => {
    await withConnector(double, async (sf) => {
      const r = await sf.queryAll('SELECT "B" FROM "T" ORDER BY "I" NULLS LAST');
      expect(column(r, 'B').kind).toBe('boolean');
      expect(cells(r, 'B')).toEqual([0, 1, null]);
    });
  });

  it('reads DATE and TIMESTAMP_NTZ as UTC microseconds whatever the process TZ', async () => {
    const before = process.env.TZ;
    const seen: unknown[][] = [];
    try {
      const offsets = { UTC: 0, 'America/Los_Angeles': 480, 'Asia/Kolkata': -330 };
      for (const [tz, offset] of Object.entries(offsets)) {
        process.env.TZ = tz;
        expect(new Date(Date.UTC(2024, 0, 1)).getTimezoneOffset()).toBe(offset);
        await withConnector(double, async (sf) => {
          const r = await sf.queryAll('SELECT "D", "TS" FROM "T" ORDER BY "I" NULLS LAST');
          expect(column(r, 'TS').kind).toBe('timestamp');
          seen.push([...cells(r, 'D'), ...cells(r, 'TS')]);
        });
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
    const day = 86_400_000_000n;
    const expected = [
      -day,
      BigInt(Date.UTC(2024, 1, 29)) * 1000n,
      null,
      -1n,
      BigInt(Date.UTC(2024, 1, 29, 23, 59, 59)) * 1000n + 123_456n,
      null,
    ];
    for (const values of seen) expect(values).toEqual(expected);
  });

  it('reads zoned timestamps as UTC instants and times of day as text', async () => {
    await withConnector(double, async (sf) => {
      const r = await sf.queryAll(
        "SELECT TIMESTAMPTZ '2024-01-01 10:00:00.5+02' AS z, TIME '13:45:07' AS t",
      );
      expect(column(r, 'z').kind).toBe('timestamp');
      expect(cells(r, 'z')).toEqual([BigInt(Date.UTC(2024, 0, 1, 8)) * 1000n + 500_000n]);
      expect(column(r, 't').kind).toBe('string');
      expect(cells(r, 't')).toEqual(['13:45:07']);
    });
  });

  it('reads ARRAY columns as lists of floats or of strings', async () => {
    await withConnector(double, async (sf) => {
      const r = await sf.queryAll('SELECT "E", "TAGS" FROM "T" ORDER BY "I" NULLS LAST');
      const e = column(r, 'E');
      expect(e.kind).toBe('list');
      expect(e.kind === 'list' && e.child.kind).toBe('float');
      expect(cells(r, 'E')).toEqual([[], [1.5, -2], null]);
      expect(cells(r, 'TAGS')).toEqual([[], ['a', 'b'], null]);
    });
  });

  it('reports values that do not fit their typed column', async () => {
    await withConnector(double, async (sf) => {
      await expect(
        sf.queryAll('SELECT 170141183460469231731687303715884105727::HUGEINT AS h'),
      ).rejects.toMatchObject({
        code: 'SNOWFLAKE_VALUE_INVALID',
        details: { column: 'h' },
      });
      await expect(sf.queryAll('SELECT [[1.5]] AS nested')).rejects.toMatchObject({
        code: 'SNOWFLAKE_VALUE_INVALID',
      });
    });
  });

  it('gives an empty result its typed columns', async () => {
    await withConnector(double, async (sf) => {
      const r = await sf.queryAll('SELECT "BIG", "S", "TS" FROM "T" WHERE false');
      expect(r.rows).toBe(0);
      expect(r.columns.map((c) => c.kind)).toEqual(['bigint', 'string', 'timestamp']);
    });
  });
});
