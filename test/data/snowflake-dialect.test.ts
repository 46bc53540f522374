// SPDX-License-Identifier: Apache-2.0
// prequel's SQL writers emit Snowflake SQL for the warehouse and DuckDB SQL for the embedded
// engine. Each piece, run through the Snowflake connector (the double translates the Snowflake
// functions it uses) and through DuckDB directly, gives the same typed result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlWriter } from '../../src/control/pql/sql-dialect.js';
import type { SqlDialect, SqlValue } from '../../src/data/connector.js';
import { openDuckDb, type DuckDbConnector } from '../../src/data/duckdb.js';
import { SnowflakeConnector } from '../../src/data/snowflake/connector.js';
import { addSeconds, combineDateTime, param, toTimestamp } from '../../src/data/sql.js';
import { toDuckDbSql } from '../support/snowflake-double/dialect.js';
import { resultDifferences } from '../support/snowflake-double/compare.js';
import type { SnowflakeDouble } from '../support/snowflake-double/server.js';
import { optionsFor, startDouble } from '../support/snowflake-double/fixture.js';

const SCHEMA = `
  CREATE TABLE "R" ("ID" INTEGER, "D" DATE, "T" VARCHAR, "S" VARCHAR, "TS" TIMESTAMP,
    "V" DOUBLE, "TAGS" VARCHAR);
  INSERT INTO "R" VALUES
    (1, DATE '2024-01-31', '10:30:00', '2024-01-01 10:00:00', TIMESTAMP '2024-01-31 08:00:00',
     2.5, 'a|b'),
    (2, DATE '1969-12-31', NULL, 'garbage', TIMESTAMP '1969-12-31 23:59:59.5', NULL, 'b'),
    (3, DATE '2024-02-29', 'bad', NULL, NULL, -1, NULL),
    (1, DATE '2024-03-01', '23:59:59', '2024-03-01', TIMESTAMP '2024-03-01 00:00:00', 7, 'c');
`;

/** One query per writer piece, in either dialect, with its bound values. */
type Case = { name: string; build: (dialect: SqlDialect) => { sql: string; params: SqlValue[] } };

const plain = (name: string, select: (d: SqlDialect) => string): Case => ({
  name,
  build: (d) => ({ sql: `SELECT "ID", ${select(d)} AS "X" FROM "R" ORDER BY "D"`, params: [] }),
});

function writer(dialect: SqlDialect, body: (w: SqlWriter) => string) {
  const w = new SqlWriter(dialect);
  const sql = body(w);
  return { sql, params: w.params };
}

const CASES: Case[] = [
  plain('data: date and time of day combined', (d) => combineDateTime(d, '"D"', '"T"')),
  plain('data: text parsed as a timestamp', (d) => toTimestamp(d, '"S"', true)),
  plain('data: a date as a timestamp', (d) => toTimestamp(d, '"D"', false)),
  plain('data: seconds added', (d) => addSeconds(d, toTimestamp(d, '"D"', false), -3601)),
  {
    name: 'data: a bound parameter',
    build: (d) => ({
      sql: `SELECT "ID" FROM "R" WHERE "ID" = ${param(d, 1)} ORDER BY "D"`,
      params: [1],
    }),
  },
  {
    name: 'pql: a bound timestamp and time arithmetic',
    build: (d) =>
      writer(d, (w) => {
        const t = w.param(1_706_659_200_000_000n, 'TIMESTAMP');
        const cut = w.param(2, 'BIGINT');
        return (
          `SELECT ${w.addTime(t, cut, 'months')} AS "M", ${w.addTime(t, '90', 'seconds')} AS "S", ` +
          `${w.nullTimestamp()} AS "N", ${w.epochMicros('"TS"')} AS "E" FROM "R" ORDER BY "D"`
        );
      }),
  },
  {
    name: 'pql: anchors from a range',
    build: (d) => writer(d, (w) => `SELECT "k" FROM ${w.range('4', 'g', '"k"')} ORDER BY "k"`),
  },
  {
    name: 'pql: first and last by time, distinct lists',
    build: (d) =>
      writer(d, (w) => {
        const first = w.firstBy('"V"', ['"TS"'], true);
        const last = w.firstBy('"V"', ['"TS"'], false);
        return (
          `SELECT "ID", ${first} AS "F", ${last} AS "L", ${w.listDistinct('"T"')} AS "TS" ` +
          `FROM "R" WHERE "V" IS NOT NULL GROUP BY "ID" ORDER BY "ID"`
        );
      }),
  },
  {
    name: 'pql: list membership and text tests',
    build: (d) =>
      writer(d, (w) => {
        const hasB = w.listContains('"TAGS"', w.param('b', 'VARCHAR'), true);
        const starts = w.textOp('STARTS WITH', '"S"', w.param('2024', 'VARCHAR'));
        const ends = w.textOp('ENDS WITH', '"S"', w.param('00', 'VARCHAR'));
        const has = w.textOp('CONTAINS', '"S"', w.param('arb', 'VARCHAR'));
        return (
          `SELECT "ID", ${hasB} AS "B", ${starts} AS "ST", ${ends} AS "EN", ${has} AS "C" ` +
          `FROM "R" ORDER BY "D"`
        );
      }),
  },
];

let double: SnowflakeDouble;
let duck: DuckDbConnector;
let snow: SnowflakeConnector;

beforeAll(async () => {
  double = await startDouble();
  await double.seed(SCHEMA);
  duck = await openDuckDb(':memory:');
  await duck.execute(SCHEMA);
  snow = await SnowflakeConnector.connect(optionsFor(double));
});

afterAll(async () => {
  await snow?.close();
  await duck?.close();
  await double?.close();
});

describe('the SQL writers give the same results in both dialects', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const duckQuery = c.build('duckdb');
      const snowQuery = c.build('snowflake');
      const expected = await duck.queryAll(duckQuery.sql, duckQuery.params);
      const actual = await snow.queryAll(snowQuery.sql, snowQuery.params);
      expect(expected.rows).toBeGreaterThan(0);
      expect(resultDifferences(expected, actual)).toEqual([]);
    });
  }
});

describe('the double translates Snowflake SQL only outside quotes', () => {
  it('leaves literals and quoted identifiers alone', () => {
    const sql = `SELECT "GET(" , 'ARRAY_AGG(x) :1', x::INT, :2 FROM "TIMESTAMP_NTZ" WHERE a = :1`;
    expect(toDuckDbSql(sql)).toBe(
      `SELECT "GET(" , 'ARRAY_AGG(x) :1', x::INT, $2 FROM "TIMESTAMP_NTZ" WHERE a = $1`,
    );
  });
});
