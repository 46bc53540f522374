// SPDX-License-Identifier: Apache-2.0
// The SQL relation behind a graph table, for every SQL the engine or the query compiler writes
// over the graph: the table's columns (as the graph lists them) read from its source table, and,
// for a temporal table, its time column under its own name and as "__time". A derived time
// column holds the computed timestamp (date and time of day combined, or the parent row's time
// through a foreign key, shifted by the optional offset), so SQL over the relation can use
// `table.timeColumn` whether or not the source has that column. An integer time column with a
// `timeUnit` (Unix seconds, ms, us or ns) is converted the same way: the relation holds the
// timestamp under the column's name and as "__time".
import type { SqlDialect } from './connector.js';
import {
  EPOCH_UNITS,
  findColumn,
  findTable,
  type GraphDef,
  type PhysicalType,
  type TableDef,
} from './graph-def.js';
import { addSeconds, combineDateTime, epochToTimestamp, quoteIdent, toTimestamp } from './sql.js';
import { raise } from '../errors/index.js';

/** Name of the computed time column in a relation: the row's time as a timestamp. */
export const TIME = '__time';

/** Physical types a time column may have (text is parsed; values that do not parse are NULL). */
export const TIME_TYPES: readonly PhysicalType[] = ['date', 'timestamp', 'string'];

/** Physical types a time column may have with a `timeUnit`: integers since the Unix epoch. */
export const EPOCH_TYPES: readonly PhysicalType[] = ['int', 'bigint'];

/** Whether a time column of `physical` type can be read, given the table's `timeUnit`. */
export function isTimeType(physical: PhysicalType, timeUnit: TableDef['timeUnit']): boolean {
  return timeUnit === undefined ? TIME_TYPES.includes(physical) : EPOCH_TYPES.includes(physical);
}

const UNITS = EPOCH_UNITS.map((u) => JSON.stringify(u)).join(', ');

/**
 * What DATA_TIME_INVALID says is expected of the time column of `table`, whose type is
 * `physical`: for an integer, the `timeUnit` that reads it as a Unix time.
 */
export function timeTypeExpected(table: string, physical: PhysicalType, unit?: string): string {
  if (unit !== undefined) {
    return (
      `"timeUnit": ${JSON.stringify(unit)} reads an integer time column; expected int or ` +
      `bigint, or remove timeUnit of ${table} in the graph file`
    );
  }
  if (EPOCH_TYPES.includes(physical)) {
    return (
      `an integer time column needs its unit: if it counts time since the Unix epoch, set ` +
      `"timeUnit" of ${table} in the graph file to one of ${UNITS} (seconds, milli-, micro- ` +
      `or nanoseconds); else set timeColumn of ${table} to a date or timestamp column, or to ` +
      'null for a static table'
    );
  }
  return (
    'expected a date, a timestamp, text holding timestamps or an integer Unix time (with ' +
    `"timeUnit"): set timeColumn of ${table} in the graph file to such a column, or to null ` +
    'for a static table'
  );
}

/** The source table a graph table reads. */
export function sourceOf(table: TableDef): string {
  return table.source ?? table.name;
}

/** The computed time expression of a derived time, and the join it needs (if any). */
function derivedTime(graph: GraphDef, table: TableDef, dialect: SqlDialect, depth: number) {
  const derived = table.derivedTime!;
  const offset = derived.offsetSeconds ?? 0;
  if (derived.from === 'columns') {
    const date = `t.${quoteIdent(derived.date)}`;
    const time = combineDateTime(dialect, date, `t.${quoteIdent(derived.timeOfDay)}`);
    return { time: addSeconds(dialect, time, offset), join: '' };
  }
  const fk = table.foreignKeys.find((f) => f.column === derived.foreignKey);
  const parent = fk === undefined ? undefined : findTable(graph, fk.references);
  if (fk === undefined || parent === undefined || parent.primaryKey === null || depth > 8) {
    return raise('DATA_GRAPH_FILE_INVALID', {
      path: 'the graph definition',
      reason:
        `table ${table.name}: derived time through ${derived.foreignKey} ` +
        'needs a foreign key to a table with a primary key',
    });
  }
  const time =
    parent.timeColumn === null ? 'NULL' : addSeconds(dialect, `p.${quoteIdent(TIME)}`, offset);
  const join =
    ` LEFT JOIN ${tableRelation(graph, parent, dialect, depth + 1)} p` +
    ` ON t.${quoteIdent(fk.column)} = p.${quoteIdent(parent.primaryKey)}`;
  return { time, join };
}

/** A parenthesised SELECT giving the table's graph columns, plus "__time" when temporal. */
export function tableRelation(
  graph: GraphDef,
  table: TableDef,
  dialect: SqlDialect,
  depth = 0,
): string {
  const from = `${quoteIdent(sourceOf(table))} t`;
  const derived = table.derivedTime !== undefined && table.timeColumn !== null;
  const read = table.columns.filter((c) => !(derived && c.name === table.timeColumn));
  const select = read.map((c) => `t.${quoteIdent(c.name)}`);
  if (table.timeColumn === null) {
    return `(SELECT ${select.length > 0 ? select.join(', ') : '1 AS "__one"'} FROM ${from})`;
  }
  if (!derived) {
    const physical = findColumn(table, table.timeColumn)?.physical;
    // A number or other non-time type would fail DuckDB's cast deep inside some query.
    if (physical !== undefined && !isTimeType(physical, table.timeUnit)) {
      raise('DATA_TIME_INVALID', {
        table: table.name,
        column: table.timeColumn,
        type: physical,
        expected: timeTypeExpected(table.name, physical, table.timeUnit),
      });
    }
    const column = `t.${quoteIdent(table.timeColumn)}`;
    if (table.timeUnit !== undefined) {
      // The integer becomes the timestamp under its own name too, as a derived time does.
      const time = epochToTimestamp(dialect, column, table.timeUnit);
      const named = select.filter((c) => c !== column);
      named.push(`${time} AS ${quoteIdent(table.timeColumn)}`, `${time} AS ${quoteIdent(TIME)}`);
      return `(SELECT ${named.join(', ')} FROM ${from})`;
    }
    const time = toTimestamp(dialect, column, physical === 'string');
    if (!read.some((c) => c.name === table.timeColumn)) select.push(column);
    return `(SELECT ${[...select, `${time} AS ${quoteIdent(TIME)}`].join(', ')} FROM ${from})`;
  }
  const { time, join } = derivedTime(graph, table, dialect, depth);
  select.push(`${time} AS ${quoteIdent(table.timeColumn!)}`, `${time} AS ${quoteIdent(TIME)}`);
  return `(SELECT ${select.join(', ')} FROM ${from}${join})`;
}
