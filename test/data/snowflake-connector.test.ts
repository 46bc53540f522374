// SPDX-License-Identifier: Apache-2.0
// The Snowflake connector against the Snowflake test double: the real snowflake-sdk logs in,
// sends SQL and binds, and downloads result chunks over HTTP; values arrive as typed columns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellValue, columnByName } from '../../src/data/column-builder.js';
import type { ResultChunk } from '../../src/data/connector.js';
import type { SnowflakeDouble } from '../support/snowflake-double/server.js';
import { startDouble, withConnector } from '../support/snowflake-double/fixture.js';

let double: SnowflakeDouble;

beforeAll(async () => {
  double = await startDouble();
  await double.seed(`
    CREATE TABLE "DRIVERS" (
      "DRIVER_ID" BIGINT NOT NULL, "NAME" VARCHAR, "BORN" DATE, "RATING" DOUBLE);
    INSERT INTO "DRIVERS" VALUES
      (9007199254740993, 'Ada', DATE '1990-02-03', 7.5),
      (2, 'Bo', NULL, NULL),
      (3, NULL, DATE '1969-12-31', -1.25);
    CREATE TABLE "Odd ""Name""; x" ("Key Col" INTEGER, "Semi;Colon" VARCHAR);
    INSERT INTO "Odd ""Name""; x" VALUES (1, 'one'), (2, 'two');
  `);
});

afterAll(async () => {
  await double?.close();
});

function values(result: ResultChunk, name: string): unknown[] {
  const column = columnByName(result, name);
  return Array.from({ length: result.rows }, (_, i) => cellValue(column, i));
}

describe('Snowflake connector over the test double', () => {
  it('logs in and lists, describes and counts tables', async () => {
    await withConnector(double, async (sf) => {
      expect(sf.dialect).toBe('snowflake');
      expect(await sf.listTables()).toEqual(['DRIVERS', 'Odd "Name"; x']);

      const info = await sf.describe('DRIVERS');
      expect(info.columns.map((c) => [c.name, c.physical, c.nullable])).toEqual([
        ['DRIVER_ID', 'bigint', false],
        ['NAME', 'string', true],
        ['BORN', 'date', true],
        ['RATING', 'float', true],
      ]);
      expect(info.columns[0].engineType).toMatch(/^NUMBER\(\d+,0\)$/);
      expect(await sf.countRows('DRIVERS')).toBe(3n);
    });
    expect(double.stats.sessionsClosed).toBeGreaterThan(0);
  });

  it('quotes identifiers holding quotes, spaces and semicolons', async () => {
    await withConnector(double, async (sf) => {
      const table = 'Odd "Name"; x';
      expect(await sf.countRows(table)).toBe(2n);
      const info = await sf.describe(table);
      expect(info.columns.map((c) => c.name)).toEqual(['Key Col', 'Semi;Colon']);
      expect(await sf.listTables()).toContain(table);
    });
  });

  it('reports a missing table with its name, never running spliced text', async () => {
    await withConnector(double, async (sf) => {
      for (const table of ['NOPE', 'DRIVERS"; DROP TABLE "DRIVERS', "x' OR '1'='1"]) {
        await expect(sf.countRows(table)).rejects.toMatchObject({
          code: 'SNOWFLAKE_TABLE_NOT_FOUND',
        });
        await expect(sf.describe(table)).rejects.toMatchObject({
          code: 'SNOWFLAKE_TABLE_NOT_FOUND',
        });
      }
      expect(await sf.countRows('DRIVERS')).toBe(3n);
    });
  });

  it('binds values as parameters, including a bigint beyond 2^53 and quotes in text', async () => {
    await withConnector(double, async (sf) => {
      const byKey = await sf.queryAll('SELECT "NAME" FROM "DRIVERS" WHERE "DRIVER_ID" = ?', [
        9007199254740993n,
      ]);
      expect(values(byKey, 'NAME')).toEqual(['Ada']);

      const echo = await sf.queryAll('SELECT ? AS t, ? AS n, ? AS f, ? AS b, ? AS z', [
        'it\'s "quoted"; --',
        42,
        2.5,
        true,
        null,
      ]);
      expect(values(echo, 't')).toEqual(['it\'s "quoted"; --']);
      expect(values(echo, 'z')).toEqual([null]);

      const numbered = await sf.queryAll(
        'SELECT COUNT(*) AS n FROM "DRIVERS" WHERE "BORN" >= :1 AND "RATING" > :2',
        [new Date('1960-01-01T00:00:00Z'), -5],
      );
      expect(values(numbered, 'n')).toEqual([2n]);
    });
  });

  it('refuses parameters it cannot send', async () => {
    await withConnector(double, async (sf) => {
      const bad = [NaN, Infinity, new Date('nope'), undefined, { a: 1 }] as never[];
      for (const value of bad) {
        await expect(sf.queryAll('SELECT ? AS v', [value])).rejects.toMatchObject({
          code: 'SNOWFLAKE_PARAM_INVALID',
        });
      }
    });
  });

  it('reports SQL errors as coded query failures with the SQLSTATE', async () => {
    await withConnector(double, async (sf) => {
      await expect(sf.queryAll('SELEC 1')).rejects.toMatchObject({
        code: 'SNOWFLAKE_QUERY_FAILED',
      });
      const err = await sf.queryAll('SELECT * FROM "MISSING"').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'SNOWFLAKE_QUERY_FAILED', details: { sqlState: '42S02' } });
    });
  });

  it('renews an expired session token without the caller noticing', async () => {
    await withConnector(double, async (sf) => {
      expect(await sf.countRows('DRIVERS')).toBe(3n);
      const renewals = double.stats.renewals;
      double.expireSessionTokens();
      expect(await sf.countRows('DRIVERS')).toBe(3n);
      expect(double.stats.renewals).toBe(renewals + 1);
    });
  });

  it('waits for a query the warehouse reports as still running', async () => {
    await withConnector(double, async (sf) => {
      const polls = double.stats.resultPolls;
      double.runningAnswers = 2;
      try {
        expect(await sf.countRows('DRIVERS')).toBe(3n);
      } finally {
        double.runningAnswers = 0;
      }
      expect(double.stats.resultPolls).toBe(polls + 2);
    });
  });

  it('runs statements and refuses use after close', async () => {
    const sf = await withConnector(double, async (sf) => {
      await sf.execute('CREATE TABLE "SCRATCH" (a INTEGER)');
      await sf.execute('INSERT INTO "SCRATCH" VALUES (?), (?)', [1, 2]);
      expect(await sf.countRows('SCRATCH')).toBe(2n);
      await sf.execute('DROP TABLE "SCRATCH"');
      return sf;
    });
    await sf.close();
    await expect(sf.listTables()).rejects.toMatchObject({ code: 'SNOWFLAKE_CONNECTION_CLOSED' });
    await expect(sf.queryAll('SELECT 1')).rejects.toMatchObject({
      code: 'SNOWFLAKE_CONNECTION_CLOSED',
    });
  });
});
