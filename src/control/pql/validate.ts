// SPDX-License-Identifier: Apache-2.0
// Validation of a parsed query against a graph definition. Every rule adds a coded diagnostic
// and validation goes on, so one run reports all errors of the query; a reference that does not
// resolve is skipped by the rules that depend on it, so one typo gives one error.
import type { ColumnDef, GraphDef, TableDef } from '../../data/graph-def.js';
import {
  type Aggregation,
  type ColumnRef,
  type Condition,
  type Constant,
  type Name,
  type Operand,
  type Query,
  type Span,
  type Window,
  forEachAggregation,
} from './ast.js';
import { type Diagnostic, PqlDiagnostics, diagnostic, nearest } from './diagnostics.js';
import { parseTimestampText } from './lexer.js';
import { checkProblem, checkStaticMix, checkTarget } from './validate-target.js';
import {
  type Bindings,
  type OperandInfo,
  type ResolvedColumn,
  type ValueKind,
  aggregationKind,
  columnKind,
  findColumnLoose,
  findTableLoose,
  isForeignKey,
  linksTo,
  staticLink,
} from './resolve.js';

export type Context = 'target' | 'where' | 'assuming' | 'filter';

export interface ValidatedQuery {
  query: Query;
  graph: GraphDef;
  entity: TableDef;
  entityKey: string;
  bindings: Bindings;
  /** The target has a windowed aggregation (anchors, windows, temporal splits). */
  temporal: boolean;
  /** Diagnostics of severity warning (errors throw). */
  warnings: Diagnostic[];
}

/** Largest window bound in any unit (100000 days is about 274 years). */
export const MAX_WINDOW = 100_000;
const ORDERING = new Set(['<', '<=', '>', '>=']);
const STRING_OPS = new Set(['LIKE', 'NOT LIKE', 'STARTS WITH', 'ENDS WITH']);
/** Columns an unknown-column error lists before it cuts the list. */
const MAX_LISTED = 12;

export class Validator {
  readonly diagnostics: Diagnostic[] = [];
  readonly bindings: Bindings = { columns: new Map(), aggregations: new Map() };
  entity: TableDef | null = null;
  /** Tables the query names that have no rows (each reported once). */
  private readonly empty = new Set<string>();

  constructor(
    readonly q: Query,
    private readonly graph: GraphDef,
  ) {}

  run(): void {
    this.checkEntity();
    const target = checkTarget(this);
    if (this.q.where !== null) this.checkCondition(this.q.where, 'where', null);
    if (this.q.assuming !== null) this.checkCondition(this.q.assuming, 'assuming', null);
    checkProblem(this, target);
    checkStaticMix(this);
  }

  add(code: string, span: Span, expected: string, suggestion: string | null = null): void {
    this.diagnostics.push(diagnostic(code, this.q.source, span, expected, suggestion));
  }

  private checkEntity(): void {
    const { column, ids, idsSpan } = this.q.entity;
    const table = this.resolveTable(column.table);
    if (table === null) return;
    const pk = table.primaryKey;
    if (column.column === null || findColumnLoose(table, column.column.text) === undefined) {
      if (
        column.column !== null &&
        pk !== null &&
        findColumnLoose(table, column.column.text) === undefined
      ) {
        this.unknownColumn(table, column.column);
        return;
      }
      this.add(
        'PQL_NOT_PRIMARY_KEY',
        column.span,
        pk === null ? `a table with a primary key` : `${table.name}.${pk}`,
        pk === null ? null : `${table.name}.${pk}`,
      );
      return;
    }
    const col = findColumnLoose(table, column.column.text)!;
    if (pk === null || col.name !== pk) {
      const expected =
        pk === null
          ? `a table with a primary key (${table.name} has none)`
          : `the primary key ${table.name}.${pk}`;
      this.add(
        'PQL_NOT_PRIMARY_KEY',
        column.span,
        expected,
        pk === null ? null : `${table.name}.${pk}`,
      );
      return;
    }
    this.entity = table;
    this.bindings.columns.set(column, { table, column: col, link: { kind: 'entity' } });
    if (ids !== null && idsSpan !== null) {
      const kind = columnKind(col);
      for (const id of ids) {
        if (!constantFits(kind, id)) this.add('PQL_CONSTANT_TYPE', id.span, `a ${kind} key value`);
      }
    }
  }

