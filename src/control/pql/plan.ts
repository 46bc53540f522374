// SPDX-License-Identifier: Apache-2.0
// A query in, a plan out: parse, validate against the graph, infer the task, plan anchors and
// splits, and compile the label and prediction SQL. The plan is plain data that `explain`
// prints and the trainer executes; it never touches rows itself.
import type { SqlDialect } from '../../data/connector.js';
import type { GraphDef } from '../../data/graph-def.js';
import { prequelError } from '../../errors/index.js';
import { type Query, forEachAggregation, textOf } from './ast.js';
import { type Diagnostic, PqlDiagnostics, diagnostic, planDiagnostic } from './diagnostics.js';
import { parseQuery } from './parser.js';
import { type AnchorSeries, type SplitOptions, anchorAt, anchorsOf, planSplits } from './splits.js';
import { type AnchorSource, type CompiledSql, type Relations, compileLabelSql } from './sql.js';
import { TIME, tableRelation } from '../../data/relation.js';
import { type TaskInfo, inferTask } from './task.js';
import { TRAINABLE, unsupportedTask } from './trainable.js';
import { type Duration, addDuration, approxMicros, formatTimestamp } from './time.js';
import { type ValidatedQuery, validateQuery } from './validate.js';

/** Time range of the data, microseconds since the epoch; `tables` gives it per table. */
export interface TimeRange {
  start: bigint;
  end: bigint;
  tables?: Record<string, { start: bigint; end: bigint }>;
}

export interface PlanOptions {
  dialect?: SqlDialect;
  /** Required for temporal queries (see timeRangeSql). */
  timeRange?: TimeRange;
  /** Anchor spacing; default the target horizon. */
  step?: Duration;
  split?: SplitOptions;
  /** A window crossing the next split's start: drop the anchor with a warning, or reject. */
  boundary?: 'clip' | 'reject';
  /**
   * Keep a last window that closes after the data ends (with a warning) instead of failing;
   * default: the explicit split's own `allowPartialWindow`, else false.
   */
  allowPartialWindow?: boolean;
  /** Anchor of the prediction plan; default the latest timestamp of the target's tables. */
  predictionAnchor?: bigint;
  /**
   * Refuse a task the trainer cannot learn (a static target, FORECAST) with the error
   * diagnostic PQL_TASK_UNSUPPORTED, so explaining a query fails where training it would;
   * default true. False compiles such a plan anyway (its label SQL can still be inspected).
   */
  requireTrainable?: boolean;
  /**
   * 'graph' (default) reads every table through the data engine's relation (source names,
   * derived and string time columns); 'tables' reads the tables by their graph names directly.
   */
  relations?: 'graph' | 'tables';
}

/** The relations SQL reads a graph through (see PlanOptions.relations). */
export function graphRelations(
  graph: GraphDef,
  dialect: SqlDialect,
  mode: 'graph' | 'tables' = 'graph',
): Relations | undefined {
  if (mode === 'tables') return undefined;
  return { from: (table) => tableRelation(graph, table, dialect), timeColumn: TIME };
}

export interface SplitStep {
  anchors: AnchorSeries;
  count: number;
  first: bigint | null;
  last: bigint | null;
  sql: CompiledSql;
}

export interface QueryPlan {
  source: string;
  query: Query;
  task: TaskInfo;
  dialect: SqlDialect;
  entity: { table: string; key: string; filter: string | null; ids: number };
  target: { text: string; horizon: Duration | null };
  assuming: string | null;
  temporal: boolean;
  splits: null | {
    kind: 'fractions' | 'explicit';
    cutoff: bigint;
    train: SplitStep;
    validation: SplitStep;
    test: SplitStep;
  };
  /** Static queries: one label SQL with a `split` column. */
  staticLabels: CompiledSql | null;
  prediction: { anchor: bigint | null; sql: CompiledSql };
  defaults: { sampling: Record<string, unknown>; model: Record<string, unknown> };
  warnings: Diagnostic[];
}

/** End offset of the latest target window (FORECAST n multiplies the width). */
export function targetHorizon(v: ValidatedQuery, task: TaskInfo): Duration | null {
  let best: Duration | null = null;
  forEachAggregation(v.query.target, (a) => {
    if (a.window === null) return;
    const start = a.window.start ?? 0;
    const steps = task.forecastSteps ?? 1;
    const d: Duration = { n: start + (a.window.end - start) * steps, unit: a.window.unit };
    if (best === null || approxMicros(d) > approxMicros(best)) best = d;
  });
  return best;
}

