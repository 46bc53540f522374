// SPDX-License-Identifier: Apache-2.0
// Validation of a graph definition against its data: a report of issues with a severity.
// Errors (registry codes) stop materialisation; warnings are counted and the data is kept:
// a dangling foreign key becomes a missing link, a row without a time never becomes visible,
// a text timestamp that does not parse is missing. What the connector guessed while reading a
// table's file (a CSV delimiter or NULL marker) comes first, as warnings; the option that makes
// a guess explicit, the same for many files, rides in `details.hint` for hosts to print once.
// The checks of each table's rows (times, numbers in text, float32 range) are validate-rows.ts.
import type { Connector, SqlValue } from './connector.js';
import { findTable, type GraphDef, type TableDef } from './graph-def.js';
import { closeTables, keyFamily, keysCompatible } from './infer.js';
import { isTimeType, sourceOf, timeTypeExpected } from './relation.js';
import { keyAsText, quoteIdent } from './sql.js';
import { cellValue } from './column-builder.js';
import { checkRows, num } from './validate-rows.js';
import { formatValue, prequelError, raise } from '../errors/index.js';
import { didYouMean } from '../text/nearest.js';
import { plural } from '../text/plural.js';

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

export { FLOAT32_EXACT, FLOAT32_MAX, NUMBER_PARSE_MIN } from './validate-rows.js';

/** Name of the forward edge type of a foreign key, as the store names it (src__relation__dst). */
export function edgeTypeName(table: string, column: string, references: string): string {
  return `${table}__f2p_${column}__${references}`;
}

/** Name of the reverse edge type of a foreign key (parent -> child). */
export function reverseEdgeTypeName(table: string, column: string, references: string): string {
  return `${references}__rev_f2p_${column}__${table}`;
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
      const { code, column, count, message, hint } = note;
      const at = {
        ...(column === undefined ? {} : { column }),
        ...(count === undefined ? {} : { count }),
      };
      const details = hint === undefined ? note.details : { ...note.details, hint };
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
      !isTimeType(timeColumn.physical, table.timeUnit)
    ) {
      const expected = timeTypeExpected(table.name, timeColumn.physical, table.timeUnit);
      const type = timeColumn.engineType;
      const details = { table: table.name, column: timeColumn.name, type, expected };
      add({
        severity: 'error',
        code: 'DATA_TIME_INVALID',
        table: table.name,
        column: timeColumn.name,
        message: `the time column has type ${type}; ${expected}`,
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

export type Add = (
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
      message: plural(nullCount, 'NULL key'),
      details,
    });
    broken.add(table.name);
  }
  const dups = await connector.queryAll(
    `SELECT ${k} AS k, count(*) AS n FROM ${src} WHERE ${k} IS NOT NULL ` +
      `GROUP BY ${k} HAVING count(*) > 1 ORDER BY 2 DESC, 1 LIMIT 5`,
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
  const fail = (code: string, more: Record<string, unknown>) => {
    const details = { table: table.name, column, references, ...more };
    add({
      severity: 'error',
      code,
      table: table.name,
      column,
      message: prequelError(code, details).message,
      details,
    });
    broken.add(table.name);
    return null;
  };
  const parent = findTable(graph, references);
  if (parent === undefined) {
    const available = graph.tables.map((t) => t.name);
    const suggestions = closeTables(references, available);
    return fail('DATA_FK_MISSING_TABLE', {
      suggestion: didYouMean(suggestions),
      suggestions,
      available,
    });
  }
  if (parent.primaryKey === null) return fail('DATA_FK_NO_PRIMARY_KEY', {});
  if (broken.has(parent.name)) return null;
  const childType = table.columns.find((c) => c.name === column)?.physical ?? 'other';
  const parentType = parent.columns.find((c) => c.name === parent.primaryKey)?.physical ?? 'other';
  const sameFamily = keyFamily(childType) === keyFamily(parentType);
  // Keys of two families join only where one side is an empty table (see infer.ts): as text.
  const empty = async (t: TableDef) =>
    !sameFamily && (await connector.countRows(sourceOf(t))) === 0n;
  const compatible = keysCompatible(
    { physical: childType, empty: await empty(table) },
    { physical: parentType, empty: await empty(parent) },
  );
  if (!compatible) {
    return fail('DATA_FK_TYPE_MISMATCH', { key: parent.primaryKey, childType, parentType });
  }
  const text = (e: string) => (sameFamily ? e : keyAsText(connector.dialect, e));
  const c = quoteIdent(column);
  const k = quoteIdent(parent.primaryKey);
  const result = await connector.queryAll(
    `SELECT count(*) - count(c.${c}) AS nulls, count(c.${c}) AS keyed, count(p.k) AS edges ` +
      `FROM ${quoteIdent(sourceOf(table))} c ` +
      `LEFT JOIN (SELECT DISTINCT ${text(k)} AS k FROM ${quoteIdent(sourceOf(parent))}) p ` +
      `ON ${text(`c.${c}`)} = p.k`,
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
      message:
        keyed === 1
          ? `the one key matches no row of ${references}; the edge type has no edges`
          : `all ${keyed} keys match no row of ${references}; the edge type has no edges`,
      details,
    });
  } else if (stats.dangling > 0) {
    add({
      severity: 'warning',
      code: 'FK_DANGLING',
      table: table.name,
      column,
      count: stats.dangling,
      message:
        `${plural(stats.dangling, 'key')} ${stats.dangling === 1 ? 'matches' : 'match'} no row ` +
        `of ${references} (kept as missing links)`,
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
      message: `${plural(nulls, 'row')} ${nulls === 1 ? 'has' : 'have'} a NULL key`,
      details,
    });
  }
  return stats;
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
  const from =
    `SELECT ${quoteIdent(pk)} AS k, row_number() OVER () AS rn ` +
    `FROM ${quoteIdent(sourceOf(table))}`;
  const result = await connector.queryAll(
    `SELECT rn FROM (${from}) x WHERE k = ? ORDER BY rn LIMIT 3`,
    [key as SqlValue],
  );
  return Array.from({ length: result.rows }, (_, i) => num(cellValue(result.columns[0], i)));
}

/** Raises the first error of `report` with its own code (the report rides along in details). */
export function throwOnErrors(report: ValidationReport): void {
  const first = report.issues.find((i) => i.severity === 'error');
  if (first === undefined) return;
  raise(first.code, { ...first.details, errors: report.errors, report });
}

/** The distinct hints of `report`'s issues (`details.hint`), for a host to print once each. */
export function reportHints(report: ValidationReport): string[] {
  const hints = report.issues.map((i) => i.details.hint);
  return [...new Set(hints.filter((h): h is string => typeof h === 'string'))];
}
