// SPDX-License-Identifier: Apache-2.0
// Validation of a graph definition against its data: a report of issues with a severity.
// Errors (registry codes) stop materialisation; warnings are counted and the data is kept:
// a dangling foreign key becomes a missing link, a row without a time never becomes visible,
// a text timestamp that does not parse is missing. What the connector guessed while reading a
// table's file (a CSV delimiter or NULL marker) comes first, as warnings.
import type { Connector, SqlValue } from './connector.js';
import { findTable, type GraphDef, type TableDef } from './graph-def.js';
import { keyFamily } from './infer.js';
import { TIME, TIME_TYPES, sourceOf, tableRelation } from './relation.js';
import { quoteIdent, toTimestamp } from './sql.js';
import { cellValue } from './column-builder.js';
import { formatValue, raise } from '../errors/index.js';

export type Severity = 'error' | 'warning' | 'info';

export interface ValidationIssue {
  severity: Severity;
  /** A registry code for errors; a stable warning code otherwise. */
  code: string;
  table: string;
  column?: string;
  count?: number;
  message: string;
  details: Record<string, unknown>;
}

/** Link counts of one foreign key (edge type child -> parent). */
export interface EdgeStats {
  name: string;
  table: string;
  column: string;
  references: string;
  /** Rows whose key matches a parent row (one edge each). */
  edges: number;
  /** Rows whose non-NULL key matches no parent row (missing links). */
  dangling: number;
  /** Rows whose key is NULL. */
  nulls: number;
}

export interface ValidationReport {
  issues: ValidationIssue[];
  edges: EdgeStats[];
  errors: number;
  warnings: number;
}

/** Float32 holds every integer up to 2^24 exactly; numerical features are stored as float32. */
export const FLOAT32_EXACT = 2 ** 24;

/** The largest finite float32; a numerical value beyond it is stored as infinity. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Name of the forward edge type of a foreign key, as the store names it (src__relation__dst). */
export function edgeTypeName(table: string, column: string, references: string): string {
  return `${table}__f2p_${column}__${references}`;
}

/** Name of the reverse edge type of a foreign key (parent -> child). */
export function reverseEdgeTypeName(table: string, column: string, references: string): string {
  return `${references}__rev_f2p_${column}__${table}`;
}

function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** Checks `graph` against the data behind `connector` and returns the report. */
export async function validateGraph(
  connector: Connector,
  graph: GraphDef,
): Promise<ValidationReport> {
  const issues: ValidationIssue[] = [];
  const edges: EdgeStats[] = [];
  const add = (issue: Omit<ValidationIssue, 'details'> & { details?: Record<string, unknown> }) =>
    issues.push({ details: {}, ...issue });
  const available = await connector.listTables();
  const broken = new Set<string>();
  const notes = connector.sourceNotes?.() ?? [];
  for (const table of graph.tables) {
    for (const note of notes.filter((n) => n.table === sourceOf(table))) {
      const { code, column, count, message, details } = note;
      const at = {
        ...(column === undefined ? {} : { column }),
        ...(count === undefined ? {} : { count }),
      };
      add({ severity: 'warning', code, table: table.name, ...at, message, details });
    }
  }

  for (const table of graph.tables) {
    const source = sourceOf(table);
    if (!available.includes(source)) {
      add({
        severity: 'error',
        code: 'DATA_TABLE_NOT_FOUND',
        table: table.name,
        message: `no source table ${source}`,
        details: { table: source, available },
      });
      broken.add(table.name);
      continue;
    }
    const info = await connector.describe(source);
    const names = info.columns.map((c) => c.name);
    const derivedTime = table.derivedTime === undefined ? null : table.timeColumn;
    for (const column of table.columns) {
      if (column.name === derivedTime || names.includes(column.name)) continue;
      const details = {
        table: table.name,
        column: column.name,
        where: 'the graph definition',
        available: names,
      };
      add({
        severity: 'error',
        code: 'DATA_COLUMN_NOT_FOUND',
        table: table.name,
        column: column.name,
        message: `no column ${column.name}`,
        details,
      });
      broken.add(table.name);
    }
    const timeColumn =
      table.timeColumn === null ? null : info.columns.find((c) => c.name === table.timeColumn);
    if (
      timeColumn !== undefined &&
      timeColumn !== null &&
      derivedTime === null &&
      !TIME_TYPES.includes(timeColumn.physical)
    ) {
      const details = { table: table.name, column: timeColumn.name, type: timeColumn.engineType };
      add({
        severity: 'error',
        code: 'DATA_TIME_INVALID',
        table: table.name,
        column: timeColumn.name,
        message:
          `the time column has type ${timeColumn.engineType}; expected a date, a timestamp or ` +
          'text holding timestamps (set timeColumn to such a column, or to null)',
        details,
      });
      broken.add(table.name);
    }
  }

  for (const table of graph.tables) {
    if (broken.has(table.name)) continue;
    await checkPrimaryKey(connector, table, add, broken);
  }
  for (const table of graph.tables) {
    if (broken.has(table.name)) continue;
    for (const fk of table.foreignKeys) {
      const stats = await checkForeignKey(
        connector,
        graph,
        table,
        fk.column,
        fk.references,
        add,
        broken,
      );
      if (stats !== null) edges.push(stats);
    }
  }
  for (const table of graph.tables) {
    if (broken.has(table.name)) continue;
    await checkRows(connector, graph, table, add, broken);
  }
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.filter((i) => i.severity === 'warning').length;
  return { issues, edges, errors, warnings };
}

