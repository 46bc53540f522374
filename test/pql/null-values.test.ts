// NULL values of the aggregated column never take part in FIRST, LAST or LIST_DISTINCT, so DuckDB
// (whose list() and first() keep NULLs) and Snowflake (whose ARRAY_AGG drops them) agree.
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../src/control/pql/plan.js';
import { runSql, withDuck } from './duck.js';
import { DAY, T0, TOY_GRAPH, loadDb } from './random-db.js';

const order = (id: number, status: string | null, itemId: number | null, day: bigint) => ({
  order_id: id,
  user_id: 1,
  item_id: itemId,
  amount: 1,
  status,
  note: null,
  ts: T0 + day * DAY,
});

const db = {
  users: [{ user_id: 1, country: 'US', age: 30, created_at: T0, region_id: null }],
  regions: [],
  profiles: [],
  items: [1, 2].map((id) => ({ item_id: id, category: 'food' })),
  // The earliest and latest orders in the window carry NULLs.
  orders: [
    order(1, null, null, 2n),
    order(2, 'open', 2, 3n),
    order(3, 'done', 1, 4n),
    order(4, null, null, 5n),
  ],
  visits: [],
};

async function rows(
  query: string,
  split: 'prediction' | 'train',
): Promise<Record<string, unknown>[]> {
  return withDuck(async (conn) => {
    await loadDb(conn, db);
    const plan = compilePlan(query, TOY_GRAPH, {
      timeRange: { start: T0, end: T0 + 30n * DAY },
      predictionAnchor: T0 + 10n * DAY,
    });
    return runSql(conn, split === 'prediction' ? plan.prediction.sql : plan.splits!.train.sql);
  });
}

describe('NULL values in aggregated columns', () => {
  it.each([
    "FIRST(orders.status, -INF, 0, days) = 'open'",
    "LAST(orders.status, -INF, 0, days) = 'done'",
  ])('are skipped by %s at the anchor', async (condition) => {
    const query = `PREDICT COUNT(orders.*, 0, 7, days) FOR EACH users.user_id WHERE ${condition}`;
    expect(await rows(query, 'prediction')).toHaveLength(1);
  });

  it('never appear in LIST_DISTINCT labels', async () => {
    const query =
      'PREDICT LIST_DISTINCT(orders.item_id, 0, 10, days) RANK TOP 2 FOR EACH users.user_id';
    const labels = (await rows(query, 'train')).map((r) => r.label);
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) expect(label).not.toContain(null);
    expect(labels).toContainEqual([1, 2]);
  });
});
