// SPDX-License-Identifier: Apache-2.0
// The column store: per node type, named attribute columns as contiguous native buffers, and a
// multithreaded gather of rows into dense row-major batches for the trainer. Saved as the
// columns/ subdirectory of a store directory, with its own manifest; opening memory-maps it.
import path from 'node:path';
import { awaitNative, callNative, raise } from '../errors/index.js';
import { native } from '../native/index.js';
import type {
  ColumnsHandle,
  RawColumnInput,
  RawColumnKind,
  RawColumnTableInfo,
} from '../native/columns-binding.js';
import { int32Values, withNulls, type Float32Input } from './arrays.js';
import type { Int32Input, Int64Input } from './arrays.js';
import {
  readManifest,
  writeDirectory,
  writeDirectorySync,
  writeManifest,
  type Manifest,
} from './manifest.js';

const FORMAT = 'prequel-column-store';
const VERSION = 1;
/** Subdirectory of a store directory holding the column store. */
export const COLUMNS_DIR = 'columns';

export type ColumnKind = RawColumnKind;

/** A column to load. Float nulls: `valid` (1 = present), Arrow nulls or NaN. Category nulls: -1. */
export type ColumnSpec =
  | { name: string; kind: 'float'; values: Float32Input; valid?: Uint8Array | null }
  | { name: string; kind: 'category'; values: Int32Input }
  | { name: string; kind: 'timestamp'; values: Int64Input };

export interface ColumnTableSpec {
  /** The node type (table) the columns belong to: one value per node. */
  nodeType: string;
  count: number;
  columns: ColumnSpec[];
}

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  hasValid: boolean;
}

export interface ColumnTableInfo {
  nodeType: string;
  count: number;
  columns: ColumnInfo[];
}

/** Gathered rows, row-major: float values [rows, floatColumns.length], and so on. */
export interface GatherBatch {
  rows: number;
  floatColumns: string[];
  categoryColumns: string[];
  timestampColumns: string[];
  /** 0 where null. */
  floatValues: Float32Array;
  /** 1 where the float value is null (missing or NaN). */
  floatIsNull: Uint8Array;
  /** -1 where null. */
  categoryValues: Int32Array;
  /** int64 minimum where null. */
  timestampValues: BigInt64Array;
}

export interface GatherOptions {
  /** Columns to gather, grouped by kind in this order; default all in stored order. */
  columns?: string[];
  threads?: number;
}

function toRawColumn(c: ColumnSpec, at: string): RawColumnInput {
  if (typeof c?.name !== 'string' || c.name.length === 0) {
    raise('STORE_BAD_DEFINITION', { detail: `${at}.name: expected a non-empty string` });
  }
  switch (c.kind) {
    case 'float': {
      const { values, valid } = withNulls(c.values, Float32Array, `${at}.values (${c.name})`);
      return { name: c.name, kind: 'float', values, valid: c.valid ?? valid };
    }
    case 'category': {
      const { values, valid } = withNulls(c.values, Int32Array, `${at}.values (${c.name})`);
      if (valid === null) return { name: c.name, kind: 'category', values };
      const codes = Int32Array.from(values, (v, i) => (valid[i] === 1 ? v : -1));
      return { name: c.name, kind: 'category', values: codes };
    }
    case 'timestamp': {
      const { values, valid } = withNulls(c.values, BigInt64Array, `${at}.values (${c.name})`);
      if (valid === null) return { name: c.name, kind: 'timestamp', values };
      const min = -(2n ** 63n);
      const times = BigInt64Array.from(values, (v, i) => (valid[i] === 1 ? v : min));
      return { name: c.name, kind: 'timestamp', values: times };
    }
    default:
      return raise('STORE_BAD_DEFINITION', {
        detail: `${at}.kind: expected 'float', 'category' or 'timestamp', got ${String((c as { kind?: unknown }).kind)}`,
      });
  }
}

export class ColumnStore {
  #handle: ColumnsHandle | null;
  readonly tables: readonly ColumnTableInfo[];

  private constructor(handle: ColumnsHandle) {
    this.#handle = handle;
    const info: RawColumnTableInfo[] = callNative(() => native().columnsInfo(handle));
    this.tables = Object.freeze(info);
  }

