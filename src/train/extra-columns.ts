// SPDX-License-Identifier: Apache-2.0
// Feature columns the column store does not hold (text, multicategorical, embedding), read from
// a stage's node files into compact per-table buffers for the encoders (features.ts): text as
// hashed n-gram ids and multicategorical values as codes, both CSR by row, embeddings as a dense
// [rows, dim] matrix with a validity mask. Row r of a table is node r, as in the stores.
//
// Text is hashed once, here: the ids depend on the text alone (textNgrams), never on other rows,
// so reading every row, later ones included, leaks nothing; statistics are fit at the cutoff.
import { join } from 'node:path';
import type { Vector } from 'apache-arrow';
import { raise } from '../errors/index.js';
import { readStageBatches, type Stage } from '../data/stage.js';
import { textNgrams } from './encoding.js';

/** Rows as hashed n-gram ids in [1, buckets), CSR: row r's ids are ids[offsets[r]..offsets[r+1]]. */
export interface TextColumn {
  column: string;
  buckets: number;
  /** Most ids kept per row. */
  limit: number;
  offsets: Int32Array;
  ids: Int32Array;
}

/** Rows as codes into a vocabulary of `vocabulary` values, CSR; null lists are empty. */
export interface MultiCategoricalColumn {
  column: string;
  vocabulary: number;
  offsets: Int32Array;
  codes: Int32Array;
}

/** Rows as vectors of `dim` floats, row-major [rows, dim]; null rows are zeros, valid 0. */
export interface EmbeddingColumn {
  column: string;
  dim: number;
  values: Float32Array;
  valid: Uint8Array;
}

export interface ExtraTable {
  nodeType: string;
  rows: number;
  text: TextColumn[];
  multicategorical: MultiCategoricalColumn[];
  embedding: EmbeddingColumn[];
}

/** The extra columns of every node type that has some. */
export interface ExtraColumns {
  tables: Map<string, ExtraTable>;
}

export interface TextOptions {
  /** Hash buckets (id 0 is reserved for the empty bag); default 2^16. */
  buckets?: number;
  /** Most n-grams kept per row, in order of appearance; default 64. */
  limit?: number;
}

export const DEFAULT_TEXT_BUCKETS = 1 << 16;
export const DEFAULT_TEXT_LIMIT = 64;

