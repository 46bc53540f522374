// SPDX-License-Identifier: Apache-2.0
// Part of the Snowflake test double (see server.ts): runs one statement of a query-request in
// the session's DuckDB connection and renders the whole result as Snowflake JSON rows.
import { StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { toDuckDbSql } from './dialect.js';
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
  let prepared;
  try {
    prepared = await connection.prepare(toDuckDbSql(sqlText));
  } catch (err) {
    const message = (err as Error).message;
    const missing = /does not exist|not found/i.test(message);
    throw new DoubleSqlError(message, missing ? '42S02' : '42000', missing ? '002003' : '001003');
  }
  bindParameters(prepared, bindings);

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
