// SPDX-License-Identifier: Apache-2.0
// The training loop: mini-batches of (entity, anchor time, label) from the training table,
// sampled and encoded per batch, Adam, early stopping on the validation metric with the best
// epoch's weights restored. Seeded: the same seed gives the same loss curve (shuffling, sampling,
// dropout and initialisation all derive from it). Tasks: binary, regression, multiclass,
// multilabel and ranking (tasks.ts holds their losses and validation metrics).
import { backward } from '../gnn/autograd.js';
import type { Backend } from '../gnn/backend.js';
import { Adam } from '../gnn/optim.js';
import { Rng } from '../gnn/random.js';
import { scope } from '../gnn/tensor.js';
import { raise } from '../errors/index.js';
import type { ColumnStore } from '../store/column-store.js';
import type { GraphStore } from '../store/graph-store.js';
import { assembleBatch, type BatchSampler, type HostBatch } from './batch.js';
import type { ExtraColumns } from './extra-columns.js';
import { bagBuckets } from './extra-encoders.js';
import { fitEncoders } from './features.js';
import { HeteroSage, schemaOf, type ModelConfig } from './hetero-sage.js';
import {
  rankingState,
  TrainedModel,
  type LabelSet,
  type RankingState,
  type TaskHead,
  type TaskKind,
} from './model.js';
import { RankingHead, type RankingConfig } from './ranking.js';
import { METRIC, stepLoss, validationScore, type MetricName } from './tasks.js';

export {
  TrainedModel,
  type LabelLists,
  type LabelSet,
  type TaskHead,
  type TaskKind,
  type TopK,
} from './model.js';

export interface TrainOptions {
  backend: Backend;
  task: TaskKind;
  /** Node type of the entities. */
  seedType: string;
  /** Neighbours per hop; its length is the number of layers (default [10, 10]). */
  fanouts?: number[];
  batchSize?: number;
  epochs?: number;
  lr?: number;
  channels?: number;
  /** Neighbour aggregation (default sum, as RelBench's GraphSAGE: it keeps counts). */
  aggregation?: 'mean' | 'sum';
  dropout?: number;
  seed?: number;
  /**
   * Temporal neighbour choice of the sampler: `last` (default) keeps the most recent rows before
   * the anchor (an entity's recent form), `uniform` draws among all of them (RelBench).
   */
  strategy?: 'uniform' | 'last';
  /** Epochs without improvement of the validation metric before stopping (default 3). */
  patience?: number;
  /** Regression loss (default l1, as RelBench). */
  regressionLoss?: 'l1' | 'mse';
  /** Encoder statistics cutoff (default: the latest training anchor time). */
  cutoff?: bigint;
  /** Sample no row later than this, whatever the anchor (see BatchRequest.visibleUntil). */
  visibleUntil?: bigint;
  /**
   * Multiclass and multilabel: the label value of each class index (queryLabels returns it).
   * Default: the indices themselves, as many as the largest index seen plus one.
   */
  classes?: readonly string[];
  /** Ranking: the node type whose rows are ranked (lists hold its node ids). */
  targetType?: string;
  /** Ranking: k of the validation metric MAP@k (default 10). */
  k?: number;
  /** Ranking: most candidate items per training step (default 1024; all for smaller catalogs). */
  candidates?: number;
  /** Ranking: time scale of the recency of past interactions, days (default 30). */
  recencyDays?: number;
  /**
   * Text, multicategorical and embedding columns (readExtraColumns of the stage): encoded as
   * embedding bags and projections. Absent: the model sees the column store's columns only.
   */
  extra?: ExtraColumns;
  /**
   * Where batches are sampled: a SamplerPool over a saved copy of `graph` samples in worker
   * threads; absent, this thread's addon samples (off the event loop). Either gives the same
   * batches, so the same model.
   */
  sampler?: BatchSampler;
  /** Training batches sampled and encoded ahead of the one computing (default 2). */
  prefetch?: number;
  onProgress?: (p: Progress) => void;
}

