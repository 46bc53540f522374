// SPDX-License-Identifier: Apache-2.0
// The ranking head's interaction history: per entity, the items reached through a link table,
// sorted by time; at an anchor only interactions no later than it count (temporal rule), and
// the pair features of later interactions are zero.
import { describe, expect, it } from 'vitest';
import { GraphStore } from '../../src/store/graph-store.js';
import { buildHistory, pastItems } from '../../src/train/history.js';
import { pairFeatures } from '../../src/train/ranking.js';

const DAY = 86_400_000_000n;

describe('interaction history', () => {
  it("counts an entity's items no later than the anchor, through the link table", async () => {
    // Orders: (user, product, day): u0 buys p1 on days 1 and 5, p0 on day 9; u1 buys p2 on day 2.
    const orders = [
      [0, 1, 5],
      [1, 2, 2],
      [0, 0, 9],
      [0, 1, 1],
    ];
    const ids = Int32Array.from(orders, (_, i) => i);
    const users = Int32Array.from(orders, (o) => o[0]!);
    const products = Int32Array.from(orders, (o) => o[1]!);
    const graph = await GraphStore.build(
      {
        nodeTypes: [
          { name: 'users', count: 3 },
          { name: 'products', count: 3 },
          {
            name: 'orders',
            count: 4,
            time: BigInt64Array.from(orders, (o) => BigInt(o[2]!) * DAY),
          },
        ],
        edgeTypes: [
          { src: 'orders', relation: 'f2p_user', dst: 'users', srcIds: ids, dstIds: users },
          { src: 'users', relation: 'rev_f2p_user', dst: 'orders', srcIds: users, dstIds: ids },
          {
            src: 'orders',
            relation: 'f2p_product',
            dst: 'products',
            srcIds: ids,
            dstIds: products,
          },
          {
            src: 'products',
            relation: 'rev_f2p_product',
            dst: 'orders',
            srcIds: products,
            dstIds: ids,
          },
        ],
      },
      { threads: 1 },
    );
    try {
      const h = buildHistory(graph, 'users', 'products');
      expect(Array.from(h.rowptr)).toEqual([0, 3, 4, 4]);
      expect(Array.from(h.item)).toEqual([1, 1, 0, 2]);
      expect(Array.from(h.time)).toEqual([1n * DAY, 5n * DAY, 9n * DAY, 2n * DAY]);

      const at = (user: number, day: bigint) => pastItems(h, user, day * DAY).count;
      expect(at(0, 0n)).toEqual(new Map());
      expect(at(0, 5n)).toEqual(new Map([[1, 2]]));
      expect(at(0, 8n)).toEqual(new Map([[1, 2]]));
      expect(at(0, 9n)).toEqual(
        new Map([
          [1, 2],
          [0, 1],
        ]),
      );
      expect(at(2, 100n)).toEqual(new Map());

      const f = pairFeatures(
        h,
        [0, 0],
        [4n * DAY, 9n * DAY],
        Int32Array.from([0, 1, 2]),
        Number(DAY),
      );
      expect(Array.from(f.count)).toEqual([
        0,
        Math.fround(Math.log1p(1)),
        0,
        Math.fround(Math.log1p(1)),
        Math.fround(Math.log1p(2)),
        0,
      ]);
      expect(f.recency[1]).toBeCloseTo(Math.exp(-3), 6);
      expect(f.recency[3]).toBe(1);
      expect(f.recency[4]).toBeCloseTo(Math.exp(-4), 6);
    } finally {
      graph.close();
    }
  });
});
