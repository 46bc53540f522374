// SPDX-License-Identifier: Apache-2.0
// The typed columns a table is written from, their checks, and how each value travels as an
// array bind. Every value goes as text (or null) and the warehouse casts it to the column's
// type on insert: the driver picks one bind type per column from the first row only, and would
// turn NaN into "null", so text is the one form that is exact for every row. Timestamps go as
// epoch microseconds, converted by TO_TIMESTAMP_NTZ(n, 6), which no session format affects.
import { snowflakeError } from './errors.js';
import { checkName, LONE_SURROGATE } from './identifiers.js';

/**
 * One column to write; `valid` (1 = present, 0 = NULL) marks NULLs, absent when none.
 * - int: Int32Array, and bigint: BigInt64Array, both as NUMBER(38,0) (Snowflake's INTEGER);
 * - float: Float64Array or Float32Array, as DOUBLE (NaN and infinities kept);
 * - boolean: Uint8Array of 0/1, as BOOLEAN;
 * - timestamp: BigInt64Array of microseconds since the Unix epoch, UTC, as TIMESTAMP_NTZ;
 * - string: an array of strings, where null is NULL too, as VARCHAR.
 */
export type WriteColumn =
  | { name: string; type: 'int'; values: Int32Array; valid?: Uint8Array | null }
  | { name: string; type: 'bigint'; values: BigInt64Array; valid?: Uint8Array | null }
  | {
      name: string;
      type: 'float';
      values: Float64Array | Float32Array;
      valid?: Uint8Array | null;
    }
  | { name: string; type: 'boolean'; values: Uint8Array; valid?: Uint8Array | null }
  | { name: string; type: 'timestamp'; values: BigInt64Array; valid?: Uint8Array | null }
  | { name: string; type: 'string'; values: readonly (string | null)[]; valid?: Uint8Array | null };

export type WriteColumnType = WriteColumn['type'];

/** Snowflake's column type and the INSERT placeholder for each kind. */
const SQL_TYPES: Record<WriteColumnType, { sql: string; placeholder: string }> = {
  int: { sql: 'NUMBER(38,0)', placeholder: '?' },
  bigint: { sql: 'NUMBER(38,0)', placeholder: '?' },
  float: { sql: 'DOUBLE', placeholder: '?' },
  boolean: { sql: 'BOOLEAN', placeholder: '?' },
  timestamp: { sql: 'TIMESTAMP_NTZ', placeholder: 'TO_TIMESTAMP_NTZ(CAST(? AS NUMBER(38,0)), 6)' },
  string: { sql: 'VARCHAR', placeholder: '?' },
};

const CONTAINERS: Record<WriteColumnType, { expected: string; accepts: (v: unknown) => boolean }> =
  {
    int: { expected: 'an Int32Array', accepts: (v) => v instanceof Int32Array },
    bigint: { expected: 'a BigInt64Array', accepts: (v) => v instanceof BigInt64Array },
    float: {
      expected: 'a Float64Array or Float32Array',
      accepts: (v) => v instanceof Float64Array || v instanceof Float32Array,
    },
    boolean: { expected: 'a Uint8Array of 0/1', accepts: (v) => v instanceof Uint8Array },
    timestamp: {
      expected: 'a BigInt64Array of epoch microseconds',
      accepts: (v) => v instanceof BigInt64Array,
    },
    string: { expected: 'an array of strings or nulls', accepts: (v) => Array.isArray(v) },
  };

// TIMESTAMP_NTZ years 0001 to 9999, in microseconds since the epoch.
const MIN_MICROS = -62_135_596_800_000_000n;
const MAX_MICROS = 253_402_300_799_999_999n;

/** Snowflake's type for a column of this kind, e.g. NUMBER(19,0). */
export function sqlTypeOf(type: WriteColumnType): string {
  return SQL_TYPES[type].sql;
}

/** The INSERT placeholder for a column of this kind (a plain `?` or a conversion of it). */
export function placeholderOf(type: WriteColumnType): string {
  return SQL_TYPES[type].placeholder;
}

