// SPDX-License-Identifier: Apache-2.0
// Part of the Snowflake test double (see server.ts): runs one statement of a query-request in
// the session's DuckDB connection and renders the whole result as Snowflake JSON rows. Array
// binds (INSERT only) run as one DuckDB statement; ALTER TABLE ... SWAP WITH runs as three
// renames in one DuckDB transaction, atomic for readers as Snowflake's swap is.
import {
  StatementType,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBPreparedStatement,
} from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { arrayInsertSql, parseSwap, toDuckDbSql } from './dialect.js';
import {
  bindParameters,
  DoubleSqlError,
  planColumn,
  type Binding,
  type RowTypeEntry,
} from './rowset.js';

export interface StatementResult {
  rowType: RowTypeEntry[];
  rows: (string | null)[][];
  statementTypeId: number;
}

/** Snowflake's statement type ids, as the driver reads them (select, DML kinds, DDL). */
const STATEMENT_TYPE_IDS: Partial<Record<StatementType, number>> = {
  [StatementType.SELECT]: 0x1000,
  [StatementType.INSERT]: 0x3100,
  [StatementType.UPDATE]: 0x3200,
  [StatementType.DELETE]: 0x3300,
};

/** Runs `sqlText` with the driver's bindings and returns typed metadata and string rows. */
export async function runStatement(
  connection: DuckDBConnection,
  sqlText: string,
  bindings: Record<string, Binding> | undefined,
): Promise<StatementResult> {
  const swap = parseSwap(sqlText);
  if (swap !== null) return runSwap(connection, swap.table, swap.other);

  const arrays = arrayBindings(bindings);
  const sql = arrays === null ? toDuckDbSql(sqlText) : arrayInsertSql(sqlText, arrays.length);
  if (sql === null) {
    throw new DoubleSqlError('array binds are supported for INSERT ... VALUES only', '0A000');
  }
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await connection.prepare(sql);
  } catch (err) {
    throw compileError(err);
  }
  if (arrays === null) bindParameters(prepared, bindings);
  else arrays.forEach((values, i) => prepared.bindVarchar(i + 1, JSON.stringify(values)));

  let result;
  try {
    result = await prepared.run();
  } catch (err) {
    throw new DoubleSqlError((err as Error).message, '22000', '100038');
  }
  const names = result.columnNames();
  const plans = result.columnTypes().map((type, i) => planColumn(names[i], type));

  const rows: (string | null)[][] = [];
  for (
    let chunk = await result.fetchChunk();
    chunk && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    const columns = chunk.getColumns();
    for (let r = 0; r < chunk.rowCount; r++) {
      rows.push(
        columns.map((column, c) => (column[r] === null ? null : plans[c].render(column[r]))),
      );
    }
  }
  return {
    rowType: plans.map((p) => p.rowType),
    rows,
    statementTypeId: STATEMENT_TYPE_IDS[result.statementType] ?? 0x6000,
  };
}

// An array bind: every binding holds one value per row, all of the same length.
function arrayBindings(bindings: Record<string, Binding> | undefined): (string | null)[][] | null {
  const entries = Object.keys(bindings ?? {})
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => bindings![key].value);
  if (!entries.some(Array.isArray)) return null;
  const rows = Array.isArray(entries[0]) ? entries[0].length : -1;
  if (!entries.every((values) => Array.isArray(values) && values.length === rows)) {
    throw new DoubleSqlError('array binds of different lengths or mixed with scalars', '07002');
  }
  return entries as (string | null)[][];
}

async function runSwap(
  connection: DuckDBConnection,
  table: string,
  other: string,
): Promise<StatementResult> {
  const parked = `"__swap_${randomUUID().replaceAll('-', '')}"`;
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run(`ALTER TABLE ${table} RENAME TO ${parked}`);
    await connection.run(`ALTER TABLE ${other} RENAME TO ${table}`);
    await connection.run(`ALTER TABLE ${parked} RENAME TO ${other}`);
    await connection.run('COMMIT');
  } catch (err) {
    await connection.run('ROLLBACK');
    throw compileError(err);
  }
  return {
    rowType: [planColumn('status', VARCHAR).rowType],
    rows: [['Statement executed successfully.']],
    statementTypeId: 0x6000,
  };
}

function compileError(err: unknown): DoubleSqlError {
  const message = (err as Error).message;
  const missing = /does not exist|not found/i.test(message);
  return new DoubleSqlError(message, missing ? '42S02' : '42000', missing ? '002003' : '001003');
}
