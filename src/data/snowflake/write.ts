// SPDX-License-Identifier: Apache-2.0
// Writes typed columns as a Snowflake table, all or nothing for readers. Rows are loaded into a
// fresh staging table by array-bound INSERTs of bounded size, then published by one statement:
// SWAP WITH the existing table (replace), INSERT ... SELECT into it (append), or RENAME TO the
// new name. DDL commits any open transaction in Snowflake, so a transaction could not hide a
// half-loaded table; a staging table can. A failure before publishing drops the staging table
// and leaves the target as it was.
import { randomBytes } from 'node:crypto';
import type { SqlValue } from '../connector.js';
import { PrequelError } from '../../errors/registry.js';
import { snowflakeError } from './errors.js';
import { checkName, quoteIdentifier } from './identifiers.js';
import {
  bindRows,
  checkColumns,
  placeholderOf,
  sqlTypeOf,
  type WriteColumn,
} from './write-columns.js';

export type { WriteColumn, WriteColumnType } from './write-columns.js';

export interface WriteOptions {
  /** 'replace' (default): the table holds exactly these rows; 'append': rows are added. */
  mode?: 'replace' | 'append';
  /** Rows per INSERT; default and upper bound keep a batch at MAX_BIND_VALUES values. */
  batchRows?: number;
}

export interface WriteResult {
  table: string;
  rows: number;
  /** Array-bound INSERTs sent. */
  batches: number;
  /** Whether the table did not exist before. */
  created: boolean;
  /** A staging table that could not be dropped after publishing (the write itself succeeded). */
  leftover: string | null;
}

/** What writing needs from a connection; the SnowflakeConnector provides it. */
export interface WriteSession {
  execute(sql: string, params?: SqlValue[]): Promise<void>;
  /** Runs one statement with array binds: `rows[i]` holds the i-th row's bind values. */
  executeRows(sql: string, rows: (string | null)[][]): Promise<void>;
  tableExists(table: string): Promise<boolean>;
}

/**
 * Bind values per INSERT. Above 100,000 the driver uploads the binds to a stage with PUT
 * instead of sending them inline (CLIENT_STAGE_ARRAY_BINDING_THRESHOLD); this stays below it
 * and bounds the request body to a few megabytes.
 */
export const MAX_BIND_VALUES = 65_536;

/** Writes `columns` as `table` in the session's database and schema; see the file comment. */
export async function writeTable(
  session: WriteSession,
  table: string,
  columns: readonly WriteColumn[],
  options: WriteOptions = {},
): Promise<WriteResult> {
  const { mode, batchRows } = resolveWriteOptions(options, columns);
  checkName('table', table);
  const rows = checkColumns(table, columns);

  const staging = `PREQUEL_WRITE_${randomBytes(8).toString('hex').toUpperCase()}`;
  const target = quoteIdentifier(table);
  const stage = quoteIdentifier(staging);
  const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const definitions = columns.map((c) => `${quoteIdentifier(c.name)} ${sqlTypeOf(c.type)}`);
  const placeholders = columns.map((c) => placeholderOf(c.type)).join(', ');
  const insert = `INSERT INTO ${stage} (${names}) VALUES (${placeholders})`;

  let step = 'creating the staging table';
  let batches = 0;
  let exists = false;
  try {
    await session.execute(`CREATE TABLE ${stage} (${definitions.join(', ')})`);

    step = 'loading rows into the staging table';
    for (let start = 0; start < rows; start += batchRows) {
      const end = Math.min(rows, start + batchRows);
      await session.executeRows(insert, bindRows(columns, start, end));
      batches++;
    }

    step = 'publishing the staging table';
    exists = await session.tableExists(table);
    if (!exists) await session.execute(`ALTER TABLE ${stage} RENAME TO ${target}`);
    else if (mode === 'replace') await session.execute(`ALTER TABLE ${stage} SWAP WITH ${target}`);
    else await session.execute(`INSERT INTO ${target} (${names}) SELECT ${names} FROM ${stage}`);
  } catch (err) {
    const dropped = await dropQuietly(session, stage);
    throw snowflakeError(
      'SNOWFLAKE_WRITE_FAILED',
      {
        table,
        step,
        reason: err instanceof Error ? err.message : String(err),
        causeCode: err instanceof PrequelError ? err.code : null,
        outcome: dropped
          ? `the table was left as it was and the staging table ${staging} was dropped`
          : `the table was left as it was; the staging table ${staging} could not be dropped`,
      },
      err,
    );
  }

  // After a swap the staging name holds the old rows, after an append a copy of the new ones.
  const leftover = exists && !(await dropQuietly(session, stage)) ? staging : null;
  return { table, rows, batches, created: !exists, leftover };
}

function resolveWriteOptions(
  options: WriteOptions,
  columns: readonly WriteColumn[],
): { mode: 'replace' | 'append'; batchRows: number } {
  const invalid = (option: string, expected: string, received: unknown) =>
    snowflakeError('SNOWFLAKE_CONFIG_INVALID', { option, expected, received });
  const mode = options.mode ?? 'replace';
  if (mode !== 'replace' && mode !== 'append') {
    throw invalid('mode', "'replace' or 'append'", mode);
  }
  if (!Array.isArray(columns) || columns.length === 0) {
    throw invalid('columns', 'an array of at least one column', columns);
  }
  const limit = Math.max(1, Math.floor(MAX_BIND_VALUES / columns.length));
  const requested = options.batchRows ?? limit;
  if (!Number.isInteger(requested) || requested < 1) {
    throw invalid('batchRows', 'an integer >= 1', requested);
  }
  return { mode, batchRows: Math.min(requested, limit) };
}

async function dropQuietly(session: WriteSession, stage: string): Promise<boolean> {
  try {
    await session.execute(`DROP TABLE IF EXISTS ${stage}`);
    return true;
  } catch {
    return false;
  }
}
