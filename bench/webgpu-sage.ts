// SPDX-License-Identifier: Apache-2.0
// One GraphSAGE training step written directly against the Backend contract, so the benchmark
// can time it on any backend: two mean-aggregation layers 128 -> 128 (root weight, bias, ReLU
// between), a linear head on the seeds, binary cross-entropy with logits, Adam. Layer 1 runs
// only for the seeds and their hop-1 neighbours, layer 2 only for the seeds (each layer computes
// the nodes the next one needs). Batch rows: seeds, then hop-1, then hop-2 nodes.
import type { AdamParams, Backend, Storage } from '../src/gnn/backend.js';
import { Rng } from '../src/gnn/random.js';

export interface SageBatchShape {
  seeds: number;
  /** Hop-1 nodes (targets of layer 1 besides the seeds). */
  hop1: number;
  /** Hop-2 nodes (inputs only). */
  hop2: number;
  /** Sampled edges seed <- hop-1 and hop-1 <- hop-2. */
  edges1: number;
  edges2: number;
  dim: number;
}

/** A batch on the host: features, two CSR blocks and labels. */
export interface SageBatch {
  shape: SageBatchShape;
  x: Float32Array;
  /** Layer 1: groups are seeds + hop-1 (rows [0, seeds + hop1)), col indexes batch rows. */
  rowptr1: Int32Array;
  col1: Int32Array;
  /** Layer 2: groups are the seeds, col indexes layer-1 rows. */
  rowptr2: Int32Array;
  col2: Int32Array;
  labels: Float32Array;
}

/** Spreads `edges` over `groups` nearly evenly, each edge pointing into [lo, hi). */
function block(groups: number, edges: number, lo: number, hi: number, rng: Rng) {
  const rowptr = new Int32Array(groups + 1);
  for (let g = 0; g < groups; g++) rowptr[g + 1] = Math.round(((g + 1) * edges) / groups);
  const col = Int32Array.from({ length: edges }, () => lo + rng.int(hi - lo));
  return { rowptr, col };
}

export function makeSageBatch(shape: SageBatchShape, seed = 1): SageBatch {
  const rng = new Rng(seed);
  const { seeds, hop1, hop2, dim } = shape;
  const rows = seeds + hop1 + hop2;
  const x = Float32Array.from({ length: rows * dim }, () => rng.range(-1, 1));
  // Layer-1 groups: seeds read hop-1 rows; hop-1 nodes read hop-2 rows.
  const a = block(seeds, shape.edges1, seeds, seeds + hop1, rng);
  const b = block(hop1, shape.edges2, seeds + hop1, rows, rng);
  const rowptr1 = new Int32Array(seeds + hop1 + 1);
  rowptr1.set(a.rowptr);
  for (let g = 1; g <= hop1; g++) rowptr1[seeds + g] = shape.edges1 + b.rowptr[g];
  const col1 = new Int32Array(shape.edges1 + shape.edges2);
  col1.set(a.col);
  col1.set(b.col, shape.edges1);
  const labels = Float32Array.from({ length: seeds }, () => (rng.uniform() < 0.3 ? 1 : 0));
  return { shape, x, rowptr1, col1, rowptr2: a.rowptr, col2: a.col, labels };
}

const PARAMS = ['wn1', 'wr1', 'b1', 'wn2', 'wr2', 'b2', 'wh', 'bh'] as const;
type ParamName = (typeof PARAMS)[number];

/** Model parameters and Adam state on one backend. */
export class SageModel {
  readonly p = {} as Record<ParamName, Storage>;
  readonly m = {} as Record<ParamName, Storage>;
  readonly v = {} as Record<ParamName, Storage>;
  step = 0;

  constructor(
    private readonly b: Backend,
    readonly dim: number,
    seed = 7,
  ) {
    const rng = new Rng(seed);
    const sizes: Record<ParamName, number> = {
      wn1: dim * dim,
      wr1: dim * dim,
      b1: dim,
      wn2: dim * dim,
      wr2: dim * dim,
      b2: dim,
      wh: dim,
      bh: 1,
    };
    const bound = Math.sqrt(6 / (2 * dim));
    for (const name of PARAMS) {
      const init = Float32Array.from({ length: sizes[name] }, () =>
        name.startsWith('b') ? 0 : rng.range(-bound, bound),
      );
      this.p[name] = b.upload(init, 'float32');
      this.m[name] = b.zeros(sizes[name], 'float32');
      this.v[name] = b.zeros(sizes[name], 'float32');
    }
  }

  close(): void {
    for (const name of PARAMS) [this.p, this.m, this.v].forEach((t) => this.b.release(t[name]));
  }
}

