// SPDX-License-Identifier: Apache-2.0
// readTimeRange through the Connector contract, here a minimal DuckDB-backed connector built in
// the test (the data engine's own connector is tested by its owner).
import { describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Connector, ResultChunk, ResultColumn, SqlValue } from '../../src/data/connector.js';
import { readTimeRange } from '../../src/control/pql/time-range.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { runSql, withDuck } from './duck.js';
import { T0, DAY, TOY_GRAPH, loadDb, randomDb, rng } from './random-db.js';

function connectorOver(conn: DuckDBConnection): Connector {
  const queryAll = async (sql: string, params: SqlValue[] = []): Promise<ResultChunk> => {
    const rows = await runSql(conn, { sql, params, columns: [] });
    const names = rows.length === 0 ? [] : Object.keys(rows[0]);
    const columns: ResultColumn[] = names.map((name) => {
      const values = rows.map((r) => r[name]);
      if (typeof values[0] === 'string') {
        const dictionary = [...new Set(values as string[])];
        return {
          name,
          kind: 'string',
          codes: Int32Array.from(values.map((v) => dictionary.indexOf(v as string))),
          dictionary,
          valid: null,
        };
      }
      const valid = Uint8Array.from(values.map((v) => (v === null ? 0 : 1)));
      return {
        name,
        kind: 'bigint',
        values: BigInt64Array.from(values.map((v) => BigInt((v as number | bigint | null) ?? 0))),
        valid,
      };
    });
    return { rows: rows.length, columns };
  };
  const none = () => Promise.reject(new Error('not used'));
  return {
    dialect: 'duckdb',
    listTables: none,
    describe: none,
    countRows: none,
    query: none as never,
    queryAll,
    execute: none,
    close: async () => {},
  };
}

describe('readTimeRange', () => {
  it('gives the overall and per-table min and max of the time columns', async () => {
    await withDuck(async (conn) => {
      const db = randomDb(rng(3));
      db.orders = db.orders.map((o) => ({ ...o, ts: T0 + DAY }));
      db.orders[0].ts = T0 + 40n * DAY + 1n;
      db.visits = [];
      db.users = db.users.map((u) => ({
        ...u,
        created_at: parseTimestampText('2023-12-31 23:00')!,
      }));
      await loadDb(conn, db);
      const range = await readTimeRange(connectorOver(conn), TOY_GRAPH);
      expect(range).toEqual({
        start: parseTimestampText('2023-12-31 23:00'),
        end: T0 + 40n * DAY + 1n,
        tables: {
          users: {
            start: parseTimestampText('2023-12-31 23:00'),
            end: parseTimestampText('2023-12-31 23:00'),
          },
          orders: { start: T0 + DAY, end: T0 + 40n * DAY + 1n },
        },
      });
    });
  });
});
