// SPDX-License-Identifier: Apache-2.0
// A brute-force label calculator: plain row loops over in-memory tables, no SQL. It states the
// label semantics independently of the SQL compiler so the two can be compared:
// - entities at anchor t: rows of the entity table with a key (and time <= t if it has one),
//   satisfying the entity WHERE evaluated at t;
// - aggregation rows: fact rows linked by the foreign key, aggregated column not null, time in
//   (t + start, t + end] (static: time <= t; static query: all), time <= cutoff, filter true;
// - COUNT, COUNT_DISTINCT, SUM of nothing are 0; the others are undefined and drop the example
//   (unless only tested with IS [NOT] NULL); comparisons with an undefined value are false;
// - one-hop static columns read the linked row if visible at t; ASSUMING filters the rows.
import type {
  Aggregation,
  Condition,
  Constant,
  Operand,
  Target,
} from '../../src/control/pql/ast.js';
import { isCondition } from '../../src/control/pql/ast.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import type { TaskInfo } from '../../src/control/pql/task.js';
import { addDuration } from '../../src/control/pql/time.js';
import type { ValidatedQuery } from '../../src/control/pql/validate.js';

export type Value = number | string | boolean | bigint | null | Value[];
export type Db = Record<string, Record<string, Value>[]>;
export interface LabelRow {
  entity_id: Value;
  anchor_time: bigint | null;
  horizon?: number;
  label: Value;
}

const ZERO = new Set(['COUNT', 'COUNT_DISTINCT', 'SUM']);
const UNDEFINED = Symbol('undefined');
type Cell = Value | typeof UNDEFINED;

