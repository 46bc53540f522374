// SPDX-License-Identifier: Apache-2.0
// Writing typed columns as a Snowflake table through the test double: exact round trips
// (NULLs, int64 keys beyond 2^53, timestamps, unicode), replace and append, failures that leave
// the previous table as it was, batches of bounded size, and coded errors for bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellValue, columnByName } from '../../src/data/column-builder.js';
import type { SnowflakeConnector, WriteColumn } from '../../src/data/snowflake/connector.js';
import { quoteIdentifier } from '../../src/data/snowflake/connector.js';
import type { SnowflakeDouble } from '../support/snowflake-double/server.js';
import { startDouble, withConnector } from '../support/snowflake-double/fixture.js';

let double: SnowflakeDouble;

beforeAll(async () => {
  double = await startDouble();
});

afterAll(async () => {
  await double?.close();
});

const MAX_I64 = 2n ** 63n - 1n;
const MIN_I64 = -(2n ** 63n);
const MICROS_2024 = 1_704_164_645_123_456n; // 2024-01-02 03:04:05.123456 UTC
const MICROS_9999 = 253_402_300_799_999_999n; // 9999-12-31 23:59:59.999999 UTC
const MICROS_1969 = -1n; // 1969-12-31 23:59:59.999999 UTC

/** Reads `table` ordered by `by`: values per column, integers as bigint, booleans as such. */
async function readBack(
  sf: SnowflakeConnector,
  table: string,
  by: string,
): Promise<Record<string, unknown[]>> {
  const result = await sf.queryAll(
    `SELECT * FROM ${quoteIdentifier(table)} ORDER BY ${quoteIdentifier(by)}`,
  );
  const out: Record<string, unknown[]> = {};
  for (const column of result.columns) {
    out[column.name] = Array.from({ length: result.rows }, (_, i) => {
      const value = cellValue(columnByName(result, column.name), i);
      if (value === null) return null;
      if (column.kind === 'int') return BigInt(value as number);
      return column.kind === 'boolean' ? value === 1 : value;
    });
  }
  return out;
}

function ids(values: number[]): WriteColumn {
  return { name: 'ID', type: 'int', values: Int32Array.from(values) };
}

function labels(values: (string | null)[]): WriteColumn {
  return { name: 'LABEL', type: 'string', values };
}

async function leftovers(sf: SnowflakeConnector): Promise<string[]> {
  return (await sf.listTables()).filter((name) => name.startsWith('PREQUEL_WRITE_'));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  return (err as { code?: string } | null)?.code ?? 'no error';
}

