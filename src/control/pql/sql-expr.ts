// SPDX-License-Identifier: Apache-2.0
// Compiles conditions, operands and constants of a validated query to SQL expressions. Logic is
// two-valued: a comparison with a NULL operand is false (COALESCE(..., FALSE)). Constants are
// bound as parameters typed by the operand they are compared with.
import type { SqlValue } from '../../data/connector.js';
import type { Aggregation, ColumnRef, Condition, Constant, Operand } from './ast.js';
import { parseTimestampText } from './lexer.js';
import { type ValueKind, aggregationKind, columnKind } from './resolve.js';
import type { ParamType, SqlWriter } from './sql-dialect.js';
import type { ValidatedQuery } from './validate.js';

/** Aggregations whose empty window is 0 rather than undefined. */
export const ZERO_WHEN_EMPTY = new Set(['COUNT', 'COUNT_DISTINCT', 'SUM']);

export class ExprCompiler {
  constructor(
    private readonly w: SqlWriter,
    private readonly v: ValidatedQuery,
    /** CTE name of each aggregation (filled by the label compiler before use). */
    private readonly aggNames: Map<Aggregation, string>,
    /** Alias of each one-hop table. */
    private readonly hopAliases: Map<string, string>,
  ) {}

  condition(c: Condition): string {
    switch (c.kind) {
      case 'not':
        return `(NOT ${this.condition(c.operand)})`;
      case 'and':
      case 'or':
        return `(${this.condition(c.left)} ${c.kind.toUpperCase()} ${this.condition(c.right)})`;
      case 'compare':
        return this.compare(c);
    }
  }
  compare(c: Extract<Condition, { kind: 'compare' }>): string {
    const { w } = this;
    const left = this.operand(c.left);
    const kind = this.kindOf(c.left);
    if (c.op === 'IS NULL' || c.op === 'IS NOT NULL') return `(${left} ${c.op})`;
    const right = c.right!;
    const split =
      c.left.kind === 'column' &&
      this.resolvedColumn(c.left)?.stype === 'multicategorical' &&
      this.resolvedColumn(c.left)?.physical === 'string';
    let expr: string;
    switch (c.op) {
      case 'IN':
      case 'NOT IN': {
        const items = (right.kind === 'list' ? right.items : [right]).map((i) =>
          this.constant(i, kind),
        );
        expr = `${left} ${c.op} (${items.join(', ')})`;
        break;
      }
      case 'CONTAINS':
      case 'NOT CONTAINS': {
        const inner =
          kind === 'list'
            ? w.listContains(left, this.constant(right, this.elementKind(c.left)), split)
            : w.textOp('CONTAINS', left, this.constant(right, 'text'));
        expr = c.op === 'CONTAINS' ? inner : `NOT ${inner}`;
        break;
      }
      case 'STARTS WITH':
      case 'ENDS WITH':
        expr = w.textOp(c.op, left, this.constant(right, 'text'));
        break;
      default:
        expr = `${left} ${c.op} ${this.constant(right, kind)}`;
    }
    return `COALESCE(${expr}, FALSE)`;
  }
  operand(op: Operand): string {
    if (op.kind === 'aggregation') {
      const name = this.aggNames.get(op)!;
      return ZERO_WHEN_EMPTY.has(op.op) ? `COALESCE(${name}.v, 0)` : `${name}.v`;
    }
    const r = this.v.bindings.columns.get(op)!;
    const col = this.w.ident(r.column!.name);
    switch (r.link.kind) {
      case 'fact':
        return `f.${col}`;
      case 'entity':
        return `e.${col}`;
      default:
        return `${this.hopAliases.get(r.table.name)}.${col}`;
    }
  }
  resolvedColumn(ref: ColumnRef) {
    return this.v.bindings.columns.get(ref)?.column ?? null;
  }
  kindOf(op: Operand): ValueKind {
    if (op.kind === 'column') return columnKind(this.resolvedColumn(op)!);
    const r = this.v.bindings.aggregations.get(op)!;
    return aggregationKind(op.op, r.column === null ? null : columnKind(r.column));
  }
  elementKind(op: Operand): ValueKind {
    if (op.kind === 'aggregation' && op.op === 'LIST_DISTINCT') {
      const col = this.v.bindings.aggregations.get(op)!.column!;
      return columnKind(col);
    }
    return 'text';
  }
  constant(c: Constant, kind: ValueKind): string {
    const { w } = this;
    const p = (value: SqlValue, type: ParamType) => w.param(value, type);
    switch (c.kind) {
      case 'number':
        return kind === 'boolean' ? p(c.value === 1, 'BOOLEAN') : p(c.value, 'DOUBLE');
      case 'boolean':
        return kind === 'boolean' ? p(c.value, 'BOOLEAN') : p(c.value ? 1 : 0, 'DOUBLE');
      case 'string':
        return kind === 'timestamp'
          ? p(parseTimestampText(c.value)!, 'TIMESTAMP')
          : p(c.value, 'VARCHAR');
      case 'datetime':
        return p(c.micros, 'TIMESTAMP');
      case 'null':
        return 'NULL';
      case 'list':
        return c.items.map((i) => this.constant(i, kind)).join(', ');
    }
  }
}