  /**
   * Loads columns from typed arrays or Arrow vectors.
   * Not yet zero-copy: values are copied once into native memory (so the store outlives the JS
   * arrays and can be shared with worker threads); a saved and reopened store is mapped, no copy.
   */
  static load(tables: ColumnTableSpec[], options: { threads?: number } = {}): ColumnStore {
    if (!Array.isArray(tables))
      raise('STORE_BAD_DEFINITION', { detail: 'tables: expected an array' });
    const raw = tables.map((t, i) => ({
      nodeType: t.nodeType,
      count: t.count,
      columns: t.columns.map((c, j) => toRawColumn(c, `tables[${i}].columns[${j}]`)),
    }));
    return new ColumnStore(callNative(() => native().columnsLoadSync(raw, options.threads)));
  }

  /** Wraps the handle of a store loaded natively elsewhere (ColumnStoreBuilder.finish). */
  static fromHandle(handle: ColumnsHandle): ColumnStore {
    return new ColumnStore(handle);
  }

  /** Opens the columns/ subdirectory of the store directory `dir` by memory-mapping it. */
  static open(dir: string): ColumnStore {
    const sub = path.join(dir, COLUMNS_DIR);
    const m = readManifest(sub, FORMAT, VERSION);
    const tables = m.tables as ColumnTableInfo[];
    if (!Array.isArray(tables)) {
      raise('STORE_BAD_MANIFEST', { path: sub, detail: 'tables: expected an array' });
    }
    const layout = tables.map((t) => ({
      nodeType: t.nodeType,
      count: t.count,
      columns: t.columns.map((c) => {
        const file = (part: string) =>
          m.files.find((f) => f.type === t.nodeType && f.array === `${c.name}:${part}`)?.file;
        const valuesFile = file('values');
        if (valuesFile === undefined) {
          raise('STORE_BAD_MANIFEST', {
            path: sub,
            detail: `no values file for column ${t.nodeType}.${c.name}`,
          });
        }
        return { name: c.name, kind: c.kind, valuesFile, validFile: file('valid') ?? null };
      }),
    }));
    return new ColumnStore(callNative(() => native().columnsOpenSync(sub, layout)));
  }

  get handle(): ColumnsHandle {
    if (this.#handle === null) raise('STORE_CLOSED', { kind: 'column store', operation: 'handle' });
    return this.#handle;
  }

  /** Gathers rows `nodeIds` of `nodeType` off the event loop. */
  async gather(
    nodeType: string,
    nodeIds: Int32Input,
    options: GatherOptions = {},
  ): Promise<GatherBatch> {
    const h = this.handle;
    const ids = int32Values(nodeIds, 'nodeIds', 'STORE_BAD_ID');
    return awaitNative(
      callNative(() =>
        native().columnsGather(h, nodeType, ids, options.columns ?? null, options.threads),
      ),
    );
  }

  gatherSync(nodeType: string, nodeIds: Int32Input, options: GatherOptions = {}): GatherBatch {
    const h = this.handle;
    const ids = int32Values(nodeIds, 'nodeIds', 'STORE_BAD_ID');
    return callNative(() =>
      native().columnsGatherSync(h, nodeType, ids, options.columns ?? null, options.threads),
    );
  }

  /** Saves as `dir`/columns (written beside it, then renamed); `dir` may be a saved graph store. */
  async save(dir: string): Promise<void> {
    const h = this.handle;
    await writeDirectory(path.join(dir, COLUMNS_DIR), async (tmp) => {
      const files = await awaitNative(callNative(() => native().columnsSave(h, tmp)));
      writeManifest(tmp, { format: FORMAT, version: VERSION, tables: this.tables, files });
    });
  }

  saveSync(dir: string): void {
    const h = this.handle;
    writeDirectorySync(path.join(dir, COLUMNS_DIR), (tmp) => {
      const files = callNative(() => native().columnsSaveSync(h, tmp));
      const manifest: Manifest = { format: FORMAT, version: VERSION, tables: this.tables, files };
      writeManifest(tmp, manifest);
    });
  }

  close(): void {
    if (this.#handle === null) return;
    const h = this.#handle;
    this.#handle = null;
    callNative(() => native().columnsClose(h));
  }
}
