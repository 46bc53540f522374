// SPDX-License-Identifier: Apache-2.0
// Random valid queries over TOY_GRAPH: every aggregation, operator, window sign, unit, target
// filter, entity WHERE, ASSUMING, problem type and one-hop static column.
import type { Rng } from './random-db.js';

type Ctx = 'target' | 'where' | 'assuming';

const UNITS = ['days', 'hours', 'weeks', 'months'];

function window(r: Rng, ctx: Ctx): string {
  const unit = r.pick(UNITS);
  const small = unit === 'weeks' || unit === 'months';
  const span = small ? r.int(1, 2) : unit === 'hours' ? r.int(12, 200) : r.int(1, 12);
  if (ctx === 'where') {
    const end = -r.int(0, small ? 1 : 3);
    const start = r.chance(0.3) ? '-INF' : String(end - span);
    return `${start}, ${end}, ${unit}`;
  }
  const start = r.chance(0.7) ? 0 : r.int(1, small ? 1 : 3);
  return `${start}, ${start + span}, ${unit}`;
}

function factFilter(r: Rng, table: string): string {
  if (table === 'visits')
    return r.pick([`visits.kind = 'view'`, `visits.kind IS NULL`, `NOT visits.kind IN ('click')`]);
  return r.pick([
    `orders.status = 'done'`,
    `orders.status != 'void'`,
    `orders.amount > 5`,
    `orders.amount <= 10 OR orders.status IS NULL`,
    `orders.note LIKE '%ship%'`,
    `orders.note CONTAINS 'Ship'`,
    `orders.ts > 2024-01-20`,
    `orders.item_id IN (1, 3)`,
  ]);
}

/** A random aggregation and the comparisons that fit its value. */
function aggregation(r: Rng, ctx: Ctx): { text: string; cmp: () => string } {
  const table = r.pick(['orders', 'orders', 'visits']);
  const filter = r.chance(0.3) ? ` WHERE ${factFilter(r, table)}` : '';
  const staticWin = ctx === 'where' && r.chance(0.15);
  const winFor = (op: string) => (staticWin && !op.startsWith('LIST') ? '' : `, ${window(r, ctx)}`);
  const num = (vals: number[]) => () =>
    `${r.pick(['=', '!=', '<', '<=', '>', '>='])} ${r.pick(vals)}`;
  const numIn = (vals: number[]) => () =>
    r.chance(0.2) ? `${r.pick(['IN', 'NOT IN'])} (${r.pick(vals)}, ${r.pick(vals)})` : num(vals)();
  const text = (vals: string[]) => () => {
    const v = r.pick(vals);
    return r.pick([
      `= '${v}'`,
      `!= '${v}'`,
      `IN ('${v}', 'x')`,
      `LIKE '%${v.slice(1)}'`,
      `STARTS WITH '${v.slice(0, 2)}'`,
      `ENDS WITH '${v.slice(-1)}'`,
      `CONTAINS '${v.slice(1, 3)}'`,
      `NOT LIKE '${v[0]}%'`,
      'IS NULL',
      'IS NOT NULL',
    ]);
  };
  if (table === 'visits') {
    const op = r.pick([
      'COUNT(visits.*',
      'COUNT(visits.kind',
      'COUNT_DISTINCT(visits.kind',
      'FIRST(visits.kind',
      'LAST(visits.kind',
      'LIST_DISTINCT(visits.kind',
    ]);
    const t = `${op}${filter}${winFor(op)})`;
    if (op.startsWith('COUNT')) return { text: t, cmp: numIn([0, 1, 2, 3]) };
    if (op.startsWith('LIST'))
      return { text: t, cmp: () => r.pick([`CONTAINS 'view'`, `NOT CONTAINS 'click'`, 'IS NULL']) };
    return { text: t, cmp: text(['view', 'click']) };
  }
  const op = r.pick([
    'COUNT(orders.*',
    'COUNT(orders.amount',
    'COUNT_DISTINCT(orders.status',
    'SUM(orders.amount',
    'AVG(orders.amount',
    'MIN(orders.amount',
    'MAX(orders.amount',
    'FIRST(orders.amount',
    'LAST(orders.status',
    'LIST_DISTINCT(orders.item_id',
    'MAX(orders.ts',
  ]);
  const t = `${op}${filter}${winFor(op)})`;
  if (op.startsWith('LIST'))
    return { text: t, cmp: () => r.pick(['CONTAINS 2', 'NOT CONTAINS 1', 'IS NOT NULL']) };
  if (op.startsWith('LAST')) return { text: t, cmp: text(['done', 'open', 'void']) };
  if (op === 'MAX(orders.ts')
    return {
      text: t,
      cmp: () =>
        `${r.pick(['<', '>=', 'IS NULL'])} ${r.pick(['2024-01-10', '2024-01-20 12:00:00'])}`
          .replace('IS NULL 2024-01-10', 'IS NULL')
          .replace('IS NULL 2024-01-20 12:00:00', 'IS NOT NULL'),
    };
  return { text: t, cmp: numIn([0, 1, 2, 5, 7.5, 10, 20]) };
}

