// SPDX-License-Identifier: Apache-2.0
// Column statistics that schema inference reads: row count, non-NULL and distinct counts, the
// range of integer columns, and how many values of a text column read as timestamps. One
// aggregate query per table; keys never pass through JS numbers.
import type { Connector } from './connector.js';
import type { PhysicalType } from './graph-def.js';
import { quoteIdent, toTimestamp } from './sql.js';

export interface ColumnProfile {
  name: string;
  physical: PhysicalType;
  engineType: string;
  nonNull: number;
  /** Distinct non-NULL values (exact up to EXACT_DISTINCT_ROWS rows or for key candidates). */
  distinct: number;
  /** Range of integer columns (exact); null when it does not fit int64. */
  min: bigint | null;
  max: bigint | null;
  /** Largest absolute value of a float column. */
  maxAbs: number | null;
  /** Values of a text column that parse as a timestamp and not as a number (null otherwise). */
  timeParsed: number | null;
}

export interface TableProfile {
  /** Name in the source. */
  source: string;
  rows: number;
  columns: ColumnProfile[];
}

const INT64_MIN = '-9223372036854775808';
const INT64_MAX = '9223372036854775807';

/** Above this many rows, distinct counts of columns that cannot be the key are approximate. */
export const EXACT_DISTINCT_ROWS = 5_000_000;

/** Whether a column name reads as a key: `id`, `...Id`, `..._id`, `...ID`. */
export function looksLikeKey(name: string): boolean {
  return /(^id$|[a-z0-9]Id$|_id$|ID$|[^a-zA-Z]id$)/.test(name) || /^id$/i.test(name);
}

function integral(physical: PhysicalType): boolean {
  return physical === 'int' || physical === 'bigint';
}

/**
 * Profiles every column of the source table `source`. Above EXACT_DISTINCT_ROWS rows only the
 * columns `exact` selects (primary key candidates) get exact distinct counts.
 */
export async function profileTable(
  connector: Connector,
  source: string,
  exact: (column: string, index: number) => boolean = () => true,
): Promise<TableProfile> {
  const info = await connector.describe(source);
  const rows = Number(await connector.countRows(source));
  const parts = ['count(*) AS "n"'];
  info.columns.forEach((column, i) => {
    const c = quoteIdent(column.name);
    parts.push(`count(${c}) AS "nn${i}"`);
    if (column.physical === 'list' || column.physical === 'other') {
      parts.push(`0 AS "d${i}"`);
    } else if (rows > EXACT_DISTINCT_ROWS && !exact(column.name, i)) {
      parts.push(`approx_count_distinct(${c}) AS "d${i}"`);
    } else {
      parts.push(`count(DISTINCT ${c}) AS "d${i}"`);
    }
    if (integral(column.physical)) {
      // A range beyond int64 (a NUMBER(38,0) or HUGEINT column) is left unknown (NULL).
      const fits = `min(${c}) >= ${INT64_MIN} AND max(${c}) <= ${INT64_MAX}`;
      parts.push(
        `CASE WHEN ${fits} THEN min(${c}) END AS "mn${i}"`,
        `CASE WHEN ${fits} THEN max(${c}) END AS "mx${i}"`,
      );
    } else if (column.physical === 'float' || column.physical === 'decimal') {
      parts.push(`max(abs(${c})) AS "ma${i}"`);
    } else if (column.physical === 'string') {
      // A number is no time, though Snowflake reads an integer string as epoch seconds.
      const time = toTimestamp(connector.dialect, c, true);
      parts.push(`count(CASE WHEN TRY_CAST(${c} AS DOUBLE) IS NULL THEN ${time} END) AS "tp${i}"`);
    }
  });
  const result = await connector.queryAll(`SELECT ${parts.join(', ')} FROM ${quoteIdent(source)}`);
  const cell = (name: string): bigint | number | null => {
    const column = result.columns.find((c) => c.name === name);
    if (column === undefined || result.rows === 0) return null;
    if (column.valid !== null && column.valid[0] === 0) return null;
    if (column.kind === 'bigint' || column.kind === 'int' || column.kind === 'float') {
      return column.values[0];
    }
    if (column.kind === 'timestamp') return column.values[0];
    return null;
  };
  const asBig = (v: bigint | number | null) => (v === null ? null : BigInt(v));
  const columns = info.columns.map((column, i): ColumnProfile => {
    const maxAbs = cell(`ma${i}`);
    const timeParsed = column.physical === 'string' ? cell(`tp${i}`) : null;
    return {
      name: column.name,
      physical: column.physical,
      engineType: column.engineType,
      nonNull: Number(cell(`nn${i}`) ?? 0),
      distinct: Number(cell(`d${i}`) ?? 0),
      min: asBig(cell(`mn${i}`)),
      max: asBig(cell(`mx${i}`)),
      maxAbs: maxAbs === null ? null : Number(maxAbs),
      timeParsed: timeParsed === null ? null : Number(timeParsed),
    };
  });
  return { source, rows, columns };
}
