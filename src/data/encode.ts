// SPDX-License-Identifier: Apache-2.0
// Feature encoders: turn one result column chunk into Arrow data by semantic type. Encoders keep
// their vocabulary across chunks, so codes are stable for the whole table.
import {
  Field,
  Float32,
  Int32,
  Int64,
  List,
  Utf8,
  makeData,
  vectorFromArray,
  type Data,
  type DataType,
} from 'apache-arrow';
import type { ResultColumn } from './connector.js';
import type { SemanticType } from './graph-def.js';
import type { FeatureEncoding } from './stage.js';

/** Packs a 0/1 byte mask into an Arrow validity bitmap (LSB first); null when all are valid. */
export function toBitmap(valid: Uint8Array | null, rows: number): Uint8Array | null {
  if (valid === null) return null;
  const bits = new Uint8Array((rows + 7) >>> 3);
  for (let i = 0; i < rows; i++) if (valid[i] !== 0) bits[i >>> 3] |= 1 << (i & 7);
  return bits;
}

function nullCount(valid: Uint8Array | null, rows: number): number {
  if (valid === null) return 0;
  let n = 0;
  for (let i = 0; i < rows; i++) n += valid[i] === 0 ? 1 : 0;
  return n;
}

/** The string form of a categorical value (the vocabulary entry). */
function categoryOf(column: ResultColumn, i: number): string {
  switch (column.kind) {
    case 'string':
      return column.dictionary[column.codes[i]];
    case 'boolean':
      return column.values[i] ? 'true' : 'false';
    case 'list':
      return '';
    default:
      return String(column.values[i]);
  }
}

export class FeatureEncoder {
  readonly encoding: FeatureEncoding;
  readonly type: DataType;
  nulls = 0;
  private readonly lookup = new Map<string, number>();
  readonly vocabulary: string[] = [];

  constructor(
    readonly field: string,
    readonly stype: SemanticType,
  ) {
    const item = (t: DataType) => new List(new Field('item', t, true));
    const table: Record<string, [FeatureEncoding, DataType]> = {
      numerical: ['float32', new Float32()],
      categorical: ['codes', new Int32()],
      multicategorical: ['code-lists', item(new Int32())],
      embedding: ['float32-lists', item(new Float32())],
      timestamp: ['micros', new Int64()],
      text: ['utf8', new Utf8()],
    };
    const entry = table[stype];
    if (entry === undefined) throw new RangeError(`stype ${stype} is not a feature`);
    [this.encoding, this.type] = entry;
  }

  /** Arrow field of this feature in the node file. */
  arrowField(): Field {
    return new Field(this.field, this.type, true);
  }

  private code(value: string): number {
    let code = this.lookup.get(value);
    if (code === undefined) {
      code = this.vocabulary.length;
      this.vocabulary.push(value);
      this.lookup.set(value, code);
    }
    return code;
  }

  /** Encodes `rows` values of `column`. */
  encode(column: ResultColumn, rows: number): Data {
    const valid = column.valid;
    const nulls = nullCount(valid, rows);
    this.nulls += nulls;
    const nullBitmap = toBitmap(valid, rows);
    switch (this.encoding) {
      case 'float32': {
        const out = new Float32Array(rows);
        if (column.kind === 'list' || column.kind === 'string') throw new RangeError('not numeric');
        const values = column.values;
        for (let i = 0; i < rows; i++) out[i] = Number(values[i]);
        return makeData({
          type: new Float32(),
          length: rows,
          nullCount: nulls,
          data: out,
          nullBitmap,
        });
      }
      case 'codes': {
        const out = new Int32Array(rows);
        const byDictionary =
          column.kind === 'string' ? column.dictionary.map((v) => this.code(v)) : null;
        for (let i = 0; i < rows; i++) {
          if (valid !== null && valid[i] === 0) out[i] = -1;
          else if (byDictionary !== null && column.kind === 'string')
            out[i] = byDictionary[column.codes[i]];
          else out[i] = this.code(categoryOf(column, i));
        }
        return makeData({
          type: new Int32(),
          length: rows,
          nullCount: nulls,
          data: out,
          nullBitmap,
        });
      }
      case 'micros': {
        if (column.kind !== 'timestamp' && column.kind !== 'bigint')
          throw new RangeError('not a time');
        const data = column.values.slice(0, rows);
        return makeData({ type: new Int64(), length: rows, nullCount: nulls, data, nullBitmap });
      }
      case 'utf8': {
        const strings = new Array<string | null>(rows);
        for (let i = 0; i < rows; i++) {
          strings[i] = valid !== null && valid[i] === 0 ? null : categoryOf(column, i);
        }
        return vectorFromArray(strings, new Utf8()).data[0];
      }
      default:
        return this.encodeList(column, rows, nulls, nullBitmap);
    }
  }

  private encodeList(
    column: ResultColumn,
    rows: number,
    nulls: number,
    nullBitmap: Uint8Array | null,
  ): Data {
    if (column.kind !== 'list') throw new RangeError(`column ${column.name} is not a list`);
    const from = column.offsets[0];
    const count = column.offsets[rows] - from;
    const offsets = column.offsets.slice(0, rows + 1).map((o) => o - from);
    const child = column.child;
    let childData: Data;
    if (this.encoding === 'code-lists') {
      const codes = new Int32Array(count);
      for (let j = 0; j < count; j++) codes[j] = this.code(categoryOf(child, from + j));
      childData = makeData({ type: new Int32(), length: count, nullCount: 0, data: codes });
    } else {
      const floats = new Float32Array(count);
      if (child.kind === 'string' || child.kind === 'list') throw new RangeError('not numeric');
      for (let j = 0; j < count; j++) floats[j] = Number(child.values[from + j]);
      childData = makeData({ type: new Float32(), length: count, nullCount: 0, data: floats });
    }
    const type = this.type as List;
    return makeData({
      type,
      length: rows,
      nullCount: nulls,
      nullBitmap,
      valueOffsets: offsets,
      child: childData,
    });
  }
}