function staticComparison(r: Rng): string {
  return r.pick([
    `users.country = 'US'`,
    `users.country IN ('US', 'FR')`,
    `users.age >= 30`,
    `users.age IS NULL`,
    `users.created_at < 2024-01-15`,
    `regions.pop < 10000`,
    `profiles.tier != 'free'`,
    `profiles.score > 2`,
    `users.country STARTS WITH 'C'`,
  ]);
}

function condition(r: Rng, ctx: Ctx, depth: number): string {
  if (depth > 0 && r.chance(0.35)) {
    const a = condition(r, ctx, depth - 1);
    const b = condition(r, ctx, depth - 1);
    return r.pick([`${a} AND ${b}`, `${a} OR ${b}`, `(${a} OR ${b})`, `NOT (${a})`]);
  }
  if (ctx !== 'target' && r.chance(0.3)) return staticComparison(r);
  if (ctx === 'target' && r.chance(0.15)) return staticComparison(r);
  const agg = aggregation(r, ctx);
  return `${agg.text} ${agg.cmp()}`;
}

/** A random valid temporal query over TOY_GRAPH. */
export function randomQuery(r: Rng): string {
  let target: string;
  const shape = r.int(0, 9);
  if (shape <= 4) {
    do target = condition(r, 'target', 2);
    while (!/(days|hours|weeks|months)\)/.test(target));
  } else if (shape === 5) {
    target = `LIST_DISTINCT(orders.item_id, ${window(r, 'target')}) RANK TOP 3`;
  } else if (shape === 6) {
    target = `LIST_DISTINCT(${r.pick(['orders.status', 'visits.kind'])}, ${window(r, 'target')}) CLASSIFY`;
  } else if (shape === 7) {
    const unit = r.pick(['days', 'hours']);
    const w = unit === 'days' ? r.int(1, 4) : r.int(12, 48);
    target = `${r.pick(['SUM(orders.amount', 'COUNT(visits.*', 'AVG(orders.amount'])}, 0, ${w}, ${unit}) FORECAST ${r.int(1, 3)} TIMEFRAMES`;
  } else {
    const op = r.pick([
      'COUNT(orders.*',
      'COUNT_DISTINCT(orders.item_id',
      'SUM(orders.amount',
      'AVG(orders.amount',
      'MIN(orders.amount',
      'MAX(orders.amount',
      'FIRST(orders.amount',
      'LAST(orders.amount',
      'FIRST(orders.status',
      'LAST(visits.kind',
    ]);
    const filter =
      r.chance(0.3) && op.includes('orders') ? ` WHERE ${factFilter(r, 'orders')}` : '';
    target = `${op}${filter}, ${window(r, 'target')})`;
  }
  const where = r.chance(0.6) ? ` WHERE ${condition(r, 'where', 1)}` : '';
  const assuming = r.chance(0.4) ? ` ASSUMING ${condition(r, 'assuming', 1)}` : '';
  return `PREDICT ${target} FOR EACH users.user_id${where}${assuming}`;
}

/** A random valid static query (no target window). */
export function randomStaticQuery(r: Rng): string {
  const target = r.pick([
    'users.age',
    'users.country',
    'profiles.score',
    'regions.pop',
    `users.age > 25`,
    `profiles.tier = 'gold' OR users.country = 'CA'`,
  ]);
  const where = r.chance(0.6)
    ? ` WHERE ${r.pick([`COUNT(orders.*) > 1`, `users.country IS NOT NULL`, `SUM(orders.amount WHERE orders.status = 'done') >= 5`, `LAST(orders.status) = 'open'`])}`
    : '';
  return `PREDICT ${target} FOR EACH users.user_id${where}`;
}