/** The batch uploaded to one backend. */
export function uploadBatch(b: Backend, batch: SageBatch): Record<string, Storage> {
  const { seeds, hop1 } = batch.shape;
  const iota = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  return {
    // Rows each layer's root term reads: the first seeds + hop1 rows, then the seeds.
    rootRows1: b.upload(iota(seeds + hop1), 'int32'),
    rootRows2: b.upload(iota(seeds), 'int32'),
    x: b.upload(batch.x, 'float32'),
    rowptr1: b.upload(batch.rowptr1, 'int32'),
    col1: b.upload(batch.col1, 'int32'),
    rowptr2: b.upload(batch.rowptr2, 'int32'),
    col2: b.upload(batch.col2, 'int32'),
    labels: b.upload(batch.labels, 'float32'),
  };
}

/** Forward, backward and Adam; returns the mean loss storage (caller releases it). */
export function sageTrainStep(
  b: Backend,
  model: SageModel,
  shape: SageBatchShape,
  t: Record<string, Storage>,
): Storage {
  const tmp: Storage[] = [];
  const k = (s: Storage) => (tmp.push(s), s);
  const { seeds: s, dim: d } = shape;
  const t1 = s + shape.hop1;
  const p = model.p;

  // Layer 1 over seeds + hop-1; the root term takes the first t1 rows of x.
  const xRoot = k(b.gatherRows(t.x, d, t.rootRows1, shape.seeds + shape.hop1 + shape.hop2));
  const agg1 = k(b.segmentReduce('mean', t.x, d, t.rowptr1, t.col1, t1).y);
  const n1 = k(b.matmul(agg1, [t1, d], false, p.wn1, [d, d], false));
  const r1 = k(b.matmul(xRoot, [t1, d], false, p.wr1, [d, d], false));
  const pre1 = k(b.binary('add', k(b.binary('add', n1, r1, t1, d)), p.b1, t1, d));
  const h1 = k(b.unary('relu', pre1));

  // Layer 2 over the seeds, then the head.
  const h1Root = k(b.gatherRows(h1, d, t.rootRows2, t1));
  const agg2 = k(b.segmentReduce('mean', h1, d, t.rowptr2, t.col2, s).y);
  const n2 = k(b.matmul(agg2, [s, d], false, p.wn2, [d, d], false));
  const r2 = k(b.matmul(h1Root, [s, d], false, p.wr2, [d, d], false));
  const h2 = k(b.binary('add', k(b.binary('add', n2, r2, s, d)), p.b2, s, d));
  const logits = k(
    b.binary('add', k(b.matmul(h2, [s, d], false, p.wh, [d, 1], false)), p.bh, s, 1),
  );
  const loss = b.scale(k(b.sumAll(k(b.loss('bceLogits', logits, t.labels, 1)))), 1 / s);

  // Backward.
  const dlogits = k(b.lossBackward('bceLogits', logits, t.labels, 1, k(b.fill(s, 1 / s))));
  const grads: Partial<Record<ParamName, Storage>> = {};
  grads.wh = k(b.matmul(h2, [s, d], true, dlogits, [s, 1], false));
  grads.bh = k(b.sumRows(dlogits, s, 1));
  const dh2 = k(b.matmul(dlogits, [s, 1], false, p.wh, [d, 1], true));
  grads.b2 = k(b.sumRows(dh2, s, d));
  grads.wn2 = k(b.matmul(agg2, [s, d], true, dh2, [s, d], false));
  grads.wr2 = k(b.matmul(h1Root, [s, d], true, dh2, [s, d], false));
  const dagg2 = k(b.matmul(dh2, [s, d], false, p.wn2, [d, d], true));
  const droot2 = k(b.matmul(dh2, [s, d], false, p.wr2, [d, d], true));
  const dh1Agg = k(b.segmentReduceBackward('mean', dagg2, d, t.rowptr2, t.col2, s, null, t1));
  const seedRows = k(
    b.upload(
      Int32Array.from({ length: s }, (_, i) => i),
      'int32',
    ),
  );
  const dh1 = k(b.binary('add', dh1Agg, k(b.scatterAddRows(droot2, d, seedRows, t1)), t1, d));
  const dpre1 = k(b.unaryBackward('relu', pre1, h1, dh1));
  grads.b1 = k(b.sumRows(dpre1, t1, d));
  grads.wn1 = k(b.matmul(agg1, [t1, d], true, dpre1, [t1, d], false));
  grads.wr1 = k(b.matmul(xRoot, [t1, d], true, dpre1, [t1, d], false));

  model.step++;
  const adam: AdamParams = {
    lr: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0,
    decoupled: false,
    step: model.step,
  };
  for (const name of PARAMS) b.adamStep(p[name], grads[name]!, model.m[name], model.v[name], adam);
  for (const x of tmp) b.release(x);
  return loss;
}