  checkCondition(cond: Condition, ctx: Context, fact: TableDef | null): void {
    switch (cond.kind) {
      case 'not':
        this.checkCondition(cond.operand, ctx, fact);
        return;
      case 'and':
      case 'or':
        this.checkCondition(cond.left, ctx, fact);
        this.checkCondition(cond.right, ctx, fact);
        return;
      case 'compare': {
        const info = this.checkOperand(cond.left, ctx, fact);
        if (info !== null) this.checkCompare(cond, info);
      }
    }
  }

  private checkCompare(cond: Extract<Condition, { kind: 'compare' }>, info: OperandInfo): void {
    const { op, right, left } = cond;
    if (op === 'IS NULL' || op === 'IS NOT NULL' || right === null) return;
    const kind = info.kind;
    if (ORDERING.has(op)) {
      if (kind !== 'numeric' && kind !== 'timestamp') {
        this.add(
          'PQL_TYPE_MISMATCH',
          left.span,
          `a numerical or time value for ${op} (got ${kind})`,
        );
      } else if (!constantFits(kind, right)) {
        this.add('PQL_CONSTANT_TYPE', right.span, `a ${kind === 'numeric' ? 'number' : 'date'}`);
      }
      return;
    }
    if (STRING_OPS.has(op)) {
      if (kind !== 'text')
        this.add('PQL_TYPE_MISMATCH', left.span, `a text value for ${op} (got ${kind})`);
      else if (right.kind !== 'string')
        this.add('PQL_CONSTANT_TYPE', right.span, 'a quoted string');
      return;
    }
    if (op === 'CONTAINS' || op === 'NOT CONTAINS') {
      if (kind === 'text') {
        if (right.kind !== 'string') this.add('PQL_CONSTANT_TYPE', right.span, 'a quoted string');
      } else if (kind === 'list') {
        if (!constantFits(info.element ?? 'other', right))
          this.add('PQL_CONSTANT_TYPE', right.span, `a ${info.element} element`);
      } else {
        this.add('PQL_TYPE_MISMATCH', left.span, `a text or set value for ${op} (got ${kind})`);
      }
      return;
    }
    if (kind === 'list') {
      this.add(
        'PQL_TYPE_MISMATCH',
        left.span,
        `a scalar value for ${op}; use CONTAINS on sets`,
        'CONTAINS',
      );
      return;
    }
    const items = right.kind === 'list' ? right.items : [right];
    if (right.kind === 'list' && op !== 'IN' && op !== 'NOT IN') {
      this.add(
        'PQL_CONSTANT_TYPE',
        right.span,
        `a single value for ${op}; use IN for a list`,
        'IN',
      );
      return;
    }
    for (const item of items) {
      if (!constantFits(kind, item))
        this.add('PQL_CONSTANT_TYPE', item.span, `a value of kind ${kind}`);
    }
  }

  checkOperand(op: Operand, ctx: Context, fact: TableDef | null): OperandInfo | null {
    if (op.kind === 'column') {
      const resolved = this.resolveColumn(op, ctx, fact);
      if (resolved === null) return null;
      if (resolved.column === null) {
        this.add(
          'PQL_WILDCARD_NOT_COUNT',
          op.span,
          'table.column; * is only allowed inside COUNT',
          null,
        );
        return null;
      }
      const kind = columnKind(resolved.column);
      return { kind, element: kind === 'list' ? 'text' : null };
    }
    return this.checkAggregation(op, ctx);
  }

