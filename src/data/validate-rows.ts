// SPDX-License-Identifier: Apache-2.0
// The row checks of one graph table, over its relation: no rows, NULL and unparseable times,
// text columns of numbers but for a few values (NUMBER_UNPARSEABLE), numerical values float32
// cannot hold (with a pointer at `timeUnit` for one that reads as Unix times). Each check is an
// aggregate of one query; an example of a bad value is fetched only when there is one.
import type { Connector } from './connector.js';
import type { ColumnDef, GraphDef, TableDef } from './graph-def.js';
import { NULL_MARKERS } from './csv-dialect.js';
import { epochUnit } from './infer.js';
import { TIME, sourceOf, tableRelation } from './relation.js';
import { quoteIdent, quoteLiteral, toTimestamp } from './sql.js';
import { cellValue } from './column-builder.js';
import type { Add } from './validate.js';
import { plural } from '../text/plural.js';

/**
 * Share of a text column's non-NULL values (NULL markers aside) that must parse as numbers for
 * the others to be reported (NUMBER_UNPARSEABLE), as TIME_PARSE_MIN does for times.
 */
export const NUMBER_PARSE_MIN = 0.9;

/** Float32 holds every integer up to 2^24 exactly; numerical features are stored as float32. */
export const FLOAT32_EXACT = 2 ** 24;

/** The largest finite float32; a numerical value beyond it is stored as infinity. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** A count cell as a number (NULL as 0). */
export function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** Adds the row issues of `table` (see the file comment); a failing query marks it broken. */
export async function checkRows(
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
  if (table.timeUnit !== undefined && table.derivedTime === undefined) {
    await checkTimeUnit(connector, table, add);
  }
  const wide = table.columns.filter(
    (c) => c.stype === 'numerical' && ['int', 'bigint', 'decimal', 'float'].includes(c.physical),
  );
  wide.forEach((c, i) => {
    const v = quoteIdent(c.name);
    parts.push(`max(abs(CAST(${v} AS DOUBLE))) AS w${i}`);
    // The range of an integer column says whether it may hold Unix times (FLOAT_PRECISION);
    // as doubles, since one may exceed int64 (HUGEINT, NUMBER(38,0)).
    if (c.physical === 'int' || c.physical === 'bigint') {
      parts.push(`min(CAST(${v} AS DOUBLE)) AS wmin${i}`, `max(CAST(${v} AS DOUBLE)) AS wmax${i}`);
    }
  });
  // Text features whose values may be numbers but for a few (NULL markers aside).
  const numberLike = table.columns.filter(
    (c) =>
      c.physical === 'string' &&
      ['categorical', 'text', 'numerical'].includes(c.stype) &&
      c.name !== table.timeColumn,
  );
  const markers =
    connector.dialect === 'duckdb' ? `(${NULL_MARKERS.map(quoteLiteral).join(', ')})` : null;
  numberLike.forEach((c, i) => {
    const v = quoteIdent(c.name);
    const marked = markers === null ? '0' : `count(CASE WHEN ${v} IN ${markers} THEN 1 END)`;
    parts.push(`count(${v}) - ${marked} AS tn${i}`, `count(${numberCast(v)}) AS tp${i}`);
  });
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
  const big = (name: string) => {
    const column = result.columns.find((c) => c.name === name);
    return column === undefined ? null : toBigInt(cellValue(column, 0));
  };
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
        message:
          nulls === 1
            ? '1 row has no time; it never becomes visible'
            : `${nulls} rows have no time; they never become visible`,
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
        message:
          unparseable === 1
            ? `1 time does not parse${example.text}; that row never becomes visible`
            : `${unparseable} times do not parse${example.text}; those rows never become visible`,
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
      message:
        unparseable === 1
          ? `1 value does not parse as a timestamp${example.text}; it reads as missing`
          : `${unparseable} values do not parse as timestamps${example.text}; they read as missing`,
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
        message:
          `numerical values up to ${max} exceed float32 (largest ${FLOAT32_MAX}) ` +
          'and are stored as infinity',
        details: { max, limit: FLOAT32_MAX },
      });
    } else if (c.physical !== 'float' && max > FLOAT32_EXACT) {
      // Whatever its name: values that are Unix times in exactly one unit get the hint.
      const integral = c.physical === 'int' || c.physical === 'bigint';
      const unit = integral ? epochUnit(big(`wmin${i}`), big(`wmax${i}`)) : null;
      const hint = unit === null ? '' : epochHint(table, c.name, unit);
      add({
        severity: 'warning',
        code: 'FLOAT_PRECISION',
        table: table.name,
        column: c.name,
        message:
          `numerical values up to ${max} are rounded when stored as float32 ` +
          `(exact up to 2^24)${hint}`,
        details: unit === null ? { max } : { max, timeUnit: unit },
      });
    }
  });
  for (const [i, c] of numberLike.entries()) {
    const given = cell(`tn${i}`);
    const numbers = cell(`tp${i}`);
    const declared = c.stype === 'numerical';
    const mostly = numbers > 0 && numbers >= NUMBER_PARSE_MIN * given;
    if (numbers >= given || !(declared || mostly)) continue;
    await reportNumbers(connector, table, c, given - numbers, given, add);
  }
}

/** A text expression read as a double; NULL where it is not a number. */
function numberCast(expr: string): string {
  // Both engines cast text this way (Snowflake's TRY_CAST takes text only, which this is).
  return `TRY_CAST(${expr} AS DOUBLE)`;
}