export interface Progress {
  epoch: number;
  step: number;
  steps: number;
  loss: number;
  /**
   * Validation metric after the epoch's last step (step === steps); null inside an epoch, and
   * when the metric is undefined on the validation window (AUROC with a single class).
   */
  validation: number | null;
  metric: MetricName;
  seconds: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  /** Null when undefined on the validation window (AUROC with a single class). */
  validation: number | null;
  seconds: number;
  /**
   * Of `seconds`, the time the training steps waited for their batch to be sampled and encoded
   * (near 0 when the prefetched batches keep up with the compute backend).
   */
  waitSeconds: number;
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function targetScaling(task: TaskKind, labels: Float64Array): TrainedModel['target'] {
  if (task !== 'regression') return { mean: 0, std: 1, clamp: [0, 1] };
  let mean = 0;
  for (const v of labels) mean += v;
  mean /= labels.length;
  let sq = 0;
  for (const v of labels) sq += (v - mean) ** 2;
  const std = Math.sqrt(sq / Math.max(1, labels.length - 1)) || 1;
  const sorted = Float64Array.from(labels).sort();
  // RelBench clamps regression predictions to the 2nd and 98th percentiles of training labels.
  return { mean, std, clamp: [quantile(sorted, 0.02), quantile(sorted, 0.98)] };
}

function checkSet(name: string, set: LabelSet, task: TaskKind, width: number): void {
  const n = set.entities.length;
  const bad = (problem: string): never => raise('TRAIN_BAD_LABELS', { split: name, problem });
  if (n === 0) bad('no examples');
  if (set.times.length !== n || set.labels.length !== n)
    bad(`${n} entities, ${set.times.length} times and ${set.labels.length} labels`);
  if (task === 'multiclass') {
    for (const y of set.labels) {
      if (!(Number.isInteger(y) && y >= 0 && y < width))
        bad(`label ${y} is not a class index in [0, ${width})`);
    }
  }
  if (task !== 'multilabel' && task !== 'ranking') return;
  const lists = set.lists;
  if (lists === undefined)
    return bad(`a ${task} label set needs lists (the positive set per example)`);
  if (
    lists.offsets.length !== n + 1 ||
    lists.offsets[0] !== 0 ||
    lists.offsets[n] !== lists.items.length
  )
    bad(`lists.offsets must hold ${n + 1} offsets from 0 to ${lists.items.length}`);
  const what = task === 'ranking' ? 'item node id' : 'class index';
  for (const item of lists.items) {
    if (!(item >= 0 && item < width)) bad(`list member ${item} is not a ${what} in [0, ${width})`);
  }
}

function checkOptions(o: TrainOptions, graph: GraphStore): void {
  const bad = (option: string, expected: string, value: unknown): never =>
    raise('TRAIN_BAD_OPTION', { option, expected, value: JSON.stringify(value) ?? String(value) });
  const positive = (option: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1))
      bad(option, 'a positive integer', value);
  };
  if (!(o.task in METRIC))
    bad('task', "'binary', 'regression', 'multiclass', 'multilabel' or 'ranking'", o.task);
  const types = graph.nodeTypes.map((t) => t.name);
  if (!types.includes(o.seedType)) bad('seedType', `a node type (${types.join(', ')})`, o.seedType);
  if (o.task === 'ranking' && (o.targetType === undefined || !types.includes(o.targetType)))
    bad('targetType', `the ranked node type (${types.join(', ')})`, o.targetType);
  if (o.fanouts !== undefined) {
    const ok =
      o.fanouts.length >= 1 && o.fanouts.every((k) => Number.isInteger(k) && k >= -1 && k !== 0);
    if (!ok) bad('fanouts', 'one or more hops of -1 (all) or a positive count', o.fanouts);
  }
  positive('batchSize', o.batchSize);
  positive('epochs', o.epochs);
  positive('channels', o.channels);
  positive('patience', o.patience);
  positive('k', o.k);
  positive('candidates', o.candidates);
  positive('prefetch', o.prefetch);
  if (o.lr !== undefined && !(o.lr > 0 && Number.isFinite(o.lr)))
    bad('lr', 'a positive number', o.lr);
  if (o.recencyDays !== undefined && !(o.recencyDays > 0 && Number.isFinite(o.recencyDays)))
    bad('recencyDays', 'a positive number', o.recencyDays);
  if (o.dropout !== undefined && !(o.dropout >= 0 && o.dropout < 1))
    bad('dropout', 'a probability in [0, 1)', o.dropout);
  if (o.aggregation !== undefined && o.aggregation !== 'mean' && o.aggregation !== 'sum')
    bad('aggregation', "'mean' or 'sum'", o.aggregation);
  if (
    o.classes !== undefined &&
    (o.classes.length < 2 || new Set(o.classes).size !== o.classes.length)
  )
    bad('classes', 'two or more distinct class values', o.classes);
}

/**
 * The output bias a new model starts from: the training labels' log-odds (binary, per label for
 * multilabel) or log class frequencies (multiclass), so that the first predictions are the base
 * rates rather than 0.5. Without it a short run on imbalanced labels predicts near 0.5 for every
 * entity, and accuracy or F1 at the 0.5 threshold fall below the majority baseline.
 */