  private checkAggregation(agg: Aggregation, ctx: Context): OperandInfo | null {
    if (ctx === 'filter') {
      this.add(
        'PQL_NESTED_AGGREGATION',
        agg.span,
        'a condition on columns of the aggregated table',
      );
      return null;
    }
    const table = this.resolveTable(agg.column.table);
    if (agg.window !== null) this.checkWindow(agg, table, ctx);
    if (table === null) return null;
    if (agg.filter !== null) this.checkCondition(agg.filter, 'filter', table);
    if (this.entity === null) return null;
    if (table === this.entity) {
      const name = table.name;
      this.add(
        'PQL_NOT_REACHABLE',
        agg.column.table.span,
        `another table: ${name} is the entity's own table and cannot be aggregated over ` +
          `itself; aggregate a table that links to ${name}, or use a column ${name}.column`,
      );
      return null;
    }
    const links = linksTo(table, this.entity);
    if (links.length === 0) {
      const linked = this.graph.tables.filter(
        (t) => t !== this.entity && linksTo(t, this.entity!).length > 0,
      );
      const expected = `a table with a foreign key to ${this.entity.name}`;
      this.add(
        'PQL_NOT_REACHABLE',
        agg.column.table.span,
        expected,
        nearest(
          table.name,
          linked.map((t) => t.name),
        ),
      );
      return null;
    }
    if (links.length > 1) {
      this.add(
        'PQL_AMBIGUOUS_LINK',
        agg.column.table.span,
        `one foreign key to ${this.entity.name}; found ${links.join(', ')}`,
      );
      return null;
    }
    let column = null;
    if (agg.column.column === null) {
      if (agg.op !== 'COUNT') {
        this.add(
          'PQL_WILDCARD_NOT_COUNT',
          agg.column.span,
          `COUNT(${table.name}.*) or ${agg.op}(${table.name}.column)`,
        );
        return null;
      }
    } else {
      column = findColumnLoose(table, agg.column.column.text) ?? null;
      if (column === null) {
        this.unknownColumn(table, agg.column.column);
        return null;
      }
    }
    const input = column === null ? null : columnKind(column);
    if ((agg.op === 'SUM' || agg.op === 'AVG') && input !== 'numeric' && input !== 'boolean') {
      this.add(
        'PQL_TYPE_MISMATCH',
        agg.column.span,
        `a numerical column for ${agg.op} (got ${input})`,
      );
      return null;
    }
    if (
      (agg.op === 'MIN' || agg.op === 'MAX') &&
      input !== 'numeric' &&
      input !== 'timestamp' &&
      input !== 'boolean'
    ) {
      this.add(
        'PQL_TYPE_MISMATCH',
        agg.column.span,
        `a numerical or time column for ${agg.op} (got ${input})`,
      );
      return null;
    }
    if (
      (agg.op === 'FIRST' || agg.op === 'LAST') &&
      column !== null &&
      isForeignKey(table, column.name)
    ) {
      this.add(
        'PQL_TYPE_MISMATCH',
        agg.column.span,
        `a column that is not a foreign key for ${agg.op}; use LIST_DISTINCT for keys`,
        'LIST_DISTINCT',
      );
      return null;
    }
    if (agg.op === 'LIST_DISTINCT' && column !== null && !listable(table, column)) {
      // A set of distinct numbers, texts or times is no class set to predict or rank.
      const numeric = column.stype === 'numerical';
      this.add(
        'PQL_TYPE_MISMATCH',
        agg.column.span,
        `a categorical, id or foreign-key column for LIST_DISTINCT; ${table.name}.${column.name} ` +
          `is ${column.stype} (${column.physical})` +
          (numeric ? '; aggregate it with SUM, AVG, MIN or MAX instead' : ''),
      );
      return null;
    }
    if (agg.window === null && agg.op === 'LIST_DISTINCT' && ctx !== 'target') {
      this.add(
        'PQL_STATIC_LIST_DISTINCT',
        agg.span,
        'a window, e.g. LIST_DISTINCT(t.c, -30, 0, days)',
      );
    }
    this.bindings.aggregations.set(agg, { table, foreignKey: links[0], column });
    const kind = aggregationKind(agg.op, input);
    return {
      kind,
      element: kind === 'list' ? (agg.op === 'LIST_DISTINCT' ? input : 'text') : null,
    };
  }