type Add = (
  issue: Omit<ValidationIssue, 'details'> & { details?: Record<string, unknown> },
) => void;

async function checkPrimaryKey(
  connector: Connector,
  table: TableDef,
  add: Add,
  broken: Set<string>,
) {
  const pk = table.primaryKey;
  if (pk === null) return;
  const src = quoteIdent(sourceOf(table));
  const k = quoteIdent(pk);
  const nulls = await connector.queryAll(`SELECT count(*) - count(${k}) AS n FROM ${src}`);
  const nullCount = num(cellValue(nulls.columns[0], 0));
  if (nullCount > 0) {
    const details = { table: table.name, column: pk, count: nullCount };
    add({
      severity: 'error',
      code: 'DATA_PK_NULL',
      table: table.name,
      column: pk,
      count: nullCount,
      message: `${nullCount} NULL keys`,
      details,
    });
    broken.add(table.name);
  }
  const dups = await connector.queryAll(
    `SELECT ${k} AS k, count(*) AS n FROM ${src} WHERE ${k} IS NOT NULL GROUP BY ${k} HAVING count(*) > 1 ORDER BY 2 DESC, 1 LIMIT 5`,
  );
  if (dups.rows > 0) {
    const key = cellValue(dups.columns[0], 0);
    const value = formatValue(key);
    const count = num(cellValue(dups.columns[1], 0));
    const at = await duplicateRows(connector, table, pk, key);
    const rows =
      at.length === 0 ? '' : ` (data rows ${at.join(', ')}${count > at.length ? ', ...' : ''})`;
    const details = {
      table: table.name,
      column: pk,
      value,
      count,
      rows,
      ...(at.length > 0 ? { rowNumbers: at } : {}),
    };
    add({
      severity: 'error',
      code: 'DATA_PK_DUPLICATE',
      table: table.name,
      column: pk,
      count,
      message:
        `key ${value} occurs ${count} times${rows}; set primaryKey to a unique column, or to ` +
        'null',
      details,
    });
    broken.add(table.name);
  }
}

