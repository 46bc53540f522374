// SPDX-License-Identifier: Apache-2.0
// Per node type feature encoders for the model input: statistics fit at the training cutoff over
// the column store (encoding.ts) and the extra columns read from the stage (extra-columns.ts),
// then, for the nodes of a sampled batch, a dense float matrix (standardised numericals with null
// flags, timestamp features, standardised embedding columns with null flags, the relative time
// encoding of seed time - node time), one bucket id per categorical column, and one bag of
// bucket ids per text and multicategorical column.
import { raise } from '../errors/index.js';
import type { ColumnStore } from '../store/column-store.js';
import type { GraphStore } from '../store/graph-store.js';
import {
  RELATIVE_TIME_FEATURES,
  TIMESTAMP_FEATURES,
  categoricalBucket,
  encodeNumerical,
  encodeRelativeTime,
  encodeTimestamp,
  fitCategorical,
  fitNumerical,
  visibleRows,
  type CategoricalStats,
  type NumericalStats,
} from './encoding.js';
import type { ExtraColumns, ExtraTable } from './extra-columns.js';
import {
  NO_EXTRA,
  checkExtraTable,
  encodeBags,
  encodeExtraDense,
  extraDenseDim,
  fitExtraEncoders,
  hasExtra,
  type EncodedBag,
  type ExtraEncoders,
} from './extra-encoders.js';

const NULL_TIME = -(2n ** 63n);

export interface TableEncoder extends ExtraEncoders {
  nodeType: string;
  /** Whether rows have a time (the relative time encoding is filled in). */
  temporal: boolean;
  numerical: { column: string; stats: NumericalStats }[];
  categorical: { column: string; stats: CategoricalStats }[];
  timestamps: string[];
  /**
   * Floats per row: 2 per numerical, TIMESTAMP_FEATURES per timestamp, dim + 1 per embedding
   * column, then the relative time.
   */
  denseDim: number;
}

export interface FeatureEncoders {
  /** Rows with time <= cutoff were used to fit the statistics. */
  cutoff: bigint;
  tables: Map<string, TableEncoder>;
}

/** Encoded inputs of some rows of one node type. */
export interface EncodedNodes {
  rows: number;
  /** [rows, denseDim], row-major. */
  dense: Float32Array;
  /** Bucket ids per categorical column, [rows] each. */
  categories: Int32Array[];
  /** One bag per text column, then per multicategorical column. */
  bags: EncodedBag[];
}

function allIds(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}

/**
 * Fits every node type's encoder on rows visible at `cutoff` (microseconds), the extra columns'
 * encoders too when `extra` holds some.
 */
export function fitEncoders(
  graph: GraphStore,
  columns: ColumnStore,
  cutoff: bigint,
  options: { minCategoryCount?: number; extra?: ExtraColumns } = {},
): FeatureEncoders {
  const tables = new Map<string, TableEncoder>();
  for (const type of graph.nodeTypes) {
    const times = graph.nodeTime(type.name);
    const visible = visibleRows(times, type.count, cutoff);
    const info = columns.tables.find((t) => t.nodeType === type.name);
    const enc: TableEncoder = {
      nodeType: type.name,
      temporal: times !== null,
      numerical: [],
      categorical: [],
      timestamps: [],
      denseDim: RELATIVE_TIME_FEATURES,
      ...NO_EXTRA,
    };
    if (info !== undefined && info.columns.length > 0 && type.count > 0) {
      // Not yet: streaming statistics; the whole table is gathered once, one copy in memory.
      const all = columns.gatherSync(type.name, allIds(type.count));
      const nf = all.floatColumns.length;
      all.floatColumns.forEach((column, j) => {
        const values = new Float32Array(type.count);
        const valid = new Uint8Array(type.count);
        for (let i = 0; i < type.count; i++) {
          values[i] = all.floatValues[i * nf + j]!;
          valid[i] = all.floatIsNull[i * nf + j] ? 0 : 1;
        }
        enc.numerical.push({ column, stats: fitNumerical(values, valid, visible) });
      });
      const nc = all.categoryColumns.length;
      all.categoryColumns.forEach((column, j) => {
        const codes = new Int32Array(type.count);
        let vocabulary = 0;
        for (let i = 0; i < type.count; i++) {
          codes[i] = all.categoryValues[i * nc + j]!;
          vocabulary = Math.max(vocabulary, codes[i]! + 1);
        }
        const stats = fitCategorical(codes, vocabulary, visible, options.minCategoryCount ?? 2);
        enc.categorical.push({ column, stats });
      });
      enc.timestamps = [...all.timestampColumns];
      enc.denseDim += 2 * nf + TIMESTAMP_FEATURES * enc.timestamps.length;
    }
    const extra = options.extra?.tables.get(type.name);
    if (extra !== undefined) {
      Object.assign(enc, fitExtraEncoders(extra, visible, options.minCategoryCount ?? 2));
      enc.denseDim += extraDenseDim(enc);
    }
    tables.set(type.name, enc);
  }
  const unknown = [...(options.extra?.tables.keys() ?? [])].find((t) => !tables.has(t));
  if (unknown !== undefined)
    raise('TRAIN_EXTRA_COLUMN', {
      table: unknown,
      column: '*',
      problem: 'the table is not a node type of the graph',
      expected: `one of ${[...tables.keys()].join(', ')}`,
    });
  return { cutoff, tables };
}

