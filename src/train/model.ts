// SPDX-License-Identifier: Apache-2.0
// A trained model bound to its stores, and the label shapes it learns from. Predictions per
// task: a probability (binary), a value (regression), class probabilities and the most probable
// class (multiclass), per-label probabilities (multilabel), the top k items of the ranked table
// with their scores (ranking).
import { raise } from '../errors/index.js';
import { scope } from '../gnn/tensor.js';
import type { ColumnStore } from '../store/column-store.js';
import type { GraphStore } from '../store/graph-store.js';
import { assembleBatch, type BatchSampler, type HostBatch } from './batch.js';
import type { ExtraColumns } from './extra-columns.js';
import { encodeNodes, type EncodedNodes, type FeatureEncoders } from './features.js';
import type { HeteroSage } from './hetero-sage.js';
import { buildHistory, type InteractionHistory } from './history.js';
import { pairFeatures, subsetRows, type RankingHead } from './ranking.js';

export type TaskKind = 'binary' | 'regression' | 'multiclass' | 'multilabel' | 'ranking';

/** Sets per example, CSR: example i's set is items[offsets[i] .. offsets[i + 1]]. */
export interface LabelLists {
  offsets: Int32Array;
  items: Int32Array;
}

/**
 * Labelled examples: entity node ids of the seed type, anchor times (microseconds), labels.
 * labels[i] is 0/1 (binary), a value (regression), a class index (multiclass), or the size of
 * the example's set (multilabel, ranking), whose members are in `lists`: class indices
 * (multilabel) or node ids of the ranked table (ranking).
 */
export interface LabelSet {
  entities: Int32Array;
  times: BigInt64Array;
  labels: Float64Array;
  lists?: LabelLists;
}

/** The k best classes or items per example, row-major [examples, k], best first; -1 pads. */
export interface TopK {
  k: number;
  items: Int32Array;
  scores: Float64Array;
}

/** Ranking state: the head, the interaction history and the ranked table's encoded rows. */
export interface RankingState {
  targetType: string;
  head: RankingHead;
  /** k of the validation metric (MAP@k). */
  k: number;
  history: InteractionHistory;
  items: EncodedNodes;
  /** Row times of the ranked table (null: static); an item is a candidate once visible. */
  itemTime: BigInt64Array | null;
}

/** What a task adds to the network: the class vocabulary, or the ranking head. */
export interface TaskHead {
  /** Multiclass and multilabel: the label value of each class index. */
  classes?: readonly string[];
  ranking?: RankingState;
}

const EVAL_SAMPLER_SEED = 0x5eed;
const ITEM_CHUNK = 4096;

