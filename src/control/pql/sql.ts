// SPDX-License-Identifier: Apache-2.0
// Compiles a validated query into label SQL (and prediction-entity SQL) for one dialect.
//
// Stages, each a CTE: anchors (an arithmetic series of anchor times, or one anchor, or a single
// NULL anchor for static queries) -> base (entity rows visible at each anchor) -> entities
// (base rows satisfying the entity WHERE, evaluated at the anchor, looking back) -> one
// aggregate CTE per aggregation (fact rows joined by the foreign key inside the window
// (anchor + start, anchor + end], nulls of the aggregated column dropped, the target filter
// applied) -> the label row per (entity, anchor), where ASSUMING holds and the label is
// defined: empty windows give 0 for COUNT, COUNT_DISTINCT and SUM and drop the example for the
// other aggregations. Comparisons are two-valued: a NULL operand makes them false.
import type { SqlDialect, SqlValue } from '../../data/connector.js';
import type { GraphDef, TableDef } from '../../data/graph-def.js';
import type { Aggregation, Condition, Operand, Target } from './ast.js';
import { forEachAggregation, isCondition } from './ast.js';
import { columnKind } from './resolve.js';
import { SqlWriter } from './sql-dialect.js';
import { ExprCompiler, ZERO_WHEN_EMPTY } from './sql-expr.js';
import type { AnchorSeries } from './splits.js';
import type { TaskInfo } from './task.js';
import { MICROS } from './time.js';
import type { ValidatedQuery } from './validate.js';

export interface CompiledSql {
  sql: string;
  params: SqlValue[];
  /** Output columns, in order. */
  columns: string[];
}

export type AnchorSource =
  { kind: 'series'; series: AnchorSeries } | { kind: 'single'; at: bigint } | { kind: 'static' };

export interface LabelSqlInput {
  query: ValidatedQuery;
  task: TaskInfo;
  dialect: SqlDialect;
  anchors: AnchorSource;
  /** Fact rows later than this are invisible (the data cutoff); null for none. */
  cutoff: bigint | null;
  mode: 'label' | 'predict';
  /** Static queries: fractions for the hash / time split column. */
  staticSplit?: { train: number; validation: number };
  /** Where tables are read from; default their quoted names and own time columns. */
  relations?: Relations;
}

/**
 * How SQL reads the graph's tables: `from` gives a relation expression per table and
 * `timeColumn` the column of that relation holding the row time as a timestamp (the data
 * engine's relations expose derived and string time columns that way).
 */
export interface Relations {
  from(table: TableDef): string;
  timeColumn: string | null;
}

class LabelCompiler {
  private readonly w: SqlWriter;
  private readonly ctes: string[] = [];
  private readonly aggNames = new Map<Aggregation, string>();
  private readonly hopAliases = new Map<string, string>();
  private readonly v: ValidatedQuery;
  private readonly forecast: number | null;
  private readonly expr: ExprCompiler;

  constructor(private readonly input: LabelSqlInput) {
    this.w = new SqlWriter(input.dialect);
    this.v = input.query;
    this.forecast = input.task.forecastSteps;
    this.expr = new ExprCompiler(this.w, this.v, this.aggNames, this.hopAliases);
  }

  /** The relation a table is read from (its quoted name, or the data engine's relation). */
  private from(table: TableDef): string {
    return this.input.relations?.from(table) ?? this.w.ident(table.name);
  }

  /** The quoted column holding a temporal table's row time as a timestamp. */
  private time(table: TableDef): string {
    return this.w.ident(this.input.relations?.timeColumn ?? table.timeColumn!);
  }

  compile(): CompiledSql {
    const { v, w } = this;
    const ent = v.entity;
    const pk = w.ident(v.entityKey);
    const temporal = this.input.anchors.kind !== 'static';
    this.ctes.push(`anchors AS (${this.anchorsSql()})`);

    const baseWhere = [`e.${pk} IS NOT NULL`];
    if (temporal && ent.timeColumn !== null) baseWhere.push(`e.${this.time(ent)} <= a.anchor_time`);
    const ids = v.query.entity.ids;
    if (this.input.mode === 'predict' && ids !== null) {
      const kind = columnKind(ent.columns.find((c) => c.name === v.entityKey)!);
      baseWhere.push(`e.${pk} IN (${ids.map((c) => this.expr.constant(c, kind)).join(', ')})`);
    }
    this.ctes.push(
      `base AS (SELECT e.${pk} AS entity_id, a.anchor_time FROM ${this.from(ent)} e CROSS JOIN anchors a WHERE ${baseWhere.join(' AND ')})`,
    );

    const where = v.query.where;
    if (where === null) {
      this.ctes.push('entities AS (SELECT entity_id, anchor_time FROM base)');
    } else {
      const joins = this.stageJoins('base', [where], 's', false);
      this.ctes.push(
        `entities AS (SELECT s.entity_id, s.anchor_time FROM base s ${joins} WHERE ${this.expr.condition(where)})`,
      );
    }
    return this.input.mode === 'predict' ? this.predictSelect() : this.labelSelect();
  }

