// SPDX-License-Identifier: Apache-2.0
// Evaluation of a trained model on a split with the task's metrics, next to simple baselines
// computed on the same split: the training majority rate / mean / median / majority class /
// label frequencies, the most popular items, and the entity's own past label or items (only
// labels whose window closed by the anchor).
import {
  constantBaseline,
  mean,
  median,
  pastItemsBaseline,
  pastValueBaseline,
  popularItemsBaseline,
  type LabelledExample,
  type Query,
} from './baselines.js';
import {
  auroc,
  averagePrecision,
  binaryAccuracy,
  binaryF1,
  classCounts,
  multiclassMetrics,
  multilabelAuprc,
  rankingMetrics,
  regressionMetrics,
  type MetricValue,
} from './metrics.js';
import type { Duration } from '../control/pql/time.js';
import type { TaskMetricName } from './metric-names.js';
import type { LabelLists, LabelSet, TaskKind, TrainedModel } from './model.js';
import { denseTargets, setOf, setsOf } from './tasks.js';

const UNIT_MICROS = {
  seconds: 1_000_000n,
  minutes: 60_000_000n,
  hours: 3_600_000_000n,
  days: 86_400_000_000n,
  weeks: 604_800_000_000n,
  // The longest month: a past label counts only once its window has surely closed.
  months: 31n * 86_400_000_000n,
} as const;

/** A plan's label horizon in microseconds (null for static queries without one). */
export function horizonMicros(horizon: Duration | null): bigint | null {
  return horizon === null ? null : BigInt(horizon.n) * UNIT_MICROS[horizon.unit];
}

export type Metrics = Record<string, MetricValue>;

export interface Evaluation {
  task: TaskKind;
  examples: number;
  /** Binary: class counts of the split. */
  classes?: { negative: number; positive: number };
  /** Ranking: the k of the metrics. */
  k?: number;
  model: Metrics;
  baselines: { name: string; metrics: Metrics }[];
}

/** What taskMetrics needs beyond labels and predictions for the set-valued tasks. */
export interface MetricOptions {
  /** Multiclass, multilabel: the number of classes (columns of the probabilities). */
  classes?: number;
  /** Multilabel, ranking: the true sets (labels are then ignored). */
  lists?: LabelLists;
  /** Ranking: k (default 10). */
  k?: number;
}

const num = (value: number): MetricValue => ({ value });

/** Exactly the metrics metric-names.ts lists for a task (what `prequel explain` promises). */
type Named<T extends TaskKind> = Record<TaskMetricName<T>, MetricValue>;

