// SPDX-License-Identifier: Apache-2.0
// Temporal correctness with planted leaks: rows later than the anchor never change the entity
// set, and rows later than the data cutoff never change training or validation labels.
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../src/control/pql/plan.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { runSql, withDuck } from './duck.js';
import { DAY, T0, TOY_GRAPH, loadDb, randomDb, rng } from './random-db.js';

const ts = (s: string) => parseTimestampText(s)!;

describe('temporal correctness', () => {
  it('the entity WHERE at the anchor ignores rows after the anchor', async () => {
    await withDuck(async (conn) => {
      const db = randomDb(rng(5));
      await loadDb(conn, db);
      const anchor = T0 + 20n * DAY;
      const plan = compilePlan(
        `PREDICT COUNT(orders.*, 0, 7, days) FOR EACH users.user_id
         WHERE COUNT(orders.*, -INF, 0) = 0 OR LAST(orders.status, -INF, 0, days) = 'open'`,
        TOY_GRAPH,
        { timeRange: { start: T0, end: T0 + 50n * DAY }, predictionAnchor: anchor },
      );
      const before = await runSql(conn, plan.prediction.sql);
      const future = db.users.map((u, i) => ({
        order_id: 1000 + i,
        user_id: u.user_id,
        item_id: 1,
        amount: 1,
        status: 'void',
        note: null,
        ts: anchor + 1n,
      }));
      await loadDb(conn, { ...db, orders: [...db.orders, ...future] });
      expect(await runSql(conn, plan.prediction.sql)).toEqual(before);
      const past = db.users.map((u, i) => ({
        order_id: 2000 + i,
        user_id: u.user_id,
        item_id: 1,
        amount: 1,
        status: 'void',
        note: null,
        ts: anchor,
      }));
      await loadDb(conn, { ...db, orders: [...db.orders, ...past] });
      expect(await runSql(conn, plan.prediction.sql)).not.toEqual(before);
    });
  });

  it('training and validation labels ignore rows after the data cutoff', async () => {
    await withDuck(async (conn) => {
      const db = randomDb(rng(11));
      await loadDb(conn, db);
      const cutoff = ts('2024-02-10');
      const plan = compilePlan(
        'PREDICT SUM(orders.amount, 0, 7, days) FOR EACH users.user_id',
        TOY_GRAPH,
        {
          timeRange: { start: T0, end: T0 + 60n * DAY },
          split: {
            kind: 'explicit',
            validationStart: ts('2024-02-01'),
            testStart: ts('2024-02-20'),
            evalAnchors: 3,
            cutoff,
          },
          allowPartialWindow: true,
        },
      );
      expect(plan.warnings.map((w) => w.code)).toContain('PQL_PARTIAL_WINDOW');
      const s = plan.splits!;
      const labels = async () => [
        await runSql(conn, s.train.sql),
        await runSql(conn, s.validation.sql),
      ];
      const before = await labels();
      const leak = db.users.map((u, i) => ({
        order_id: 3000 + i,
        user_id: u.user_id,
        item_id: 2,
        amount: 999,
        status: 'done',
        note: null,
        ts: cutoff + 1n,
      }));
      await loadDb(conn, { ...db, orders: [...db.orders, ...leak] });
      expect(await labels()).toEqual(before);
      // Without the early cutoff the same rows do reach the validation labels.
      const open = compilePlan(
        'PREDICT SUM(orders.amount, 0, 7, days) FOR EACH users.user_id',
        TOY_GRAPH,
        {
          timeRange: { start: T0, end: T0 + 60n * DAY },
          split: {
            kind: 'explicit',
            validationStart: ts('2024-02-01'),
            testStart: ts('2024-02-20'),
            evalAnchors: 3,
          },
        },
      );
      const val = await runSql(conn, open.splits!.validation.sql);
      expect(val.some((r) => (r.label as number) >= 999)).toBe(true);
    });
  });

  it('static queries split by entity time (earliest 80% train) and predict unlabelled entities', async () => {
    await withDuck(async (conn) => {
      const db = randomDb(rng(8));
      db.users = Array.from({ length: 20 }, (_, i) => ({
        user_id: i + 1,
        country: 'US',
        age: i % 5 === 0 ? null : 20 + i,
        created_at: T0 + BigInt(i) * DAY,
        region_id: 1,
      }));
      await loadDb(conn, db);
      const inspect = { requireTrainable: false };
      const plan = compilePlan('PREDICT users.age FOR EACH users.user_id', TOY_GRAPH, inspect);
      const rows = await runSql(conn, plan.staticLabels!);
      expect(rows).toHaveLength(16);
      const byId = rows
        .sort((a, b) => (a.entity_id as number) - (b.entity_id as number))
        .map((r) => r.split);
      expect(byId.slice(0, 12).every((s) => s === 'train')).toBe(true);
      expect(byId.at(-1)).toBe('test');
      expect(new Set(byId)).toEqual(new Set(['train', 'validation', 'test']));
      const predict = await runSql(conn, plan.prediction.sql);
      expect(predict.map((r) => r.entity_id)).toEqual([1, 6, 11, 16]);
      const binary = compilePlan(
        'PREDICT users.age > 30 FOR EACH users.user_id',
        TOY_GRAPH,
        inspect,
      );
      expect(await runSql(conn, binary.staticLabels!)).toHaveLength(20);
      // no entity time: a stable hash bucket of the key
      const hashed = compilePlan(
        'PREDICT regions.pop FOR EACH regions.region_id',
        TOY_GRAPH,
        inspect,
      );
      const split = await runSql(conn, hashed.staticLabels!);
      expect(split).toHaveLength(2);
      for (const r of split) expect(['train', 'validation', 'test']).toContain(r.split);
      expect(await runSql(conn, hashed.staticLabels!)).toEqual(split);
    });
  });

  it('ASSUMING filters labelled rows but is taken as true at prediction; explicit ids narrow it', async () => {
    await withDuck(async (conn) => {
      const db = randomDb(rng(21));
      db.users = db.users.map((u) => ({ ...u, created_at: T0 }));
      await loadDb(conn, db);
      const timeRange = { start: T0, end: T0 + 60n * DAY };
      const query =
        'PREDICT COUNT(orders.*, 0, 7, days) FOR EACH users.user_id ASSUMING COUNT(visits.*, 0, 7) >= 1000';
      const plan = compilePlan(query, TOY_GRAPH, { timeRange });
      expect(await runSql(conn, plan.splits!.train.sql)).toEqual([]);
      const all = await runSql(conn, plan.prediction.sql);
      expect(all.map((r) => r.entity_id)).toEqual(db.users.map((u) => u.user_id));
      const some = compilePlan(
        query.replace('FOR EACH users.user_id', 'FOR users.user_id IN (1, 3)'),
        TOY_GRAPH,
        { timeRange },
      );
      expect((await runSql(conn, some.prediction.sql)).map((r) => r.entity_id)).toEqual([1, 3]);
      expect(await runSql(conn, some.splits!.test.sql)).toEqual([]);
    });
  });
});