async function checkForeignKey(
  connector: Connector,
  graph: GraphDef,
  table: TableDef,
  column: string,
  references: string,
  add: Add,
  broken: Set<string>,
): Promise<EdgeStats | null> {
  const fail = (code: string, details: Record<string, unknown>) => {
    add({
      severity: 'error',
      code,
      table: table.name,
      column,
      message: code,
      details: { table: table.name, column, references, ...details },
    });
    broken.add(table.name);
    return null;
  };
  const parent = findTable(graph, references);
  if (parent === undefined) return fail('DATA_FK_MISSING_TABLE', {});
  if (parent.primaryKey === null) return fail('DATA_FK_NO_PRIMARY_KEY', {});
  if (broken.has(parent.name)) return null;
  const childType = table.columns.find((c) => c.name === column)?.physical ?? 'other';
  const parentType = parent.columns.find((c) => c.name === parent.primaryKey)?.physical ?? 'other';
  if (keyFamily(childType) !== keyFamily(parentType) || keyFamily(childType) === 'other') {
    return fail('DATA_FK_TYPE_MISMATCH', { key: parent.primaryKey, childType, parentType });
  }
  const c = quoteIdent(column);
  const k = quoteIdent(parent.primaryKey);
  const result = await connector.queryAll(
    `SELECT count(*) - count(c.${c}) AS nulls, count(c.${c}) AS keyed, count(p.k) AS edges ` +
      `FROM ${quoteIdent(sourceOf(table))} c LEFT JOIN (SELECT DISTINCT ${k} AS k FROM ${quoteIdent(sourceOf(parent))}) p ON c.${c} = p.k`,
  );
  const [nulls, keyed, linked] = [0, 1, 2].map((i) => num(cellValue(result.columns[i], 0)));
  const stats: EdgeStats = {
    name: edgeTypeName(table.name, column, references),
    table: table.name,
    column,
    references,
    edges: linked,
    dangling: keyed - linked,
    nulls,
  };
  const details = { ...stats };
  if (keyed > 0 && linked === 0) {
    add({
      severity: 'warning',
      code: 'FK_ALL_DANGLING',
      table: table.name,
      column,
      count: keyed,
      message: `all ${keyed} keys match no row of ${references}; the edge type has no edges`,
      details,
    });
  } else if (stats.dangling > 0) {
    add({
      severity: 'warning',
      code: 'FK_DANGLING',
      table: table.name,
      column,
      count: stats.dangling,
      message: `${stats.dangling} keys match no row of ${references} (kept as missing links)`,
      details,
    });
  }
  if (nulls > 0) {
    add({
      severity: 'info',
      code: 'FK_NULL',
      table: table.name,
      column,
      count: nulls,
      message: `${nulls} rows have a NULL key`,
      details,
    });
  }
  return stats;
}

async function checkRows(
  connector: Connector,
  graph: GraphDef,
  table: TableDef,
  add: Add,
  broken: Set<string>,
) {
  const parts = ['count(*) AS n'];
  const fromString =
    table.derivedTime === undefined &&
    table.timeColumn !== null &&
    table.columns.find((c) => c.name === table.timeColumn)?.physical === 'string';
  if (table.timeColumn !== null) {
    parts.push(`count(${quoteIdent(TIME)}) AS timed`);
    parts.push(
      fromString
        ? `count(${quoteIdent(table.timeColumn)}) AS given`
        : `count(${quoteIdent(TIME)}) AS given`,
    );
  }
  const wide = table.columns.filter(
    (c) => c.stype === 'numerical' && ['int', 'bigint', 'decimal', 'float'].includes(c.physical),
  );
  wide.forEach((c, i) => parts.push(`max(abs(CAST(${quoteIdent(c.name)} AS DOUBLE))) AS w${i}`));
  // Text columns read as timestamps (other than the time column, counted above).
  const textTimes = table.columns.filter(
    (c) => c.stype === 'timestamp' && c.physical === 'string' && c.name !== table.timeColumn,
  );
  textTimes.forEach((c, i) => {
    const v = quoteIdent(c.name);
    parts.push(`count(${v}) - count(${toTimestamp(connector.dialect, v, true)}) AS u${i}`);
  });
  let result;
  try {
    result = await connector.queryAll(
      `SELECT ${parts.join(', ')} FROM ${tableRelation(graph, table, connector.dialect)} r`,
    );
  } catch (err) {
    broken.add(table.name);
    throw err;
  }
  const cell = (name: string) =>
    num(
      cellValue(
        result.columns.find((c) => c.name === name)!,
        0,
      ),
    );
  const rows = cell('n');
  if (rows === 0)
    add({
      severity: 'warning',
      code: 'TABLE_EMPTY',
      table: table.name,
      count: 0,
      message: 'the table has no rows',
    });
  if (table.timeColumn !== null) {
    const column = table.timeColumn;
    const nulls = rows - cell('given');
    const unparseable = cell('given') - cell('timed');
    if (nulls > 0) {
      add({
        severity: 'warning',
        code: 'TIME_NULL',
        table: table.name,
        column,
        count: nulls,
        message: `${nulls} rows have no time; they never become visible`,
      });
    }
    if (unparseable > 0) {
      const example = await unparseableExample(connector, table, column);
      add({
        severity: 'warning',
        code: 'TIME_UNPARSEABLE',
        table: table.name,
        column,
        count: unparseable,
        message: `${unparseable} times do not parse${example.text}; those rows never become visible`,
        details: { table: table.name, column, count: unparseable, ...example.details },
      });
    }
  }
  for (const [i, c] of textTimes.entries()) {
    const unparseable = cell(`u${i}`);
    if (unparseable === 0) continue;
    const example = await unparseableExample(connector, table, c.name);
    add({
      severity: 'warning',
      code: 'TIMESTAMP_UNPARSEABLE',
      table: table.name,
      column: c.name,
      count: unparseable,
      message: `${unparseable} values do not parse as timestamps${example.text}; they read as missing`,
      details: { table: table.name, column: c.name, count: unparseable, ...example.details },
    });
  }
  wide.forEach((c, i) => {
    const max = cell(`w${i}`);
    if (max > FLOAT32_MAX) {
      add({
        severity: 'warning',
        code: 'FLOAT_OVERFLOW',
        table: table.name,
        column: c.name,
        message: `numerical values up to ${max} exceed float32 (largest ${FLOAT32_MAX}) and are stored as infinity`,
        details: { max, limit: FLOAT32_MAX },
      });
    } else if (c.physical !== 'float' && max > FLOAT32_EXACT) {
      add({
        severity: 'warning',
        code: 'FLOAT_PRECISION',
        table: table.name,
        column: c.name,
        message: `numerical values up to ${max} are rounded when stored as float32 (exact up to 2^24)`,
        details: { max },
      });
    }
  });
}