  private labelSelect(): CompiledSql {
    const { v, w } = this;
    const target = v.query.target;
    const assuming = v.query.assuming;
    const horizon = this.forecast !== null;
    const joins = this.stageJoins('entities', [target, assuming], 's', horizon);
    const filters: string[] = [];
    if (assuming !== null) filters.push(this.expr.condition(assuming));
    const label = this.labelExpr(target, filters);
    const from = horizon
      ? `entities s CROSS JOIN ${w.range(w.param(this.forecast!, 'BIGINT'), 'h', 'k')}`
      : 'entities s';
    const cols = ['entity_id', 'anchor_time', ...(horizon ? ['horizon'] : []), 'label'];
    const select = `SELECT s.entity_id, s.anchor_time${horizon ? ', h.k AS horizon' : ''}, ${label} AS label`;
    const whereSql = filters.length > 0 ? ` WHERE ${filters.join(' AND ')}` : '';
    const order = ` ORDER BY anchor_time, entity_id${horizon ? ', horizon' : ''}`;
    let body = `${select} FROM ${from} ${joins}${whereSql}`;
    if (this.input.anchors.kind === 'static' && this.input.staticSplit !== undefined) {
      body = this.staticSplit(body, cols);
      cols.push('split');
    }
    return this.finish(`${body}${order}`, cols);
  }

  private predictSelect(): CompiledSql {
    const target = this.v.query.target;
    let body = 'SELECT s.entity_id, s.anchor_time FROM entities s';
    if (this.input.anchors.kind === 'static' && target.kind === 'column') {
      body += ` ${this.stageJoins('entities', [target], 's', false)} WHERE ${this.expr.operand(target)} IS NULL`;
    }
    return this.finish(`${body} ORDER BY anchor_time, entity_id`, ['entity_id', 'anchor_time']);
  }

  private finish(select: string, columns: string[]): CompiledSql {
    return { sql: `WITH ${this.ctes.join(',\n')}\n${select}`, params: this.w.params, columns };
  }

  private staticSplit(body: string, cols: string[]): string {
    const { w } = this;
    const s = this.input.staticSplit!;
    const ent = this.v.entity;
    const tr = w.param(s.train, 'DOUBLE');
    const va = w.param(s.train + s.validation, 'DOUBLE');
    if (ent.timeColumn !== null) {
      const t = this.time(ent);
      const inner = body.replace(' AS label FROM', ` AS label, e.${t} AS entity_time FROM`);
      const rank = `percent_rank() OVER (ORDER BY q.entity_time, q.entity_id)`;
      return `SELECT ${cols.map((c) => `q.${c}`).join(', ')}, CASE WHEN ${rank} < ${tr} THEN 'train' WHEN ${rank} < ${va} THEN 'validation' ELSE 'test' END AS split FROM (${inner}) q`;
    }
    const b = w.bucket('q.entity_id');
    return `SELECT q.*, CASE WHEN ${b} < ${tr} * 100 THEN 'train' WHEN ${b} < ${va} * 100 THEN 'validation' ELSE 'test' END AS split FROM (${body}) q`;
  }

  private anchorsSql(): string {
    const { w } = this;
    const a = this.input.anchors;
    if (a.kind === 'static') return `SELECT ${w.nullTimestamp()} AS anchor_time`;
    if (a.kind === 'single') return `SELECT ${w.param(a.at, 'TIMESTAMP')} AS anchor_time`;
    const s = a.series;
    const count = w.param(s.count, 'BIGINT');
    const base = w.param(s.base, 'TIMESTAMP');
    const start = w.param(s.start, 'BIGINT');
    const amount =
      s.step.unit === 'months'
        ? `(r.i + ${start}) * ${w.param(s.step.n, 'BIGINT')}`
        : `(r.i + ${start}) * ${w.param(BigInt(s.step.n) * MICROS[s.step.unit], 'BIGINT')}`;
    return `SELECT ${w.addTime(base, amount, s.step.unit)} AS anchor_time FROM ${w.range(count, 'r', 'i')}`;
  }

