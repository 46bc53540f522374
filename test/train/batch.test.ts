// SPDX-License-Identifier: Apache-2.0
// Batch assembly and the model's input: encoders fit only on rows visible at the cutoff, every
// sampled node is no later than its seed's anchor (the `last` strategy keeps the most recent),
// blocks are hop-aware (the last layer computes the seeds only) with in-range CSR arrays, and a
// batch holding no node of some type runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/gnn/backend.js';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { scope } from '../../src/gnn/tensor.js';
import { ColumnStore } from '../../src/store/column-store.js';
import { GraphStore } from '../../src/store/graph-store.js';
import { assembleBatch } from '../../src/train/batch.js';
import { RELATIVE_TIME_FEATURES } from '../../src/train/encoding.js';
import { fitEncoders } from '../../src/train/features.js';
import { HeteroSage, schemaOf } from '../../src/train/hetero-sage.js';
import { DAY, T0, shopDb } from './synthetic.js';

let backend: Backend;
beforeAll(() => {
  backend = createCpuBackend({ threads: 1 });
});
afterAll(() => backend?.close());

describe('feature encoders', () => {
  it('fit numerical and categorical statistics on rows visible at the cutoff only', async () => {
    const db = await shopDb('binary', { users: 60 });
    try {
      const times = db.graph.nodeTime('orders')!;
      for (const day of [30n, 200n]) {
        const cutoff = T0 + day * DAY;
        const enc = fitEncoders(db.graph, db.columns, cutoff).tables.get('orders')!;
        const visible = times.filter((t) => t <= cutoff).length;
        expect(visible).toBeLessThan(times.length);
        expect(enc.numerical.map((n) => [n.column, n.stats.count])).toEqual([['amount', visible]]);
        expect(enc.categorical[0]!.column).toBe('kind');
        expect(enc.denseDim).toBe(2 + RELATIVE_TIME_FEATURES);
      }
      // Static users: every row counts whatever the cutoff.
      const users = fitEncoders(db.graph, db.columns, T0).tables.get('users')!;
      expect(users.numerical[0]!.stats.count).toBe(60);
      expect(users.temporal).toBe(false);
    } finally {
      db.close();
    }
  });
});

