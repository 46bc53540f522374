// SPDX-License-Identifier: Apache-2.0
// The relational model: per node type input encoders (a linear map of the dense features, one
// embedding per categorical column, one embedding bag (its bucket vectors, averaged) per text
// and multicategorical column, a learned per-type vector), then a heterogeneous GraphSAGE
// stack (one neighbour / root weight pair per edge type, mean or sum aggregation, results summed
// across edge types, layer norm, ReLU, dropout), then an MLP head on the seeds.
//
// Parameters are named and created from a seeded generator, or from saved values (restoring the
// best epoch, loading a checkpoint).
import { raise } from '../errors/index.js';
import type { Backend } from '../gnn/backend.js';
import { embedding, gatherRows, segment } from '../gnn/graph-ops.js';
import { initValues } from '../gnn/init.js';
import { add, dropout, layerNorm, matmul, mul, relu } from '../gnn/ops.js';
import { Rng } from '../gnn/random.js';
import { indexTensor, parameter, tensor, type Tensor } from '../gnn/tensor.js';
import type { HostBatch } from './batch.js';
import { bagBuckets, type EncodedBag } from './extra-encoders.js';
import type { FeatureEncoders } from './features.js';

export interface ModelConfig {
  channels: number;
  layers: number;
  aggregation: 'mean' | 'sum';
  dropout: number;
  /** Outputs of the head: 1 (binary, regression), the classes, or the channels (ranking). */
  outputs: number;
}

export interface ModelSchema {
  seedType: string;
  /** `bags`: rows of each bag table (text, then multicategorical); absent in older files. */
  nodeTypes: { name: string; denseDim: number; buckets: number[]; bags?: number[] }[];
  edgeTypes: { name: string; src: string; dst: string }[];
}

/** The model's schema from fitted encoders and the store's edge types. */
export function schemaOf(
  encoders: FeatureEncoders,
  edgeTypes: readonly { name: string; src: string; dst: string }[],
  seedType: string,
): ModelSchema {
  return {
    seedType,
    nodeTypes: [...encoders.tables.values()].map((t) => ({
      name: t.nodeType,
      denseDim: t.denseDim,
      buckets: t.categorical.map((c) => c.stats.buckets),
      bags: bagBuckets(t),
    })),
    edgeTypes: edgeTypes.map((e) => ({ name: e.name, src: e.src, dst: e.dst })),
  };
}

const ranges = new Map<number, Int32Array>();
function prefixIndex(n: number): Int32Array {
  let r = ranges.get(n);
  if (r === undefined) {
    r = Int32Array.from({ length: n }, (_, i) => i);
    if (ranges.size < 64) ranges.set(n, r);
  }
  return r;
}

/**
 * An embedding bag: per row, the sum of its bucket vectors in `table` over the square root of
 * their count (the "sqrtn" combiner: the mean, scaled by sqrt(n), so a row's bag keeps the scale
 * of one vector whatever its length). It learns faster than the plain mean: on the planted-text
 * test 0.88 test AUROC after 8 epochs where the mean had 0.77.
 */
export function embeddingBag(table: Tensor, bag: EncodedBag): Tensor {
  const bk = table.backend;
  const rows = bag.rowptr.length - 1;
  const c = table.cols;
  // Only the distinct buckets are gathered (row-sparse gradient), then summed per row.
  const sums = segment('sum', embedding(table, bag.ids), {
    rowptr: indexTensor(bk, bag.rowptr),
    col: indexTensor(bk, bag.col),
    numGroups: rows,
  });
  const scale = new Float32Array(rows * c);
  for (let r = 0; r < rows; r++) {
    const n = bag.rowptr[r + 1]! - bag.rowptr[r]!;
    scale.fill(1 / Math.sqrt(n), r * c, (r + 1) * c);
  }
  return mul(sums, tensor(bk, scale, [rows, c]));
}

/** Host values of a [rows, cols] embedding table: uniform in +-sqrt(3 / cols) (variance 1/cols). */
export function embeddingInit(rows: number, cols: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(3 / cols);
  return Float32Array.from({ length: rows * cols }, () => rng.range(-limit, limit));
}

export class HeteroSage {
  /** Every parameter by name, in creation order (the order of checkpoints and the optimiser). */
  readonly params = new Map<string, Tensor>();