  /** Joins that make the operands of `nodes` available to a stage over `src` (aliased `s`). */
  private stageJoins(src: string, nodes: (Target | null)[], s: string, horizon: boolean): string {
    const { v, w } = this;
    const parts = [`JOIN ${this.from(v.entity)} e ON e.${w.ident(v.entityKey)} = ${s}.entity_id`];
    const joined = new Set<string>();
    for (const node of nodes) {
      if (node === null) continue;
      for (const [table, alias] of this.hops(node)) {
        if (joined.has(alias)) continue;
        joined.add(alias);
        parts.push(this.hopJoin(table, alias, s));
      }
      forEachAggregation(node, (agg) => {
        const withHorizon = horizon && agg === node;
        const name = this.aggregationCte(agg, src, withHorizon);
        const onHorizon = withHorizon ? ` AND ${name}.horizon = h.k` : '';
        parts.push(
          `LEFT JOIN ${name} ON ${name}.entity_id = ${s}.entity_id AND ${name}.anchor_time IS NOT DISTINCT FROM ${s}.anchor_time${onHorizon}`,
        );
      });
    }
    return parts.join(' ');
  }

  /** One-hop tables referenced by static columns of `node` that have no alias yet. */
  private hops(node: Target): [string, string][] {
    const out: [string, string][] = [];
    const visit = (op: Operand) => {
      if (op.kind !== 'column') return;
      const r = this.v.bindings.columns.get(op)!;
      if (r.link.kind === 'entity' || r.link.kind === 'fact') return;
      if (!this.hopAliases.has(r.table.name)) {
        const alias = `j${this.hopAliases.size + 1}`;
        this.hopAliases.set(r.table.name, alias);
      }
      const pair: [string, string] = [r.table.name, this.hopAliases.get(r.table.name)!];
      if (!out.some(([t]) => t === pair[0])) out.push(pair);
    };
    walkOperands(node, visit);
    return out;
  }

  private hopJoin(tableName: string, alias: string, s: string): string {
    const { v, w } = this;
    const table = v.graph.tables.find((t) => t.name === tableName)!;
    const link = [...v.bindings.columns.values()].find(
      (r) => r.table === table && (r.link.kind === 'parent' || r.link.kind === 'child'),
    )!.link;
    const key = w.ident(table.primaryKey!);
    const on =
      link.kind === 'parent'
        ? `${alias}.${key} = e.${w.ident(link.via)}`
        : `${alias}.${key} = e.${w.ident(v.entityKey)}`;
    const visible =
      this.input.anchors.kind !== 'static' && table.timeColumn !== null
        ? ` AND ${alias}.${this.time(table)} <= ${s}.anchor_time`
        : '';
    return `LEFT JOIN ${this.from(table)} ${alias} ON ${on}${visible}`;
  }

  private aggregationCte(agg: Aggregation, src: string, horizon: boolean): string {
    const existing = this.aggNames.get(agg);
    if (existing !== undefined) return existing;
    const { v, w } = this;
    const name = `agg${this.aggNames.size + 1}`;
    this.aggNames.set(agg, name);
    const r = v.bindings.aggregations.get(agg)!;
    const time = r.table.timeColumn === null ? null : `f.${this.time(r.table)}`;
    const col = r.column === null ? null : `f.${w.ident(r.column.name)}`;
    const on = [`f.${w.ident(r.foreignKey)} = s.entity_id`];
    if (col !== null) on.push(`${col} IS NOT NULL`);
    const win = agg.window;
    if (win !== null && time !== null) {
      const unitSize = win.unit === 'months' ? 1n : MICROS[win.unit];
      const startAmount = BigInt(win.start ?? 0) * unitSize;
      const width = BigInt(win.end - (win.start ?? 0)) * unitSize;
      let lower: string | null;
      let upper: string;
      if (horizon) {
        // the k-th timeframe is (start + k * width, start + (k + 1) * width]
        const shift = `h.k * ${w.param(width, 'BIGINT')}`;
        lower = `(${w.param(startAmount, 'BIGINT')} + ${shift})`;
        upper = `(${w.param(startAmount + width, 'BIGINT')} + ${shift})`;
      } else {
        lower = win.start === null ? null : w.param(startAmount, 'BIGINT');
        upper = w.param(BigInt(win.end) * unitSize, 'BIGINT');
      }
      if (lower !== null) on.push(`${time} > ${w.addTime('s.anchor_time', lower, win.unit)}`);
      on.push(`${time} <= ${w.addTime('s.anchor_time', upper, win.unit)}`);
    } else if (time !== null && this.input.anchors.kind !== 'static') {
      on.push(`${time} <= s.anchor_time`);
    }
    if (time !== null && this.input.cutoff !== null)
      on.push(`${time} <= ${w.param(this.input.cutoff, 'TIMESTAMP')}`);
    if (time !== null && (agg.op === 'FIRST' || agg.op === 'LAST')) on.push(`${time} IS NOT NULL`);
    if (agg.filter !== null) on.push(this.expr.condition(agg.filter));
    const value = this.aggregate(agg, col, time);
    const hk = horizon ? ', h.k' : '';
    const from = horizon
      ? `${src} s CROSS JOIN ${w.range(w.param(this.forecast!, 'BIGINT'), 'h', 'k')}`
      : `${src} s`;
    this.ctes.push(
      `${name} AS (SELECT s.entity_id, s.anchor_time${horizon ? ', h.k AS horizon' : ''}, ${value} AS v FROM ${from} JOIN ${this.from(r.table)} f ON ${on.join(' AND ')} GROUP BY s.entity_id, s.anchor_time${hk})`,
    );
    return name;
  }