describe('batch assembly', () => {
  it('samples no node later than its seed anchor and builds hop-aware blocks', async () => {
    const db = await shopDb('binary', { users: 80 });
    try {
      const enc = fitEncoders(db.graph, db.columns, T0 + 200n * DAY);
      const n = 50;
      const request = {
        seedType: 'users',
        entities: db.train.entities.subarray(0, n),
        times: BigInt64Array.from({ length: n }, (_, i) => T0 + BigInt(20 + 6 * i) * DAY),
        fanouts: [5, 3],
        randomSeed: 9,
      };
      const batch = await assembleBatch(db.graph, db.columns, enc, request);
      const orders = batch.sampled.nodes.orders!;
      expect(orders.ids.length).toBeGreaterThan(n);
      orders.time!.forEach((t, i) =>
        expect(t).toBeLessThanOrEqual(request.times[orders.batch[i]!]!),
      );
      // Relative time: orders carry an age, static users the flag.
      const o = batch.nodes.get('orders')!;
      const d = enc.tables.get('orders')!.denseDim;
      for (let i = 0; i < o.rows; i++) expect(o.dense[i * d + d - 1]).toBe(0);
      const u = batch.nodes.get('users')!;
      const du = enc.tables.get('users')!.denseDim;
      for (let i = 0; i < u.rows; i++) expect(u.dense[i * du + du - 1]).toBe(1);

      expect(batch.blocks.length).toBe(2);
      const [first, last] = batch.blocks;
      expect([...last!.targets]).toEqual([['users', n]]);
      expect(first!.targets.get('orders')).toBe(orders.perHop[0]! + orders.perHop[1]!);
      for (const [l, block] of batch.blocks.entries()) {
        for (const e of block.edges) {
          const rows = block.targets.get(e.dst)!;
          expect(e.rowptr.length).toBe(rows + 1);
          expect(e.rowptr[rows]).toBe(e.col.length);
          const srcRows = l === 0 ? batch.nodes.get(e.src)!.rows : first!.targets.get(e.src)!;
          for (const c of e.col) expect(c).toBeLessThan(srcRows);
        }
      }
    } finally {
      db.close();
    }
  });

  it("strategy last keeps each seed's most recent neighbours before its anchor", async () => {
    const db = await shopDb('binary', { users: 40 });
    try {
      const enc = fitEncoders(db.graph, db.columns, T0 + 200n * DAY);
      const n = 30;
      const base = {
        seedType: 'users',
        entities: db.train.entities.subarray(0, n),
        times: BigInt64Array.from({ length: n }, (_, i) => T0 + BigInt(40 + 5 * i) * DAY),
        randomSeed: 3,
      };
      // Per seed, the times of its sampled orders, latest first.
      const ordersBySeed = async (fanout: number, strategy: 'uniform' | 'last') => {
        const b = await assembleBatch(db.graph, db.columns, enc, {
          ...base,
          fanouts: [fanout],
          strategy,
        });
        const o = b.sampled.nodes.orders!;
        const out: bigint[][] = Array.from({ length: n }, () => []);
        o.time!.forEach((t, i) => out[o.batch[i]!]!.push(t));
        return out.map((ts) => ts.sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
      };
      const all = await ordersBySeed(-1, 'uniform');
      const last = await ordersBySeed(2, 'last');
      expect(all.some((ts) => ts.length > 2)).toBe(true);
      last.forEach((ts, i) => expect(ts).toEqual(all[i]!.slice(0, 2)));
    } finally {
      db.close();
    }
  });

  it('runs the model on a batch that holds no node of some type', async () => {
    const graph = await GraphStore.build({
      nodeTypes: [
        { name: 'users', count: 3 },
        { name: 'orders', count: 2, time: BigInt64Array.of(T0 + 10n * DAY, T0 + 20n * DAY) },
      ],
      edgeTypes: [
        {
          src: 'orders',
          relation: 'f2p_user',
          dst: 'users',
          srcIds: Int32Array.of(0, 1),
          dstIds: Int32Array.of(0, 0),
        },
        {
          src: 'users',
          relation: 'rev_f2p_user',
          dst: 'orders',
          srcIds: Int32Array.of(0, 0),
          dstIds: Int32Array.of(0, 1),
        },
      ],
    });
    const columns = ColumnStore.load([
      { nodeType: 'users', count: 3, columns: [] },
      {
        nodeType: 'orders',
        count: 2,
        columns: [{ name: 'amount', kind: 'float', values: Float32Array.of(1, 2) }],
      },
    ]);
    const encoders = fitEncoders(graph, columns, T0 + 30n * DAY);
    const net = new HeteroSage(
      backend,
      schemaOf(encoders, graph.edgeTypes, 'users'),
      { channels: 8, layers: 2, aggregation: 'mean', dropout: 0, outputs: 1 },
      1,
    );
    try {
      // Anchored before every order: the batch holds users only.
      const batch = await assembleBatch(graph, columns, encoders, {
        seedType: 'users',
        entities: Int32Array.of(0, 1, 2),
        times: BigInt64Array.of(T0, T0, T0),
        fanouts: [4, 4],
        randomSeed: 1,
      });
      expect(batch.nodes.has('orders')).toBe(false);
      const out = await scope(async () => {
        const y = net.forward(batch, true, 1);
        return { shape: [...y.shape], data: Array.from(await y.data()) };
      });
      expect(out.shape).toEqual([3, 1]);
      expect(out.data.every(Number.isFinite)).toBe(true);
    } finally {
      net.dispose();
      graph.close();
      columns.close();
    }
  });
});