  constructor(
    readonly backend: Backend,
    readonly schema: ModelSchema,
    readonly config: ModelConfig,
    seed: number,
    values?: ReadonlyMap<string, Float32Array>,
  ) {
    const rng = new Rng(seed);
    const c = config.channels;
    const weight = (
      name: string,
      rows: number,
      cols: number,
      kind: 'glorot' | 'zeros' | 'ones' | 'embedding',
    ) => {
      let v: Float32Array;
      if (kind === 'glorot') v = initValues('glorotUniform', rows, cols, rng);
      else if (kind === 'embedding') v = embeddingInit(rows, cols, rng);
      else v = new Float32Array(rows * cols).fill(kind === 'ones' ? 1 : 0);
      const saved = values?.get(name);
      if (saved !== undefined && saved.length !== v.length) {
        raise('TRAIN_CHECKPOINT_TENSOR', {
          name,
          problem: `${saved.length} values where the model needs [${rows}, ${cols}]`,
        });
      }
      if (saved !== undefined) v = saved;
      this.params.set(name, parameter(backend, v, [rows, cols]));
    };
    try {
      for (const t of schema.nodeTypes) {
        weight(`in.${t.name}.dense`, t.denseDim, c, 'glorot');
        weight(`in.${t.name}.type`, 1, c, 'zeros');
        t.buckets.forEach((b, j) => weight(`in.${t.name}.cat${j}`, b, c, 'glorot'));
        // Not zeros: zero bags learn slowly (a plateau of several epochs on the planted tests).
        t.bags?.forEach((b, j) => weight(`in.${t.name}.bag${j}`, b, c, 'embedding'));
      }
      for (let l = 0; l < config.layers; l++) {
        for (const e of schema.edgeTypes) {
          weight(`conv${l}.${e.name}.neighbor`, c, c, 'glorot');
          weight(`conv${l}.${e.name}.root`, c, c, 'glorot');
        }
        for (const t of schema.nodeTypes) {
          if (!schema.edgeTypes.some((e) => e.dst === t.name))
            weight(`conv${l}.${t.name}.self`, c, c, 'glorot');
          weight(`conv${l}.${t.name}.bias`, 1, c, 'zeros');
          weight(`conv${l}.${t.name}.gamma`, 1, c, 'ones');
          weight(`conv${l}.${t.name}.beta`, 1, c, 'zeros');
        }
      }
      weight('head.w1', c, c, 'glorot');
      weight('head.b1', 1, c, 'zeros');
      weight('head.w2', c, config.outputs, 'glorot');
      weight('head.b2', 1, config.outputs, 'zeros');
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  private p(name: string): Tensor {
    return this.params.get(name)!;
  }

  /** Head outputs for the seeds, [numSeeds, outputs]. `dropoutSeed` varies per step. */
  forward(batch: HostBatch, training: boolean, dropoutSeed: number): Tensor {
    const bk = this.backend;
    let h = new Map<string, Tensor>();
    for (const t of this.schema.nodeTypes) {
      const enc = batch.nodes.get(t.name);
      if (enc === undefined || enc.rows === 0) continue;
      const x = tensor(bk, enc.dense, [enc.rows, t.denseDim]);
      let y = add(matmul(x, this.p(`in.${t.name}.dense`)), this.p(`in.${t.name}.type`));
      enc.categories.forEach((ids, j) => {
        y = add(y, embedding(this.p(`in.${t.name}.cat${j}`), ids));
      });
      enc.bags.forEach((bag, j) => {
        y = add(y, embeddingBag(this.p(`in.${t.name}.bag${j}`), bag));
      });
      h.set(t.name, y);
    }
    batch.blocks.forEach((block, l) => {
      const next = new Map<string, Tensor>();
      for (const [type, rows] of block.targets) {
        const prev = h.get(type);
        if (prev === undefined) continue;
        const self =
          rows === prev.rows ? prev : gatherRows(prev, indexTensor(bk, prefixIndex(rows)));
        let out: Tensor | null = null;
        const plus = (t: Tensor) => (out = out === null ? t : add(out, t));
        const inTypes = this.schema.edgeTypes.filter((e) => e.dst === type);
        if (inTypes.length === 0) plus(matmul(self, this.p(`conv${l}.${type}.self`)));
        for (const e of inTypes) {
          plus(matmul(self, this.p(`conv${l}.${e.name}.root`)));
          const edges = block.edges.find((b) => b.edgeType === e.name);
          const src = h.get(e.src);
          if (edges === undefined || src === undefined) continue;
          const agg = segment(this.config.aggregation, src, {
            rowptr: indexTensor(bk, edges.rowptr),
            col: indexTensor(bk, edges.col),
            numGroups: rows,
          });
          plus(matmul(agg, this.p(`conv${l}.${e.name}.neighbor`)));
        }
        let y = add(out!, this.p(`conv${l}.${type}.bias`));
        y = layerNorm(y, this.p(`conv${l}.${type}.gamma`), this.p(`conv${l}.${type}.beta`));
        y = relu(y);
        const seed = (dropoutSeed * 131 + l * 17 + next.size) >>> 0;
        next.set(type, dropout(y, this.config.dropout, seed, training));
      }
      h = next;
    });
    const seeds = h.get(this.schema.seedType)!;
    const z = relu(add(matmul(seeds, this.p('head.w1')), this.p('head.b1')));
    return add(matmul(z, this.p('head.w2')), this.p('head.b2'));
  }

  /** Host copies of every parameter (to restore the best epoch or save a checkpoint). */
  async snapshot(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [name, t] of this.params) out.set(name, Float32Array.from(await t.data()));
    return out;
  }

  dispose(): void {
    for (const t of this.params.values()) t.dispose();
    this.params.clear();
  }
}
