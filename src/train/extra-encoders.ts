// SPDX-License-Identifier: Apache-2.0
// Encoders of the extra columns (extra-columns.ts): text and multicategorical columns become
// embedding bags (the model averages one learned vector per bucket id of a row), embedding
// columns become dense features (standardised per dimension, a null flag) that the model's
// input projection maps like the numericals. Statistics fit on rows visible at the cutoff.
import { raise } from '../errors/index.js';
import {
  categoricalBucket,
  fitCategorical,
  fitNumerical,
  type CategoricalStats,
  type NumericalStats,
} from './encoding.js';
import { columnRows, type ExtraTable } from './extra-columns.js';

export interface ExtraEncoders {
  /** Text: bag bucket ids are the hashed n-gram ids; bucket 0 is the empty or null text. */
  text: { column: string; buckets: number; limit: number }[];
  /** Multicategorical: bag bucket 0 is the empty or null list, 1 + the categorical bucket else. */
  multicategorical: { column: string; stats: CategoricalStats }[];
  /** Embedding: `dim` standardised floats and a null flag in the dense features. */
  embedding: { column: string; dim: number; stats: NumericalStats[] }[];
}

/**
 * Bag inputs of some rows, CSR by row over distinct bucket ids: row r averages the table rows
 * ids[col[rowptr[r]..rowptr[r + 1]]]. Every row has at least one entry (bucket 0 when empty).
 */
export interface EncodedBag {
  rowptr: Int32Array;
  /** Distinct bucket ids, ascending. */
  ids: Int32Array;
  /** Per entry, its position in `ids`. */
  col: Int32Array;
}

export const NO_EXTRA: ExtraEncoders = { text: [], multicategorical: [], embedding: [] };

/** Buckets (embedding table rows) of each bag, text columns first. */
export function bagBuckets(enc: ExtraEncoders): number[] {
  return [
    ...enc.text.map((t) => t.buckets),
    ...enc.multicategorical.map((m) => m.stats.buckets + 1),
  ];
}

/** Dense floats the embedding columns add per row. */
export function extraDenseDim(enc: ExtraEncoders): number {
  return enc.embedding.reduce((n, e) => n + e.dim + 1, 0);
}

export function hasExtra(enc: ExtraEncoders): boolean {
  return enc.text.length + enc.multicategorical.length + enc.embedding.length > 0;
}

/** Fits the encoders of a table's extra columns on its `visible` rows. */
export function fitExtraEncoders(
  table: ExtraTable,
  visible: Uint8Array,
  minCategoryCount: number,
): ExtraEncoders {
  const check = (column: string, rows: number) => {
    if (rows !== table.rows || rows !== visible.length)
      raise('TRAIN_EXTRA_COLUMN', {
        table: table.nodeType,
        column,
        problem: `${rows} rows`,
        expected: `${visible.length} rows, one per node`,
      });
  };
  const text = table.text.map((t) => {
    check(t.column, columnRows(t));
    return { column: t.column, buckets: t.buckets, limit: t.limit };
  });
  const multicategorical = table.multicategorical.map((m) => {
    check(m.column, columnRows(m));
    const entryVisible = new Uint8Array(m.codes.length);
    for (let r = 0; r < table.rows; r++)
      entryVisible.fill(visible[r]!, m.offsets[r]!, m.offsets[r + 1]!);
    const stats = fitCategorical(m.codes, m.vocabulary, entryVisible, minCategoryCount);
    return { column: m.column, stats };
  });
  const embedding = table.embedding.map((e) => {
    check(e.column, columnRows(e));
    const values = new Float32Array(table.rows);
    const stats: NumericalStats[] = [];
    for (let k = 0; k < e.dim; k++) {
      for (let r = 0; r < table.rows; r++) values[r] = e.values[r * e.dim + k]!;
      stats.push(fitNumerical(values, e.valid, visible));
    }
    return { column: e.column, dim: e.dim, stats };
  });
  return { text, multicategorical, embedding };
}

/** The table's column `name` of one kind; refuses a missing one or one of another shape. */
function find<T extends { column: string }>(
  table: ExtraTable | undefined,
  nodeType: string,
  kind: 'text' | 'multicategorical' | 'embedding',
  name: string,
): T {
  const found = table?.[kind].find((c) => c.column === name) as T | undefined;
  if (found === undefined)
    raise('TRAIN_EXTRA_COLUMN', {
      table: nodeType,
      column: name,
      problem: 'missing from the extra columns given',
      expected: `the ${kind} column the model was trained with (readExtraColumns of the stage)`,
    });
  return found;
}

/**
 * Checks that `table` holds every column `enc` encodes, with the same hashing and widths, and
 * `rows` rows (the node count).
 */
