// SPDX-License-Identifier: Apache-2.0
// Task-type inference from the shape of a validated query (kumo-features.md §2.7).
import { DEFAULT_TOP_K, reportedMetrics } from '../../train/metric-names.js';
import { isCondition } from './ast.js';
import { columnKind, isForeignKey } from './resolve.js';
import { TRAINER_TASK } from './trainable.js';
import type { ValidatedQuery } from './validate.js';

export type TaskType =
  | 'binary_classification'
  | 'multiclass_classification'
  | 'multilabel_classification'
  | 'regression'
  | 'link_prediction'
  | 'forecasting';

export interface TaskInfo {
  type: TaskType;
  /** RANK TOP k (link prediction, or multilabel ranking over a non-key column). */
  topK: number | null;
  /** FORECAST n TIMEFRAMES. */
  forecastSteps: number | null;
  /** For link prediction: the table whose rows are ranked. */
  rankedTable: string | null;
  /**
   * The metrics a model of this task reports, by the names the trainer gives them (the first
   * is the early-stopping metric); none for a task the trainer has no task for (forecasting).
   */
  metrics: string[];
}

/** Infers the task type of a validated query. */
export function inferTask(v: ValidatedQuery): TaskInfo {
  const { query, bindings } = v;
  const problem = query.problem;
  const topK = problem.kind === 'rank' ? problem.k : null;
  const make = (type: TaskType, rankedTable: string | null = null): TaskInfo => {
    const kind = TRAINER_TASK[type];
    return {
      type,
      topK,
      forecastSteps: problem.kind === 'forecast' ? problem.n : null,
      rankedTable,
      metrics: kind === null ? [] : reportedMetrics(kind, topK ?? DEFAULT_TOP_K),
    };
  };
  const target = query.target;
  if (isCondition(target)) return make('binary_classification');
  if (problem.kind === 'forecast') return make('forecasting');
  if (target.kind === 'column') {
    const column = bindings.columns.get(target)!.column!;
    const kind = columnKind(column);
    if (kind === 'list') return make('multilabel_classification');
    if (kind === 'boolean') return make('binary_classification');
    if (kind === 'numeric' && column.stype === 'numerical') return make('regression');
    return make('multiclass_classification');
  }
  const agg = bindings.aggregations.get(target)!;
  switch (target.op) {
    case 'LIST_DISTINCT': {
      const fk = agg.table.foreignKeys.find((f) => f.column === agg.column?.name);
      if (problem.kind === 'rank' && fk !== undefined && isForeignKey(agg.table, fk.column)) {
        return make('link_prediction', fk.references);
      }
      return make('multilabel_classification');
    }
    case 'FIRST':
    case 'LAST':
    case 'MIN':
    case 'MAX': {
      const column = agg.column!;
      const kind = columnKind(column);
      if (kind === 'list') return make('multilabel_classification');
      if (kind === 'boolean') return make('binary_classification');
      if (kind === 'numeric' && column.stype === 'numerical') return make('regression');
      if (target.op === 'MIN' || target.op === 'MAX') return make('regression');
      return make('multiclass_classification');
    }
    default:
      return make('regression');
  }
}