function argmax(probabilities: ArrayLike<number>, n: number, classes: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (probabilities[i * classes + c]! > probabilities[i * classes + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * The task's metrics of `predictions` against `labels`. Binary: probabilities; regression:
 * values; multiclass: class probabilities [examples, classes] row-major (labels: class
 * indices); multilabel: label probabilities [examples, classes] against options.lists;
 * ranking: ranked item ids [examples, k] row-major (-1 pads) against options.lists.
 */
export function taskMetrics(
  task: TaskKind,
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  options: MetricOptions = {},
): Metrics {
  const n = labels.length;
  switch (task) {
    case 'binary':
      return {
        auroc: auroc(labels, predictions),
        averagePrecision: averagePrecision(labels, predictions),
        accuracy: num(binaryAccuracy(labels, predictions)),
        f1: num(binaryF1(labels, predictions)),
      } satisfies Named<'binary'>;
    case 'regression': {
      const r = regressionMetrics(labels, predictions);
      return { mae: num(r.mae), rmse: num(r.rmse), r2: r.r2 } satisfies Named<'regression'>;
    }
    case 'multiclass': {
      const classes = options.classes ?? predictions.length / Math.max(1, n);
      const m = multiclassMetrics(labels, argmax(predictions, n, classes));
      return { accuracy: num(m.accuracy), macroF1: num(m.macroF1) } satisfies Named<'multiclass'>;
    }
    case 'multilabel': {
      const classes = options.classes ?? predictions.length / Math.max(1, n);
      const all = Int32Array.from({ length: n }, (_, i) => i);
      const targets = denseTargets(options.lists!, all, classes);
      const a = multilabelAuprc(targets, predictions, classes);
      return { auprcMacro: a.macro, auprcMicro: a.micro } satisfies Named<'multilabel'>;
    }
    case 'ranking': {
      const k = options.k ?? 10;
      const ranked = Array.from({ length: n }, (_, i) =>
        Array.prototype.slice.call(predictions, i * k, (i + 1) * k),
      );
      const r = rankingMetrics(setsOf(options.lists!, n), ranked, k);
      return {
        map: num(r.map),
        precision: num(r.precision),
        recall: num(r.recall),
        ndcg: num(r.ndcg),
      } satisfies Named<'ranking'>;
    }
  }
}

function examples(set: LabelSet): LabelledExample<number>[] {
  return Array.from(set.entities, (e, i) => ({
    entity: String(e),
    anchor: Number(set.times[i]! / 1000n),
    label: set.labels[i]!,
  }));
}

/** Examples whose label is the set (multilabel, ranking) or the one class (multiclass). */
function setExamples(set: LabelSet, task: TaskKind): LabelledExample<number[]>[] {
  return Array.from(set.entities, (e, i) => ({
    entity: String(e),
    anchor: Number(set.times[i]! / 1000n),
    label: task === 'multiclass' ? [set.labels[i]!] : Array.from(setOf(set.lists!, i)),
  }));
}

/** Row-major [queries, k] of ranked lists, -1 padded. */
function flatten(lists: number[][], k: number): Int32Array {
  const out = new Int32Array(lists.length * k).fill(-1);
  lists.forEach((l, i) => out.set(l.slice(0, k), i * k));
  return out;
}

/** Per query, probabilities from how often each class occurs in `pools[i]` (a list of sets). */
function frequencies(pools: number[][][], classes: number, prior: Float64Array): Float64Array {
  const out = new Float64Array(pools.length * classes);
  pools.forEach((pool, i) => {
    if (pool.length === 0) return out.set(prior, i * classes);
    for (const s of pool) for (const c of new Set(s)) out[i * classes + c]! += 1 / pool.length;
  });
  return out;
}

/**
 * Evaluates `model` on `set`. `history` holds the labelled examples known before the split
 * (training, and validation for the test split); `windowMicros` is the label window (anchor to
 * window end), needed for the past-value baselines, which are left out without it. `k`: the k
 * of ranking metrics (default: the model's validation k).
 */
export async function evaluate(
  model: TrainedModel,
  set: LabelSet,
  history: LabelSet[],
  options: { windowMicros?: bigint; k?: number } = {},
): Promise<Evaluation> {
  const task = model.task;
  if (task === 'multiclass' || task === 'multilabel' || task === 'ranking')
    return evaluateSets(model, set, history, options);
  const predictions = await model.predict(set);
  const past = history.flatMap(examples);
  const pastLabels = past.map((e) => e.label);
  const queries: Query[] = examples(set);
  const baselines: Evaluation['baselines'] = [];
  const add = (name: string, values: Float64Array) =>
    baselines.push({ name, metrics: taskMetrics(task, set.labels, values) });
  if (task === 'binary') {
    add('majority', constantBaseline(mean(pastLabels) >= 0.5 ? 1 : 0, queries));
  } else {
    add('training mean', constantBaseline(mean(pastLabels), queries));
    add('training median', constantBaseline(median(pastLabels), queries));
  }
  if (options.windowMicros !== undefined) {
    const windowMs = Number(options.windowMicros / 1000n);
    add('past value', pastValueBaseline(past, queries, windowMs, mean(pastLabels)));
  }
  return {
    task,
    examples: set.entities.length,
    ...(task === 'binary' ? { classes: classCounts(set.labels) } : {}),
    model: taskMetrics(task, set.labels, predictions),
    baselines,
  };
}

/** Multiclass, multilabel and ranking: the model next to frequency and past-set baselines. */
async function evaluateSets(
  model: TrainedModel,
  set: LabelSet,
  history: LabelSet[],
  options: { windowMicros?: bigint; k?: number },
): Promise<Evaluation> {
  const task = model.task;
  const n = set.entities.length;
  const past = history.flatMap((h) => setExamples(h, task));
  const queries: Query[] = examples(set);
  const windowMs = options.windowMicros === undefined ? null : Number(options.windowMicros / 1000n);
  const baselines: Evaluation['baselines'] = [];
  if (task === 'ranking') {
    const k = options.k ?? model.head.ranking!.k;
    const metricOptions = { lists: set.lists!, k };
    const top = await model.predictTop(set, k);
    const add = (name: string, ranked: number[][]) =>
      baselines.push({
        name,
        metrics: taskMetrics(task, set.labels, flatten(ranked, k), metricOptions),
      });
    // Without a window every earlier label counts as closed.
    add('most popular', popularItemsBaseline(past, queries, windowMs ?? 0, k));
    if (windowMs !== null) add('past items', pastItemsBaseline(past, queries, windowMs, k));
    return {
      task,
      examples: n,
      k,
      model: taskMetrics(task, set.labels, top.items, metricOptions),
      baselines,
    };
  }
  const classes = model.numClasses;
  const metricOptions = { classes, ...(set.lists === undefined ? {} : { lists: set.lists }) };
  const prior = frequencies([past.map((e) => e.label)], classes, new Float64Array(classes));
  const add = (name: string, probabilities: Float64Array) =>
    baselines.push({ name, metrics: taskMetrics(task, set.labels, probabilities, metricOptions) });
  if (task === 'multiclass') {
    let majority = 0;
    for (let c = 1; c < classes; c++) if (prior[c]! > prior[majority]!) majority = c;
    const onehot = new Float64Array(classes);
    onehot[majority] = 1;
    add(
      'majority',
      frequencies(
        queries.map(() => []),
        classes,
        onehot,
      ),
    );
  } else {
    add(
      'label frequencies',
      frequencies(
        queries.map(() => []),
        classes,
        prior,
      ),
    );
  }
  if (windowMs !== null) {
    const byEntity = new Map<string, LabelledExample<number[]>[]>();
    for (const e of past) {
      const list = byEntity.get(e.entity);
      if (list === undefined) byEntity.set(e.entity, [e]);
      else list.push(e);
    }
    const pools = queries.map((q) =>
      (byEntity.get(q.entity) ?? [])
        .filter((e) => e.anchor + windowMs <= q.anchor)
        .map((e) => e.label),
    );
    add(task === 'multiclass' ? 'past class' : 'past labels', frequencies(pools, classes, prior));
  }
  const probabilities = (await model.predictProba(set)).values;
  return {
    task,
    examples: n,
    model: taskMetrics(task, set.labels, probabilities, metricOptions),
    baselines,
  };
}