/** Checks that `extra` holds every extra column the encoders need, with matching settings. */
export function checkExtraColumns(
  encoders: FeatureEncoders,
  graph: GraphStore,
  extra: ExtraColumns | undefined,
): void {
  for (const enc of encoders.tables.values()) {
    const table = extra?.tables.get(enc.nodeType);
    checkExtraTable(enc, enc.nodeType, graph.nodeType(enc.nodeType).count, table);
  }
}

/**
 * Encodes rows `ids` of one node type for seeds at `seedTimes` (one per row): the time features
 * are relative to each row's own seed time. `nodeTimes` are the rows' times (null: static).
 * `extra` is the type's extra columns, needed when the encoder has some (checkExtraColumns).
 */
export function encodeNodes(
  enc: TableEncoder,
  columns: ColumnStore,
  ids: Int32Array,
  nodeTimes: BigInt64Array | null,
  seedTimes: BigInt64Array,
  extra?: ExtraTable,
): EncodedNodes {
  const rows = ids.length;
  const d = enc.denseDim;
  const dense = new Float32Array(rows * d);
  const categories: Int32Array[] = enc.categorical.map(() => new Int32Array(rows));
  const hasColumns = enc.numerical.length + enc.categorical.length + enc.timestamps.length > 0;
  let offset = 0;
  if (hasColumns && rows > 0) {
    const batch = columns.gatherSync(enc.nodeType, ids);
    const nf = batch.floatColumns.length;
    enc.numerical.forEach(({ stats }, j) => {
      const values = new Float32Array(rows);
      const valid = new Uint8Array(rows);
      for (let i = 0; i < rows; i++) {
        values[i] = batch.floatValues[i * nf + j]!;
        valid[i] = batch.floatIsNull[i * nf + j] ? 0 : 1;
      }
      encodeNumerical(stats, values, valid, dense, offset, d);
      offset += 2;
    });
    const nc = batch.categoryColumns.length;
    enc.categorical.forEach(({ stats }, j) => {
      const out = categories[j]!;
      for (let i = 0; i < rows; i++)
        out[i] = categoricalBucket(stats, batch.categoryValues[i * nc + j]!);
    });
    const nt = batch.timestampColumns.length;
    const cell = new Float32Array(TIMESTAMP_FEATURES);
    for (let j = 0; j < nt; j++) {
      for (let i = 0; i < rows; i++) {
        const v = batch.timestampValues[i * nt + j]!;
        encodeTimestamp(v === NULL_TIME ? null : v, seedTimes[i]!, cell, 0);
        dense.set(cell, i * d + offset);
      }
      offset += TIMESTAMP_FEATURES;
    }
  }
  let bags: EncodedBag[] = [];
  if (hasExtra(enc)) {
    if (extra === undefined)
      raise('TRAIN_EXTRA_COLUMN', {
        table: enc.nodeType,
        column: '*',
        problem: 'no extra columns given for the table',
        expected: 'the extra columns the model was trained with (readExtraColumns of the stage)',
      });
    encodeExtraDense(enc, extra, ids, dense, offset, d);
    offset += extraDenseDim(enc);
    bags = encodeBags(enc, extra, ids);
  }
  const rel = new Float32Array(RELATIVE_TIME_FEATURES);
  for (let i = 0; i < rows; i++) {
    encodeRelativeTime(seedTimes[i]!, nodeTimes === null ? null : nodeTimes[i]!, rel, 0);
    dense.set(rel, i * d + offset);
  }
  return { rows, dense, categories, bags };
}
