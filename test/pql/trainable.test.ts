// SPDX-License-Identifier: Apache-2.0
// A plan promises what training delivers: a task the trainer cannot learn (a static target,
// FORECAST) fails at compile time with PQL_TASK_UNSUPPORTED, as explain and train submission
// do, for the same reason the training pipeline gives (CONTROL_TASK_UNSUPPORTED); and the
// metrics a plan lists are exactly the names a trained model reports.
import { describe, expect, it } from 'vitest';
import { PqlDiagnostics } from '../../src/control/pql/diagnostics.js';
import { explainPlan } from '../../src/control/pql/explain.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { checkTrainable, compilePlan } from '../../src/control/pql/plan.js';
import { PrequelError } from '../../src/errors/index.js';
import { trainerTask } from '../../src/pipeline/train.js';
import { taskMetrics } from '../../src/train/evaluate.js';
import { reportedMetrics } from '../../src/train/metric-names.js';
import type { TaskKind } from '../../src/train/model.js';
import { TOY_GRAPH } from './random-db.js';

const timeRange = {
  start: parseTimestampText('2023-01-01')!,
  end: parseTimestampText('2024-12-31')!,
};

/** The code of the first diagnostic, the code of another error, or 'none'. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof PqlDiagnostics) return err.diagnostics[0]!.code;
    if (err instanceof PrequelError) return err.code;
    throw err;
  }
  return 'none';
}

const TRAINABLE: [string, TaskKind, string[]][] = [
  [
    'PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH users.user_id',
    'binary',
    ['auroc', 'averagePrecision', 'accuracy', 'f1'],
  ],
  [
    'PREDICT SUM(orders.amount, 0, 30, days) FOR EACH users.user_id',
    'regression',
    ['mae', 'rmse', 'r2'],
  ],
  [
    'PREDICT LAST(orders.status, 0, 30, days) FOR EACH users.user_id',
    'multiclass',
    ['accuracy', 'macroF1'],
  ],
  [
    'PREDICT LIST_DISTINCT(orders.status, 0, 30, days) CLASSIFY FOR EACH users.user_id',
    'multilabel',
    ['auprcMacro', 'auprcMicro'],
  ],
  [
    'PREDICT LIST_DISTINCT(orders.item_id, 0, 30, days) RANK TOP 5 FOR EACH users.user_id',
    'ranking',
    ['map@5', 'precision@5', 'recall@5', 'ndcg@5'],
  ],
];

const UNTRAINABLE: [string, string][] = [
  ['PREDICT users.country FOR EACH users.user_id', 'static multiclass_classification'],
  ['PREDICT users.age FOR EACH users.user_id', 'static regression'],
  ['PREDICT users.age > 30 FOR EACH users.user_id', 'static binary_classification'],
  ['PREDICT COUNT(orders.*) FOR EACH users.user_id', 'static regression'],
  [
    'PREDICT SUM(orders.amount, 0, 7, days) FORECAST 4 TIMEFRAMES FOR EACH users.user_id',
    'forecasting',
  ],
];

describe('tasks the trainer learns', () => {
  it.each(TRAINABLE)('%s: %s, metrics as the model reports them', (query, kind, metrics) => {
    const plan = compilePlan(query, TOY_GRAPH, { timeRange });
    expect(trainerTask(plan)).toBe(kind);
    expect(plan.task.metrics).toEqual(metrics);
    expect(plan.defaults.model.earlyStopping).toMatchObject({ metric: metrics[0] });
    expect(explainPlan(plan)).toContain(`metrics ${metrics.join(', ')}\n`);
    expect(codeOf(() => checkTrainable(query, TOY_GRAPH))).toBe('none');
  });

  it.each(UNTRAINABLE)('%s is refused up front (%s)', (query, task) => {
    const err = (() => {
      try {
        compilePlan(query, TOY_GRAPH, { timeRange });
      } catch (e) {
        return e as PqlDiagnostics;
      }
      throw new Error('compiled');
    })();
    expect(err).toBeInstanceOf(PqlDiagnostics);
    const d = err.diagnostics[0]!;
    expect(d).toMatchObject({ code: 'PQL_TASK_UNSUPPORTED', severity: 'error', column: 9 });
    expect(d.message).toContain(`not a ${task} task`);
    expect(d.message).toContain('regression or link_prediction');
    expect(codeOf(() => checkTrainable(query, TOY_GRAPH))).toBe('PQL_TASK_UNSUPPORTED');

    // The pipeline refuses the same plan, with the same task name, by the same definition.
    const plan = compilePlan(query, TOY_GRAPH, { timeRange, requireTrainable: false });
    expect(codeOf(() => trainerTask(plan))).toBe('CONTROL_TASK_UNSUPPORTED');
    expect(() => trainerTask(plan)).toThrow(`cannot learn a ${task} task`);
  });
});

describe('metric names', () => {
  // Tiny inputs per task, shaped as taskMetrics takes them (see its doc comment).
  const two = { offsets: Int32Array.from([0, 1, 2]), items: Int32Array.from([0, 1]) };
  const INPUTS: [TaskKind, number[], number[], Parameters<typeof taskMetrics>[3]][] = [
    ['binary', [0, 1], [0.2, 0.8], {}],
    ['regression', [1, 2], [1.5, 2.5], {}],
    ['multiclass', [0, 1], [0.9, 0.1, 0.3, 0.7], { classes: 2 }],
    ['multilabel', [1, 1], [0.9, 0.1, 0.3, 0.7], { classes: 2, lists: two }],
    ['ranking', [1, 1], [0, 1, 1, 0], { k: 2, lists: two }],
  ];

  it.each(INPUTS)('%s: the plan lists the keys taskMetrics returns', (kind, l, p, options) => {
    const keys = Object.keys(taskMetrics(kind, l, p, options));
    const k = options?.k ?? 10;
    expect(reportedMetrics(kind, k)).toEqual(
      keys.map((m) => (kind === 'ranking' ? `${m}@${k}` : m)),
    );
  });
});
