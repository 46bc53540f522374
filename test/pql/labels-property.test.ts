// SPDX-License-Identifier: Apache-2.0
// Property: on random small databases, the compiled label SQL run on DuckDB and the brute-force
// row-loop calculator give identical label tables, for random queries covering every
// aggregation, operator, window, target filter, entity WHERE and ASSUMING combination.
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/control/pql/parser.js';
import { type AnchorSeries, anchorsOf } from '../../src/control/pql/splits.js';
import { type AnchorSource, compileLabelSql } from '../../src/control/pql/sql.js';
import { inferTask } from '../../src/control/pql/task.js';
import { validateQuery } from '../../src/control/pql/validate.js';
import { type LabelRow, type Value, bruteLabels } from './brute-labels.js';
import { type Row, runSql } from './duck.js';
import { DAY, T0, TOY_GRAPH, loadDb, randomDb, rng } from './random-db.js';
import { randomQuery, randomStaticQuery } from './random-query.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});

afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

function key(r: { entity_id: unknown; anchor_time: unknown; horizon?: unknown }): string {
  return `${String(r.anchor_time)}|${String(r.entity_id)}|${String(r.horizon ?? '')}`;
}

function same(a: Value | unknown, b: Value | unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => same(x, b[i]));
  return String(a) === String(b);
}

function compare(sqlRows: Row[], bruteRows: LabelRow[], query: string): void {
  const expected = new Map(bruteRows.map((r) => [key(r), r.label]));
  const got = new Map(sqlRows.map((r) => [key(r as unknown as LabelRow), r.label]));
  const missing = [...expected.keys()].filter((k) => !got.has(k));
  const extra = [...got.keys()].filter((k) => !expected.has(k));
  const wrong = [...expected.entries()].filter(([k, v]) => got.has(k) && !same(got.get(k), v));
  expect({ query, missing, extra, wrong: wrong.map(([k, v]) => [k, v, got.get(k)]) }).toEqual({
    query,
    missing: [],
    extra: [],
    wrong: [],
  });
}

const SERIES: AnchorSeries = {
  base: T0 + 5n * DAY,
  step: { n: 6, unit: 'days' },
  start: 0,
  count: 7,
};

async function check(seed: number, statics: boolean): Promise<void> {
  const r = rng(seed);
  const db = randomDb(r);
  await loadDb(conn, db);
  for (let q = 0; q < 6; q++) {
    const text = statics ? randomStaticQuery(r) : randomQuery(r);
    const v = validateQuery(parseQuery(text), TOY_GRAPH);
    const task = inferTask(v);
    const cutoff = !statics && r.chance(0.3) ? T0 + BigInt(r.int(20, 40)) * DAY : null;
    const anchors: AnchorSource = statics ? { kind: 'static' } : { kind: 'series', series: SERIES };
    const compiled = compileLabelSql({
      query: v,
      task,
      dialect: 'duckdb',
      anchors,
      cutoff,
      mode: 'label',
    });
    const sqlRows = await runSql(conn, compiled);
    const times = statics ? [null] : anchorsOf(SERIES);
    compare(sqlRows, bruteLabels(v, task, db, times, cutoff), text);
  }
}

describe('compiled label SQL equals the brute-force calculator', () => {
  it('on random temporal queries and databases', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => check(seed, false)),
      {
        numRuns: 25,
        seed: 20261203,
      },
    );
  });

  it('on random static queries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => check(seed, true)),
      {
        numRuns: 10,
        seed: 7,
      },
    );
  });

  it('the same anchors in SQL and in TypeScript, months included', async () => {
    const db = randomDb(rng(1));
    db.users = [
      { user_id: 1, country: null, age: null, created_at: T0 - 5000n * DAY, region_id: null },
    ];
    await loadDb(conn, db);
    const v = validateQuery(
      parseQuery('PREDICT COUNT(orders.*, 0, 1) FOR EACH users.user_id'),
      TOY_GRAPH,
    );
    for (const series of [
      SERIES,
      { base: T0 + 30n * DAY, step: { n: -1, unit: 'months' as const }, start: 2, count: 14 },
      { base: T0 - 400n * DAY + 1n, step: { n: 7, unit: 'months' as const }, start: 0, count: 9 },
      { base: T0 + 7n * DAY + 1n, step: { n: 90, unit: 'minutes' as const }, start: 1, count: 5 },
    ]) {
      const anchors: AnchorSource = { kind: 'series', series };
      const compiled = compileLabelSql({
        query: v,
        task: inferTask(v),
        dialect: 'duckdb',
        anchors,
        cutoff: null,
        mode: 'predict',
      });
      const rows = await runSql(conn, compiled);
      const sorted = (xs: bigint[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(sorted(rows.map((x) => x.anchor_time as bigint))).toEqual(sorted(anchorsOf(series)));
    }
  });
});