/** A result cell as a 64-bit integer, or null when it is not an integer. */
function toBigInt(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : null;
}

/** Seconds since the Unix epoch of 1980-01-01 and 2100-01-01, the range Unix times must fall in. */
const PLAUSIBLE_FROM = 315_532_800;
const PLAUSIBLE_TO = 4_102_444_800;
const PER_SECOND = { s: 1, ms: 1e3, us: 1e6, ns: 1e9 } as const;

/**
 * Warns (TIME_UNIT_RANGE) when the raw integer times of `table`'s time column, read in its
 * timeUnit, fall outside 1980-2100, naming the unit that puts them inside. Reads the source,
 * as the relation holds them converted (and a wrong unit may overflow the conversion).
 */
async function checkTimeUnit(connector: Connector, table: TableDef, add: Add) {
  const unit = table.timeUnit!;
  if (table.timeColumn === null) return;
  const v = quoteIdent(table.timeColumn);
  const result = await connector.queryAll(
    `SELECT min(CAST(${v} AS DOUBLE)) AS lo, max(CAST(${v} AS DOUBLE)) AS hi ` +
      `FROM ${quoteIdent(sourceOf(table))}`,
  );
  const min = toBigInt(cellValue(result.columns[0], 0));
  const max = toBigInt(cellValue(result.columns[1], 0));
  if (min === null || max === null) return;
  const from = Number(min) / PER_SECOND[unit];
  const to = Number(max) / PER_SECOND[unit];
  if (from >= PLAUSIBLE_FROM && to < PLAUSIBLE_TO) return;
  // Approximate (mean Gregorian year), as times far out of range do not fit a Date.
  const year = (seconds: number) => Math.floor(1970 + seconds / 31_556_952);
  const fits = epochUnit(min, max);
  const fix =
    fits === null
      ? 'no unit (s, ms, us, ns) puts them there: check that the column holds Unix times'
      : `"timeUnit": "${fits}" puts them there: set it on table ${table.name} in the graph file`;
  add({
    severity: 'warning',
    code: 'TIME_UNIT_RANGE',
    table: table.name,
    column: table.timeColumn!,
    message:
      `read with "timeUnit": "${unit}", the times of ${table.timeColumn} run from year ` +
      `${year(from)} to ${year(to)}, outside 1980-2100; ${fix}`,
    details: { timeUnit: unit, min: String(min), max: String(max), suggested: fits },
  });
}

/** What FLOAT_PRECISION adds for an integer column whose values read as Unix times. */
function epochHint(table: TableDef, column: string, unit: string): string {
  const set = `"timeColumn": "${column}", "timeUnit": "${unit}"`;
  return (
    `; its values read as Unix times in ${unit}: if they are, make it the time column of ` +
    `${table.name} in the graph file (${set})`
  );
}

/**
 * Reports NUMBER_UNPARSEABLE: `bad` of the `given` values of the text column `column` (NULL
 * markers aside) do not parse as numbers, with an example and what to do.
 */
async function reportNumbers(
  connector: Connector,
  table: TableDef,
  column: ColumnDef,
  bad: number,
  given: number,
  add: Add,
) {
  const markers = connector.dialect === 'duckdb' ? NULL_MARKERS : [];
  const notMarker =
    markers.length === 0 ? '' : ` AND v NOT IN (${markers.map(quoteLiteral).join(', ')})`;
  const example = await unparseableExample(
    connector,
    table,
    column.name,
    `${numberCast('v')} IS NULL${notMarker}`,
  );
  const values =
    `${bad} of ${plural(given, 'value')} ` + `${bad === 1 ? 'does' : 'do'} not parse as a number`;
  const declare = `"columns": [{"name": "${column.name}", "stype": "numerical"}]`;
  const message =
    column.stype === 'numerical'
      ? `${values}${example.text}; as a numerical column they read as missing: fix the values, ` +
        'or set another stype in the graph file'
      : `${values}${example.text}, so the column reads as ${column.stype}; fix the values, or ` +
        `declare it numerical in the graph file (${declare} in table ${table.name}; values ` +
        'that do not parse then read as missing)';
  add({
    severity: 'warning',
    code: 'NUMBER_UNPARSEABLE',
    table: table.name,
    column: column.name,
    count: bad,
    message,
    details: { table: table.name, column: column.name, count: bad, given, ...example.details },
  });
}

/**
 * The first non-NULL value of the text column `column` of `table`'s source that does not parse
 * (`unparsed` over `v`, default: as a timestamp), with its 1-based row in source order (DuckDB
 * only; in a CSV file with a header and no field spanning lines, the row's line is one more),
 * as message text and details.
 */
async function unparseableExample(
  connector: Connector,
  table: TableDef,
  column: string,
  unparsed = `${toTimestamp(connector.dialect, 'v', true)} IS NULL`,
) {
  const duckdb = connector.dialect === 'duckdb';
  const rowNumber = duckdb ? ', row_number() OVER () AS rn' : '';
  const from = `SELECT ${quoteIdent(column)} AS v${rowNumber} FROM ${quoteIdent(sourceOf(table))}`;
  const result = await connector.queryAll(
    `SELECT v${duckdb ? ', rn' : ''} FROM (${from}) x ` +
      `WHERE v IS NOT NULL AND ${unparsed} LIMIT 1`,
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
