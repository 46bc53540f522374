// SPDX-License-Identifier: Apache-2.0
// A generated shop for the set-valued tasks: users (static), products (static, a category) and
// orders (timed, a user and a product). Each user has a favourite category and three favourite
// products in it; an order is a favourite product (repeat purchase) half the time, another
// product of the favourite category 30%, and a product drawn by global popularity otherwise.
// Labels per (user, anchor) come from the orders of the window (anchor, anchor + 30 days]:
//   multiclass: the window's most ordered category (5 classes);
//   multilabel: the set of categories ordered (5 labels);
//   ranking:    the set of products ordered (node ids of products).
// Windows without orders give no example.
import { Rng } from '../../src/gnn/random.js';
import { ColumnStore } from '../../src/store/column-store.js';
import { GraphStore } from '../../src/store/graph-store.js';
import type { LabelSet } from '../../src/train/model.js';
import { DAY, T0 } from './synthetic.js';

export const CATEGORIES = 5;
export const CLASS_NAMES = ['toys', 'food', 'books', 'garden', 'tools'];

export interface TasteDb {
  graph: GraphStore;
  columns: ColumnStore;
  train: LabelSet;
  validation: LabelSet;
  test: LabelSet;
  products: number;
  window: bigint;
  close(): void;
}

type Task = 'multiclass' | 'multilabel' | 'ranking';

interface Example {
  user: number;
  day: number;
  split: number;
  items: number[];
}

function labelSet(rows: Example[], task: Task, category: (p: number) => number): LabelSet {
  const entities = Int32Array.from(rows, (r) => r.user);
  const times = BigInt64Array.from(rows, (r) => T0 + BigInt(r.day) * DAY);
  if (task === 'multiclass') {
    const labels = Float64Array.from(rows, (r) => {
      const counts = new Array<number>(CATEGORIES).fill(0);
      for (const p of r.items) counts[category(p)]!++;
      return counts.indexOf(Math.max(...counts));
    });
    return { entities, times, labels };
  }
  const sets = rows.map((r) =>
    [...new Set(task === 'ranking' ? r.items : r.items.map(category))].sort((a, b) => a - b),
  );
  const offsets = new Int32Array(rows.length + 1);
  sets.forEach((s, i) => (offsets[i + 1] = offsets[i]! + s.length));
  return {
    entities,
    times,
    labels: Float64Array.from(sets, (s) => s.length),
    lists: { offsets, items: Int32Array.from(sets.flat()) },
  };
}

export async function tasteDb(
  task: Task,
  options: { users?: number; products?: number; seed?: number; untilDay?: number } = {},
): Promise<TasteDb> {
  const users = options.users ?? 200;
  const products = options.products ?? 40;
  const rng = new Rng(options.seed ?? 3);
  const category = (p: number) => p % CATEGORIES;
  // Popularity: Zipf-like weights over a shuffled product order.
  const weights = Array.from({ length: products }, (_, r) => 1 / (r + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const popular = () => {
    let u = rng.uniform() * total;
    for (let p = 0; p < products; p++) if ((u -= weights[p]!) <= 0) return p;
    return products - 1;
  };
  const inCategory = (c: number) => c + CATEGORIES * rng.int(Math.floor(products / CATEGORIES));

  const orderUser: number[] = [];
  const orderProduct: number[] = [];
  const orderDay: number[] = [];
  const byUser: { day: number; product: number }[][] = [];
  for (let u = 0; u < users; u++) {
    const favourite = rng.int(CATEGORIES);
    const own = [inCategory(favourite), inCategory(favourite), inCategory(favourite)];
    const events: { day: number; product: number }[] = [];
    for (let day = rng.uniform() * 8; day < 360; day += 2 + rng.uniform() * 8) {
      const r = rng.uniform();
      const product = r < 0.5 ? own[rng.int(3)]! : r < 0.8 ? inCategory(favourite) : popular();
      events.push({ day, product });
      // A truncated database keeps the same labels but no order after untilDay.
      if (day > (options.untilDay ?? Infinity)) continue;
      orderUser.push(u);
      orderProduct.push(product);
      orderDay.push(day);
    }
    byUser.push(events);
  }

  const rows: Example[] = [];
  for (let day = 30; day <= 330; day += 30) {
    const split = day < 240 ? 0 : day < 300 ? 1 : 2;
    for (let u = 0; u < users; u++) {
      const items = byUser[u]!.filter((e) => e.day > day && e.day <= day + 30).map(
        (e) => e.product,
      );
      if (items.length > 0) rows.push({ user: u, day, split, items });
    }
  }

  const orders = orderUser.length;
  const ids = Int32Array.from({ length: orders }, (_, i) => i);
  const ou = Int32Array.from(orderUser);
  const op = Int32Array.from(orderProduct);
  const graph = await GraphStore.build(
    {
      nodeTypes: [
        { name: 'users', count: users },
        { name: 'products', count: products },
        {
          name: 'orders',
          count: orders,
          time: BigInt64Array.from(orderDay, (d) => T0 + BigInt(Math.round(d * 24)) * (DAY / 24n)),
        },
      ],
      edgeTypes: [
        { src: 'orders', relation: 'f2p_user', dst: 'users', srcIds: ids, dstIds: ou },
        { src: 'users', relation: 'rev_f2p_user', dst: 'orders', srcIds: ou, dstIds: ids },
        { src: 'orders', relation: 'f2p_product', dst: 'products', srcIds: ids, dstIds: op },
        { src: 'products', relation: 'rev_f2p_product', dst: 'orders', srcIds: op, dstIds: ids },
      ],
    },
    { threads: 1 },
  );
  const columns = ColumnStore.load([
    {
      nodeType: 'users',
      count: users,
      columns: [
        {
          name: 'age',
          kind: 'float',
          values: Float32Array.from({ length: users }, () => 20 + 40 * rng.uniform()),
        },
      ],
    },
    {
      nodeType: 'products',
      count: products,
      columns: [
        {
          name: 'category',
          kind: 'category',
          values: Int32Array.from({ length: products }, (_, p) => category(p)),
        },
        {
          name: 'price',
          kind: 'float',
          values: Float32Array.from({ length: products }, () => 5 + 50 * rng.uniform()),
        },
      ],
    },
    { nodeType: 'orders', count: orders, columns: [] },
  ]);
  const make = (split: number) =>
    labelSet(
      rows.filter((r) => r.split === split),
      task,
      category,
    );
  return {
    graph,
    columns,
    train: make(0),
    validation: make(1),
    test: make(2),
    products,
    window: 30n * DAY,
    close() {
      graph.close();
      columns.close();
    },
  };
}