/** A growable int32 buffer. */
class Int32Growable {
  private data = new Int32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  finish(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

function textOptions(options: TextOptions, table: string, column: string) {
  const buckets = options.buckets ?? DEFAULT_TEXT_BUCKETS;
  const limit = options.limit ?? DEFAULT_TEXT_LIMIT;
  if (!(Number.isInteger(buckets) && buckets >= 2 && buckets <= 2 ** 30))
    raise('TRAIN_EXTRA_COLUMN', {
      table,
      column,
      problem: `text buckets ${buckets}`,
      expected: 'an integer in [2, 2^30]',
    });
  if (!(Number.isInteger(limit) && limit >= 1))
    raise('TRAIN_EXTRA_COLUMN', {
      table,
      column,
      problem: `text limit ${limit}`,
      expected: 'a positive integer',
    });
  return { buckets, limit };
}

/** Appends rows to a column's buffers; one builder per column kind. */
class TextBuilder {
  private readonly offsets = new Int32Growable();
  private readonly ids = new Int32Growable();
  readonly buckets: number;
  readonly limit: number;

  constructor(
    readonly table: string,
    readonly column: string,
    options: TextOptions,
  ) {
    ({ buckets: this.buckets, limit: this.limit } = textOptions(options, table, column));
    this.offsets.push(0);
  }

  add(text: string | null): void {
    if (text !== null)
      for (const id of textNgrams(text, this.buckets, this.limit)) this.ids.push(id);
    this.offsets.push(this.ids.length);
  }

  finish(): TextColumn {
    const { column, buckets, limit } = this;
    return { column, buckets, limit, offsets: this.offsets.finish(), ids: this.ids.finish() };
  }
}

class CodeListBuilder {
  private readonly offsets = new Int32Growable();
  private readonly codes = new Int32Growable();
  private largest = -1;

  constructor(
    readonly table: string,
    readonly column: string,
    readonly vocabulary: number | null,
  ) {
    this.offsets.push(0);
  }

  add(codes: ArrayLike<number> | null): void {
    for (let j = 0; codes !== null && j < codes.length; j++) {
      const c = codes[j]!;
      if (!(Number.isInteger(c) && c >= 0 && (this.vocabulary === null || c < this.vocabulary)))
        raise('TRAIN_EXTRA_COLUMN', {
          table: this.table,
          column: this.column,
          problem: `code ${c} in row ${this.offsets.length - 1}`,
          expected: `codes in [0, ${this.vocabulary ?? 'vocabulary'})`,
        });
      this.codes.push(c);
      if (c > this.largest) this.largest = c;
    }
    this.offsets.push(this.codes.length);
  }

  finish(): MultiCategoricalColumn {
    return {
      column: this.column,
      vocabulary: this.vocabulary ?? this.largest + 1,
      offsets: this.offsets.finish(),
      codes: this.codes.finish(),
    };
  }
}

class EmbeddingBuilder {
  private rows: (ArrayLike<number> | null)[] = [];
  private dim: number | null;

  constructor(
    readonly table: string,
    readonly column: string,
    dim?: number,
  ) {
    this.dim = dim ?? null;
  }

  add(vector: ArrayLike<number> | null): void {
    if (vector !== null) {
      this.dim ??= vector.length;
      if (vector.length !== this.dim || this.dim === 0)
        raise('TRAIN_EXTRA_COLUMN', {
          table: this.table,
          column: this.column,
          problem: `row ${this.rows.length} has ${vector.length} floats`,
          expected: `${this.dim} floats per row, like the first non-null row (or null)`,
        });
      vector = Float32Array.from(vector);
    }
    this.rows.push(vector);
  }

  finish(): EmbeddingColumn {
    const dim = this.dim ?? 1;
    const values = new Float32Array(this.rows.length * dim);
    const valid = new Uint8Array(this.rows.length);
    this.rows.forEach((v, r) => {
      if (v === null) return;
      values.set(v as Float32Array, r * dim);
      valid[r] = 1;
    });
    this.rows = [];
    return { column: this.column, dim, values, valid };
  }
}

/** A text column from strings (null: no text). */
export function textColumn(
  column: string,
  values: readonly (string | null)[],
  options: TextOptions = {},
): TextColumn {
  const b = new TextBuilder('', column, options);
  for (const v of values) b.add(v);
  return b.finish();
}

/** A multicategorical column from code lists (null: no values); vocabulary default max + 1. */
export function multiCategoricalColumn(
  column: string,
  lists: readonly (ArrayLike<number> | null)[],
  vocabulary?: number,
): MultiCategoricalColumn {
  const b = new CodeListBuilder('', column, vocabulary ?? null);
  for (const l of lists) b.add(l);
  return b.finish();
}

/** An embedding column from vectors of one length (null: missing). */
export function embeddingColumn(
  column: string,
  vectors: readonly (ArrayLike<number> | null)[],
): EmbeddingColumn {
  const b = new EmbeddingBuilder('', column);
  for (const v of vectors) b.add(v);
  return b.finish();
}

/** Row count of a column, from its buffers. */
export function columnRows(c: TextColumn | MultiCategoricalColumn | EmbeddingColumn): number {
  return 'offsets' in c ? c.offsets.length - 1 : c.valid.length;
}

/** The list at row i of an Arrow list vector, or null. */
function listAt(vector: Vector, i: number): ArrayLike<number> | null {
  const v = vector.get(i) as Vector | null;
  return v === null ? null : (v.toArray() as ArrayLike<number>);
}

/**
 * Reads the text, multicategorical and embedding features of every node table of a stage, one
 * record batch at a time. Tables without such features are left out.
 */
export async function readExtraColumns(
  stage: Stage,
  options: { text?: TextOptions } = {},
): Promise<ExtraColumns> {
  const tables = new Map<string, ExtraTable>();
  for (const entry of stage.manifest.tables) {
    const table = entry.name;
    const text: { field: string; b: TextBuilder }[] = [];
    const lists: { field: string; b: CodeListBuilder }[] = [];
    const vectors: { field: string; b: EmbeddingBuilder }[] = [];
    for (const f of entry.features) {
      if (f.encoding === 'utf8')
        text.push({ field: f.field, b: new TextBuilder(table, f.column, options.text ?? {}) });
      else if (f.encoding === 'code-lists') {
        const b = new CodeListBuilder(table, f.column, f.vocabulary?.length ?? null);
        lists.push({ field: f.field, b });
      } else if (f.encoding === 'float32-lists')
        vectors.push({ field: f.field, b: new EmbeddingBuilder(table, f.column) });
    }
    if (text.length + lists.length + vectors.length === 0) continue;

    let rows = 0;
    for await (const batch of readStageBatches(stage, entry.file)) {
      const child = (field: string): Vector => {
        const v = batch.getChild(field);
        if (v === null)
          raise('DATA_STAGE_INVALID', { path: join(stage.dir, entry.file), reason: `no ${field}` });
        return v;
      };
      // Not yet: rows are read through Vector.get, one object per row, not from the raw buffers.
      for (const { field, b } of text) {
        const v = child(field);
        for (let i = 0; i < batch.numRows; i++) b.add((v.get(i) as string | null) ?? null);
      }
      for (const { field, b } of lists) {
        const v = child(field);
        for (let i = 0; i < batch.numRows; i++) b.add(listAt(v, i));
      }
      for (const { field, b } of vectors) {
        const v = child(field);
        for (let i = 0; i < batch.numRows; i++) b.add(listAt(v, i));
      }
      rows += batch.numRows;
    }
    if (rows !== entry.rows)
      raise('DATA_STAGE_INVALID', {
        path: join(stage.dir, entry.file),
        reason: `${rows} rows where the manifest says ${entry.rows}`,
      });
    tables.set(table, {
      nodeType: table,
      rows,
      text: text.map((t) => t.b.finish()),
      multicategorical: lists.map((t) => t.b.finish()),
      embedding: vectors.map((t) => t.b.finish()),
    });
  }
  return { tables };
}
