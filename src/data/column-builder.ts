// SPDX-License-Identifier: Apache-2.0
// Growable builders of typed result columns (connector.ts's ResultColumn), shared by the
// connectors, and concatenation of result chunks. Strings are dictionary-encoded as they arrive.
import type { ResultChunk, ResultColumn } from './connector.js';

type Kind = ResultColumn['kind'];
type Numeric = Int32Array | Float64Array | Uint8Array | BigInt64Array;

function grow<T extends Numeric>(array: T, need: number): T {
  if (need <= array.length) return array;
  let size = Math.max(16, array.length);
  while (size < need) size *= 2;
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array as never);
  return next;
}

/** Builds one column row by row or slice by slice; `finish` trims it to its length. */
export class ColumnBuilder {
  readonly name: string;
  readonly kind: Exclude<Kind, 'list'> | 'list';
  length = 0;
  private values: Numeric;
  private valid: Uint8Array | null = null;
  private dictionary: string[] = [];
  private lookup = new Map<string, number>();
  private offsets: Int32Array | null = null;
  readonly child: ColumnBuilder | null;

  constructor(name: string, kind: Kind, childKind?: 'float' | 'string') {
    this.name = name;
    this.kind = kind;
    this.values = ColumnBuilder.emptyValues(kind);
    this.child = kind === 'list' ? new ColumnBuilder('item', childKind ?? 'float') : null;
    if (kind === 'list') this.offsets = new Int32Array(16);
  }

  private static emptyValues(kind: Kind): Numeric {
    if (kind === 'int' || kind === 'string' || kind === 'list') return new Int32Array(16);
    if (kind === 'bigint' || kind === 'timestamp') return new BigInt64Array(16);
    if (kind === 'float') return new Float64Array(16);
    return new Uint8Array(16);
  }

  private markNull(row: number): void {
    if (this.valid === null) {
      this.valid = new Uint8Array(Math.max(16, this.values.length));
      this.valid.fill(1, 0, row);
    }
  }

  private reserve(extra: number): void {
    const need = this.length + extra;
    this.values = grow(this.values, need);
    if (this.valid !== null) {
      const before = this.valid.length;
      this.valid = grow(this.valid, need);
      if (this.valid.length > before) this.valid.fill(1, before);
    }
  }

  /** Appends a NULL. */
  appendNull(): void {
    this.reserve(1);
    this.markNull(this.length);
    this.valid = grow(this.valid!, this.length + 1);
    this.valid[this.length] = 0;
    if (this.kind === 'list') this.pushOffset();
    this.length += 1;
  }

  /** Appends a number (int, float, boolean kinds). */
  appendNumber(value: number): void {
    this.reserve(1);
    (this.values as Int32Array | Float64Array | Uint8Array)[this.length] = value;
    if (this.valid !== null) this.valid[this.length] = 1;
    this.length += 1;
  }

  /** Appends a 64-bit integer (bigint and timestamp kinds). */
  appendBigInt(value: bigint): void {
    this.reserve(1);
    (this.values as BigInt64Array)[this.length] = value;
    if (this.valid !== null) this.valid[this.length] = 1;
    this.length += 1;
  }

  /** Appends a string, dictionary-encoding it. */
  appendString(value: string): void {
    this.reserve(1);
    let code = this.lookup.get(value);
    if (code === undefined) {
      code = this.dictionary.length;
      this.dictionary.push(value);
      this.lookup.set(value, code);
    }
    (this.values as Int32Array)[this.length] = code;
    if (this.valid !== null) this.valid[this.length] = 1;
    this.length += 1;
  }

  /**
   * Appends `count` values from a typed array slice; `validBits` (a bitmask, bit i = row i) is
   * null when all are present. Used by connectors that expose vectors as flat buffers.
   */
  appendSlice(source: Numeric, count: number, validBits: Uint32Array | null): void {
    this.reserve(count);
    (this.values as Numeric).set(source.subarray(0, count) as never, this.length);
    if (validBits !== null) {
      for (let i = 0; i < count; i++) {
        if (((validBits[i >>> 5] >>> (i & 31)) & 1) === 0) {
          this.markNull(this.length + i);
          this.valid![this.length + i] = 0;
        } else if (this.valid !== null) {
          this.valid[this.length + i] = 1;
        }
      }
    } else if (this.valid !== null) {
      this.valid.fill(1, this.length, this.length + count);
    }
    this.length += count;
  }