function modelDefaults(task: TaskInfo): QueryPlan['defaults'] {
  const loss: Record<string, string> = {
    binary_classification: 'binary_cross_entropy',
    multiclass_classification: 'cross_entropy',
    multilabel_classification: 'binary_cross_entropy_per_label',
    regression: 'l1',
    link_prediction: 'sampled_softmax',
    forecasting: 'l1',
  };
  return {
    sampling: { hops: 2, fanouts: [128, 64], temporalStrategy: 'uniform', seedTime: 'anchor' },
    model: {
      architecture: 'hetero-graphsage',
      layers: 2,
      channels: 128,
      aggregation: 'sum',
      normalization: 'layer',
      optimizer: 'adam',
      learningRate: 0.005,
      batchSize: 512,
      maxEpochs: 10,
      earlyStopping: { patience: 3, metric: task.metrics[0] },
      loss: loss[task.type],
    },
  };
}

/** Compiles a query against a graph into a plan; throws PqlDiagnostics or PQL_* errors. */
export function compilePlan(source: string, graph: GraphDef, options: PlanOptions = {}): QueryPlan {
  const query = parseQuery(source);
  const v = validateQuery(query, graph);
  const task = inferTask(v);
  if (options.requireTrainable !== false) refuseUntrainable(v, task);
  const dialect = options.dialect ?? 'duckdb';
  const warnings = [...v.warnings];
  const horizon = targetHorizon(v, task);
  const relations = graphRelations(graph, dialect, options.relations);
  const sql = (
    anchors: AnchorSource,
    cutoff: bigint | null,
    mode: 'label' | 'predict',
    staticSplit?: { train: number; validation: number },
  ) => compileLabelSql({ query: v, task, dialect, anchors, cutoff, mode, staticSplit, relations });

  let splits: QueryPlan['splits'] = null;
  let staticLabels: CompiledSql | null = null;
  let predictionAnchor: bigint | null = null;
  if (v.temporal && horizon !== null) {
    const range = options.timeRange;
    if (range === undefined)
      throw prequelError('PQL_NO_TIME_RANGE', { expected: 'options.timeRange from timeRangeSql' });
    const split = options.split ?? { kind: 'fractions' };
    const plan = planSplits({
      horizon,
      step: options.step ?? horizon,
      dataStart: range.start,
      // The default split ends where the target's tables end: anchors later than that would
      // have labels counted over windows with no rows yet (F1's races run months past results).
      dataEnd: split.kind === 'fractions' ? latestOfTarget(v, range) : range.end,
      options: split,
      boundary: options.boundary ?? 'clip',
      allowPartialWindow:
        options.allowPartialWindow ??
        (split.kind === 'explicit' && split.allowPartialWindow === true),
    });
    warnings.push(...plan.warnings);
    const step = (s: AnchorSeries, cutoff: bigint | null): SplitStep => {
      const ends = s.count === 0 ? [] : [anchorAt(s, 0), anchorAt(s, s.count - 1)];
      const sorted = ends.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return {
        anchors: s,
        count: s.count,
        first: sorted[0] ?? null,
        last: sorted[1] ?? null,
        sql: sql({ kind: 'series', series: s }, cutoff, 'label'),
      };
    };
    splits = {
      kind: plan.kind,
      cutoff: plan.cutoff,
      train: step(plan.train, plan.cutoff),
      validation: step(plan.validation, plan.cutoff),
      test: step(plan.test, null),
    };
    warnings.push(...incompleteLabels(v, task, range, splits));
    predictionAnchor = options.predictionAnchor ?? latestOfTarget(v, range);
  } else {
    const s = options.split;
    const fractions =
      s?.kind === 'fractions'
        ? { train: s.train ?? 0.8, validation: s.validation ?? 0.1 }
        : { train: 0.8, validation: 0.1 };
    staticLabels = sql({ kind: 'static' }, null, 'label', fractions);
  }
  const predictAnchors: AnchorSource =
    predictionAnchor === null ? { kind: 'static' } : { kind: 'single', at: predictionAnchor };
  return {
    source,
    query,
    task,
    dialect,
    entity: {
      table: v.entity.name,
      key: v.entityKey,
      filter: query.where === null ? null : textOf(query, query.where.span),
      ids: query.entity.ids?.length ?? 0,
    },
    target: { text: textOf(query, query.target.span), horizon },
    assuming: query.assuming === null ? null : textOf(query, query.assuming.span),
    temporal: v.temporal,
    splits,
    staticLabels,
    prediction: { anchor: predictionAnchor, sql: sql(predictAnchors, null, 'predict') },
    defaults: modelDefaults(task),
    warnings,
  };
}

