// SPDX-License-Identifier: Apache-2.0
// Reads DuckDB result vectors into typed column builders: fixed-width vectors are copied as
// whole buffers, strings are dictionary-encoded, every timestamp becomes int64 microseconds UTC
// (DATE at midnight, seconds/milliseconds/nanoseconds rescaled), integers wider than 53 bits stay
// BigInt from the vector to the output, never passing through a JS number.
import {
  DuckDBTypeId,
  type DuckDBDataChunk,
  type DuckDBDecimalValue,
  type DuckDBType,
  type DuckDBVector,
  DuckDBDecimalType,
  DuckDBListType,
} from '@duckdb/node-api';
import type { PhysicalType } from './graph-def.js';
import type { ResultColumn } from './connector.js';
import { ColumnBuilder } from './column-builder.js';
import { raise } from '../errors/index.js';

const MICROS_PER_DAY = 86_400_000_000n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** How a DuckDB type is read: the result kind and the graph's physical type. */
export interface ColumnPlan {
  kind: ResultColumn['kind'];
  physical: PhysicalType;
  childKind?: 'float' | 'string';
}

/** Returns how a column of DuckDB type `type` is read. */
export function planColumn(type: DuckDBType): ColumnPlan {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { kind: 'boolean', physical: 'boolean' };
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return { kind: 'int', physical: 'int' };
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return { kind: 'bigint', physical: 'bigint' };
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return { kind: 'float', physical: 'float' };
    case DuckDBTypeId.DECIMAL:
      return (type as DuckDBDecimalType).scale === 0
        ? { kind: 'bigint', physical: 'bigint' }
        : { kind: 'float', physical: 'decimal' };
    case DuckDBTypeId.DATE:
      return { kind: 'timestamp', physical: 'date' };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { kind: 'timestamp', physical: 'timestamp' };
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.UUID:
      return { kind: 'string', physical: 'string' };
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY: {
      const child = (type as DuckDBListType).valueType;
      const childPlan = child === undefined ? null : planColumn(child);
      if (childPlan?.kind === 'float' || childPlan?.kind === 'int') {
        return { kind: 'list', physical: 'list', childKind: 'float' };
      }
      return { kind: 'list', physical: 'list', childKind: 'string' };
    }
    default:
      return { kind: 'string', physical: 'other' };
  }
}

// Not yet: the fast path reads the typed buffer and validity words that @duckdb/node-api keeps
// in private fields (`items`, `validity.data`); when a release renames them we fall back to
// per-item reads, which are correct but several times slower.
interface RawVector {
  items?: unknown;
  validity?: { data?: BigUint64Array | null; offset?: number };
}

function rawItems<T>(vector: DuckDBVector, ctor: new (...a: never[]) => T): T | null {
  const items = (vector as unknown as RawVector).items;
  return items instanceof ctor ? items : null;
}

function rawValidity(vector: DuckDBVector): Uint32Array | null | undefined {
  const validity = (vector as unknown as RawVector).validity;
  if (validity === undefined || (validity.offset ?? 0) !== 0) return undefined;
  const data = validity.data;
  if (data === null || data === undefined) return null;
  return new Uint32Array(data.buffer, data.byteOffset, data.length * 2);
}

function checkedInt64(value: bigint, column: string): bigint {
  if (value < INT64_MIN || value > INT64_MAX) {
    raise('DATA_VALUE_OUT_OF_RANGE', { column, value, expected: 'a signed 64-bit integer' });
  }
  return value;
}

/** Appends the `rows` values of one vector to `builder`. */
export function appendVector(
  builder: ColumnBuilder,
  vector: DuckDBVector,
  type: DuckDBType,
  rows: number,
): void {
  const id = type.typeId;
  const bits = rawValidity(vector);
  if (bits !== undefined) {
    const fast = fastArray(vector, id);
    if (fast !== null) return builder.appendSlice(fast, rows, bits);
    if (id === DuckDBTypeId.DATE || id === DuckDBTypeId.TIMESTAMP_S) {
      return appendScaled(builder, vector, id, rows, bits);
    }
  }
  for (let i = 0; i < rows; i++) appendItem(builder, vector.getItem(i), type);
}

