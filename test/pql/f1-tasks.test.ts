// SPDX-License-Identifier: Apache-2.0
// The three rel-f1 entity tasks written as predictive queries reproduce RelBench's tables
// (relbench.md §4b, §5) on the raw Ergast data, with the explicit split protocol.
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { compilePlan, type PlanOptions, type QueryPlan } from '../../src/control/pql/plan.js';
import { timeRangeSql } from '../../src/control/pql/sql.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { formatTimestamp } from '../../src/control/pql/time.js';
import type { GraphDef } from '../../src/data/graph-def.js';
import { f1Graph, loadF1 } from './f1-db.js';
import { type Row, readTimeRange, runSql } from './duck.js';

const ts = (s: string) => parseTimestampText(s)!;

let instance: DuckDBInstance;
let conn: DuckDBConnection;
let graph: GraphDef;
let options: PlanOptions;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await loadF1(conn);
  graph = await f1Graph(conn);
  const timeRange = await readTimeRange(conn, timeRangeSql(graph, 'duckdb')!);
  options = {
    timeRange,
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

async function tables(plan: QueryPlan): Promise<{ train: Row[]; validation: Row[]; test: Row[] }> {
  const s = plan.splits!;
  return {
    train: await runSql(conn, s.train.sql),
    validation: await runSql(conn, s.validation.sql),
    test: await runSql(conn, s.test.sql),
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const mae = (rows: Row[], c: number) =>
  rows.reduce((a, r) => a + Math.abs((r.label as number) - c), 0) / rows.length;

describe('rel-f1 entity tasks as predictive queries', () => {
  it('data range matches RelBench db.min_timestamp / max_timestamp', () => {
    expect(formatTimestamp(options.timeRange!.start)).toBe('1950-05-13 00:00:00');
    expect(formatTimestamp(options.timeRange!.end)).toBe('2023-11-26 13:00:00');
  });

  it('driver-dnf: 702 test rows, with the RelBench stamps', async () => {
    const plan = compilePlan(
      `PREDICT COUNT(results.* WHERE results.statusId != 1, 0, 30, days) > 0
       FOR EACH drivers.driverId
       ASSUMING COUNT(results.*, 0, 30, days) > 0`,
      graph,
      options,
    );
    expect(plan.task.type).toBe('binary_classification');
    const s = plan.splits!;
    expect([s.train.count, s.validation.count, s.test.count]).toEqual([665, 40, 40]);
    expect(formatTimestamp(s.train.last!)).toBe('2004-12-02 00:00:00');
    expect(formatTimestamp(s.train.first!)).toBe('1950-05-20 00:00:00');
    expect(formatTimestamp(s.validation.last!)).toBe('2008-03-16 00:00:00');
    expect(formatTimestamp(s.test.last!)).toBe('2013-03-16 00:00:00');
    const t = await tables(plan);
    expect([t.train.length, t.validation.length, t.test.length]).toEqual([11411, 566, 702]);
    expect(t.test.filter((r) => r.label === 1).length).toBe(495);
  });

  it('driver-top3: 726 test rows', async () => {
    const plan = compilePlan(
      'PREDICT MIN(qualifying.position, 0, 30, days) <= 3 FOR EACH drivers.driverId',
      graph,
      options,
    );
    const t = await tables(plan);
    expect([t.train.length, t.validation.length, t.test.length]).toEqual([1353, 588, 726]);
  });

  it('driver-position: 760 test rows and the training-median baseline MAE', async () => {
    const plan = compilePlan(
      'PREDICT AVG(results.positionOrder, 0, 60, days) FOR EACH drivers.driverId',
      graph,
      options,
    );
    expect(plan.task.type).toBe('regression');
    const s = plan.splits!;
    expect([s.train.count, s.validation.count, s.test.count]).toEqual([332, 30, 40]);
    expect(plan.warnings.map((w) => w.code)).toContain('PQL_WINDOW_CLIPPED');
    const t = await tables(plan);
    expect([t.train.length, t.validation.length, t.test.length]).toEqual([7453, 499, 760]);
    // RelBench's GlobalMedian baseline: the median of train for validation, of train + val for
    // test (examples/baseline_entity.py refits on the train-val table before testing).
    const trainLabels = t.train.map((r) => r.label as number);
    const valLabels = t.validation.map((r) => r.label as number);
    expect(mae(t.validation, median(trainLabels))).toBeCloseTo(4.135571142284569, 10);
    expect(mae(t.test, median([...trainLabels, ...valLabels]))).toBeCloseTo(4.399100877192982, 10);
    expect(t.test.reduce((a, r) => a + (r.label as number), 0) / t.test.length).toBeCloseTo(
      11.926,
      3,
    );
  });
});
