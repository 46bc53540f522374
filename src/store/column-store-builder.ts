// SPDX-License-Identifier: Apache-2.0
// A column store loaded from columns that arrive in chunks (the record batches of a stage file):
// every column is allocated at its final size once and each chunk is copied straight in, nulls
// included (an Arrow chunk's validity bitmap crosses as it is). The store equals ColumnStore.load
// on the concatenated chunks.
import type { Data, Vector } from 'apache-arrow';
import { callNative, raise } from '../errors/index.js';
import { native } from '../native/index.js';
import type { ColumnsBuilderHandle } from '../native/columns-binding.js';
import { ColumnStore, type ColumnKind } from './column-store.js';

export interface BuilderColumnTable {
  nodeType: string;
  count: number;
  columns: { name: string; kind: ColumnKind }[];
}

/** The next rows of a column: a typed array (no nulls) or an Arrow vector (nulls kept). */
export type ColumnChunk = Float32Array | Int32Array | BigInt64Array | Vector;

export class ColumnStoreBuilder {
  #handle: ColumnsBuilderHandle | null;

  constructor(tables: BuilderColumnTable[]) {
    this.#handle = callNative(() => native().columnsBuilderCreate(tables));
  }

  /** Appends the next rows of `nodeType`.`column`. */
  append(nodeType: string, column: string, chunk: ColumnChunk): void {
    const h = this.#open('append');
    if (ArrayBuffer.isView(chunk)) {
      callNative(() => native().columnsBuilderAppend(h, nodeType, column, chunk, null, 0));
      return;
    }
    for (const data of chunk.data as Data[]) {
      const values = data.values as Float32Array | Int32Array | BigInt64Array;
      const bits = data.nullCount > 0 ? (data.nullBitmap ?? null) : null;
      const rows = values.subarray(0, data.length);
      callNative(() =>
        native().columnsBuilderAppend(h, nodeType, column, rows, bits, bits ? data.offset : 0),
      );
    }
  }

  /** Checks every column is complete and returns the store; closes the builder. */
  finish(): ColumnStore {
    const h = this.#open('finish');
    try {
      return ColumnStore.fromHandle(callNative(() => native().columnsBuilderFinish(h)));
    } finally {
      this.close();
    }
  }

  /** Releases the columns loaded so far (nothing once finished). */
  close(): void {
    if (this.#handle === null) return;
    const h = this.#handle;
    this.#handle = null;
    callNative(() => native().columnsBuilderClose(h));
  }

  #open(operation: string): ColumnsBuilderHandle {
    if (this.#handle === null) raise('STORE_CLOSED', { kind: 'column store builder', operation });
    return this.#handle;
  }
}