/** Checks names, kinds, containers, lengths and values; returns the row count. */
export function checkColumns(table: string, columns: readonly WriteColumn[]): number {
  const seen = new Set<string>();
  for (const column of columns) {
    checkName('column', column.name);
    if (seen.has(column.name)) {
      throw snowflakeError('SNOWFLAKE_WRITE_NAME_INVALID', {
        what: 'column',
        name: column.name,
        reason: 'the name is given twice',
      });
    }
    seen.add(column.name);
    checkContainer(table, column);
  }

  const first = columns[0];
  const rows = first.values.length;
  for (const column of columns) {
    const mismatch = (part: string, received: number) =>
      snowflakeError('SNOWFLAKE_WRITE_LENGTH_MISMATCH', {
        table,
        column: column.name,
        part,
        received,
        expected: rows,
        first: first.name,
      });
    if (column.values.length !== rows) throw mismatch('values', column.values.length);
    const valid = column.valid;
    if (valid !== undefined && valid !== null && valid.length !== rows) {
      throw mismatch('validity flags', valid.length);
    }
    checkValues(table, column);
  }
  return rows;
}

function checkContainer(table: string, column: WriteColumn): void {
  const type = column.type as string;
  const unsupported = (expected: string, received: string) =>
    snowflakeError('SNOWFLAKE_WRITE_TYPE_UNSUPPORTED', {
      table,
      column: column.name,
      type,
      expected,
      received,
    });
  if (!Object.hasOwn(SQL_TYPES, type)) {
    throw unsupported(`one of ${Object.keys(SQL_TYPES).join(', ')}`, `type ${type}`);
  }
  const container = CONTAINERS[column.type];
  if (!container.accepts(column.values)) {
    throw unsupported(container.expected, describeContainer(column.values));
  }
  const valid = column.valid;
  if (valid !== undefined && valid !== null && !(valid instanceof Uint8Array)) {
    throw unsupported('validity flags as a Uint8Array', describeContainer(valid));
  }
}

// Values the warehouse would refuse are refused here, before anything is written.
function checkValues(table: string, column: WriteColumn): void {
  const valid = column.valid ?? null;
  const bad = (row: number, expected: string, received: string) =>
    snowflakeError('SNOWFLAKE_WRITE_VALUE_INVALID', {
      table,
      column: column.name,
      row,
      expected,
      received,
    });
  const rows = column.values.length;
  switch (column.type) {
    case 'timestamp':
      for (let r = 0; r < rows; r++) {
        const micros = column.values[r];
        if ((valid === null || valid[r] !== 0) && (micros < MIN_MICROS || micros > MAX_MICROS)) {
          throw bad(r, 'microseconds within the years 0001 to 9999', `${micros}`);
        }
      }
      return;
    case 'boolean':
      for (let r = 0; r < rows; r++) {
        const value = column.values[r];
        if ((valid === null || valid[r] !== 0) && value > 1) throw bad(r, '0 or 1', `${value}`);
      }
      return;
    case 'string':
      for (let r = 0; r < rows; r++) {
        const value = column.values[r] as unknown;
        if (value === null || (valid !== null && valid[r] === 0)) continue;
        if (typeof value !== 'string') throw bad(r, 'a string or null', describeContainer(value));
        if (LONE_SURROGATE.test(value)) {
          throw bad(r, 'well-formed Unicode text', 'text with a lone surrogate');
        }
      }
      return;
    default:
      return;
  }
}

/** Rows `start` to `end` as the driver's array binds: one array of texts per row. */
export function bindRows(
  columns: readonly WriteColumn[],
  start: number,
  end: number,
): (string | null)[][] {
  const rows: (string | null)[][] = [];
  for (let r = start; r < end; r++) rows.push(new Array<string | null>(columns.length));
  columns.forEach((column, c) => {
    const valid = column.valid ?? null;
    for (let r = start; r < end; r++) {
      rows[r - start][c] = valid !== null && valid[r] === 0 ? null : bindText(column, r);
    }
  });
  return rows;
}

function bindText(column: WriteColumn, row: number): string | null {
  switch (column.type) {
    case 'int':
    case 'bigint':
    case 'timestamp':
      return column.values[row].toString();
    case 'float':
      return floatText(column.values[row]);
    case 'boolean':
      return column.values[row] === 0 ? 'false' : 'true';
    case 'string':
      return column.values[row];
  }
}

// Snowflake reads 'NaN', 'inf' and '-inf' as FLOAT; String() of a double reads back exactly.
function floatText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return Object.is(value, -0) ? '-0' : String(value);
}

function describeContainer(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'an object';
}
