// SPDX-License-Identifier: Apache-2.0
// The training loop: mini-batches of (entity, anchor time, label) from the training table,
// sampled and encoded per batch, Adam, early stopping on the validation metric with the best
// epoch's weights restored. Seeded: the same seed gives the same loss curve (shuffling, sampling,
// dropout and initialisation all derive from it).
import { backward } from '../gnn/autograd.js';
import type { Backend } from '../gnn/backend.js';
import { bceWithLogits, l1Loss, mseLoss } from '../gnn/loss-ops.js';
import { Adam } from '../gnn/optim.js';
import { Rng } from '../gnn/random.js';
import { scope, tensor } from '../gnn/tensor.js';
import { raise } from '../errors/index.js';
import type { ColumnStore } from '../store/column-store.js';
import type { GraphStore } from '../store/graph-store.js';
import { assembleBatch } from './batch.js';
import { fitEncoders, type FeatureEncoders } from './features.js';
import { HeteroSage, schemaOf, type ModelConfig } from './hetero-sage.js';
import { auroc, regressionMetrics } from './metrics.js';

export type TaskKind = 'binary' | 'regression';

/** Labelled examples: entity node ids of the seed type, anchor times (microseconds), labels. */
export interface LabelSet {
  entities: Int32Array;
  times: BigInt64Array;
  labels: Float64Array;
}

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
  /** Epochs without improvement of the validation metric before stopping (default 3). */
  patience?: number;
  /** Regression loss (default l1, as RelBench). */
  regressionLoss?: 'l1' | 'mse';
  /** Encoder statistics cutoff (default: the latest training anchor time). */
  cutoff?: bigint;
  /** Sample no row later than this, whatever the anchor (see BatchRequest.visibleUntil). */
  visibleUntil?: bigint;
  onProgress?: (p: Progress) => void;
}

export interface Progress {
  epoch: number;
  step: number;
  steps: number;
  loss: number;
  /** Validation metric after the epoch's last step; null inside an epoch. */
  validation: number | null;
  metric: 'auroc' | 'mae';
  seconds: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  validation: number;
  seconds: number;
}

const EVAL_SAMPLER_SEED = 0x5eed;

/** A trained model bound to its stores: predicts labels for (entity, anchor time) pairs. */
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
  ) {}

  /** Predicted probabilities (binary) or values (regression), one per example, in order. */
  async predict(set: Pick<LabelSet, 'entities' | 'times'>): Promise<Float64Array> {
    const out = new Float64Array(set.entities.length);
    for (let start = 0; start < out.length; start += this.batchSize) {
      const end = Math.min(out.length, start + this.batchSize);
      const batch = await assembleBatch(this.graph, this.columns, this.encoders, {
        seedType: this.net.schema.seedType,
        entities: set.entities.subarray(start, end),
        times: set.times.subarray(start, end),
        fanouts: this.fanouts,
        randomSeed: EVAL_SAMPLER_SEED + start,
        visibleUntil: this.visibleUntil,
      });
      const values = await scope(async () => this.net.forward(batch, false, 0).data());
      for (let i = 0; i < end - start; i++) out[start + i] = this.fromOutput(values[i]!);
    }
    return out;
  }

  private fromOutput(v: number): number {
    if (this.task === 'binary') return 1 / (1 + Math.exp(-v));
    const [lo, hi] = this.target.clamp;
    return Math.min(hi, Math.max(lo, v * this.target.std + this.target.mean));
  }

  dispose(): void {
    this.net.dispose();
  }
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function targetScaling(task: TaskKind, labels: Float64Array): TrainedModel['target'] {
  if (task === 'binary') return { mean: 0, std: 1, clamp: [0, 1] };
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

/** The validation score, higher is better, and the metric value reported. */
async function validationScore(
  model: TrainedModel,
  set: LabelSet,
): Promise<{ score: number; value: number }> {
  const pred = await model.predict(set);
  if (model.task === 'binary') {
    const a = auroc(set.labels, pred);
    // A single-class validation window has no AUROC: report chance level and keep training.
    const value = a.value ?? 0.5;
    return { score: value, value };
  }
  const mae = regressionMetrics(set.labels, pred).mae;
  return { score: -mae, value: mae };
}

function checkSet(name: string, set: LabelSet): void {
  const n = set.entities.length;
  if (n === 0 || set.times.length !== n || set.labels.length !== n) {
    raise('TRAIN_BAD_LABELS', {
      split: name,
      problem:
        n === 0
          ? 'no examples'
          : `${n} entities, ${set.times.length} times and ${set.labels.length} labels`,
    });
  }
}

function checkOptions(o: TrainOptions, graph: GraphStore): void {
  const bad = (option: string, expected: string, value: unknown): never =>
    raise('TRAIN_BAD_OPTION', { option, expected, value: JSON.stringify(value) ?? String(value) });
  const positive = (option: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1))
      bad(option, 'a positive integer', value);
  };
  if (o.task !== 'binary' && o.task !== 'regression')
    bad('task', "'binary' or 'regression'", o.task);
  if (!graph.nodeTypes.some((t) => t.name === o.seedType))
    bad('seedType', `a node type (${graph.nodeTypes.map((t) => t.name).join(', ')})`, o.seedType);
  if (o.fanouts !== undefined) {
    const ok =
      o.fanouts.length >= 1 && o.fanouts.every((k) => Number.isInteger(k) && k >= -1 && k !== 0);
    if (!ok) bad('fanouts', 'one or more hops of -1 (all) or a positive count', o.fanouts);
  }
  positive('batchSize', o.batchSize);
  positive('epochs', o.epochs);
  positive('channels', o.channels);
  positive('patience', o.patience);
  if (o.lr !== undefined && !(o.lr > 0 && Number.isFinite(o.lr)))
    bad('lr', 'a positive number', o.lr);
  if (o.dropout !== undefined && !(o.dropout >= 0 && o.dropout < 1))
    bad('dropout', 'a probability in [0, 1)', o.dropout);
  if (o.aggregation !== undefined && o.aggregation !== 'mean' && o.aggregation !== 'sum')
    bad('aggregation', "'mean' or 'sum'", o.aggregation);
}

