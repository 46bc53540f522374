// SPDX-License-Identifier: Apache-2.0
// From Snowflake result metadata to typed columns. The driver is asked for NUMBER values as
// their exact decimal text, so integer keys go text -> BigInt and never through a JS number;
// dates and timestamps arrive as the driver's dates carrying exact epoch seconds and
// nanoseconds, which become int64 microseconds UTC whatever the process's time zone.
import type { ResultColumn } from '../connector.js';
import type { PhysicalType } from '../graph-def.js';
import { ColumnBuilder } from '../column-builder.js';
import { snowflakeError } from './errors.js';

/** What the driver reports for one result column (its `rowtype` entry). */
export interface SnowflakeColumnMeta {
  name: string;
  /** Snowflake's type tag: fixed, real, text, boolean, date, timestamp_ntz, array, ... */
  type: string;
  precision: number | null;
  scale: number | null;
  nullable: boolean;
}

export type ColumnKind = ResultColumn['kind'];

/** The typed form a column takes: NUMBER(p<=9,0) int, other NUMBER(p,0) bigint, and so on. */
export function kindOf(meta: SnowflakeColumnMeta): ColumnKind {
  switch (meta.type) {
    case 'fixed':
      if ((meta.scale ?? 0) > 0) return 'float';
      return (meta.precision ?? 38) <= 9 ? 'int' : 'bigint';
    case 'real':
      return 'float';
    case 'boolean':
      return 'boolean';
    case 'date':
    case 'timestamp_ntz':
    case 'timestamp_ltz':
    case 'timestamp_tz':
      return 'timestamp';
    case 'array':
      return 'list';
    default:
      return 'string';
  }
}

/** The physical type the data engine sees for a column of this metadata. */
export function physicalOf(meta: SnowflakeColumnMeta): PhysicalType {
  if (meta.type === 'fixed' && (meta.scale ?? 0) > 0) return 'decimal';
  if (meta.type === 'date') return 'date';
  if (['time', 'binary', 'variant', 'object', 'map'].includes(meta.type)) return 'other';
  return kindOf(meta);
}

/** Snowflake's own spelling of the type, e.g. NUMBER(38,0), VARCHAR, TIMESTAMP_NTZ. */
export function engineTypeOf(meta: SnowflakeColumnMeta): string {
  if (meta.type === 'fixed') return `NUMBER(${meta.precision ?? 38},${meta.scale ?? 0})`;
  if (meta.type === 'real') return 'FLOAT';
  if (meta.type === 'text') return 'VARCHAR';
  return meta.type.toUpperCase();
}

/**
 * Reads one column across a whole result: `push` takes the driver's value for each row,
 * `finish` hands out the rows pushed since the last `finish` as one typed column.
 */
export class ColumnReader {
  readonly kind: ColumnKind;
  private builder: ColumnBuilder | null = null;
  /** For ARRAY columns: the element kind, fixed by the first element seen in the result. */
  private childKind: 'float' | 'string' | null = null;
  /** For ARRAY columns: rows (null or empty lists) pushed before the element kind was known. */
  private pending: ('null' | 'empty')[] = [];

  constructor(readonly meta: SnowflakeColumnMeta) {
    this.kind = kindOf(meta);
  }

  push(value: unknown): void {
    if (this.kind === 'list') return this.pushList(value);
    const builder = (this.builder ??= new ColumnBuilder(this.meta.name, this.kind));
    if (value === null || value === undefined) return builder.appendNull();
    switch (this.kind) {
      case 'int':
        return builder.appendNumber(this.parseInt32(value));
      case 'bigint':
        return builder.appendBigInt(this.parseBigInt(value));
      case 'float':
        return builder.appendNumber(this.parseFloat(value));
      case 'boolean':
        return builder.appendNumber(value === true ? 1 : 0);
      case 'timestamp':
        return builder.appendBigInt(this.parseMicros(value));
      case 'string':
        return builder.appendString(typeof value === 'string' ? value : JSON.stringify(value));
    }
  }

  finish(): ResultColumn {
    if (this.kind === 'list' && this.builder === null) this.startList(this.childKind ?? 'float');
    const builder = this.builder ?? new ColumnBuilder(this.meta.name, this.kind);
    this.builder = null;
    return builder.finish();
  }

  private parseInt32(value: unknown): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) this.bad(value, 'an int32');
    return n;
  }

  private parseBigInt(value: unknown): bigint {
    if (typeof value !== 'string' || !/^-?\d+$/.test(value)) this.bad(value, 'an integer');
    const n = BigInt(value as string);
    if (n < -(2n ** 63n) || n >= 2n ** 63n) this.bad(value, 'an integer within int64');
    return n;
  }

  private parseFloat(value: unknown): number {
    if (value === 'inf') return Infinity;
    if (value === '-inf') return -Infinity;
    if (value === 'NaN') return NaN;
    const n = Number(value);
    if (Number.isNaN(n)) this.bad(value, 'a number');
    return n;
  }

  // The driver's dates carry exact epoch seconds and nanoseconds beside the rounded Date.
  // Not yet fast: the driver builds a BigNumber, a moment and a Date per value before this
  // reads the exact seconds, so timestamp columns stream at about half the numeric rate.
  private parseMicros(value: unknown): bigint {
    const date = value as { getEpochSeconds?: () => number; getNanoSeconds?: () => number };
    if (typeof date.getEpochSeconds !== 'function' || typeof date.getNanoSeconds !== 'function') {
      this.bad(value, 'a Snowflake date or timestamp');
    }
    const seconds = BigInt(date.getEpochSeconds!());
    return seconds * 1_000_000n + BigInt(Math.floor(date.getNanoSeconds!() / 1000));
  }

  // ARRAY carries no element type, so the first element decides: numbers become a float
  // child, strings a dictionary child; a later element of the other kind is refused.
  private pushList(value: unknown): void {
    const items = typeof value === 'string' ? JSON.parse(value) : value;
    if (items !== null && items !== undefined && !Array.isArray(items)) {
      this.bad(JSON.stringify(items), 'an array');
    }
    const list = items as unknown[] | null | undefined;
    if (this.builder === null && this.childKind === null) {
      const first = list?.find((x) => x !== null);
      if (first === undefined) {
        this.pending.push(list === null || list === undefined ? 'null' : 'empty');
        return;
      }
      this.childKind = typeof first === 'string' ? 'string' : 'float';
    }
    if (this.builder === null) this.startList(this.childKind!);
    const builder = this.builder!;
    if (list === null || list === undefined) return builder.appendNull();
    for (const item of list) this.pushItem(builder.child!, item);
    builder.endListRow();
  }

  private startList(childKind: 'float' | 'string'): void {
    const builder = new ColumnBuilder(this.meta.name, 'list', childKind);
    for (const row of this.pending) {
      if (row === 'null') builder.appendNull();
      else builder.endListRow();
    }
    this.pending = [];
    this.builder = builder;
  }

  private pushItem(child: ColumnBuilder, item: unknown): void {
    if (item === null) return child.appendNull();
    if (this.childKind === 'string' && typeof item === 'string') return child.appendString(item);
    if (this.childKind === 'float' && typeof item === 'number') return child.appendNumber(item);
    this.bad(JSON.stringify(item), `array elements of one kind (${this.childKind})`);
  }

  private bad(value: unknown, expected: string): never {
    throw snowflakeError('SNOWFLAKE_VALUE_INVALID', {
      column: this.meta.name,
      type: engineTypeOf(this.meta),
      expected,
      received: String(value).slice(0, 80),
    });
  }
}
