// SPDX-License-Identifier: Apache-2.0
// The ranking head: scores (entity, item) pairs of the ranked table. An item is a learned
// embedding of its own plus a projection of its encoded columns, and a learned bias
// (popularity). The score adds to <entity, item> an identity-aware repeat term: the entity's
// past interactions with that very item (log count and recency, no later than the anchor),
// weighted by a per-entity and per-item propensity, since repeat purchases are common.
//
//   score(e, i) = <h_e, q_i> + b_i + log1p(n_ei) * (<h_e, u> + c + r_i) + w * recency_ei
//
// Training is a softmax over candidate items (all of them for small catalogs, else the batch's
// positives plus uniformly sampled negatives), one row per positive, the example's other
// positives masked out.
import { raise } from '../errors/index.js';
import type { Backend } from '../gnn/backend.js';
import { embedding } from '../gnn/graph-ops.js';
import { initValues } from '../gnn/init.js';
import { add, concat, matmul, mul } from '../gnn/ops.js';
import { Rng } from '../gnn/random.js';
import { full, parameter, tensor, type Tensor } from '../gnn/tensor.js';
import { embeddingBag, embeddingInit } from './hetero-sage.js';
import { subsetBag } from './extra-encoders.js';
import type { EncodedNodes } from './features.js';
import { pastItems, type InteractionHistory } from './history.js';

export interface RankingConfig {
  /** The ranked node type and its row count. */
  targetType: string;
  items: number;
  channels: number;
  /** The ranked table's encoded input: dense width and categorical bucket counts. */
  denseDim: number;
  buckets: number[];
  /** Rows of each bag table (text, then multicategorical); absent in older files. */
  bags?: number[];
  /** Recency feature exp(-(anchor - last interaction) / recencyMicros). */
  recencyMicros: number;
  /** Most candidate items per training step. */
  candidates: number;
}

/** Host features of (example, candidate) pairs, [examples, candidates] row-major each. */
export interface PairFeatures {
  count: Float32Array;
  recency: Float32Array;
}

/** Per-pair history features of examples (entity, time) against `candidates`. */
export function pairFeatures(
  history: InteractionHistory,
  entities: ArrayLike<number>,
  times: ArrayLike<bigint>,
  candidates: Int32Array,
  recencyMicros: number,
): PairFeatures {
  const b = entities.length;
  const c = candidates.length;
  const count = new Float32Array(b * c);
  const recency = new Float32Array(b * c);
  const column = new Map<number, number>();
  candidates.forEach((item, j) => column.set(item, j));
  for (let i = 0; i < b; i++) {
    const t = times[i]!;
    const past = pastItems(history, entities[i]!, t);
    for (const [item, n] of past.count) {
      const j = column.get(item);
      if (j === undefined) continue;
      count[i * c + j] = Math.log1p(n);
      recency[i * c + j] = Math.exp(-Number(t - past.last.get(item)!) / recencyMicros);
    }
  }
  return { count, recency };
}

/** Rows `ids` of encoded nodes (all rows of the type in `all`). */
export function subsetRows(all: EncodedNodes, ids: Int32Array, denseDim: number): EncodedNodes {
  const dense = new Float32Array(ids.length * denseDim);
  ids.forEach((id, r) =>
    dense.set(all.dense.subarray(id * denseDim, (id + 1) * denseDim), r * denseDim),
  );
  return {
    rows: ids.length,
    dense,
    categories: all.categories.map((c) => Int32Array.from(ids, (id) => c[id]!)),
    bags: all.bags.map((b) => subsetBag(b, ids)),
  };
}

export class RankingHead {
  /** Every parameter by name, in creation order. */
  readonly params = new Map<string, Tensor>();

  constructor(
    readonly backend: Backend,
    readonly config: RankingConfig,
    seed: number,
    values?: ReadonlyMap<string, Float32Array>,
  ) {
    const rng = new Rng(seed ^ 0x72616e6b);
    const d = config.channels;
    const weight = (name: string, rows: number, cols: number, init: () => Float32Array) => {
      let v = init();
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
    const glorot = (rows: number, cols: number) => () =>
      initValues('glorotUniform', rows, cols, rng);
    const constant = (n: number, value: number) => () => new Float32Array(n).fill(value);
    try {
      // Item embeddings: rows drawn like a [d, d] Glorot weight, whatever the catalog size.
      weight('rank.item.embedding', config.items, d, () => {
        const limit = Math.sqrt(3 / d);
        return Float32Array.from({ length: config.items * d }, () => rng.range(-limit, limit));
      });
      weight('rank.item.bias', config.items, 1, constant(config.items, 0));
      weight('rank.item.dense', config.denseDim, d, glorot(config.denseDim, d));
      config.buckets.forEach((b, j) => weight(`rank.item.cat${j}`, b, d, glorot(b, d)));
      config.bags?.forEach((b, j) =>
        weight(`rank.item.bag${j}`, b, d, () => embeddingInit(b, d, rng)),
      );
      weight('rank.repeat.entity', d, 1, constant(d, 0));
      weight('rank.repeat.bias', 1, 1, constant(1, 1));
      weight('rank.repeat.item', config.items, 1, constant(config.items, 0));
      weight('rank.recency', 1, 1, constant(1, 1));
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  private p(name: string): Tensor {
    return this.params.get(name)!;
  }

  /**
   * Scores [B, C] of entity embeddings `h` [B, channels] against `candidates` (item node ids),
   * whose encoded columns are `inputs` and pair features `pairs`.
   */
  scores(h: Tensor, candidates: Int32Array, inputs: EncodedNodes, pairs: PairFeatures): Tensor {
    const bk = this.backend;
    const b = h.rows;
    const c = candidates.length;
    const x = tensor(bk, inputs.dense, [c, this.config.denseDim]);
    let q = add(
      embedding(this.p('rank.item.embedding'), candidates),
      matmul(x, this.p('rank.item.dense')),
    );
    inputs.categories.forEach((ids, j) => {
      q = add(q, embedding(this.p(`rank.item.cat${j}`), ids));
    });
    inputs.bags.forEach((bag, j) => {
      q = add(q, embeddingBag(this.p(`rank.item.bag${j}`), bag));
    });
    const onesB = full(bk, [b, 1], 1);
    const onesC = full(bk, [c, 1], 1);
    const bias = embedding(this.p('rank.item.bias'), candidates);
    const affinity = matmul(concat([h, onesB]), concat([q, bias]), false, true);

    const entityRepeat = add(matmul(h, this.p('rank.repeat.entity')), this.p('rank.repeat.bias'));
    const itemRepeat = embedding(this.p('rank.repeat.item'), candidates);
    const propensity = matmul(
      concat([entityRepeat, onesB]),
      concat([onesC, itemRepeat]),
      false,
      true,
    );
    const repeat = mul(tensor(bk, pairs.count, [b, c]), propensity);
    const recency = mul(tensor(bk, pairs.recency, [b, c]), this.p('rank.recency'));
    return add(add(affinity, repeat), recency);
  }

  /** Host copies of every parameter. */
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