function cmp(a: Value, b: Value): number {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const x = BigInt(a as bigint);
    const y = BigInt(b as bigint);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const s = String(a);
  const t = String(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

function like(value: string, pattern: string): boolean {
  const re = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '[\\s\\S]*')
    .replace(/_/g, '[\\s\\S]');
  return new RegExp(`^${re}$`).test(value);
}

export function bruteLabels(
  v: ValidatedQuery,
  task: TaskInfo,
  db: Db,
  anchors: (bigint | null)[],
  cutoff: bigint | null,
): LabelRow[] {
  const { bindings, entity, entityKey, query } = v;
  const temporal = anchors[0] !== null;
  const rowsOf = (name: string) => db[name] ?? [];

  const constantValue = (c: Constant, kind: 'timestamp' | 'boolean' | 'other'): Value => {
    switch (c.kind) {
      case 'number':
        return kind === 'boolean' ? c.value === 1 : c.value;
      case 'boolean':
        return kind === 'boolean' ? c.value : c.value ? 1 : 0;
      case 'string':
        return kind === 'timestamp' ? parseTimestampText(c.value) : c.value;
      case 'datetime':
        return c.micros;
      default:
        return null;
    }
  };

  const aggregate = (agg: Aggregation, id: Value, t: bigint | null, k: number): Cell => {
    const r = bindings.aggregations.get(agg)!;
    const timeCol = r.table.timeColumn;
    const col = r.column?.name ?? null;
    let rows = rowsOf(r.table.name).filter(
      (row) => row[r.foreignKey] !== null && cmp(row[r.foreignKey], id) === 0,
    );
    if (col !== null) rows = rows.filter((row) => row[col] !== null);
    const w = agg.window;
    const time = (row: Record<string, Value>) =>
      timeCol === null ? null : (row[timeCol] as bigint | null);
    if (w !== null && timeCol !== null) {
      const width = w.end - (w.start ?? 0);
      const lo =
        w.start === null
          ? null
          : task.forecastSteps !== null && agg === query.target
            ? w.start + k * width
            : w.start;
      const hi =
        task.forecastSteps !== null && agg === query.target
          ? (w.start ?? 0) + (k + 1) * width
          : w.end;
      const lower = lo === null ? null : addDuration(t!, { n: lo, unit: w.unit });
      const upper = addDuration(t!, { n: hi, unit: w.unit });
      rows = rows.filter((row) => {
        const x = time(row);
        return x !== null && (lower === null || x > lower) && x <= upper;
      });
    } else if (timeCol !== null && temporal) {
      rows = rows.filter((row) => time(row) !== null && time(row)! <= t!);
    }
    if (timeCol !== null && cutoff !== null)
      rows = rows.filter((row) => time(row) !== null && time(row)! <= cutoff);
    if (timeCol !== null && (agg.op === 'FIRST' || agg.op === 'LAST'))
      rows = rows.filter((row) => time(row) !== null);
    if (agg.filter !== null)
      rows = rows.filter((row) => condition(agg.filter!, { fact: row, entityRow: null, t, id, k }));
    const values = col === null ? [] : rows.map((row) => row[col]);
    switch (agg.op) {
      case 'COUNT':
        return rows.length;
      case 'COUNT_DISTINCT':
        return new Set(values.map((x) => String(x))).size;
      case 'SUM':
        return values.reduce<number>((a, x) => a + Number(x), 0);
      case 'AVG':
        return values.length === 0
          ? UNDEFINED
          : values.reduce<number>((a, x) => a + Number(x), 0) / values.length;
      case 'MIN':
      case 'MAX': {
        if (values.length === 0) return UNDEFINED;
        const sorted = [...values].sort(cmp);
        return agg.op === 'MIN' ? sorted[0] : sorted[sorted.length - 1];
      }
      case 'FIRST':
      case 'LAST': {
        if (rows.length === 0) return UNDEFINED;
        const sorted = [...rows].sort((a, b) => {
          const byTime = timeCol === null ? 0 : cmp(time(a), time(b));
          return byTime !== 0 ? byTime : cmp(a[col!], b[col!]);
        });
        const pick = agg.op === 'FIRST' ? sorted[0] : sorted[sorted.length - 1];
        return pick[col!];
      }
      case 'LIST_DISTINCT': {
        if (values.length === 0) return UNDEFINED;
        const seen = new Map<string, Value>();
        for (const x of values) seen.set(String(x), x);
        return [...seen.values()].sort(cmp);
      }
    }
  };

  interface Ctx {
    fact: Record<string, Value> | null;
    entityRow: Record<string, Value> | null;
    t: bigint | null;
    id: Value;
    k: number;
  }

  const operand = (op: Operand, ctx: Ctx): Cell => {
    if (op.kind === 'aggregation') return aggregate(op, ctx.id, ctx.t, ctx.k);
    const r = bindings.columns.get(op)!;
    const name = r.column!.name;
    switch (r.link.kind) {
      case 'fact':
        return ctx.fact![name];
      case 'entity':
        return ctx.entityRow![name];
      default: {
        const key =
          r.link.kind === 'parent' ? ctx.entityRow![r.link.via] : ctx.entityRow![entityKey];
        const pk = r.table.primaryKey!;
        const row = rowsOf(r.table.name).find(
          (x) => key !== null && x[pk] !== null && cmp(x[pk], key) === 0,
        );
        if (row === undefined) return null;
        const tc = r.table.timeColumn;
        if (temporal && tc !== null && (row[tc] === null || (row[tc] as bigint) > ctx.t!))
          return null;
        return row[name];
      }
    }
  };

  const condition = (c: Condition, ctx: Ctx): boolean => {
    switch (c.kind) {
      case 'not':
        return !condition(c.operand, ctx);
      case 'and':
        return condition(c.left, ctx) && condition(c.right, ctx);
      case 'or':
        return condition(c.left, ctx) || condition(c.right, ctx);
      case 'compare': {
        const raw = operand(c.left, ctx);
        const value = raw === UNDEFINED ? null : raw;
        if (c.op === 'IS NULL') return value === null;
        if (c.op === 'IS NOT NULL') return value !== null;
        if (value === null) return false;
        const kind =
          typeof value === 'bigint'
            ? 'timestamp'
            : typeof value === 'boolean'
              ? 'boolean'
              : 'other';
        const right = c.right!;
        const items = right.kind === 'list' ? right.items : [right];
        const consts = items.map((i) => constantValue(i, kind));
        const k0 = consts[0];
        switch (c.op) {
          case '=':
            return cmp(value, k0) === 0;
          case '!=':
            return cmp(value, k0) !== 0;
          case '<':
            return cmp(value, k0) < 0;
          case '<=':
            return cmp(value, k0) <= 0;
          case '>':
            return cmp(value, k0) > 0;
          case '>=':
            return cmp(value, k0) >= 0;
          case 'IN':
            return consts.some((x) => cmp(value, x) === 0);
          case 'NOT IN':
            return !consts.some((x) => cmp(value, x) === 0);
          case 'LIKE':
            return like(String(value), String(k0));
          case 'NOT LIKE':
            return !like(String(value), String(k0));
          case 'STARTS WITH':
            return String(value).startsWith(String(k0));
          case 'ENDS WITH':
            return String(value).endsWith(String(k0));
          case 'CONTAINS':
          case 'NOT CONTAINS': {
            const has = Array.isArray(value)
              ? value.some((x) => cmp(x, k0) === 0)
              : String(value).includes(String(k0));
            return c.op === 'CONTAINS' ? has : !has;
          }
        }
      }
    }
  };

  const droppable = (c: Condition, ctx: Ctx): boolean => {
    if (c.kind === 'compare') {
      const nullTest = c.op === 'IS NULL' || c.op === 'IS NOT NULL';
      return (
        c.left.kind === 'aggregation' &&
        !nullTest &&
        !ZERO.has(c.left.op) &&
        operand(c.left, ctx) === UNDEFINED
      );
    }
    if (c.kind === 'not') return droppable(c.operand, ctx);
    return droppable(c.left, ctx) || droppable(c.right, ctx);
  };

  const out: LabelRow[] = [];
  const target: Target = query.target;
  const steps = task.forecastSteps ?? 1;
  for (const t of anchors) {
    for (const row of rowsOf(entity.name)) {
      const id = row[entityKey];
      if (id === null) continue;
      const tc = entity.timeColumn;
      if (temporal && tc !== null && (row[tc] === null || (row[tc] as bigint) > t!)) continue;
      const ctx: Ctx = { fact: null, entityRow: row, t, id, k: 0 };
      if (query.where !== null && !condition(query.where, ctx)) continue;
      if (query.assuming !== null && !condition(query.assuming, ctx)) continue;
      for (let k = 0; k < steps; k++) {
        const kctx = { ...ctx, k };
        let label: Value;
        if (isCondition(target)) {
          if (droppable(target, kctx)) continue;
          label = condition(target, kctx) ? 1 : 0;
        } else {
          const value = operand(target, kctx);
          if (value === UNDEFINED || value === null) continue;
          label = typeof value === 'boolean' && task.type === 'regression' ? Number(value) : value;
        }
        const r: LabelRow = { entity_id: id, anchor_time: t, label };
        if (task.forecastSteps !== null) r.horizon = k;
        out.push(r);
      }
    }
  }
  return out;
}
