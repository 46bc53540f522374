// SPDX-License-Identifier: Apache-2.0
// Test helpers: run compiled SQL on DuckDB directly and read rows as plain values
// (timestamps as bigint microseconds, lists as arrays, integers as numbers).
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CompiledSql } from '../../src/control/pql/sql.js';
import type { TimeRange } from '../../src/control/pql/plan.js';

export type Row = Record<string, unknown>;

export function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  }
  if (typeof value === 'object') {
    const v = value as { micros?: bigint; days?: number; items?: unknown[] };
    if (v.micros !== undefined) return v.micros;
    if (v.days !== undefined) return BigInt(v.days) * 86_400_000_000n;
    if (v.items !== undefined) return v.items.map(plain);
    const n = Number(String(value));
    if (!Number.isNaN(n)) return n;
    return String(value);
  }
  return value;
}

export async function runSql(conn: DuckDBConnection, compiled: CompiledSql): Promise<Row[]> {
  const params = compiled.params.map((p) => (p instanceof Date ? BigInt(p.getTime()) * 1000n : p));
  const reader = await conn.runAndReadAll(compiled.sql, params as never);
  return reader.getRowObjects().map((row) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(row)) out[k] = plain(v);
    return out;
  });
}

/** Opens an in-memory DuckDB connection, runs `fn`, closes it. */
export async function withDuck<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Reads the data time range through the compiled range SQL. */
export async function readTimeRange(
  conn: DuckDBConnection,
  compiled: CompiledSql,
): Promise<TimeRange> {
  const rows = await runSql(conn, compiled);
  const tables: Record<string, { start: bigint; end: bigint }> = {};
  let start: bigint | null = null;
  let end: bigint | null = null;
  for (const r of rows) {
    if (r.min_time === null) continue;
    const s = BigInt(r.min_time as number | bigint);
    const e = BigInt(r.max_time as number | bigint);
    tables[String(r.table_name)] = { start: s, end: e };
    if (start === null || s < start) start = s;
    if (end === null || e > end) end = e;
  }
  return { start: start!, end: end!, tables };
}
