// SPDX-License-Identifier: Apache-2.0
// Random small databases and random valid queries over one fixed schema, for comparing the
// compiled label SQL with the brute-force calculator. Times sit on a day/half-day grid so rows
// land exactly on window boundaries often.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { GraphDef } from '../../src/data/graph-def.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { formatTimestamp } from '../../src/control/pql/time.js';
import type { Db, Value } from './brute-labels.js';

export const DAY = 86_400_000_000n;
export const T0 = parseTimestampText('2024-01-01')!;

export const TOY_GRAPH: GraphDef = {
  version: 1,
  tables: [
    {
      name: 'users',
      primaryKey: 'user_id',
      foreignKeys: [{ column: 'region_id', references: 'regions' }],
      timeColumn: 'created_at',
      endTimeColumn: null,
      columns: [
        { name: 'user_id', physical: 'int', stype: 'id' },
        { name: 'country', physical: 'string', stype: 'categorical' },
        { name: 'age', physical: 'int', stype: 'numerical' },
        { name: 'created_at', physical: 'timestamp', stype: 'timestamp' },
        { name: 'region_id', physical: 'int', stype: 'id' },
      ],
    },
    {
      name: 'regions',
      primaryKey: 'region_id',
      foreignKeys: [],
      timeColumn: null,
      endTimeColumn: null,
      columns: [
        { name: 'region_id', physical: 'int', stype: 'id' },
        { name: 'pop', physical: 'float', stype: 'numerical' },
      ],
    },
    {
      name: 'profiles',
      primaryKey: 'user_id',
      foreignKeys: [{ column: 'user_id', references: 'users' }],
      timeColumn: null,
      endTimeColumn: null,
      columns: [
        { name: 'user_id', physical: 'int', stype: 'id' },
        { name: 'score', physical: 'float', stype: 'numerical' },
        { name: 'tier', physical: 'string', stype: 'categorical' },
      ],
    },
    {
      name: 'items',
      primaryKey: 'item_id',
      foreignKeys: [],
      timeColumn: null,
      endTimeColumn: null,
      columns: [
        { name: 'item_id', physical: 'int', stype: 'id' },
        { name: 'category', physical: 'string', stype: 'categorical' },
      ],
    },
    {
      name: 'orders',
      primaryKey: 'order_id',
      foreignKeys: [
        { column: 'user_id', references: 'users' },
        { column: 'item_id', references: 'items' },
      ],
      timeColumn: 'ts',
      endTimeColumn: null,
      columns: [
        { name: 'order_id', physical: 'int', stype: 'id' },
        { name: 'user_id', physical: 'int', stype: 'id' },
        { name: 'item_id', physical: 'int', stype: 'id' },
        { name: 'amount', physical: 'float', stype: 'numerical' },
        { name: 'status', physical: 'string', stype: 'categorical' },
        { name: 'note', physical: 'string', stype: 'text' },
        { name: 'ts', physical: 'timestamp', stype: 'timestamp' },
      ],
    },
    {
      name: 'visits',
      primaryKey: 'visit_id',
      foreignKeys: [{ column: 'user_id', references: 'users' }],
      timeColumn: 'ts',
      endTimeColumn: null,
      columns: [
        { name: 'visit_id', physical: 'int', stype: 'id' },
        { name: 'user_id', physical: 'int', stype: 'id' },
        { name: 'kind', physical: 'string', stype: 'categorical' },
        { name: 'ts', physical: 'timestamp', stype: 'timestamp' },
      ],
    },
  ],
};

const SQL_TYPES: Record<string, string> = {
  int: 'INTEGER',
  float: 'DOUBLE',
  string: 'VARCHAR',
  timestamp: 'TIMESTAMP',
};

/** A tiny seeded RNG (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  return { next, int, pick, chance: (p: number) => next() < p };
}
export type Rng = ReturnType<typeof rng>;

const time = (r: Rng, nullable = true): Value =>
  nullable && r.chance(0.05) ? null : T0 + BigInt(r.int(0, 100)) * (DAY / 2n);

export function randomDb(r: Rng): Db {
  const users = Array.from({ length: r.int(3, 7) }, (_, i) => ({
    user_id: i + 1,
    country: r.pick(['US', 'CA', 'FR', null]),
    age: r.chance(0.2) ? null : r.int(18, 40),
    created_at: r.chance(0.3) ? T0 : time(r),
    region_id: r.pick([1, 2, 3, null]),
  }));
  const regions = [1, 2].map((id) => ({ region_id: id, pop: r.pick([100, 5000, 20000]) }));
  const profiles = users
    .filter(() => r.chance(0.6))
    .map((u) => ({
      user_id: u.user_id,
      score: r.chance(0.2) ? null : r.int(0, 10) / 2,
      tier: r.pick(['gold', 'free', null]),
    }));
  const items = [1, 2, 3, 4].map((id) => ({ item_id: id, category: r.pick(['food', 'toys']) }));
  const orders = Array.from({ length: r.int(5, 40) }, (_, i) => ({
    order_id: i + 1,
    user_id: r.chance(0.05) ? null : r.int(1, users.length + 1),
    item_id: r.pick([1, 2, 3, 4, null]),
    amount: r.chance(0.15) ? null : r.int(0, 40) / 2,
    status: r.pick(['done', 'open', 'void', null]),
    note: r.pick(['fast ship', 'slow', 'Ship it', '50% off', null]),
    ts: time(r),
  }));
  const visits = Array.from({ length: r.int(0, 30) }, (_, i) => ({
    visit_id: i + 1,
    user_id: r.int(1, users.length),
    kind: r.pick(['view', 'click', null]),
    ts: time(r),
  }));
  return { users, regions, profiles, items, orders, visits };
}

function literal(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return `TIMESTAMP '${formatTimestamp(v)}'`;
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  return String(v);
}

/** Creates (or replaces) the toy tables in DuckDB with the rows of `db`. */
export async function loadDb(conn: DuckDBConnection, db: Db): Promise<void> {
  for (const table of TOY_GRAPH.tables) {
    const cols = table.columns.map((c) => `"${c.name}" ${SQL_TYPES[c.physical]}`).join(', ');
    await conn.run(`CREATE OR REPLACE TABLE "${table.name}" (${cols})`);
    const rows = db[table.name];
    if (rows.length === 0) continue;
    const values = rows.map(
      (row) => `(${table.columns.map((c) => literal(row[c.name])).join(', ')})`,
    );
    await conn.run(`INSERT INTO "${table.name}" VALUES ${values.join(', ')}`);
  }
}