export function priorBias(task: TaskKind, set: LabelSet, width: number): Float32Array | undefined {
  const n = set.labels.length;
  if (n === 0) return undefined;
  // Smoothed so that a class absent from training gets a finite, low bias.
  const logit = (count: number) => Math.log((count + 0.5) / (n - count + 0.5));
  if (task === 'binary') {
    let positive = 0;
    for (const y of set.labels) if (y > 0.5) positive++;
    return Float32Array.of(logit(positive));
  }
  if (task === 'multiclass') {
    const counts = new Float64Array(width);
    for (const y of set.labels) if (y >= 0 && y < width) counts[y]!++;
    const logs = Array.from(counts, (c) => Math.log((c + 0.5) / (n + 0.5 * width)));
    const mean = logs.reduce((a, b) => a + b, 0) / width;
    return Float32Array.from(logs, (v) => v - mean);
  }
  if (task === 'multilabel' && set.lists !== undefined) {
    const counts = new Float64Array(width);
    const { offsets, items } = set.lists;
    for (let i = 0; i < n; i++) {
      const seen = new Set<number>();
      for (let j = offsets[i]!; j < offsets[i + 1]!; j++) seen.add(items[j]!);
      for (const c of seen) if (c >= 0 && c < width) counts[c]!++;
    }
    return Float32Array.from(counts, logit);
  }
  return undefined;
}

/** The class vocabulary: given, or the indices up to the largest one in the label sets. */
function vocabulary(o: TrainOptions, sets: LabelSet[]): string[] | undefined {
  if (o.task !== 'multiclass' && o.task !== 'multilabel') return undefined;
  if (o.classes !== undefined) return [...o.classes];
  let max = 1;
  for (const set of sets) {
    const values = o.task === 'multiclass' ? set.labels : (set.lists?.items ?? []);
    for (const v of values) if (Number.isInteger(v) && v > max) max = v;
  }
  return Array.from({ length: max + 1 }, (_, i) => String(i));
}