function fastArray(vector: DuckDBVector, id: DuckDBTypeId) {
  switch (id) {
    case DuckDBTypeId.INTEGER:
      return rawItems(vector, Int32Array);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return rawItems(vector, BigInt64Array);
    case DuckDBTypeId.DOUBLE:
      return rawItems(vector, Float64Array);
    default:
      return null;
  }
}

function appendScaled(
  builder: ColumnBuilder,
  vector: DuckDBVector,
  id: DuckDBTypeId,
  rows: number,
  bits: Uint32Array | null,
): void {
  const items = id === DuckDBTypeId.DATE ? rawItems(vector, Int32Array) : null;
  const seconds = id === DuckDBTypeId.TIMESTAMP_S ? rawItems(vector, BigInt64Array) : null;
  for (let i = 0; i < rows; i++) {
    if (bits !== null && ((bits[i >>> 5] >>> (i & 31)) & 1) === 0) {
      builder.appendNull();
    } else if (items !== null) {
      builder.appendBigInt(BigInt(items[i]) * MICROS_PER_DAY);
    } else if (seconds !== null) {
      builder.appendBigInt(seconds[i] * 1_000_000n);
    } else {
      appendItem(builder, vector.getItem(i), { typeId: id } as DuckDBType);
    }
  }
}

/** Appends one value as returned by DuckDBVector.getItem. */
function appendItem(builder: ColumnBuilder, item: unknown, type: DuckDBType): void {
  if (item === null || item === undefined) return builder.appendNull();
  switch (builder.kind) {
    case 'int':
    case 'float':
      if (typeof item === 'object' && item !== null && 'toDouble' in item) {
        return builder.appendNumber((item as DuckDBDecimalValue).toDouble());
      }
      return builder.appendNumber(Number(item));
    case 'boolean':
      return builder.appendNumber(item ? 1 : 0);
    case 'bigint':
      if (typeof item === 'object' && item !== null && 'value' in item) {
        return builder.appendBigInt(checkedInt64((item as DuckDBDecimalValue).value, builder.name));
      }
      return builder.appendBigInt(checkedInt64(BigInt(item as bigint | number), builder.name));
    case 'timestamp':
      return builder.appendBigInt(timestampMicros(item, type.typeId));
    case 'string':
      return builder.appendString(String(item));
    case 'list': {
      const items = (item as { items: readonly unknown[] }).items;
      const child = builder.child!;
      for (const value of items) {
        if (value === null) child.appendNull();
        else if (child.kind === 'float') child.appendNumber(Number(value));
        else child.appendString(String(value));
      }
      return builder.endListRow();
    }
  }
}

function timestampMicros(item: unknown, id: DuckDBTypeId): bigint {
  const v = item as {
    days?: number;
    micros?: bigint;
    millis?: bigint;
    nanos?: bigint;
    seconds?: bigint;
  };
  if (id === DuckDBTypeId.DATE) return BigInt(v.days!) * MICROS_PER_DAY;
  if (v.micros !== undefined) return v.micros;
  if (v.millis !== undefined) return v.millis * 1000n;
  if (v.seconds !== undefined) return v.seconds * 1_000_000n;
  // Nanoseconds floor to microseconds (toward minus infinity) so order is kept.
  if (v.nanos !== undefined) return v.nanos >= 0n ? v.nanos / 1000n : -((-v.nanos + 999n) / 1000n);
  return raise('DATA_UNSUPPORTED_TYPE', { column: '?', type: String(id), use: 'a timestamp' });
}

/** Appends every row of a DuckDB chunk to the builders (one per column). */
export function appendChunk(
  builders: ColumnBuilder[],
  chunk: DuckDBDataChunk,
  types: DuckDBType[],
): number {
  const rows = chunk.rowCount;
  for (let c = 0; c < builders.length; c++) {
    appendVector(builders[c], chunk.getColumnVector(c), types[c], rows);
  }
  return rows;
}
