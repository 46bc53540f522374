// SPDX-License-Identifier: Apache-2.0
// A graph store built from edge lists that arrive in chunks (the record batches of a stage file),
// so no whole edge list is held in JS or copied twice: the store's arrays are allocated once and
// filled in place. Every edge type's chunks go through count() and then, in the same order,
// through fill(); node times through appendNodeTime(); finish() sorts the neighbor lists. The
// store equals GraphStore.build on the concatenated chunks.
import { awaitNative, callNative, raise } from '../errors/index.js';
import { native } from '../native/index.js';
import type { StoreBuilderHandle } from '../native/store-binding.js';
import { int32Values, int64Values, type Int32Input, type Int64Input } from './arrays.js';
import { GraphStore, type BuildOptions } from './graph-store.js';

export interface BuilderNodeType {
  name: string;
  count: number;
  /** Whether appendNodeTime() will give this type's times (all `count` of them). */
  hasTime: boolean;
}

export interface BuilderEdgeType {
  src: string;
  relation: string;
  dst: string;
  /** Whether every chunk carries edge times. */
  hasTime: boolean;
  keepEdgeIds?: boolean;
}

/** One chunk of an edge list; only read during the call. */
export interface EdgeChunk {
  srcIds: Int32Input;
  dstIds: Int32Input;
  time?: Int64Input | null;
}

export class GraphStoreBuilder {
  #handle: StoreBuilderHandle | null;

  /**
   * Declares the node and edge types; node counts are fixed here, edge counts by count().
   * `threads` sort the lists in finish().
   */
  constructor(
    def: { nodeTypes: BuilderNodeType[]; edgeTypes: BuilderEdgeType[] },
    options: BuildOptions = {},
  ) {
    this.#handle = callNative(() => native().storeBuilderCreate(def, options.threads));
  }

  /** Appends the next rows of a node type's times. */
  appendNodeTime(nodeType: string, time: Int64Input): void {
    const h = this.#open('appendNodeTime');
    const values = int64Values(time, `${nodeType} time`);
    callNative(() => native().storeBuilderNodeTime(h, nodeType, values));
  }

  /** First pass: checks one chunk and counts its edges per destination. */
  count(edgeType: string, chunk: EdgeChunk): void {
    const h = this.#open('count');
    const { src, dst, time } = chunkArrays(edgeType, chunk);
    callNative(() => native().storeBuilderCount(h, edgeType, src, dst, time));
  }

  /** Second pass: the same chunks in the same order, written into their neighbor lists. */
  fill(edgeType: string, chunk: EdgeChunk): void {
    const h = this.#open('fill');
    const { src, dst, time } = chunkArrays(edgeType, chunk);
    callNative(() => native().storeBuilderFill(h, edgeType, src, dst, time));
  }

  /** Sorts the neighbor lists off the event loop and returns the store; closes the builder. */
  async finish(): Promise<GraphStore> {
    const h = this.#open('finish');
    try {
      const store = await awaitNative(callNative(() => native().storeBuilderFinish(h)));
      return GraphStore.fromHandle(store);
    } finally {
      this.close();
    }
  }

  /** Releases the arrays built so far (nothing once finished). */
  close(): void {
    if (this.#handle === null) return;
    const h = this.#handle;
    this.#handle = null;
    callNative(() => native().storeBuilderClose(h));
  }

  #open(operation: string): StoreBuilderHandle {
    if (this.#handle === null) raise('STORE_CLOSED', { kind: 'graph store builder', operation });
    return this.#handle;
  }
}

function chunkArrays(edgeType: string, chunk: EdgeChunk) {
  return {
    src: int32Values(chunk.srcIds, `${edgeType} srcIds`),
    dst: int32Values(chunk.dstIds, `${edgeType} dstIds`),
    time: chunk.time == null ? null : int64Values(chunk.time, `${edgeType} time`),
  };
}
