// SPDX-License-Identifier: Apache-2.0
// Small generated relational databases with planted signal, built straight into the native graph
// store and column store (times in microseconds, as the data engine loads them).
//
// shop: users (static; a noise number and a noise category) and their orders (timed; amount,
// kind). Each user has a hidden propensity p; order amounts are drawn around p, so a user's
// past orders reveal it. Labels at an anchor: binary p + noise > 0, regression 10 + 3 p + noise.
//
// leak: users without features and one `outcome` row per (user, anchor) whose value equals that
// anchor's label, a fair coin. The row is timed one day after the anchor (`leak`: never visible
// when predicting, so nothing can be learned) or one day before it (`visible`: learnable).
import { Rng } from '../../src/gnn/random.js';
import { ColumnStore } from '../../src/store/column-store.js';
import { GraphStore } from '../../src/store/graph-store.js';
import type { LabelSet } from '../../src/train/trainer.js';

export const DAY = 86_400_000_000n;
export const T0 = 1_577_836_800_000_000n; // 2020-01-01

export interface SyntheticDb {
  graph: GraphStore;
  columns: ColumnStore;
  train: LabelSet;
  validation: LabelSet;
  test: LabelSet;
  /** Anchor to window end. */
  window: bigint;
  close(): void;
}

/** Anchor days per split: every `step` days; train before 240, validation before 300. */
function anchorDays(step: number, last: number): { day: number; split: 0 | 1 | 2 }[] {
  const out: { day: number; split: 0 | 1 | 2 }[] = [];
  for (let day = step; day <= last; day += step) {
    out.push({ day, split: day < 240 ? 0 : day < 300 ? 1 : 2 });
  }
  return out;
}

function labelSets(rows: { user: number; day: number; split: number; label: number }[]) {
  const make = (split: number): LabelSet => {
    const r = rows.filter((x) => x.split === split);
    return {
      entities: Int32Array.from(r, (x) => x.user),
      times: BigInt64Array.from(r, (x) => T0 + BigInt(x.day) * DAY),
      labels: Float64Array.from(r, (x) => x.label),
    };
  };
  return { train: make(0), validation: make(1), test: make(2) };
}

function fk(child: string, parent: string, src: Int32Array, dst: Int32Array) {
  return [
    { src: child, relation: 'f2p_user', dst: parent, srcIds: src, dstIds: dst },
    { src: parent, relation: 'rev_f2p_user', dst: child, srcIds: dst, dstIds: src },
  ];
}

export async function shopDb(
  task: 'binary' | 'regression',
  options: { users?: number; seed?: number } = {},
): Promise<SyntheticDb> {
  const users = options.users ?? 240;
  const rng = new Rng(options.seed ?? 1);
  const p = Array.from({ length: users }, () => rng.normal());
  const orderUser: number[] = [];
  const orderTime: bigint[] = [];
  const amount: number[] = [];
  const kind: number[] = [];
  for (let u = 0; u < users; u++) {
    const n = 6 + rng.int(10);
    for (let k = 0; k < n; k++) {
      orderUser.push(u);
      orderTime.push(T0 + BigInt(rng.int(360 * 24)) * (DAY / 24n));
      amount.push(50 + 20 * (p[u]! + 0.8 * rng.normal()));
      kind.push(rng.int(4));
    }
  }
  const rows: { user: number; day: number; split: number; label: number }[] = [];
  for (const { day, split } of anchorDays(60, 360)) {
    for (let u = 0; u < users; u++) {
      const noisy = p[u]! + 0.3 * rng.normal();
      rows.push({
        user: u,
        day,
        split,
        label: task === 'binary' ? (noisy > 0 ? 1 : 0) : 10 + 3 * noisy,
      });
    }
  }
  const src = Int32Array.from(orderUser.keys());
  const dst = Int32Array.from(orderUser);
  const graph = await GraphStore.build(
    {
      nodeTypes: [
        { name: 'users', count: users },
        { name: 'orders', count: orderUser.length, time: BigInt64Array.from(orderTime) },
      ],
      edgeTypes: fk('orders', 'users', src, dst),
    },
    { threads: 1 },
  );
  const columns = ColumnStore.load([
    {
      nodeType: 'users',
      count: users,
      columns: [
        { name: 'age', kind: 'float', values: Float32Array.from(p, () => 20 + 40 * rng.uniform()) },
        { name: 'segment', kind: 'category', values: Int32Array.from(p, () => rng.int(5)) },
      ],
    },
    {
      nodeType: 'orders',
      count: orderUser.length,
      columns: [
        { name: 'amount', kind: 'float', values: Float32Array.from(amount) },
        { name: 'kind', kind: 'category', values: Int32Array.from(kind) },
      ],
    },
  ]);
  return {
    graph,
    columns,
    ...labelSets(rows),
    window: 30n * DAY,
    close() {
      graph.close();
      columns.close();
    },
  };
}

/** The temporal leak database; `visible` times each outcome row before its anchor instead. */
export async function leakDb(
  mode: 'leak' | 'visible',
  options: { users?: number; seed?: number } = {},
): Promise<SyntheticDb> {
  const users = options.users ?? 160;
  const rng = new Rng(options.seed ?? 2);
  const rows: { user: number; day: number; split: number; label: number }[] = [];
  const outUser: number[] = [];
  const outTime: bigint[] = [];
  const value: number[] = [];
  for (const { day, split } of anchorDays(30, 360)) {
    for (let u = 0; u < users; u++) {
      const label = rng.int(2);
      rows.push({ user: u, day, split, label });
      outUser.push(u);
      outTime.push(T0 + BigInt(day) * DAY + (mode === 'leak' ? DAY : -DAY));
      value.push(label);
    }
  }
  const src = Int32Array.from(outUser.keys());
  const dst = Int32Array.from(outUser);
  const graph = await GraphStore.build(
    {
      nodeTypes: [
        { name: 'users', count: users },
        { name: 'outcome', count: outUser.length, time: BigInt64Array.from(outTime) },
      ],
      edgeTypes: fk('outcome', 'users', src, dst),
    },
    { threads: 1 },
  );
  const columns = ColumnStore.load([
    { nodeType: 'users', count: users, columns: [] },
    {
      nodeType: 'outcome',
      count: outUser.length,
      columns: [{ name: 'value', kind: 'float', values: Float32Array.from(value) }],
    },
  ]);
  return {
    graph,
    columns,
    ...labelSets(rows),
    window: 30n * DAY,
    close() {
      graph.close();
      columns.close();
    },
  };
}
