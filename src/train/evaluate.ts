// SPDX-License-Identifier: Apache-2.0
// Evaluation of a trained model on a split with the task's metrics, next to simple baselines
// computed on the same split: the training majority rate / mean / median, and the entity's own
// past label (only labels whose window closed by the anchor).
import {
  constantBaseline,
  mean,
  median,
  pastValueBaseline,
  type LabelledExample,
  type Query,
} from './baselines.js';
import {
  auroc,
  averagePrecision,
  binaryAccuracy,
  binaryF1,
  classCounts,
  regressionMetrics,
  type MetricValue,
} from './metrics.js';
import type { Duration } from '../control/pql/time.js';
import type { LabelSet, TaskKind, TrainedModel } from './trainer.js';

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
  model: Metrics;
  baselines: { name: string; metrics: Metrics }[];
}

const num = (value: number): MetricValue => ({ value });

/** The task's metrics of `predictions` against `labels`. */
export function taskMetrics(
  task: TaskKind,
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
): Metrics {
  if (task === 'binary') {
    return {
      auroc: auroc(labels, predictions),
      averagePrecision: averagePrecision(labels, predictions),
      accuracy: num(binaryAccuracy(labels, predictions)),
      f1: num(binaryF1(labels, predictions)),
    };
  }
  const r = regressionMetrics(labels, predictions);
  return { mae: num(r.mae), rmse: num(r.rmse), r2: r.r2 };
}

function examples(set: LabelSet): LabelledExample<number>[] {
  return Array.from(set.entities, (e, i) => ({
    entity: String(e),
    anchor: Number(set.times[i]! / 1000n),
    label: set.labels[i]!,
  }));
}

/**
 * Evaluates `model` on `set`. `history` holds the labelled examples known before the split
 * (training, and validation for the test split); `windowMicros` is the label window (anchor to
 * window end), needed for the past-value baseline, which is left out without it.
 */
export async function evaluate(
  model: TrainedModel,
  set: LabelSet,
  history: LabelSet[],
  options: { windowMicros?: bigint } = {},
): Promise<Evaluation> {
  const predictions = await model.predict(set);
  const task = model.task;
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