  private checkWindow(agg: Aggregation, table: TableDef | null, ctx: Context): void {
    const w = agg.window!;
    if (table !== null && table.timeColumn === null) {
      this.add(
        'PQL_NO_TIME_COLUMN',
        agg.span,
        `a time column on ${table.name}: give it one in the graph file (\`timeColumn\`, or ` +
          '`derivedTime` from a timed parent table; see docs/graph-file.md)',
      );
    }
    for (const [value, span] of [
      [w.start, w.startSpan],
      [w.end, w.endSpan],
    ] as const) {
      if (value !== null && !Number.isInteger(value))
        this.add('PQL_WINDOW_NOT_INTEGER', span, 'an integer');
      if (value !== null && Math.abs(value) > MAX_WINDOW) {
        this.add('PQL_WINDOW_RANGE', span, `a bound from -${MAX_WINDOW} to ${MAX_WINDOW}`);
      }
    }
    if (w.start !== null && w.start >= w.end) {
      this.add('PQL_WINDOW_ORDER', w.span, `start < end (start is exclusive, end inclusive)`);
      return;
    }
    if (ctx === 'target' && (w.start === null || w.start < 0)) {
      this.add(
        'PQL_TARGET_PAST_WINDOW',
        w.span,
        'a target window 0 <= start < end, looking forward',
        forwardWindow(w),
      );
    } else if (ctx === 'where' && w.end > 0) {
      this.add(
        'PQL_WHERE_FUTURE_WINDOW',
        w.span,
        'an entity filter window ending at or before 0; use ASSUMING for the future',
        'ASSUMING',
      );
    } else if (ctx === 'assuming' && (w.start === null || w.start < 0)) {
      this.add(
        'PQL_ASSUMING_PAST_WINDOW',
        w.span,
        'an ASSUMING window 0 <= start < end; use WHERE for the past',
        'WHERE',
      );
    }
  }

  /**
   * PQL_UNKNOWN_COLUMN for `name` in `table`: the expectation lists the table's columns, the
   * suggestion is its nearest column, else a table that has a column of that name.
   */
  private unknownColumn(table: TableDef, name: Name): void {
    const names = table.columns.map((c) => c.name);
    const shown = names.length > MAX_LISTED ? [...names.slice(0, MAX_LISTED), '...'] : names;
    const lower = name.text.toLowerCase();
    const elsewhere = this.graph.tables.find(
      (t) => t !== table && t.columns.some((c) => c.name.toLowerCase() === lower),
    );
    const other = elsewhere?.columns.find((c) => c.name.toLowerCase() === lower);
    const suggestion =
      nearest(name.text, names) ??
      (other === undefined ? null : `${elsewhere!.name}.${other.name}`);
    this.add(
      'PQL_UNKNOWN_COLUMN',
      name.span,
      `a column of ${table.name} (${shown.join(', ')})`,
      suggestion,
    );
  }

  private resolveTable(name: Name): TableDef | null {
    const table = findTableLoose(this.graph, name.text);
    if (table !== undefined && table.rowCount === 0) {
      // Nothing about an empty table can be inferred (its time column, keys and links), so
      // the rules that depend on it would only report symptoms: one error names the cause.
      if (!this.empty.has(table.name)) {
        this.empty.add(table.name);
        this.add(
          'PQL_TABLE_EMPTY',
          name.span,
          `a table with rows; ${table.name} is empty, so no time column, key or link of it ` +
            'can be inferred: add its rows to the data and inspect again, or query another table',
        );
      }
      return null;
    }
    if (table !== undefined) return table;
    const names = this.graph.tables.map((t) => t.name);
    this.add(
      'PQL_UNKNOWN_TABLE',
      name.span,
      `one of ${names.join(', ')}`,
      nearest(name.text, names),
    );
    return null;
  }