/** The ranking state of `head` on the given stores (history and item inputs are rebuilt). */
export function rankingState(
  graph: GraphStore,
  columns: ColumnStore,
  encoders: FeatureEncoders,
  seedType: string,
  head: RankingHead,
  k: number,
  extra?: ExtraColumns,
): RankingState {
  const targetType = head.config.targetType;
  const count = graph.nodeType(targetType).count;
  const itemTime = graph.nodeTime(targetType);
  const ids = Int32Array.from({ length: count }, (_, i) => i);
  // Item columns are encoded once, relative to the encoders' cutoff (fixed, so no anchor leaks).
  const reference = new BigInt64Array(count).fill(encoders.cutoff);
  const enc = encoders.tables.get(targetType)!;
  const table = extra?.tables.get(targetType);
  const items = encodeNodes(enc, columns, ids, itemTime, reference, table);
  return {
    targetType,
    head,
    k,
    history: buildHistory(graph, seedType, targetType),
    items,
    itemTime,
  };
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** Inserts (item, score) into a row's top list kept sorted by descending score. */
function offer(
  items: Int32Array,
  scores: Float64Array,
  at: number,
  k: number,
  item: number,
  s: number,
) {
  if (s <= scores[at + k - 1]!) return;
  let j = k - 1;
  while (j > 0 && scores[at + j - 1]! < s) {
    scores[at + j] = scores[at + j - 1]!;
    items[at + j] = items[at + j - 1]!;
    j--;
  }
  scores[at + j] = s;
  items[at + j] = item;
}

export class TrainedModel {
  constructor(
    readonly graph: GraphStore,
    readonly columns: ColumnStore,
    readonly encoders: FeatureEncoders,
    readonly net: HeteroSage,
    readonly task: TaskKind,
    readonly fanouts: readonly number[],
    /** Regression: labels are standardised with these, and predictions clamped to clamp. */
    readonly target: { mean: number; std: number; clamp: [number, number] },
    readonly batchSize: number,
    readonly visibleUntil?: bigint,
    readonly head: TaskHead = {},
    /** How the sampler picks temporal neighbours (see SampleOptions.strategy). */
    readonly strategy: 'uniform' | 'last' = 'uniform',
    /** The text, multicategorical and embedding columns the encoders read (readExtraColumns). */
    readonly extra?: ExtraColumns,
  ) {}

  /**
   * Where evaluation batches are sampled (see TrainOptions.sampler); absent, in this thread's
   * addon. Unset it before closing the pool it names.
   */
  sampler?: BatchSampler;

  /** Classes of a multiclass or multilabel model (0 otherwise). */
  get numClasses(): number {
    return this.head.classes?.length ?? 0;
  }

  private visible(t: bigint): bigint {
    return this.visibleUntil !== undefined && this.visibleUntil < t ? this.visibleUntil : t;
  }

  /**
   * Runs `fn` on each evaluation batch of `set` (no dropout). Sampling draws from streams keyed
   * by (entity, anchor time), so an entity's prediction does not depend on which other entities
   * share its batch or request.
   */
  private async eachBatch(
    set: Pick<LabelSet, 'entities' | 'times'>,
    fn: (batch: HostBatch, start: number, end: number) => Promise<void>,
  ): Promise<void> {
    const n = set.entities.length;
    const fetch = (start: number): Promise<HostBatch> => {
      const end = Math.min(n, start + this.batchSize);
      const request = {
        seedType: this.net.schema.seedType,
        // Copies: a pool's worker receives these by structured clone, which copies a view's
        // whole buffer.
        entities: set.entities.slice(start, end),
        times: set.times.slice(start, end),
        fanouts: this.fanouts,
        randomSeed: EVAL_SAMPLER_SEED,
        streams: 'seed' as const,
        visibleUntil: this.visibleUntil,
        strategy: this.strategy,
      };
      const p = assembleBatch(
        this.graph,
        this.columns,
        this.encoders,
        request,
        this.extra,
        this.sampler,
      );
      p.catch(() => undefined); // observed when its turn comes
      return p;
    };
    // The next batch is sampled and encoded while this one computes.
    let next = n > 0 ? fetch(0) : null;
    for (let start = 0; start < n; start += this.batchSize) {
      const batch = await next!;
      next = start + this.batchSize < n ? fetch(start + this.batchSize) : null;
      await fn(batch, start, Math.min(n, start + this.batchSize));
    }
  }

  /** Raw head outputs, row-major [examples, outputs]. */
  private async outputs(set: Pick<LabelSet, 'entities' | 'times'>): Promise<Float64Array> {
    const width = this.net.config.outputs;
    const out = new Float64Array(set.entities.length * width);
    await this.eachBatch(set, async (batch, start) => {
      const values = await scope(async () => this.net.forward(batch, false, 0).data());
      out.set(values, start * width);
    });
    return out;
  }

  /**
   * One value per example: the probability (binary), the value (regression), the most probable
   * class index (multiclass). Multilabel: per-label probabilities, row-major [examples, classes]
   * (as predictProba). Ranking models answer predictTop instead.
   */
  async predict(set: Pick<LabelSet, 'entities' | 'times'>): Promise<Float64Array> {
    if (this.task === 'ranking')
      raise('TRAIN_WRONG_TASK', { method: 'predict', task: this.task, instead: 'predictTop' });
    if (this.task === 'multiclass') {
      const { classes, values } = await this.predictProba(set);
      const out = new Float64Array(set.entities.length);
      for (let i = 0; i < out.length; i++) {
        let best = 0;
        for (let c = 1; c < classes; c++)
          if (values[i * classes + c]! > values[i * classes + best]!) best = c;
        out[i] = best;
      }
      return out;
    }
    if (this.task === 'multilabel') return (await this.predictProba(set)).values;
    const raw = await this.outputs(set);
    if (this.task === 'binary') return raw.map(sigmoid);
    const [lo, hi] = this.target.clamp;
    return raw.map((v) => Math.min(hi, Math.max(lo, v * this.target.std + this.target.mean)));
  }

  /**
   * Probabilities, row-major [examples, classes]: the softmax over classes (multiclass), one
   * independent probability per label (multilabel), the positive probability (binary, 1 class).
   */
  async predictProba(
    set: Pick<LabelSet, 'entities' | 'times'>,
  ): Promise<{ classes: number; values: Float64Array }> {
    if (this.task === 'regression' || this.task === 'ranking') {
      const instead = this.task === 'ranking' ? 'predictTop' : 'predict';
      raise('TRAIN_WRONG_TASK', { method: 'predictProba', task: this.task, instead });
    }
    const raw = await this.outputs(set);
    const classes = this.net.config.outputs;
    if (this.task !== 'multiclass') return { classes, values: raw.map(sigmoid) };
    for (let i = 0; i < set.entities.length; i++) {
      const row = raw.subarray(i * classes, (i + 1) * classes);
      const max = Math.max(...row);
      let total = 0;
      for (let c = 0; c < classes; c++) total += row[c] = Math.exp(row[c]! - max);
      for (let c = 0; c < classes; c++) row[c]! /= total;
    }
    return { classes, values: raw };
  }

  /**
   * The k best per example, best first: items of the ranked table by score (ranking; items
   * not yet visible at the anchor are never proposed), or classes by probability (multiclass,
   * multilabel). Rows with fewer candidates than k are padded with item -1, score -Infinity.
   */
  async predictTop(set: Pick<LabelSet, 'entities' | 'times'>, k: number): Promise<TopK> {
    if (!(Number.isInteger(k) && k >= 1))
      raise('TRAIN_BAD_OPTION', { option: 'k', expected: 'a positive integer', value: String(k) });
    const n = set.entities.length;
    const items = new Int32Array(n * k).fill(-1);
    const scores = new Float64Array(n * k).fill(-Infinity);
    if (this.task === 'multiclass' || this.task === 'multilabel') {
      const { classes, values } = await this.predictProba(set);
      for (let i = 0; i < n; i++)
        for (let c = 0; c < classes; c++)
          offer(items, scores, i * k, k, c, values[i * classes + c]!);
      return { k, items, scores };
    }
    const rk = this.head.ranking;
    if (this.task !== 'ranking' || rk === undefined)
      raise('TRAIN_WRONG_TASK', { method: 'predictTop', task: this.task, instead: 'predict' });
    const count = rk.items.rows;
    const recency = rk.head.config.recencyMicros;
    await this.eachBatch(set, async (batch, start, end) => {
      const entities = set.entities.subarray(start, end);
      const times = Array.from(set.times.subarray(start, end), (t) => this.visible(t));
      await scope(async () => {
        const h = this.net.forward(batch, false, 0);
        for (let s = 0; s < count; s += ITEM_CHUNK) {
          const ids = Int32Array.from({ length: Math.min(ITEM_CHUNK, count - s) }, (_, j) => s + j);
          const inputs =
            ids.length === count ? rk.items : subsetRows(rk.items, ids, rk.head.config.denseDim);
          const pairs = pairFeatures(rk.history, entities, times, ids, recency);
          const values = await scope(async () => rk.head.scores(h, ids, inputs, pairs).data());
          for (let i = 0; i < end - start; i++) {
            for (let j = 0; j < ids.length; j++) {
              if (rk.itemTime !== null && rk.itemTime[ids[j]!]! > times[i]!) continue;
              offer(items, scores, (start + i) * k, k, ids[j]!, values[i * ids.length + j]!);
            }
          }
        }
      });
    });
    return { k, items, scores };
  }

  dispose(): void {
    this.net.dispose();
    this.head.ranking?.head.dispose();
  }
}
