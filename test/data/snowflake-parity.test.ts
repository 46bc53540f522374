// SPDX-License-Identifier: Apache-2.0
// The same database and the same materialisation-style queries through DuckDB directly and
// through Snowflake (the test double: snowflake-sdk over HTTP, backed by its own DuckDB) give
// identical typed results, with the double and both connectors cutting results into chunks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, SqlValue } from '../../src/data/connector.js';
import { openDuckDb, type DuckDbConnector } from '../../src/data/duckdb.js';
import { SnowflakeConnector } from '../../src/data/snowflake/connector.js';
import { resultDifferences } from '../support/snowflake-double/compare.js';
import type { SnowflakeDouble } from '../support/snowflake-double/server.js';
import { optionsFor, startDouble } from '../support/snowflake-double/fixture.js';

const SCHEMA = `
  CREATE TABLE "PARENTS" ("ID" INTEGER, "NAME" VARCHAR, "CREATED" TIMESTAMP, "BIG" BIGINT,
    "KEY38" DECIMAL(38,0));
  INSERT INTO "PARENTS" VALUES
    (10, 'ten', TIMESTAMP '2020-01-01 00:00:00', 9007199254740993, 9999999999999999),
    (3, 'three', TIMESTAMP '2019-06-01 12:30:00.5', -9007199254740993, 1),
    (7, NULL, NULL, NULL, NULL);
  CREATE TABLE "CHILDREN" ("ID" BIGINT, "PARENT_ID" INTEGER, "AT" TIMESTAMP, "SCORE" DOUBLE,
    "PRICE" DECIMAL(8,3), "CATEGORY" VARCHAR, "ACTIVE" BOOLEAN, "BIRTH" DATE, "EMB" DOUBLE[]);
  INSERT INTO "CHILDREN" VALUES
    (1, 3, TIMESTAMP '2021-01-01 00:00:00', 0.5, 1.250, 'a', true, DATE '1999-12-31', [0.1, 0.2]),
    (2, 7, TIMESTAMP '2021-02-01 08:00:00.000001', NULL, NULL, 'b', false, NULL, NULL),
    (3, 99, TIMESTAMP '2021-03-01 00:00:00', -1e-9, -0.001, 'a', NULL, DATE '1970-01-01', []),
    (4, NULL, NULL, 1e300, 99999.999, NULL, true, DATE '2024-02-29', [1.0]),
    (5, 3, TIMESTAMP '1969-07-20 20:17:40', 3.25, 0, 'c', false, DATE '1969-07-20', [-2.5, 3.0]);
`;

const QUERIES: { name: string; sql: string; params?: SqlValue[] }[] = [
  {
    name: 'node table',
    sql: 'SELECT "ID", "NAME", "CREATED", "BIG", "KEY38" FROM "PARENTS" ORDER BY "ID"',
  },
  {
    name: 'edge list with child times',
    sql:
      'SELECT c."ID" AS "SRC", p."ID" AS "DST", c."AT" AS "T" FROM "CHILDREN" c ' +
      'JOIN "PARENTS" p ON c."PARENT_ID" = p."ID" ORDER BY c."ID"',
  },
  {
    name: 'dangling and null keys',
    sql:
      'SELECT SUM(CASE WHEN c."PARENT_ID" IS NULL THEN 1 ELSE 0 END) AS "NULLS", ' +
      'SUM(CASE WHEN c."PARENT_ID" IS NOT NULL AND p."ID" IS NULL THEN 1 ELSE 0 END) AS "DANGLING" ' +
      'FROM "CHILDREN" c LEFT JOIN "PARENTS" p ON c."PARENT_ID" = p."ID"',
  },
  {
    name: 'feature columns',
    sql:
      'SELECT "ID", "SCORE", "PRICE", "CATEGORY", "ACTIVE", "BIRTH", "EMB" FROM "CHILDREN" ' +
      'ORDER BY "ID"',
  },
  {
    name: 'label over a time window, bound',
    sql:
      'SELECT p."ID", COUNT(c."ID") AS "N" FROM "PARENTS" p LEFT JOIN "CHILDREN" c ' +
      'ON c."PARENT_ID" = p."ID" AND c."AT" > ? AND c."AT" <= ? GROUP BY p."ID" ORDER BY p."ID"',
    params: [new Date('1960-01-01T00:00:00Z'), new Date('2021-01-01T00:00:00Z')],
  },
  {
    name: 'keys looked up by a bound bigint',
    sql: 'SELECT "NAME", "KEY38" FROM "PARENTS" WHERE "BIG" = ?',
    params: [9007199254740993n],
  },
  { name: 'empty result', sql: 'SELECT "ID", "CATEGORY", "AT" FROM "CHILDREN" WHERE "ID" < 0' },
];

let double: SnowflakeDouble;
let duck: DuckDbConnector;
let snow: SnowflakeConnector;

beforeAll(async () => {
  double = await startDouble({ chunkRows: 2 });
  await double.seed(SCHEMA);
  duck = await openDuckDb(':memory:', { chunkRows: 2 });
  await duck.execute(SCHEMA);
  snow = await SnowflakeConnector.connect(optionsFor(double, { chunkRows: 2 }));
});

afterAll(async () => {
  await snow?.close();
  await duck?.close();
  await double?.close();
});

async function run(connector: Connector, q: (typeof QUERIES)[number]) {
  return connector.queryAll(q.sql, q.params ?? []);
}

describe('DuckDB and Snowflake give identical typed results', () => {
  for (const q of QUERIES) {
    it(q.name, async () => {
      const expected = await run(duck, q);
      const actual = await run(snow, q);
      expect(resultDifferences(expected, actual)).toEqual([]);
    });
  }

  it('the comparison notices a changed value, kind or row count', async () => {
    const base = await run(duck, QUERIES[0]);
    const changed = await duck.queryAll(QUERIES[0].sql.replace('"BIG"', '"BIG" + 1 AS "BIG"'));
    expect(resultDifferences(base, changed)).toHaveLength(2);
    const retyped = await duck.queryAll(
      QUERIES[0].sql.replace('"NAME"', 'LENGTH("NAME") AS "NAME"'),
    );
    expect(resultDifferences(base, retyped)[0]).toMatch(/NAME: kind string vs bigint/);
    const fewer = await duck.queryAll(`${QUERIES[0].sql} LIMIT 2`);
    expect(resultDifferences(base, fewer)[0]).toMatch(/rows/);
  });
});
