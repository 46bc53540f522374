// SPDX-License-Identifier: Apache-2.0
// The few dialect-aware SQL pieces the data engine writes. Identifiers are always quoted (an
// embedded quote is doubled), values are bound as parameters; nothing a user typed is spliced.
import type { SqlDialect } from './connector.js';
import type { EpochUnit } from './graph-def.js';

/** Returns `name` as a quoted identifier, safe whatever characters it holds. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Returns `text` as a quoted string literal. Used only where the engine takes no parameter (file
 * paths in DuckDB's CREATE VIEW, whose table functions must be constant at bind time).
 */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Placeholder for the 1-based parameter `index` in the dialect. */
export function param(dialect: SqlDialect, index: number): string {
  return dialect === 'duckdb' ? `$${index}` : '?';
}

/** A timestamp from a date expression and a time-of-day expression (NULL time = midnight). */
export function combineDateTime(dialect: SqlDialect, date: string, timeOfDay: string): string {
  if (dialect === 'duckdb') {
    return `(CAST(${date} AS DATE) + COALESCE(TRY_CAST(${timeOfDay} AS TIME), TIME '00:00:00'))`;
  }
  return (
    `TIMESTAMP_NTZ_FROM_PARTS(TO_DATE(${date}), ` +
    `COALESCE(TRY_TO_TIME(TO_VARCHAR(${timeOfDay})), TO_TIME('00:00:00')))`
  );
}

/** An expression cast to a timestamp without time zone; strings that do not parse give NULL. */
export function toTimestamp(dialect: SqlDialect, expr: string, fromString: boolean): string {
  if (dialect === 'duckdb') {
    return fromString ? `TRY_CAST(${expr} AS TIMESTAMP)` : `CAST(${expr} AS TIMESTAMP)`;
  }
  return fromString ? `TRY_TO_TIMESTAMP_NTZ(${expr})` : `TO_TIMESTAMP_NTZ(${expr})`;
}

/** A timestamp expression shifted by a whole number of seconds. */
export function addSeconds(dialect: SqlDialect, expr: string, seconds: number): string {
  if (!Number.isSafeInteger(seconds)) throw new RangeError(`offset ${seconds} is not an integer`);
  if (seconds === 0) return expr;
  return dialect === 'duckdb'
    ? `(${expr} + INTERVAL (${seconds}) SECOND)`
    : `DATEADD(second, ${seconds}, ${expr})`;
}

/** Microseconds per unit of an integer epoch time (nanoseconds divide instead). */
const MICROS_PER: Record<Exclude<EpochUnit, 'ns'>, number> = { s: 1_000_000, ms: 1_000, us: 1 };

/**
 * A timestamp without time zone from an integer expression counting `unit`s since the Unix
 * epoch, exact to the microsecond (the engine's timestamp precision). Nanoseconds are rounded
 * up to the next microsecond, never down: a row is never visible before the instant it holds.
 */
export function epochToTimestamp(dialect: SqlDialect, expr: string, unit: EpochUnit): string {
  const value = `CAST(${expr} AS BIGINT)`;
  let micros: string;
  if (unit === 'ns') {
    // DuckDB's // and % truncate toward zero, so only a positive remainder needs the extra one.
    micros =
      dialect === 'duckdb'
        ? `(${value} // 1000 + CASE WHEN ${value} % 1000 > 0 THEN 1 ELSE 0 END)`
        : `CEIL(${value} / 1000)`;
  } else {
    micros = unit === 'us' ? value : `(${value} * ${MICROS_PER[unit]})`;
  }
  return dialect === 'duckdb' ? `make_timestamp(${micros})` : `TO_TIMESTAMP_NTZ(${micros}, 6)`;
}

/** A key expression as text, to join keys of two types (only where one side has no rows). */
export function keyAsText(dialect: SqlDialect, expr: string): string {
  return dialect === 'duckdb' ? `CAST(${expr} AS VARCHAR)` : `TO_VARCHAR(${expr})`;
}
