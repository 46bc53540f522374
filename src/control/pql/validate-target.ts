// SPDX-License-Identifier: Apache-2.0
// Validation rules about the target as a whole: what can be predicted, and whether RANK TOP k,
// CLASSIFY, FORECAST n TIMEFRAMES and TOP fit its shape (kumo-features.md §2.1, §2.3, §2.7).
import { type Operand, forEachAggregation, isCondition } from './ast.js';
import { type OperandInfo, isForeignKey } from './resolve.js';
import { MAX_WINDOW, type Validator } from './validate.js';

export interface TargetInfo {
  operand: Operand;
  info: OperandInfo;
}

/** Checks the target; returns its operand info when it is a bare operand. */
export function checkTarget(v: Validator): TargetInfo | null {
  const target = v.q.target;
  if (isCondition(target)) {
    v.checkCondition(target, 'target', null);
    return null;
  }
  const info = v.checkOperand(target, 'target', null);
  if (info === null) return null;
  if (target.kind === 'column') {
    const resolved = v.bindings.columns.get(target);
    const column = resolved?.column;
    if (resolved !== undefined && column != null) {
      const table = resolved.table;
      const why =
        column.name === table.primaryKey
          ? 'a primary key'
          : isForeignKey(table, column.name)
            ? 'a foreign key'
            : column.name === table.timeColumn || column.stype === 'timestamp'
              ? 'a timestamp'
              : column.stype === 'text' || column.stype === 'id' || column.stype === 'embedding'
                ? `a ${column.stype} column`
                : null;
      if (why !== null) {
        v.add(
          'PQL_UNPREDICTABLE_TARGET',
          target.span,
          `a numerical, categorical or multicategorical column, not ${why}`,
        );
      }
    }
  } else if (
    target.op !== 'LIST_DISTINCT' &&
    target.op !== 'COUNT' &&
    target.op !== 'COUNT_DISTINCT'
  ) {
    const column = v.bindings.aggregations.get(target)?.column;
    if (
      column != null &&
      (info.kind === 'timestamp' || column.stype === 'text' || info.kind === 'other')
    ) {
      v.add(
        'PQL_UNPREDICTABLE_TARGET',
        target.span,
        'an aggregation with a numerical or categorical value',
      );
    }
  }
  return { operand: target, info };
}

/** RANK / CLASSIFY / FORECAST / TOP against the shape of the target. */
export function checkProblem(v: Validator, target: TargetInfo | null): void {
  const problem = v.q.problem;
  const operand = target?.operand ?? null;
  const setValued = target !== null && target.info.kind === 'list';
  const agg = operand?.kind === 'aggregation' ? operand : null;
  const aggColumn = agg === null ? null : v.bindings.aggregations.get(agg);
  const keyValued =
    agg?.op === 'LIST_DISTINCT' &&
    aggColumn?.column != null &&
    isForeignKey(aggColumn.table, aggColumn.column.name);
  const span = v.q.target.span;
  switch (problem.kind) {
    case 'top':
    case 'classify-top':
      v.add('PQL_TOP_WITHOUT_RANK', problem.span, 'RANK TOP k', `RANK TOP ${problem.k}`);
      break;
    case 'rank':
      if (problem.k === null)
        v.add('PQL_RANK_WITHOUT_TOP', problem.span, 'RANK TOP k', 'RANK TOP 10');
      else if (problem.k < 1 || problem.k > 10_000_000)
        v.add('PQL_BAD_TOP_K', problem.span, 'an integer from 1 to 10000000');
      if (target !== null && !setValued) {
        v.add(
          'PQL_RANK_NOT_KEY',
          span,
          'LIST_DISTINCT of a foreign key or a multicategorical column',
        );
      } else if (target === null && !isCondition(v.q.target)) {
        // the operand did not resolve; its own error is reported
      } else if (target === null) {
        v.add(
          'PQL_RANK_NOT_KEY',
          span,
          'LIST_DISTINCT of a foreign key or a multicategorical column',
        );
      }
      break;
    case 'classify':
      if (target === null ? isCondition(v.q.target) : !setValued) {
        v.add(
          'PQL_CLASSIFY_NOT_MULTICATEGORICAL',
          problem.span,
          'LIST_DISTINCT or a multicategorical column as the target',
        );
      }
      break;
    case 'forecast': {
      const w = agg?.window ?? null;
      const horizon = w === null ? 0 : (w.start ?? 0) + (w.end - (w.start ?? 0)) * problem.n;
      if (problem.n < 1 || problem.n > 10_000) {
        v.add('PQL_FORECAST_RANGE', problem.span, 'from 1 to 10000 timeframes');
      } else if (horizon > MAX_WINDOW) {
        v.add(
          'PQL_FORECAST_RANGE',
          problem.span,
          `timeframes x width of at most ${MAX_WINDOW} units`,
        );
      }
      const ok = agg !== null && agg.window !== null && target?.info.kind === 'numeric';
      if (!ok && (target !== null || isCondition(v.q.target))) {
        v.add(
          'PQL_FORECAST_TARGET',
          span,
          'a windowed numerical aggregation such as SUM(t.c, 0, 7, days)',
        );
      }
      break;
    }
    case 'none':
      if (setValued) {
        v.add(
          'PQL_MISSING_PROBLEM_TYPE',
          span,
          'CLASSIFY or RANK TOP k after a set-valued target',
          keyValued ? 'RANK TOP 10' : 'CLASSIFY',
        );
      }
      break;
  }
  if (
    agg !== null &&
    agg.op === 'LIST_DISTINCT' &&
    agg.window === null &&
    !(problem.kind === 'rank' && keyValued)
  ) {
    v.add(
      'PQL_STATIC_LIST_DISTINCT',
      agg.span,
      'a window, e.g. LIST_DISTINCT(t.c, 0, 30, days); only RANK TOP k over a foreign key may ' +
        'omit it',
    );
  }
}

/** A static target cannot be combined with time windows in WHERE or ASSUMING. */
export function checkStaticMix(v: Validator): void {
  let temporal = false;
  forEachAggregation(v.q.target, (a) => (temporal ||= a.window !== null));
  if (temporal) return;
  for (const cond of [v.q.where, v.q.assuming]) {
    forEachAggregation(cond, (a) => {
      if (a.window !== null)
        v.add(
          'PQL_STATIC_MIXED_TEMPORAL',
          a.window.span,
          'a windowed target, or static conditions only',
        );
    });
  }
}