/**
 * The 1-based rows of `table`'s source, in source order, that hold `key` in the column `pk` (the
 * first three; DuckDB only, as for unparseableExample: in a CSV file with a header and no field
 * spanning lines, a row's line is one more).
 */
async function duplicateRows(
  connector: Connector,
  table: TableDef,
  pk: string,
  key: unknown,
): Promise<number[]> {
  const physical = table.columns.find((c) => c.name === pk)?.physical;
  const bindable = physical === 'int' || physical === 'bigint' || physical === 'string';
  if (connector.dialect !== 'duckdb' || !bindable || key === null) return [];
  const from = `SELECT ${quoteIdent(pk)} AS k, row_number() OVER () AS rn FROM ${quoteIdent(sourceOf(table))}`;
  const result = await connector.queryAll(
    `SELECT rn FROM (${from}) x WHERE k = ? ORDER BY rn LIMIT 3`,
    [key as SqlValue],
  );
  return Array.from({ length: result.rows }, (_, i) => num(cellValue(result.columns[0], i)));
}

/**
 * The first non-NULL value of the text column `column` of `table`'s source that does not parse
 * as a timestamp, with its 1-based row in source order (DuckDB only; in a CSV file with a header
 * and no field spanning lines, the row's line is one more), as message text and details.
 */
async function unparseableExample(connector: Connector, table: TableDef, column: string) {
  const duckdb = connector.dialect === 'duckdb';
  const rowNumber = duckdb ? ', row_number() OVER () AS rn' : '';
  const from = `SELECT ${quoteIdent(column)} AS v${rowNumber} FROM ${quoteIdent(sourceOf(table))}`;
  const result = await connector.queryAll(
    `SELECT v${duckdb ? ', rn' : ''} FROM (${from}) x ` +
      `WHERE v IS NOT NULL AND ${toTimestamp(connector.dialect, 'v', true)} IS NULL LIMIT 1`,
  );
  if (result.rows === 0) return { text: '', details: {} };
  const value = String(cellValue(result.columns[0], 0));
  const row = duckdb ? num(cellValue(result.columns[1], 0)) : null;
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return {
    text: row === null ? ` (e.g. ${shown})` : ` (e.g. ${shown} in row ${row})`,
    details: row === null ? { example: value } : { example: value, row },
  };
}

/** Raises the first error of `report` with its own code (the report rides along in details). */
export function throwOnErrors(report: ValidationReport): void {
  const first = report.issues.find((i) => i.severity === 'error');
  if (first === undefined) return;
  raise(first.code, { ...first.details, errors: report.errors, report });
}
