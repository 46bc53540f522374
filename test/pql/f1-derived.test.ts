// SPDX-License-Identifier: Apache-2.0
// The rel-f1 tasks again, over the raw sources with time columns derived through the data
// engine's relations (races.date + races.time; the race time through raceId; qualifying a day
// earlier): the same RelBench tables come out.
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePlan, graphRelations, type PlanOptions } from '../../src/control/pql/plan.js';
import { timeRangeSql } from '../../src/control/pql/sql.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { formatTimestamp } from '../../src/control/pql/time.js';
import type { GraphDef } from '../../src/data/graph-def.js';
import { f1DerivedGraph, loadF1Sources } from './f1-db.js';
import { readTimeRange, runSql } from './duck.js';

const ts = (s: string) => parseTimestampText(s)!;
let instance: DuckDBInstance;
let conn: DuckDBConnection;
let graph: GraphDef;
let options: PlanOptions;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await loadF1Sources(conn);
  graph = await f1DerivedGraph(conn);
  const range = timeRangeSql(graph, 'duckdb', graphRelations(graph, 'duckdb'))!;
  options = {
    timeRange: await readTimeRange(conn, range),
    split: {
      kind: 'explicit',
      validationStart: ts('2005-01-01'),
      testStart: ts('2010-01-01'),
      evalAnchors: 40,
    },
  };
});

afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

describe('rel-f1 through derived time columns', () => {
  it('has the RelBench time range and test table sizes', async () => {
    expect(formatTimestamp(options.timeRange!.start)).toBe('1950-05-13 00:00:00');
    expect(formatTimestamp(options.timeRange!.end)).toBe('2023-11-26 13:00:00');
    const queries: [string, number][] = [
      [
        'PREDICT COUNT(results.* WHERE results.statusId != 1, 0, 30, days) > 0 FOR EACH drivers.driverId ASSUMING COUNT(results.*, 0, 30, days) > 0',
        702,
      ],
      ['PREDICT MIN(qualifying.position, 0, 30, days) <= 3 FOR EACH drivers.driverId', 726],
      ['PREDICT AVG(results.positionOrder, 0, 60, days) FOR EACH drivers.driverId', 760],
    ];
    for (const [query, rows] of queries) {
      const plan = compilePlan(query, graph, options);
      expect((await runSql(conn, plan.splits!.test.sql)).length).toBe(rows);
    }
  });
});
