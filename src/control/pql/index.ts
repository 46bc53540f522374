// SPDX-License-Identifier: Apache-2.0
// The predictive query compiler: parse, validate against the graph, infer the task, plan anchors,
// splits and label SQL, explain.
export type * from './ast.js';
export { parseQuery, AGGREGATIONS, TIME_UNITS } from './parser.js';
export { validateQuery, type ValidatedQuery } from './validate.js';
export { inferTask, type TaskInfo, type TaskType } from './task.js';
export { TRAINABLE, TRAINER_TASK, unsupportedTask, type UnsupportedTask } from './trainable.js';
export { PqlDiagnostics, type Diagnostic } from './diagnostics.js';
export {
  planSplits,
  anchorsOf,
  type AnchorSeries,
  type SplitOptions,
  type SplitPlan,
} from './splits.js';
export { compileLabelSql, timeRangeSql, type CompiledSql } from './sql.js';
export {
  checkTrainable,
  compilePlan,
  graphRelations,
  untrainableDiagnostic,
  type PlanOptions,
  type QueryPlan,
  type TimeRange,
} from './plan.js';
export { explainPlan, planToJson, type ExplainOptions } from './explain.js';
export { parseTimestampText } from './lexer.js';
export { formatTimestamp, type Duration } from './time.js';
export { readTimeRange } from './time-range.js';