/** Trains a model; returns it with the best epoch's weights, and the epoch history. */
export async function train(
  graph: GraphStore,
  columns: ColumnStore,
  splits: { train: LabelSet; validation: LabelSet },
  options: TrainOptions,
): Promise<{ model: TrainedModel; history: EpochRecord[]; bestEpoch: number }> {
  checkSet('train', splits.train);
  checkSet('validation', splits.validation);
  checkOptions(options, graph);
  const seed = options.seed ?? 0;
  const fanouts = options.fanouts ?? [10, 10];
  const batchSize = options.batchSize ?? 512;
  const epochs = options.epochs ?? 10;
  const patience = options.patience ?? 3;
  const { train: tr } = splits;
  let cutoff = options.cutoff;
  if (cutoff === undefined) {
    cutoff = tr.times[0]!;
    for (const t of tr.times) if (t > cutoff) cutoff = t;
  }
  const encoders = fitEncoders(graph, columns, cutoff);
  const config: ModelConfig = {
    channels: options.channels ?? 64,
    layers: fanouts.length,
    aggregation: options.aggregation ?? 'sum',
    dropout: options.dropout ?? 0.1,
    outputs: 1,
  };
  const schema = schemaOf(encoders, graph.edgeTypes, options.seedType);
  const target = targetScaling(options.task, tr.labels);
  const net = new HeteroSage(options.backend, schema, config, seed);
  let model = new TrainedModel(
    graph,
    columns,
    encoders,
    net,
    options.task,
    fanouts,
    target,
    batchSize,
    options.visibleUntil,
  );
  const params = [...net.params.values()];
  const opt = new Adam(params, { lr: options.lr ?? 0.005, clipNorm: 5 });
  const rng = new Rng(seed ^ 0x9e3779b9);
  const history: EpochRecord[] = [];
  let best = { score: -Infinity, epoch: -1, weights: null as Map<string, Float32Array> | null };
  const steps = Math.ceil(tr.entities.length / batchSize);
  const order = Int32Array.from({ length: tr.entities.length }, (_, i) => i);
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
      }));
      const fetch = (step: number) => {
        const p = assembleBatch(graph, columns, encoders, {
          seedType: options.seedType,
          entities: Int32Array.from(plan[step]!.idx, (i) => tr.entities[i]!),
          times: BigInt64Array.from(plan[step]!.idx, (i) => tr.times[i]!),
          fanouts,
          randomSeed: plan[step]!.samplerSeed,
          visibleUntil: options.visibleUntil,
        });
        // A failing step leaves its prefetch behind: mark it handled (awaiting still throws).
        p.catch(() => undefined);
        return p;
      };
      let next = fetch(0);
      for (let step = 0; step < steps; step++) {
        const { idx, dropoutSeed } = plan[step]!;
        const batch = await next;
        // Sampling runs off the event loop: the next batch is sampled while this one trains.
        // Not yet: the sampler's worker pool (SamplerPool); feature encoding runs on this thread.
        if (step + 1 < steps) next = fetch(step + 1);
        const labels = Float32Array.from(idx, (i) => (tr.labels[i]! - target.mean) / target.std);
        const loss = await scope(async () => {
          const out = net.forward(batch, true, dropoutSeed);
          const y = tensor(options.backend, labels, [labels.length, 1]);
          const l =
            options.task === 'binary'
              ? bceWithLogits(out, y)
              : options.regressionLoss === 'mse'
                ? mseLoss(out, y)
                : l1Loss(out, y);
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
          metric: options.task === 'binary' ? 'auroc' : 'mae',
          seconds: (performance.now() - started) / 1000,
        });
      }
      const v = await validationScore(model, splits.validation);
      const seconds = (performance.now() - started) / 1000;
      history.push({ epoch, loss: lossSum / steps, validation: v.value, seconds });
      options.onProgress?.({
        epoch,
        step: steps,
        steps,
        loss: lossSum / steps,
        validation: v.value,
        metric: options.task === 'binary' ? 'auroc' : 'mae',
        seconds,
      });
      if (v.score > best.score) best = { score: v.score, epoch, weights: await net.snapshot() };
      else if (epoch - best.epoch >= patience) break;
    }
  } catch (err) {
    net.dispose();
    throw err;
  } finally {
    opt.dispose();
  }
  // Restore the best epoch: a fresh network holding its weights.
  const restored = new HeteroSage(options.backend, schema, config, seed, best.weights!);
  net.dispose();
  model = new TrainedModel(
    graph,
    columns,
    encoders,
    restored,
    options.task,
    fanouts,
    target,
    batchSize,
    options.visibleUntil,
  );
  return { model, history, bestEpoch: best.epoch };
}
