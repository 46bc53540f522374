// SPDX-License-Identifier: Apache-2.0
// The names of the metrics the trainer reports for each task, in the order taskMetrics
// (evaluate.ts) returns them; the first is the one training stops early on. `prequel explain`
// lists these same names, so a plan promises exactly what the model's metrics will hold. This
// file imports nothing at run time, so the query compiler can read it without the trainer.
import type { TaskKind } from './model.js';

export const TASK_METRICS = {
  binary: ['auroc', 'averagePrecision', 'accuracy', 'f1'],
  regression: ['mae', 'rmse', 'r2'],
  multiclass: ['accuracy', 'macroF1'],
  multilabel: ['auprcMacro', 'auprcMicro'],
  ranking: ['map', 'precision', 'recall', 'ndcg'],
} as const satisfies Record<TaskKind, readonly string[]>;

/** k of the ranking metrics and top lists when the query gives no RANK TOP k. */
export const DEFAULT_TOP_K = 10;

/** A metric name of `task`. */
export type TaskMetricName<T extends TaskKind> = (typeof TASK_METRICS)[T][number];

/** A metric as models and reports name it: ranking metrics carry their cut-off (`map@10`). */
export function reportedMetricName(task: TaskKind, metric: string, k: number): string {
  return task === 'ranking' ? `${metric}@${k}` : metric;
}

/** The metric names a model of `task` reports, in order (`k`: the ranking cut-off). */
export function reportedMetrics(task: TaskKind, k: number): string[] {
  return TASK_METRICS[task].map((m) => reportedMetricName(task, m, k));
}
