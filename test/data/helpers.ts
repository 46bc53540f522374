// SPDX-License-Identifier: Apache-2.0
// Test helpers of the data domain: in-memory DuckDB databases built from SQL, temp directories,
// the shared F1 data, and reading result cells.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDb, type DuckDbConnector } from '../../src/data/duckdb.js';
import { cellValue, columnByName } from '../../src/data/column-builder.js';
import type { ResultChunk } from '../../src/data/connector.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared Ergast F1 CSV directory; fails with a clear message when it is missing. */
export function f1RawDir(): string {
  const dir = resolve(REPO_ROOT, '../shared/data/f1/raw');
  if (!existsSync(join(dir, 'races.csv'))) {
    throw new Error(`the F1 data is missing: expected the Ergast CSVs in ${dir}`);
  }
  return dir;
}

/** Runs `fn` on an in-memory DuckDB prepared by `setup` statements, closing it after. */
export async function withDb<T>(
  setup: string[],
  fn: (db: DuckDbConnector) => Promise<T>,
): Promise<T> {
  const db = await openDuckDb(':memory:');
  try {
    for (const sql of setup) await db.execute(sql);
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Runs `fn` with a fresh temporary directory, removed after. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'prequel-data-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The values of one result column as JS values (NULL as null). */
export function valuesOf(chunk: ResultChunk, name: string): unknown[] {
  const column = columnByName(chunk, name);
  return Array.from({ length: chunk.rows }, (_, i) => cellValue(column, i));
}

/** Expects `promise` to reject with a PrequelError of `code`; returns its details. */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    const e = err as { code?: string; details?: Record<string, unknown>; message?: string };
    if (e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
    return e.details ?? {};
  }
  throw new Error(`expected ${code}, but it resolved`);
}