  /** Closes the current list row after its items were appended to `child`. */
  endListRow(): void {
    this.reserve(1);
    if (this.valid !== null) this.valid[this.length] = 1;
    this.pushOffset();
    this.length += 1;
  }

  private pushOffset(): void {
    this.offsets = grow(this.offsets!, this.length + 2);
    this.offsets[this.length + 1] = this.child!.length;
  }

  /** Returns the finished column, trimmed to its length. */
  finish(): ResultColumn {
    const n = this.length;
    const valid = this.valid === null ? null : this.valid.slice(0, n);
    const name = this.name;
    switch (this.kind) {
      case 'int':
        return { name, kind: 'int', values: (this.values as Int32Array).slice(0, n), valid };
      case 'bigint':
      case 'timestamp': {
        const values = (this.values as BigInt64Array).slice(0, n);
        return this.kind === 'bigint'
          ? { name, kind: 'bigint', values, valid }
          : { name, kind: 'timestamp', values, valid };
      }
      case 'float':
        return { name, kind: 'float', values: (this.values as Float64Array).slice(0, n), valid };
      case 'boolean':
        return { name, kind: 'boolean', values: (this.values as Uint8Array).slice(0, n), valid };
      case 'string': {
        const codes = (this.values as Int32Array).slice(0, n);
        return { name, kind: 'string', codes, dictionary: this.dictionary.slice(), valid };
      }
      case 'list': {
        const offsets = this.offsets!.slice(0, n + 1);
        return { name, kind: 'list', offsets, child: this.child!.finish(), valid };
      }
    }
  }
}

/** Appends every row of `column` to `builder` (same kind). */
export function appendColumn(builder: ColumnBuilder, column: ResultColumn, rows: number): void {
  const valid = column.valid;
  for (let i = 0; i < rows; i++) {
    if (valid !== null && valid[i] === 0) {
      builder.appendNull();
      continue;
    }
    switch (column.kind) {
      case 'int':
      case 'float':
      case 'boolean':
        builder.appendNumber(column.values[i]);
        break;
      case 'bigint':
      case 'timestamp':
        builder.appendBigInt(column.values[i]);
        break;
      case 'string':
        builder.appendString(column.dictionary[column.codes[i]]);
        break;
      case 'list': {
        const from = column.offsets[i];
        const to = column.offsets[i + 1];
        const child = column.child;
        for (let j = from; j < to; j++) appendColumn1(builder.child!, child, j);
        builder.endListRow();
        break;
      }
    }
  }
}

function appendColumn1(builder: ColumnBuilder, column: ResultColumn, row: number): void {
  if (column.valid !== null && column.valid[row] === 0) return builder.appendNull();
  if (column.kind === 'string') return builder.appendString(column.dictionary[column.codes[row]]);
  if (column.kind === 'bigint' || column.kind === 'timestamp') {
    return builder.appendBigInt(column.values[row]);
  }
  if (column.kind === 'list') throw new Error('nested lists are not supported');
  builder.appendNumber(column.values[row]);
}

/** Concatenates chunks with the same columns into one chunk. */
export function concatChunks(chunks: ResultChunk[], names: string[], kinds: Kind[]): ResultChunk {
  if (chunks.length === 1) return chunks[0];
  const builders = names.map((name, c) => {
    const first = chunks[0]?.columns[c];
    const childKind = first?.kind === 'list' && first.child.kind === 'string' ? 'string' : 'float';
    return new ColumnBuilder(name, kinds[c], childKind);
  });
  let rows = 0;
  for (const chunk of chunks) {
    chunk.columns.forEach((column, c) => appendColumn(builders[c], column, chunk.rows));
    rows += chunk.rows;
  }
  return { rows, columns: builders.map((b) => b.finish()) };
}

/** Reads row `i` of a column as a JS value (NULL as null); for tests and small results. */
export function cellValue(column: ResultColumn, i: number): unknown {
  if (column.valid !== null && column.valid[i] === 0) return null;
  switch (column.kind) {
    case 'string':
      return column.dictionary[column.codes[i]];
    case 'list': {
      const out: unknown[] = [];
      for (let j = column.offsets[i]; j < column.offsets[i + 1]; j++) {
        out.push(cellValue(column.child, j));
      }
      return out;
    }
    default:
      return column.values[i];
  }
}

/** Finds a result column by name. */
export function columnByName(chunk: ResultChunk, name: string): ResultColumn {
  const column = chunk.columns.find((c) => c.name === name);
  if (column === undefined) throw new Error(`result has no column ${name}`);
  return column;
}
