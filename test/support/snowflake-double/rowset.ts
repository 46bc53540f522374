// SPDX-License-Identifier: Apache-2.0
// Part of the Snowflake test double (see server.ts): turns DuckDB result columns into what
// Snowflake's JSON result format carries, a `rowtype` entry per column and every value as a
// string (or null), and turns the driver's `bindings` map back into DuckDB parameters.
import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalType,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBArrayValue,
  DuckDBPreparedStatement,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

/** One column of Snowflake's `rowtype` metadata. */
export interface RowTypeEntry {
  name: string;
  database: string;
  schema: string;
  table: string;
  type: string;
  precision: number | null;
  scale: number | null;
  length: number | null;
  byteLength: number | null;
  nullable: boolean;
  collation: null;
}

type Render = (value: DuckDBValue) => string;

/** How one DuckDB column travels: its Snowflake type and how a value becomes a string. */
export interface ColumnPlan {
  rowType: RowTypeEntry;
  render: Render;
}

const INTEGER_DIGITS: Partial<Record<DuckDBTypeId, number>> = {
  [DuckDBTypeId.TINYINT]: 3,
  [DuckDBTypeId.SMALLINT]: 5,
  [DuckDBTypeId.INTEGER]: 10,
  [DuckDBTypeId.BIGINT]: 19,
  [DuckDBTypeId.UTINYINT]: 3,
  [DuckDBTypeId.USMALLINT]: 5,
  [DuckDBTypeId.UINTEGER]: 10,
  [DuckDBTypeId.UBIGINT]: 20,
  [DuckDBTypeId.HUGEINT]: 38,
  [DuckDBTypeId.UHUGEINT]: 38,
};

/** Decides the Snowflake type of a DuckDB result column. */
export function planColumn(name: string, type: DuckDBType): ColumnPlan {
  const entry = (type: string, precision: number | null, scale: number | null): RowTypeEntry => ({
    name,
    database: '',
    schema: '',
    table: '',
    type,
    precision,
    scale,
    length: type === 'text' ? 16777216 : null,
    byteLength: type === 'text' ? 16777216 : null,
    nullable: true,
    collation: null,
  });

  const digits = INTEGER_DIGITS[type.typeId];
  if (digits !== undefined) return { rowType: entry('fixed', digits, 0), render: String };

  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { rowType: entry('boolean', null, null), render: (v) => (v ? '1' : '0') };
    case DuckDBTypeId.DECIMAL: {
      const decimal = type as DuckDBDecimalType;
      return {
        rowType: entry('fixed', decimal.width, decimal.scale),
        render: (v) => scaledToString((v as DuckDBDecimalValue).value, decimal.scale),
      };
    }
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return { rowType: entry('real', null, null), render: (v) => realToString(v as number) };
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
      return { rowType: entry('text', null, null), render: String };
    case DuckDBTypeId.DATE:
      return {
        rowType: entry('date', null, null),
        render: (v) => String((v as DuckDBDateValue).days),
      };
    case DuckDBTypeId.TIMESTAMP:
      return timestampPlan(
        entry('timestamp_ntz', 0, 9),
        6,
        (v) => (v as DuckDBTimestampValue).micros,
      );
    case DuckDBTypeId.TIMESTAMP_S:
      return timestampPlan(
        entry('timestamp_ntz', 0, 0),
        0,
        (v) => (v as DuckDBTimestampSecondsValue).seconds,
      );
    case DuckDBTypeId.TIMESTAMP_MS:
      return timestampPlan(
        entry('timestamp_ntz', 0, 3),
        3,
        (v) => (v as DuckDBTimestampMillisecondsValue).millis,
      );
    case DuckDBTypeId.TIMESTAMP_NS:
      return timestampPlan(
        entry('timestamp_ntz', 0, 9),
        9,
        (v) => (v as DuckDBTimestampNanosecondsValue).nanos,
      );
    case DuckDBTypeId.TIMESTAMP_TZ:
      return timestampPlan(
        entry('timestamp_ltz', 0, 9),
        6,
        (v) => (v as DuckDBTimestampTZValue).micros,
      );
    case DuckDBTypeId.TIME:
      return timestampPlan(entry('time', 0, 9), 6, (v) => (v as DuckDBTimeValue).micros);
    case DuckDBTypeId.BLOB:
      return {
        rowType: entry('binary', null, null),
        render: (v) =>
          Buffer.from((v as DuckDBBlobValue).bytes)
            .toString('hex')
            .toUpperCase(),
      };
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return { rowType: entry('array', null, null), render: (v) => JSON.stringify(toJson(v)) };
    default:
      return { rowType: entry('text', null, null), render: String };
  }
}

// Snowflake sends timestamps as decimal seconds with `scale` fraction digits; the rowtype's
// scale is the column's declared precision, the rendered text always carries `digits`.
function timestampPlan(
  rowType: RowTypeEntry,
  digits: number,
  ticks: (v: DuckDBValue) => bigint,
): ColumnPlan {
  rowType.scale = digits;
  return { rowType, render: (v) => scaledToString(ticks(v), digits) };
}

/** Writes an integer count of 10^-scale units as a decimal string, e.g. -1 at 6 -> -0.000001. */
export function scaledToString(units: bigint, scale: number): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const sign = negative ? '-' : '';
  if (scale === 0) return sign + magnitude.toString();
  const unit = 10n ** BigInt(scale);
  const fraction = (magnitude % unit).toString().padStart(scale, '0');
  return `${sign}${magnitude / unit}.${fraction}`;
}

function realToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

function toJson(value: DuckDBValue): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    return value.items.map(toJson);
  }
  return String(value);
}

/** One entry of the driver's `bindings` map: a Snowflake type name and a string value. */
export interface Binding {
  type: string;
  value: string | null | (string | null)[];
}

/**
 * Binds the driver's positional scalar bindings (array binds: see statement.ts). A value goes in as the parameter's own type when
 * DuckDB knows it (DuckDB casts the text), otherwise as the type the driver declared.
 */
export function bindParameters(
  prepared: DuckDBPreparedStatement,
  bindings: Record<string, Binding> | undefined,
): void {
  const count = prepared.parameterCount;
  for (let index = 1; index <= count; index++) {
    const binding = bindings?.[String(index)];
    if (binding === undefined) throw new DoubleSqlError(`bind variable ${index} not set`, '07002');
    const value = binding.value as string | null;
    if (value === null) {
      prepared.bindNull(index);
    } else if (prepared.parameterTypeId(index) !== DuckDBTypeId.INVALID) {
      prepared.bindVarchar(index, value);
    } else if (binding.type === 'FIXED') {
      prepared.bindBigInt(index, BigInt(value));
    } else if (binding.type === 'REAL') {
      prepared.bindDouble(index, Number(value));
    } else if (binding.type === 'BOOLEAN') {
      prepared.bindBoolean(index, value === 'true');
    } else {
      prepared.bindVarchar(index, value);
    }
  }
}

/** A SQL failure the double reports the way Snowflake does: a code and an SQLSTATE. */
export class DoubleSqlError extends Error {
  constructor(
    message: string,
    readonly sqlState: string,
    readonly code = '002003',
  ) {
    super(message);
  }
}
