// SPDX-License-Identifier: Apache-2.0
// The heterogeneous GraphSAGE forward pass equals a plain float64 computation of its definition
// on a tiny temporal graph (input encoders, per edge type neighbour and root weights summed,
// mean or sum aggregation, layer norm, ReLU, the head), on the reference backend, for 1 and 2
// layers; a saved parameter of the wrong size is refused.
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/gnn/reference-backend.js';
import { liveTensors, scope } from '../../src/gnn/tensor.js';
import { ColumnStore } from '../../src/store/column-store.js';
import { GraphStore } from '../../src/store/graph-store.js';
import { assembleBatch, type HostBatch } from '../../src/train/batch.js';
import { fitEncoders } from '../../src/train/features.js';
import { HeteroSage, schemaOf, type ModelConfig } from '../../src/train/hetero-sage.js';
import { DAY, T0 } from './synthetic.js';

type M = number[][];
const mat = (v: Float32Array | number[], cols: number): M =>
  Array.from({ length: v.length / cols }, (_, r) => Array.from(v.slice(r * cols, (r + 1) * cols)));
const mm = (a: M, b: M): M =>
  a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));
const plus = (a: M, b: M): M => a.map((row, i) => row.map((x, j) => x + (b[i] ?? b[0]!)[j]!));

/** The model's definition, computed directly from its parameters and the batch's blocks. */
function expected(
  net: HeteroSage,
  p: Map<string, Float32Array>,
  batch: HostBatch,
  agg: 'mean' | 'sum',
): number[] {
  const c = net.config.channels;
  const w = (name: string, cols = c) => mat(p.get(name)!, cols);
  let h = new Map<string, M>();
  for (const t of net.schema.nodeTypes) {
    const enc = batch.nodes.get(t.name);
    if (enc === undefined) continue;
    h.set(
      t.name,
      plus(mm(mat(enc.dense, t.denseDim), w(`in.${t.name}.dense`)), w(`in.${t.name}.type`)),
    );
  }
  batch.blocks.forEach((block, l) => {
    const next = new Map<string, M>();
    for (const [type, rows] of block.targets) {
      const self = h.get(type)!.slice(0, rows);
      let out: M = Array.from({ length: rows }, () => [...p.get(`conv${l}.${type}.bias`)!]);
      for (const e of net.schema.edgeTypes.filter((x) => x.dst === type)) {
        out = plus(out, mm(self, w(`conv${l}.${e.name}.root`)));
        const edges = block.edges.find((b) => b.edgeType === e.name);
        if (edges === undefined) continue;
        const src = h.get(e.src)!;
        const a: M = Array.from({ length: rows }, (_, r) => {
          const from = edges.rowptr[r]!;
          const to = edges.rowptr[r + 1]!;
          const sum = Array.from({ length: c }, (_, j) => {
            let s = 0;
            for (let k = from; k < to; k++) s += src[edges.col[k]!]![j]!;
            return s;
          });
          return agg === 'mean' && to > from ? sum.map((x) => x / (to - from)) : sum;
        });
        out = plus(out, mm(a, w(`conv${l}.${e.name}.neighbor`)));
      }
      const gamma = p.get(`conv${l}.${type}.gamma`)!;
      const beta = p.get(`conv${l}.${type}.beta`)!;
      next.set(
        type,
        out.map((row) => {
          const mean = row.reduce((s, x) => s + x, 0) / c;
          const variance = row.reduce((s, x) => s + (x - mean) ** 2, 0) / c;
          return row.map((x, j) =>
            Math.max(0, ((x - mean) / Math.sqrt(variance + 1e-5)) * gamma[j]! + beta[j]!),
          );
        }),
      );
    }
    h = next;
  });
  const z = plus(mm(h.get('users')!, w('head.w1')), w('head.b1')).map((r) =>
    r.map((x) => Math.max(0, x)),
  );
  return plus(mm(z, w('head.w2', 1)), w('head.b2', 1)).map((r) => r[0]!);
}

async function tinyStores() {
  const graph = await GraphStore.build({
    nodeTypes: [
      { name: 'users', count: 2 },
      { name: 'orders', count: 3, time: BigInt64Array.of(T0 + DAY, T0 + 2n * DAY, T0 + 3n * DAY) },
    ],
    edgeTypes: [
      {
        src: 'orders',
        relation: 'f2p_user',
        dst: 'users',
        srcIds: Int32Array.of(0, 1, 2),
        dstIds: Int32Array.of(0, 0, 1),
      },
      {
        src: 'users',
        relation: 'rev_f2p_user',
        dst: 'orders',
        srcIds: Int32Array.of(0, 0, 1),
        dstIds: Int32Array.of(0, 1, 2),
      },
    ],
  });
  const columns = ColumnStore.load([
    {
      nodeType: 'users',
      count: 2,
      columns: [{ name: 'age', kind: 'float', values: Float32Array.of(30, 50) }],
    },
    {
      nodeType: 'orders',
      count: 3,
      columns: [{ name: 'amount', kind: 'float', values: Float32Array.of(1, 2, 4) }],
    },
  ]);
  return { graph, columns };
}

describe('heterogeneous GraphSAGE', () => {
  for (const [layers, agg] of [
    [1, 'mean'],
    [2, 'mean'],
    [2, 'sum'],
  ] as const) {
    it(`${layers} layer(s), ${agg} aggregation: equals the definition computed directly`, async () => {
      const backend = createReferenceBackend();
      const { graph, columns } = await tinyStores();
      const encoders = fitEncoders(graph, columns, T0 + 10n * DAY);
      const config: ModelConfig = { channels: 3, layers, aggregation: agg, dropout: 0, outputs: 1 };
      const net = new HeteroSage(backend, schemaOf(encoders, graph.edgeTypes, 'users'), config, 5);
      try {
        const batch = await assembleBatch(graph, columns, encoders, {
          seedType: 'users',
          entities: Int32Array.of(0, 1),
          times: BigInt64Array.of(T0 + 10n * DAY, T0 + 2n * DAY),
          fanouts: Array(layers).fill(-1),
          randomSeed: 0,
        });
        // Seed 1 at day 2 sees no order; seed 0 at day 10 sees orders 0 and 1.
        expect(batch.sampled.nodes.orders!.ids.length).toBe(2);
        const got = await scope(async () => Array.from(await net.forward(batch, false, 0).data()));
        const want = expected(net, await net.snapshot(), batch, agg);
        expect(got.length).toBe(2);
        got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 9));
      } finally {
        net.dispose();
        graph.close();
        columns.close();
        backend.close();
      }
    });
  }

  it('refuses saved parameters of the wrong size with TRAIN_CHECKPOINT_TENSOR, leaking nothing', async () => {
    const backend = createReferenceBackend();
    const { graph, columns } = await tinyStores();
    try {
      const encoders = fitEncoders(graph, columns, T0);
      const schema = schemaOf(encoders, graph.edgeTypes, 'users');
      const config: ModelConfig = {
        channels: 3,
        layers: 1,
        aggregation: 'sum',
        dropout: 0,
        outputs: 1,
      };
      const before = liveTensors();
      for (const size of [0, 8, 10]) {
        const values = new Map([['head.w2', new Float32Array(size)]]);
        expect(() => new HeteroSage(backend, schema, config, 1, values)).toThrow(
          expect.objectContaining({ code: 'TRAIN_CHECKPOINT_TENSOR' }),
        );
      }
      // The parameters made before the refusal are freed.
      expect(liveTensors()).toBe(before);
    } finally {
      graph.close();
      columns.close();
      backend.close();
    }
  });
});