describe('writeTable on the Snowflake connector', () => {
  it('round-trips every kind exactly, NULLs and int64 keys beyond 2^53 included', async () => {
    const labelValues = ['żółć', '日本語', '🙂 emoji', `quote ' " \\ ;`, 'two\nlines', '', null];
    const columns: WriteColumn[] = [
      { name: 'ROW_ID', type: 'int', values: Int32Array.from([0, 1, 2, 3, 4, 5, 6]) },
      {
        name: 'ENTITY_KEY',
        type: 'bigint',
        values: BigInt64Array.from([2n ** 53n + 1n, MAX_I64, MIN_I64, 0n, -7n, 42n, 1n]),
        valid: Uint8Array.from([1, 1, 1, 1, 1, 1, 0]),
      },
      {
        name: 'ANCHOR_TIME',
        type: 'timestamp',
        values: BigInt64Array.from([MICROS_2024, MICROS_9999, MICROS_1969, 0n, 1n, 0n, 5n]),
        valid: Uint8Array.from([1, 1, 1, 1, 1, 0, 1]),
      },
      {
        name: 'score',
        type: 'float',
        values: Float64Array.from([0.1, 1e300, -1.5e-300, NaN, Infinity, -Infinity, 2 / 3]),
        valid: Uint8Array.from([1, 1, 1, 1, 1, 1, 0]),
      },
      {
        name: 'Class Id',
        type: 'int',
        values: Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0, 1, -1, 7, 0]),
        valid: Uint8Array.from([1, 1, 1, 1, 1, 1, 0]),
      },
      labels(labelValues),
      {
        name: 'FLAG',
        type: 'boolean',
        values: Uint8Array.from([1, 0, 1, 0, 1, 0, 0]),
        valid: Uint8Array.from([1, 1, 1, 1, 1, 1, 0]),
      },
    ];

    await withConnector(double, async (sf) => {
      const result = await sf.writeTable('PREDICTIONS', columns);
      expect(result).toEqual({
        table: 'PREDICTIONS',
        rows: 7,
        batches: 1,
        created: true,
        leftover: null,
      });

      const info = await sf.describe('PREDICTIONS');
      expect(info.columns.map((c) => [c.name, c.physical])).toEqual([
        ['ROW_ID', 'bigint'],
        ['ENTITY_KEY', 'bigint'],
        ['ANCHOR_TIME', 'timestamp'],
        ['score', 'float'],
        ['Class Id', 'bigint'],
        ['LABEL', 'string'],
        ['FLAG', 'boolean'],
      ]);
      expect(info.columns[1].engineType).toBe('NUMBER(38,0)');
      expect(info.columns[2].engineType).toBe('TIMESTAMP_NTZ');

      const back = await readBack(sf, 'PREDICTIONS', 'ROW_ID');
      expect(back.ROW_ID).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n]);
      expect(back.ENTITY_KEY).toEqual([2n ** 53n + 1n, MAX_I64, MIN_I64, 0n, -7n, 42n, null]);
      expect(back.ANCHOR_TIME).toEqual([MICROS_2024, MICROS_9999, MICROS_1969, 0n, 1n, null, 5n]);
      expect(back.score).toEqual([0.1, 1e300, -1.5e-300, NaN, Infinity, -Infinity, null]);
      expect(back['Class Id']).toEqual([-(2n ** 31n), 2n ** 31n - 1n, 0n, 1n, -1n, 7n, null]);
      expect(back.LABEL).toEqual(labelValues);
      expect(back.FLAG).toEqual([true, false, true, false, true, false, null]);
      expect(await leftovers(sf)).toEqual([]);
    });
  });

  it('replaces by default and appends on request, creating a missing table', async () => {
    const table = 'Preds "v2"; x';
    await withConnector(double, async (sf) => {
      await sf.writeTable(table, [ids([1, 2, 3]), labels(['a', 'b', 'c'])]);
      const replaced = await sf.writeTable(table, [ids([4, 5]), labels(['d', null])]);
      expect(replaced.created).toBe(false);
      expect(await readBack(sf, table, 'ID')).toEqual({ ID: [4n, 5n], LABEL: ['d', null] });

      const appended = await sf.writeTable(table, [ids([6]), labels(['f'])], { mode: 'append' });
      expect(appended).toMatchObject({ rows: 1, created: false, leftover: null });
      expect(await readBack(sf, table, 'ID')).toEqual({
        ID: [4n, 5n, 6n],
        LABEL: ['d', null, 'f'],
      });

      const fresh = await sf.writeTable('APPENDED', [ids([9])], { mode: 'append' });
      expect(fresh.created).toBe(true);
      expect(await readBack(sf, 'APPENDED', 'ID')).toEqual({ ID: [9n] });

      const empty = await sf.writeTable('EMPTY', [ids([]), labels([])]);
      expect(empty).toMatchObject({ rows: 0, batches: 0, created: true });
      expect(await sf.countRows('EMPTY')).toBe(0n);
      expect(await leftovers(sf)).toEqual([]);
    });
  });

  it('leaves the previous table as it was when a write fails part-way', async () => {
    const before = { ID: [1n, 2n, 3n], LABEL: ['a', 'b', 'c'] };
    const rows = Array.from({ length: 100 }, (_, i) => i + 10);
    const next = [ids(rows), labels(rows.map(String))];
    await withConnector(double, async (sf) => {
      await sf.writeTable('KEPT', [ids([1, 2, 3]), labels(['a', 'b', 'c'])]);

      // The warehouse refuses the second of three batches.
      double.failStatement(/^INSERT INTO "PREQUEL_WRITE_/, 1);
      const loading = sf.writeTable('KEPT', next, { batchRows: 40 });
      await expect(loading).rejects.toMatchObject({
        code: 'SNOWFLAKE_WRITE_FAILED',
        details: {
          step: 'loading rows into the staging table',
          causeCode: 'SNOWFLAKE_QUERY_FAILED',
        },
      });
      expect(await readBack(sf, 'KEPT', 'ID')).toEqual(before);

      // The swap itself fails, for replace; the columns do not match, for append.
      double.failStatement(/SWAP WITH/);
      expect(await codeOf(sf.writeTable('KEPT', next))).toBe('SNOWFLAKE_WRITE_FAILED');
      const extra: WriteColumn = { name: 'EXTRA', type: 'float', values: new Float64Array(100) };
      const append = sf.writeTable('KEPT', [...next, extra], { mode: 'append' });
      await expect(append).rejects.toMatchObject({
        code: 'SNOWFLAKE_WRITE_FAILED',
        details: { step: 'publishing the staging table' },
      });
      expect(await readBack(sf, 'KEPT', 'ID')).toEqual(before);

      // A value no warehouse type holds is refused before anything is sent.
      const queries = double.stats.queries;
      const time: WriteColumn = {
        name: 'T',
        type: 'timestamp',
        values: BigInt64Array.from(rows, (_, i) => (i === 70 ? MICROS_9999 + 1n : 0n)),
      };
      await expect(sf.writeTable('KEPT', [...next, time])).rejects.toMatchObject({
        code: 'SNOWFLAKE_WRITE_VALUE_INVALID',
        details: { column: 'T', row: 70 },
      });
      expect(double.stats.queries).toBe(queries);
      expect(await readBack(sf, 'KEPT', 'ID')).toEqual(before);
      expect(await leftovers(sf)).toEqual([]);
    });
  });

  it('sends 20k rows in array binds of bounded size', async () => {
    const rows = 20_000;
    const keys = BigInt64Array.from({ length: rows }, (_, i) => 2n ** 60n + BigInt(i) * 7919n);
    const times = BigInt64Array.from({ length: rows }, (_, i) => MICROS_2024 + BigInt(i) * 1001n);
    const scores = Float64Array.from({ length: rows }, (_, i) => Math.sin(i));
    const valid = Uint8Array.from({ length: rows }, (_, i) => (i % 97 === 0 ? 0 : 1));
    const columns: WriteColumn[] = [
      { name: 'ENTITY_KEY', type: 'bigint', values: keys },
      { name: 'ANCHOR_TIME', type: 'timestamp', values: times },
      { name: 'SCORE', type: 'float', values: scores, valid },
    ];

    await withConnector(double, async (sf) => {
      const sent = double.stats.arrayBinds.length;
      const result = await sf.writeTable('LARGE', columns, { batchRows: 3000 });
      expect(result.batches).toBe(7);
      const batches = double.stats.arrayBinds.slice(sent);
      expect(batches).toEqual([3000, 3000, 3000, 3000, 3000, 3000, 2000]);

      const back = await readBack(sf, 'LARGE', 'ENTITY_KEY');
      expect(back.ENTITY_KEY).toEqual(Array.from(keys));
      expect(back.ANCHOR_TIME).toEqual(Array.from(times));
      expect(back.SCORE).toEqual(Array.from(scores, (s, i) => (valid[i] === 0 ? null : s)));

      // Without batchRows, a batch holds at most MAX_BIND_VALUES values.
      const wide = await sf.writeTable('LARGE', [...columns, { ...columns[0], name: 'COPY' }]);
      expect(wide.batches).toBe(2);
      expect(await sf.countRows('LARGE')).toBe(BigInt(rows));
    });
  });

  it('refuses bad names, lengths, kinds, values and options with coded errors', async () => {
    const good = [ids([1, 2]), labels(['a', 'b'])];
    const cases: [string, string, WriteColumn[], object?][] = [
      ['', 'SNOWFLAKE_WRITE_NAME_INVALID', good],
      ['x'.repeat(256), 'SNOWFLAKE_WRITE_NAME_INVALID', good],
      ['bad\u0000name', 'SNOWFLAKE_WRITE_NAME_INVALID', good],
      ['T', 'SNOWFLAKE_WRITE_NAME_INVALID', [ids([1, 2]), { ...ids([3, 4]) }]],
      ['T', 'SNOWFLAKE_WRITE_NAME_INVALID', [{ ...ids([1]), name: 'tab\there' }]],
      ['T', 'SNOWFLAKE_WRITE_LENGTH_MISMATCH', [ids([1, 2]), labels(['a'])]],
      ['T', 'SNOWFLAKE_WRITE_LENGTH_MISMATCH', [{ ...ids([1, 2]), valid: new Uint8Array(3) }]],
      ['T', 'SNOWFLAKE_WRITE_TYPE_UNSUPPORTED', [{ ...ids([1]), type: 'decimal' } as never]],
      ['T', 'SNOWFLAKE_WRITE_TYPE_UNSUPPORTED', [{ ...ids([1]), type: 'float' } as never]],
      ['T', 'SNOWFLAKE_WRITE_TYPE_UNSUPPORTED', [{ ...labels([]), values: 'ab' } as never]],
      ['T', 'SNOWFLAKE_WRITE_VALUE_INVALID', [labels(['a', 3 as never])]],
      ['T', 'SNOWFLAKE_WRITE_VALUE_INVALID', [labels(['lone \ud800 surrogate'])]],
      [
        'T',
        'SNOWFLAKE_WRITE_VALUE_INVALID',
        [{ name: 'B', type: 'boolean', values: Uint8Array.from([0, 2]) }],
      ],
      ['T', 'SNOWFLAKE_CONFIG_INVALID', []],
      ['T', 'SNOWFLAKE_CONFIG_INVALID', good, { mode: 'upsert' }],
      ['T', 'SNOWFLAKE_CONFIG_INVALID', good, { batchRows: 0 }],
    ];
    await withConnector(double, async (sf) => {
      const queries = double.stats.queries;
      for (const [table, code, columns, options] of cases) {
        expect([table, await codeOf(sf.writeTable(table, columns, options))]).toEqual([
          table,
          code,
        ]);
      }
      expect(double.stats.queries).toBe(queries);
    });
  });
});
