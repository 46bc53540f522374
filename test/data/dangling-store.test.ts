// SPDX-License-Identifier: Apache-2.0
// An edge type whose keys all dangle exists in the native graph store with zero edges in both
// directions, with its warning, while the rest of the graph loads and answers neighbor queries.
import { describe, expect, it } from 'vitest';
import { inferGraph } from '../../src/data/infer.js';
import { materialise } from '../../src/data/materialise.js';
import { loadStage } from '../../src/data/load-store.js';
import { withDb, withTempDir } from './helpers.js';

const JAN1 = 1577836800000000n;
const DAY = 86_400_000_000n;

describe('an all-dangling foreign key in the native store', () => {
  it('gives an empty edge type both ways and leaves the other edge types whole', async () => {
    await withDb(
      [
        `CREATE TABLE users (userId INTEGER)`,
        `INSERT INTO users VALUES (1), (2)`,
        `CREATE TABLE shops (shopId INTEGER)`,
        `INSERT INTO shops VALUES (100)`,
        `CREATE TABLE orders (orderId INTEGER, userId INTEGER, shopId INTEGER, placed TIMESTAMP)`,
        `INSERT INTO orders VALUES (1, 1, 5, '2020-01-01'), (2, 2, 6, '2020-01-02'), (3, 1, 7, '2020-01-03')`,
      ],
      async (db) => {
        await withTempDir(async (workspace) => {
          const { graph } = await inferGraph(db, {
            override: {
              tables: [
                {
                  name: 'orders',
                  foreignKeys: [
                    { column: 'userId', references: 'users' },
                    { column: 'shopId', references: 'shops' },
                  ],
                },
              ],
            },
          });
          const stage = await materialise(db, graph, { workspace });
          expect(stage.manifest.report.issues.map((i) => [i.code, i.column, i.count])).toEqual([
            ['FK_ALL_DANGLING', 'shopId', 3],
          ]);
          const loaded = await loadStage(stage, { threads: 1 });
          try {
            const store = loaded.graph;
            expect(Object.fromEntries(store.nodeTypes.map((n) => [n.name, n.count]))).toEqual({
              users: 2,
              orders: 3,
              shops: 1,
            });
            expect(Object.fromEntries(store.edgeTypes.map((e) => [e.name, e.numEdges]))).toEqual({
              orders__f2p_userId__users: 3,
              users__rev_f2p_userId__orders: 3,
              orders__f2p_shopId__shops: 0,
              shops__rev_f2p_shopId__orders: 0,
            });
            // Shop 100 (node 0) has no orders; no order has a shop.
            expect(Array.from(store.neighbors('orders__f2p_shopId__shops', 0).src)).toEqual([]);
            for (const order of [0, 1, 2]) {
              expect(store.neighbors('shops__rev_f2p_shopId__orders', order).src.length).toBe(0);
            }
            // User 1 (node 0) has orders 0 and 2, with their times; user 2 has order 1.
            const user1 = store.neighbors('orders__f2p_userId__users', 0);
            expect(Array.from(user1.src)).toEqual([0, 2]);
            expect(Array.from(user1.edgeTime!)).toEqual([JAN1, JAN1 + 2n * DAY]);
            expect(Array.from(store.neighbors('orders__f2p_userId__users', 1).src)).toEqual([1]);
            expect(Array.from(store.neighbors('users__rev_f2p_userId__orders', 2).src)).toEqual([
              0,
            ]);
          } finally {
            loaded.graph.close();
            loaded.columns.close();
          }
        });
      },
    );
  });
});
