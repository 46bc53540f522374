// SPDX-License-Identifier: Apache-2.0
// What the trainer can learn: the one definition that the plan (so `prequel explain`) and the
// training pipeline share, so a plan that explains without errors is one that trains. The
// trainer learns every task type but forecasting, and only on a temporal target (a target
// with a time window: labels per anchor time); static targets and FORECAST are refused.
import type { TaskKind } from '../../train/model.js';
import type { TaskType } from './task.js';

/** The trainer's task for each task type; null where it has none. */
export const TRAINER_TASK: Readonly<Record<TaskType, TaskKind | null>> = {
  binary_classification: 'binary',
  multiclass_classification: 'multiclass',
  multilabel_classification: 'multilabel',
  regression: 'regression',
  link_prediction: 'ranking',
  forecasting: null,
};

const TRAINABLE_TYPES = (Object.keys(TRAINER_TASK) as TaskType[]).filter(
  (t) => TRAINER_TASK[t] !== null,
);

/** What the trainer learns, in words, for error messages. */
export const TRAINABLE =
  `${TRAINABLE_TYPES.slice(0, -1).join(', ')} or ${TRAINABLE_TYPES.at(-1)} tasks ` +
  'on a target with a time window';

/** Why the trainer cannot learn a task: its name and what to do instead. */
export interface UnsupportedTask {
  /** The task as the user reads it: `forecasting`, `static multiclass_classification`. */
  task: string;
  /** What to ask for instead. */
  advice: string;
  /** The advice and what the trainer learns (CONTROL_TASK_UNSUPPORTED's hint). */
  hint: string;
}

/**
 * Why the trainer cannot learn a `type` task, or null when it can; `temporal`: the target has
 * a time window (the plan has anchors and splits).
 */
export function unsupportedTask(type: TaskType, temporal: boolean): UnsupportedTask | null {
  let task: string;
  let advice: string;
  if (TRAINER_TASK[type] === null) {
    task = type;
    advice = 'ask for one window at a time, e.g. SUM(orders.total, 0, 30, days)';
  } else if (!temporal) {
    task = `static ${type}`;
    advice =
      'give the target a time window, e.g. COUNT(orders.*, 0, 30, days) or ' +
      'LAST(orders.status, 0, 30, days)';
  } else {
    return null;
  }
  return { task, advice, hint: `${advice} (the trainer learns ${TRAINABLE})` };
}