export function checkExtraTable(
  enc: ExtraEncoders,
  nodeType: string,
  rows: number,
  table: ExtraTable | undefined,
): void {
  if (!hasExtra(enc)) return;
  const bad = (column: string, problem: string, expected: string): never =>
    raise('TRAIN_EXTRA_COLUMN', { table: nodeType, column, problem, expected });
  for (const t of enc.text) {
    const c = find<ExtraTable['text'][number]>(table, nodeType, 'text', t.column);
    if (c.buckets !== t.buckets || c.limit !== t.limit)
      bad(
        t.column,
        `hashed into ${c.buckets} buckets, ${c.limit} per row`,
        `${t.buckets}, ${t.limit}`,
      );
  }
  // Codes beyond the model's vocabulary (values new since training) share the rare bucket.
  for (const m of enc.multicategorical) find(table, nodeType, 'multicategorical', m.column);
  for (const e of enc.embedding) {
    const c = find<ExtraTable['embedding'][number]>(table, nodeType, 'embedding', e.column);
    if (c.dim !== e.dim) bad(e.column, `${c.dim} floats per row`, `${e.dim}`);
  }
  if (table !== undefined && table.rows !== rows)
    bad('*', `${table.rows} rows`, `${rows} rows, one per node`);
}

/** Writes the embedding columns' features of rows `ids` into `dense` at `offset`. */
export function encodeExtraDense(
  enc: ExtraEncoders,
  table: ExtraTable,
  ids: Int32Array,
  dense: Float32Array,
  offset: number,
  stride: number,
): void {
  for (const e of enc.embedding) {
    const c = find<ExtraTable['embedding'][number]>(table, '', 'embedding', e.column);
    for (let i = 0; i < ids.length; i++) {
      const r = ids[i]!;
      const at = i * stride + offset;
      if (!c.valid[r]) {
        dense.fill(0, at, at + e.dim);
        dense[at + e.dim] = 1;
        continue;
      }
      for (let k = 0; k < e.dim; k++) {
        const { mean, std } = e.stats[k]!;
        const v = c.values[r * e.dim + k]!;
        const z = Number.isFinite(v) ? (v - mean) / std : 0;
        dense[at + k] = Math.max(-10, Math.min(10, z));
      }
      dense[at + e.dim] = 0;
    }
    offset += e.dim + 1;
  }
}

/** A bag from per-row bucket lists given as CSR (rows with no entries get bucket 0). */
function bagOf(
  ids: Int32Array,
  offsets: Int32Array,
  values: Int32Array,
  bucket: (v: number) => number,
): EncodedBag {
  const rowptr = new Int32Array(ids.length + 1);
  for (let i = 0; i < ids.length; i++) {
    const n = offsets[ids[i]! + 1]! - offsets[ids[i]!]!;
    rowptr[i + 1] = rowptr[i]! + Math.max(1, n);
  }
  const entries = new Int32Array(rowptr[ids.length]!);
  for (let i = 0; i < ids.length; i++) {
    const from = offsets[ids[i]!]!;
    const n = offsets[ids[i]! + 1]! - from;
    for (let j = 0; j < n; j++) entries[rowptr[i]! + j] = bucket(values[from + j]!);
  }
  return distinct(rowptr, entries);
}

/** The bag of CSR `rowptr` over bucket `entries`, through its distinct ids. */
function distinct(rowptr: Int32Array, entries: Int32Array): EncodedBag {
  const ids = Int32Array.from(new Set(entries)).sort();
  const slot = new Map<number, number>();
  ids.forEach((id, k) => slot.set(id, k));
  const col = Int32Array.from(entries, (id) => slot.get(id)!);
  return { rowptr, ids, col };
}

/** The bags of rows `ids`: text columns first, then multicategorical. */
export function encodeBags(enc: ExtraEncoders, table: ExtraTable, ids: Int32Array): EncodedBag[] {
  const bags: EncodedBag[] = [];
  for (const t of enc.text) {
    const c = find<ExtraTable['text'][number]>(table, '', 'text', t.column);
    bags.push(bagOf(ids, c.offsets, c.ids, (id) => id));
  }
  for (const m of enc.multicategorical) {
    const c = find<ExtraTable['multicategorical'][number]>(table, '', 'multicategorical', m.column);
    bags.push(bagOf(ids, c.offsets, c.codes, (code) => 1 + categoricalBucket(m.stats, code)));
  }
  return bags;
}

/** Rows `rows` of a bag (positions into the rows it was encoded for). */
export function subsetBag(bag: EncodedBag, rows: Int32Array): EncodedBag {
  const rowptr = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (rowptr[i + 1] = rowptr[i]! + bag.rowptr[r + 1]! - bag.rowptr[r]!));
  const entries = new Int32Array(rowptr[rows.length]!);
  rows.forEach((r, i) => {
    for (let e = bag.rowptr[r]!; e < bag.rowptr[r + 1]!; e++)
      entries[rowptr[i]! + e - bag.rowptr[r]!] = bag.ids[bag.col[e]!]!;
  });
  return distinct(rowptr, entries);
}