/**
 * The error diagnostic PQL_TASK_UNSUPPORTED when the trainer cannot learn the query's task (see
 * trainable.ts), at the target; null when it can. A target is temporal when it has a window
 * (the plan then has anchors and splits).
 */
export function untrainableDiagnostic(v: ValidatedQuery, task: TaskInfo): Diagnostic | null {
  const temporal = v.temporal && targetHorizon(v, task) !== null;
  const unsupported = unsupportedTask(task.type, temporal);
  if (unsupported === null) return null;
  const expected = `${TRAINABLE}, not a ${unsupported.task} task; ${unsupported.advice}`;
  return diagnostic('PQL_TASK_UNSUPPORTED', v.query.source, v.query.target.span, expected);
}

function refuseUntrainable(v: ValidatedQuery, task: TaskInfo): void {
  const error = untrainableDiagnostic(v, task);
  if (error !== null) throw new PqlDiagnostics([error, ...v.warnings]);
}

/**
 * Checks that `source` compiles against `graph` to a task the trainer learns, without planning
 * splits (no data needed): throws PqlDiagnostics like compilePlan.
 */
export function checkTrainable(source: string, graph: GraphDef): void {
  const v = validateQuery(parseQuery(source), graph);
  refuseUntrainable(v, inferTask(v));
}

/**
 * PQL_LABELS_INCOMPLETE warnings: validation and test anchors whose label window closes after
 * the last row of a table the target aggregates, where that table ends before the data does
 * (windows past the end of all the data are the split planner's PQL_PARTIAL_WINDOW).
 */
function incompleteLabels(
  v: ValidatedQuery,
  task: TaskInfo,
  range: TimeRange,
  splits: NonNullable<QueryPlan['splits']>,
): Diagnostic[] {
  const windows = new Map<string, Duration>();
  forEachAggregation(v.query.target, (a) => {
    const table = v.bindings.aggregations.get(a)?.table.name;
    if (a.window === null || table === undefined) return;
    const start = a.window.start ?? 0;
    const end: Duration = {
      n: start + (a.window.end - start) * (task.forecastSteps ?? 1),
      unit: a.window.unit,
    };
    const known = windows.get(table);
    if (known === undefined || approxMicros(end) > approxMicros(known)) windows.set(table, end);
  });
  const warnings: Diagnostic[] = [];
  for (const [table, end] of windows) {
    const tableEnd = range.tables?.[table]?.end;
    if (tableEnd === undefined || tableEnd >= range.end) continue;
    for (const split of ['validation', 'test'] as const) {
      const late = anchorsOf(splits[split].anchors)
        .filter((anchor) => addDuration(anchor, end) > tableEnd)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (late.length === 0) continue;
      const details = {
        table,
        tableEnd: formatTimestamp(tableEnd),
        count: late.length,
        split,
        anchor: formatTimestamp(late[0]!),
        windowEnd: formatTimestamp(addDuration(late[0]!, end)),
        dataEnd: formatTimestamp(range.end),
        flags: 'CLI: --validation-start and --test-start; API: validationStart and testStart',
      };
      warnings.push(planDiagnostic('PQL_LABELS_INCOMPLETE', details, 'warning'));
    }
  }
  return warnings;
}

/** The latest timestamp of the target's fact tables, else of the whole data. */
function latestOfTarget(v: ValidatedQuery, range: TimeRange): bigint {
  let latest: bigint | null = null;
  const target = v.query.target;
  forEachAggregation(target, (a) => {
    const name = v.bindings.aggregations.get(a)?.table.name;
    const t = name === undefined ? undefined : range.tables?.[name]?.end;
    if (t !== undefined && (latest === null || t > latest)) latest = t;
  });
  return latest ?? range.end;
}
