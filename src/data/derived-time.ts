// SPDX-License-Identifier: Apache-2.0
// Checks of a graph file's `derivedTime` against the data, up front: the foreign key it follows
// must be one of the table's, and its date and time-of-day columns must hold dates and times of
// day (by type, and for text by parsing at least TIME_PARSE_MIN of the values). Each failure
// names the table, the JSON path of the field and what would be right.
import type { Connector } from './connector.js';
import type { DerivedTimeDef, ForeignKeyDef } from './graph-def.js';
import type { ColumnProfile, TableProfile } from './profile.js';
import { quoteIdent } from './sql.js';
import { cellValue } from './column-builder.js';
import { raise } from '../errors/index.js';

/** Share of a text column's non-NULL values that must parse (as infer.ts's TIME_PARSE_MIN). */
const PARSE_MIN = 0.9;

const DATE_EXPECTED = 'a DATE or TIMESTAMP column, or text holding dates such as 2024-01-31';
const TIME_EXPECTED = 'a TIME column, or text holding times of day such as 14:30:00';

export interface DerivedTimePlace {
  /** The graph file (or override source) in words. */
  file: string;
  /** JSON pointer of the table's entry: `/tables/3`. */
  pointer: string;
  table: string;
}

/** Raises DATA_DERIVED_TIME_INVALID when `derived` does not fit the table (file comment). */
export async function checkDerivedTime(
  connector: Connector,
  derived: DerivedTimeDef,
  profile: TableProfile,
  foreignKeys: ForeignKeyDef[],
  place: DerivedTimePlace,
): Promise<void> {
  const fail = (field: string, reason: string, expected: string): never =>
    raise('DATA_DERIVED_TIME_INVALID', {
      path: place.file,
      pointer: `${place.pointer}/derivedTime/${field}`,
      table: place.table,
      reason,
      expected,
    });

  if (derived.from === 'parent') {
    if (foreignKeys.some((f) => f.column === derived.foreignKey)) return;
    const keys = foreignKeys.map((f) => `${f.column} (to ${f.references})`);
    fail(
      'foreignKey',
      `${derived.foreignKey} is not one of its foreign keys`,
      keys.length === 0
        ? 'a foreign key of the table, and it has none: add one under "foreignKeys"'
        : `one of its foreign keys: ${keys.join(', ')}`,
    );
    return;
  }

  const date = profile.columns.find((c) => c.name === derived.date);
  if (date !== undefined && !isDateColumn(date)) {
    fail('date', describe(date, 'dates'), DATE_EXPECTED);
  }
  const time = profile.columns.find((c) => c.name === derived.timeOfDay);
  if (time !== undefined && !(await isTimeOfDayColumn(connector, profile, time))) {
    fail('timeOfDay', describe(time, 'times of day'), TIME_EXPECTED);
  }
}

/** DATE or TIMESTAMP, or text whose values parse as timestamps but for a few. */
function isDateColumn(column: ColumnProfile): boolean {
  if (column.physical === 'date' || column.physical === 'timestamp') return true;
  if (column.physical !== 'string') return false;
  return column.nonNull === 0 || (column.timeParsed ?? 0) >= PARSE_MIN * column.nonNull;
}

/** TIME or TIMESTAMP, or text whose values parse as times of day but for a few. */
async function isTimeOfDayColumn(
  connector: Connector,
  profile: TableProfile,
  column: ColumnProfile,
): Promise<boolean> {
  if (column.physical === 'timestamp' || /^TIME\b/i.test(column.engineType)) return true;
  if (column.physical !== 'string') return false;
  if (column.nonNull === 0) return true;
  const v = quoteIdent(column.name);
  const parsed =
    connector.dialect === 'duckdb' ? `TRY_CAST(${v} AS TIME)` : `TRY_TO_TIME(TO_VARCHAR(${v}))`;
  const result = await connector.queryAll(
    `SELECT count(${parsed}) AS ok FROM ${quoteIdent(profile.source)}`,
  );
  return Number(cellValue(result.columns[0], 0)) >= PARSE_MIN * column.nonNull;
}

/** The column as the message shows it: its name, type and, for text, what failed to parse. */
function describe(column: ColumnProfile, what: string): string {
  const type = `${column.name} (${column.engineType})`;
  return column.physical === 'string'
    ? `${type} is text whose values do not parse as ${what}`
    : `${type} holds no ${what}`;
}
