// SPDX-License-Identifier: Apache-2.0
// The syntax tree of a predictive query. Every node carries its source span so diagnostics can
// point at the exact text. Times are microseconds since the Unix epoch, UTC, as bigint.

/** A range of the source text: 1-based line and column, 0-based offset, length in characters. */
export interface Span {
  line: number;
  column: number;
  offset: number;
  length: number;
}

export type TimeUnit = 'seconds' | 'minutes' | 'hours' | 'days' | 'weeks' | 'months';

export type AggregationOp =
  'COUNT' | 'COUNT_DISTINCT' | 'SUM' | 'AVG' | 'MIN' | 'MAX' | 'FIRST' | 'LAST' | 'LIST_DISTINCT';

export type CompareOp =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'IN'
  | 'NOT IN'
  | 'IS NULL'
  | 'IS NOT NULL'
  | 'LIKE'
  | 'NOT LIKE'
  | 'CONTAINS'
  | 'NOT CONTAINS'
  | 'STARTS WITH'
  | 'ENDS WITH';

export interface Name {
  text: string;
  span: Span;
}

/** `table.column` or `table.*` (column null). */
export interface ColumnRef {
  kind: 'column';
  table: Name;
  column: Name | null;
  span: Span;
}

/** `(start, end]` relative to the anchor time; start null means -INF. */
export interface Window {
  start: number | null;
  end: number;
  unit: TimeUnit;
  span: Span;
  startSpan: Span;
  endSpan: Span;
}

export interface Aggregation {
  kind: 'aggregation';
  op: AggregationOp;
  column: ColumnRef;
  filter: Condition | null;
  window: Window | null;
  span: Span;
}

export type Operand = ColumnRef | Aggregation;

export type Constant =
  | { kind: 'number'; value: number; integer: boolean; span: Span }
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'boolean'; value: boolean; span: Span }
  | { kind: 'null'; span: Span }
  | { kind: 'datetime'; micros: bigint; text: string; span: Span }
  | { kind: 'list'; items: Constant[]; span: Span };

export type Condition =
  | { kind: 'compare'; left: Operand; op: CompareOp; right: Constant | null; span: Span }
  | { kind: 'not'; operand: Condition; span: Span }
  | { kind: 'and' | 'or'; left: Condition; right: Condition; span: Span };

export type Target = Condition | Operand;

export type ProblemSpec =
  | { kind: 'none' }
  | { kind: 'classify'; span: Span }
  | { kind: 'rank'; k: number | null; span: Span }
  | { kind: 'top'; k: number; span: Span }
  | { kind: 'classify-top'; k: number; span: Span }
  | { kind: 'forecast'; n: number; span: Span };

export interface EntitySpec {
  column: ColumnRef;
  /** `FOR EACH` (true) or bare `FOR` (false). */
  forEach: boolean;
  /** Explicit ids: `FOR t.pk = 42` or `FOR t.pk IN (1, 2)`; null when absent. */
  ids: Constant[] | null;
  idsSpan: Span | null;
}

export interface Query {
  /** The `EVALUATE` prefix was present. */
  evaluate: boolean;
  target: Target;
  problem: ProblemSpec;
  entity: EntitySpec;
  where: Condition | null;
  assuming: Condition | null;
  source: string;
  span: Span;
}

export function isCondition(target: Target): target is Condition {
  return (
    target.kind === 'compare' ||
    target.kind === 'not' ||
    target.kind === 'and' ||
    target.kind === 'or'
  );
}

/** Calls `visit` on every aggregation of a condition tree (not descending into filters). */
export function forEachAggregation(node: Target | null, visit: (agg: Aggregation) => void): void {
  if (node === null) return;
  switch (node.kind) {
    case 'aggregation':
      visit(node);
      return;
    case 'column':
      return;
    case 'compare':
      forEachAggregation(node.left, visit);
      return;
    case 'not':
      forEachAggregation(node.operand, visit);
      return;
    default:
      forEachAggregation(node.left, visit);
      forEachAggregation(node.right, visit);
  }
}

/** Calls `visit` on every operand of a condition tree (not descending into filters). */
export function forEachOperand(node: Target | null, visit: (op: Operand) => void): void {
  if (node === null) return;
  switch (node.kind) {
    case 'aggregation':
    case 'column':
      visit(node);
      return;
    case 'compare':
      visit(node.left);
      return;
    case 'not':
      forEachOperand(node.operand, visit);
      return;
    default:
      forEachOperand(node.left, visit);
      forEachOperand(node.right, visit);
  }
}

/** Source text of a node. */
export function textOf(query: { source: string }, span: Span): string {
  return query.source.slice(span.offset, span.offset + span.length);
}