  private resolveColumn(
    ref: ColumnRef,
    ctx: Context,
    fact: TableDef | null,
  ): ResolvedColumn | null {
    const table = this.resolveTable(ref.table);
    if (table === null) return null;
    if (ctx === 'filter' && table !== fact) {
      // Suggest only a column the aggregated table has: the nearest by name, or none.
      const names = fact!.columns.map((c) => c.name);
      const shown = names.length > MAX_LISTED ? [...names.slice(0, MAX_LISTED), '...'] : names;
      const near = ref.column === null ? null : nearest(ref.column.text, names);
      this.add(
        'PQL_FILTER_COLUMN_TABLE',
        ref.span,
        `a column of the aggregated table ${fact!.name} (${shown.join(', ')})`,
        near === null ? null : `${fact!.name}.${near}`,
      );
      return null;
    }
    let column = null;
    if (ref.column !== null) {
      column = findColumnLoose(table, ref.column.text) ?? null;
      if (column === null) {
        this.unknownColumn(table, ref.column);
        return null;
      }
    }
    if (ctx === 'filter') {
      const resolved: ResolvedColumn = { table, column, link: { kind: 'fact' } };
      this.bindings.columns.set(ref, resolved);
      return resolved;
    }
    if (this.entity === null) return null;
    const link = staticLink(this.entity, table);
    if (link === null) {
      const expected =
        `a column of ${this.entity.name} or of a table one unique foreign key away; ` +
        `aggregate ${table.name} instead, e.g. COUNT(${table.name}.*, -30, 0, days)`;
      this.add('PQL_NOT_REACHABLE', ref.table.span, expected);
      return null;
    }
    const resolved: ResolvedColumn = { table, column, link };
    this.bindings.columns.set(ref, resolved);
    return resolved;
  }
}

/** True when constant `c` can be compared with a value of `kind`. */
/** True when LIST_DISTINCT may collect `column`: a key of its table, or a categorical column. */
export function listable(table: TableDef, column: ColumnDef): boolean {
  if (column.name === table.primaryKey || isForeignKey(table, column.name)) return true;
  return column.stype === 'categorical' || column.stype === 'id';
}

export function constantFits(kind: ValueKind, c: Constant): boolean {
  switch (kind) {
    case 'numeric':
      return c.kind === 'number' || c.kind === 'boolean';
    case 'boolean':
      return c.kind === 'boolean' || (c.kind === 'number' && (c.value === 0 || c.value === 1));
    case 'text':
      return c.kind === 'string';
    case 'timestamp':
      return c.kind === 'datetime' || (c.kind === 'string' && parseTimestampText(c.value) !== null);
    case 'list':
      return false;
    default:
      return c.kind !== 'list';
  }
}

/** Validates `query` against `graph`; throws PqlDiagnostics listing every error. */
export function validateQuery(query: Query, graph: GraphDef): ValidatedQuery {
  const v = new Validator(query, graph);
  v.run();
  v.diagnostics.sort((a, b) => a.offset - b.offset);
  const errors = v.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || v.entity === null) {
    throw new PqlDiagnostics(v.diagnostics);
  }
  let temporal = false;
  forEachAggregation(query.target, (a) => (temporal ||= a.window !== null));
  return {
    query,
    graph,
    entity: v.entity,
    entityKey: v.entity.primaryKey!,
    bindings: v.bindings,
    temporal,
    warnings: v.diagnostics,
  };
}

/**
 * The suggestion for a target window that looks back: the same length looking forward
 * (`-30, 0, days` -> `0, 30, days`); for `-INF, end` the forward part `0, end`, else none.
 */
function forwardWindow(w: Window): string | null {
  const length = w.start === null ? w.end : w.end - w.start;
  if (!(length > 0)) return null;
  const unitWritten = w.span.offset + w.span.length > w.endSpan.offset + w.endSpan.length;
  return `0, ${length}${unitWritten ? `, ${w.unit}` : ''}`;
}