/** Trains a model; returns it with the best epoch's weights, and the epoch history. */
export async function train(
  graph: GraphStore,
  columns: ColumnStore,
  splits: { train: LabelSet; validation: LabelSet },
  options: TrainOptions,
): Promise<{
  model: TrainedModel;
  history: EpochRecord[];
  bestEpoch: number;
  /** The best epoch's selection score: the metric, higher is better (regression: -MAE). */
  bestScore: number;
}> {
  checkOptions(options, graph);
  const task = options.task;
  const classes = vocabulary(options, [splits.train, splits.validation]);
  const width =
    task === 'ranking' ? graph.nodeType(options.targetType!).count : (classes?.length ?? 1);
  checkSet('train', splits.train, task, width);
  checkSet('validation', splits.validation, task, width);
  const seed = options.seed ?? 0;
  const fanouts = options.fanouts ?? [10, 10];
  const batchSize = options.batchSize ?? 512;
  const epochs = options.epochs ?? 10;
  const patience = options.patience ?? 3;
  const channels = options.channels ?? 64;
  const prefetch = options.prefetch ?? 2;
  const { train: tr } = splits;
  let cutoff = options.cutoff;
  if (cutoff === undefined) {
    cutoff = tr.times[0]!;
    for (const t of tr.times) if (t > cutoff) cutoff = t;
  }
  const extra = options.extra;
  const encoders = fitEncoders(graph, columns, cutoff, { extra });
  const config: ModelConfig = {
    channels,
    layers: fanouts.length,
    aggregation: options.aggregation ?? 'sum',
    dropout: options.dropout ?? 0.1,
    outputs: task === 'ranking' ? channels : task === 'binary' || task === 'regression' ? 1 : width,
  };
  const schema = schemaOf(encoders, graph.edgeTypes, options.seedType);
  const target = targetScaling(task, tr.labels);
  let rankingConfig: RankingConfig | undefined;
  if (task === 'ranking') {
    const enc = encoders.tables.get(options.targetType!)!;
    rankingConfig = {
      targetType: options.targetType!,
      items: width,
      channels,
      denseDim: enc.denseDim,
      buckets: enc.categorical.map((c) => c.stats.buckets),
      bags: bagBuckets(enc),
      recencyMicros: (options.recencyDays ?? 30) * 86_400_000_000,
      candidates: options.candidates ?? 1024,
    };
  }
  const k = options.k ?? 10;
  let shared: RankingState | undefined;
  const build = (values?: {
    net: Map<string, Float32Array>;
    rank: Map<string, Float32Array> | null;
  }): TrainedModel => {
    const net = new HeteroSage(options.backend, schema, config, seed, values?.net);
    const head: TaskHead = classes === undefined ? {} : { classes };
    if (rankingConfig !== undefined) {
      let ranker: RankingHead;
      try {
        ranker = new RankingHead(options.backend, rankingConfig, seed, values?.rank ?? undefined);
      } catch (err) {
        net.dispose();
        throw err;
      }
      // The history and item inputs do not depend on the weights: built once, shared.
      shared ??= rankingState(graph, columns, encoders, options.seedType, ranker, k, extra);
      head.ranking = { ...shared, head: ranker };
    }
    const trained = new TrainedModel(
      graph,
      columns,
      encoders,
      net,
      task,
      fanouts,
      target,
      batchSize,
      options.visibleUntil,
      head,
      options.strategy ?? 'last',
      extra,
    );
    trained.sampler = options.sampler;
    return trained;
  };
  const prior = priorBias(task, tr, config.outputs);
  const model = build(prior && { net: new Map([['head.b2', prior]]), rank: null });
  const ranking: RankingState | undefined = model.head.ranking;
  const params = [...model.net.params.values(), ...(ranking?.head.params.values() ?? [])];
  const opt = new Adam(params, { lr: options.lr ?? 0.005, clipNorm: 5 });
  const rng = new Rng(seed ^ 0x9e3779b9);
  const history: EpochRecord[] = [];
  let best = {
    score: -Infinity,
    epoch: -1,
    weights: null as {
      net: Map<string, Float32Array>;
      rank: Map<string, Float32Array> | null;
    } | null,
  };
  const steps = Math.ceil(tr.entities.length / batchSize);
  const order = Int32Array.from({ length: tr.entities.length }, (_, i) => i);
  const metric = METRIC[task];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const started = performance.now();
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let lossSum = 0;
      // Seeds are drawn up front, so prefetching the next batch keeps the run reproducible.
      const plan = Array.from({ length: steps }, (_, step) => ({
        idx: order.slice(step * batchSize, (step + 1) * batchSize),
        samplerSeed: rng.nextU32(),
        dropoutSeed: rng.nextU32(),
        negativeSeed: task === 'ranking' ? rng.nextU32() : 0,
      }));
      const fetch = (step: number): Promise<HostBatch> => {
        const request = {
          seedType: options.seedType,
          entities: Int32Array.from(plan[step]!.idx, (i) => tr.entities[i]!),
          times: BigInt64Array.from(plan[step]!.idx, (i) => tr.times[i]!),
          fanouts,
          randomSeed: plan[step]!.samplerSeed,
          visibleUntil: options.visibleUntil,
          strategy: options.strategy ?? 'last',
        };
        const p = assembleBatch(graph, columns, encoders, request, extra, options.sampler);
        // A failing step leaves its prefetch behind: mark it handled (awaiting still throws).
        p.catch(() => undefined);
        return p;
      };
      // Batches in flight: sampled (in the pool's workers or off the event loop) and encoded
      // while earlier steps compute.
      const ahead: Promise<HostBatch>[] = [];
      let fetched = 0;
      let waited = 0;
      while (fetched < Math.min(steps, prefetch)) ahead.push(fetch(fetched++));
      for (let step = 0; step < steps; step++) {
        const { idx, dropoutSeed, negativeSeed } = plan[step]!;
        const asked = performance.now();
        const batch = await ahead.shift()!;
        waited += performance.now() - asked;
        if (fetched < steps) ahead.push(fetch(fetched++));
        const loss = await scope(async () => {
          const out = model.net.forward(batch, true, dropoutSeed);
          const l = stepLoss(out, {
            backend: options.backend,
            task,
            set: tr,
            idx,
            target,
            regressionLoss: options.regressionLoss ?? 'l1',
            classes: width,
            ranking,
            visibleUntil: options.visibleUntil,
            rng: new Rng(negativeSeed),
          });
          if (l === null) return 0;
          const value = await l.item();
          await opt.update(backward(l, params));
          return value;
        });
        lossSum += loss;
        options.onProgress?.({
          epoch,
          step,
          steps,
          loss,
          validation: null,
          metric,
          seconds: (performance.now() - started) / 1000,
        });
      }
      const v = await validationScore(model, splits.validation);
      const seconds = (performance.now() - started) / 1000;
      history.push({
        epoch,
        loss: lossSum / steps,
        validation: v.value,
        seconds,
        waitSeconds: waited / 1000,
      });
      options.onProgress?.({
        epoch,
        step: steps,
        steps,
        loss: lossSum / steps,
        validation: v.value,
        metric,
        seconds,
      });
      if (v.score > best.score) {
        const weights = {
          net: await model.net.snapshot(),
          rank: ranking === undefined ? null : await ranking.head.snapshot(),
        };
        best = { score: v.score, epoch, weights };
      } else if (epoch - best.epoch >= patience) break;
    }
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    opt.dispose();
  }
  // Restore the best epoch: a fresh network holding its weights.
  model.dispose();
  return { model: build(best.weights!), history, bestEpoch: best.epoch, bestScore: best.score };
}