  private aggregate(agg: Aggregation, col: string | null, time: string | null): string {
    const { w } = this;
    switch (agg.op) {
      case 'COUNT':
        return col === null ? 'COUNT(*)' : `COUNT(${col})`;
      case 'COUNT_DISTINCT':
        return `COUNT(DISTINCT ${col})`;
      case 'SUM':
        return `SUM(${w.double(col!)})`;
      case 'AVG':
        return `AVG(${w.double(col!)})`;
      case 'MIN':
      case 'MAX':
        return `${agg.op}(${col})`;
      case 'FIRST':
      case 'LAST':
        return w.firstBy(col!, time === null ? [] : [time], agg.op === 'FIRST');
      case 'LIST_DISTINCT':
        return w.listDistinct(col!);
    }
  }

  private labelExpr(target: Target, filters: string[]): string {
    if (isCondition(target)) {
      forEachDroppable(target, (agg) => filters.push(`${this.aggNames.get(agg)}.v IS NOT NULL`));
      return `CASE WHEN ${this.expr.condition(target)} THEN 1 ELSE 0 END`;
    }
    const value = this.expr.operand(target);
    if (target.kind === 'column' || !ZERO_WHEN_EMPTY.has(target.op))
      filters.push(`${value} IS NOT NULL`);
    const kind = this.expr.kindOf(target);
    return kind === 'numeric' && this.input.task.type !== 'multiclass_classification'
      ? this.w.double(value)
      : value;
  }
}

/** Calls `visit` on the operands of a condition tree or a bare operand. */
function walkOperands(node: Target, visit: (op: Operand) => void): void {
  if (node.kind === 'column' || node.kind === 'aggregation') {
    visit(node);
    return;
  }
  if (node.kind === 'compare') visit(node.left);
  else if (node.kind === 'not') walkOperands(node.operand, visit);
  else {
    walkOperands(node.left, visit);
    walkOperands(node.right, visit);
  }
}

/** Aggregations of a target condition whose empty window drops the example. */
export function forEachDroppable(node: Condition, visit: (agg: Aggregation) => void): void {
  if (node.kind === 'compare') {
    const left = node.left;
    const nullTest = node.op === 'IS NULL' || node.op === 'IS NOT NULL';
    if (left.kind === 'aggregation' && !nullTest && !ZERO_WHEN_EMPTY.has(left.op)) visit(left);
  } else if (node.kind === 'not') forEachDroppable(node.operand, visit);
  else {
    forEachDroppable(node.left, visit);
    forEachDroppable(node.right, visit);
  }
}

/** Compiles the label (or prediction-entity) SQL of a validated query. */
export function compileLabelSql(input: LabelSqlInput): CompiledSql {
  return new LabelCompiler(input).compile();
}

/** SQL giving min and max time (microseconds) of every table with a time column. */
export function timeRangeSql(
  graph: GraphDef,
  dialect: SqlDialect,
  relations?: Relations,
): CompiledSql | null {
  const w = new SqlWriter(dialect);
  const parts = graph.tables
    .filter((t) => t.timeColumn !== null)
    .map((t) => {
      const c = w.ident(relations?.timeColumn ?? t.timeColumn!);
      const from = relations?.from(t) ?? w.ident(t.name);
      return `SELECT ${w.param(t.name, 'VARCHAR')} AS table_name, ${w.epochMicros(`MIN(r.${c})`)} AS min_time, ${w.epochMicros(`MAX(r.${c})`)} AS max_time FROM ${from} r`;
    });
  if (parts.length === 0) return null;
  return {
    sql: parts.join('\nUNION ALL\n'),
    params: w.params,
    columns: ['table_name', 'min_time', 'max_time'],
  };
}
