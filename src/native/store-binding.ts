// SPDX-License-Identifier: Apache-2.0
// Raw binding of the store domain: the exact entry points native/bindings/store_binding.cc exports.
// test/native/binding-mirror.test.ts checks this declaration against the addon's exports.

/** A tagged native handle to a graph store (kind "graph store"). */
export interface StoreHandle {
  readonly kind: 'graph store';
}

/** A tagged native handle to a chunked graph build (kind "graph builder"). */
export interface StoreBuilderHandle {
  readonly kind: 'graph builder';
}

/** The types of a chunked build; arrays arrive later, chunk by chunk. */
export interface RawBuilderDefinition {
  nodeTypes: { name: string; count: number; hasTime: boolean }[];
  edgeTypes: {
    src: string;
    relation: string;
    dst: string;
    hasTime: boolean;
    keepEdgeIds?: boolean;
  }[];
}

export interface RawNodeTypeInput {
  name: string;
  count: number;
  time?: BigInt64Array | null;
}

export interface RawEdgeTypeInput {
  src: string;
  relation: string;
  dst: string;
  srcIds: Int32Array;
  dstIds: Int32Array;
  time?: BigInt64Array | null;
  keepEdgeIds?: boolean;
}

export interface RawGraphInput {
  nodeTypes: RawNodeTypeInput[];
  edgeTypes: RawEdgeTypeInput[];
}

export interface RawStoreInfo {
  nodeTypes: { name: string; count: number; hasTime: boolean }[];
  edgeTypes: {
    name: string;
    src: string;
    relation: string;
    dst: string;
    numEdges: number;
    hasEdgeTime: boolean;
    hasEdgeId: boolean;
  }[];
}

export interface RawEdgeArrays {
  rowptr: BigInt64Array;
  col: Int32Array;
  edgeTime: BigInt64Array | null;
  edgeId: Int32Array | null;
}

export interface RawNeighbors {
  src: Int32Array;
  edgeTime: BigInt64Array | null;
  edgeId: Int32Array | null;
}

export interface RawStoreMemory {
  edgeTypes: { name: string; numEdges: number; bytes: number }[];
  nodeTimeBytes: number;
}

/** One array file written by a save: which type and array it holds and its size. */
export interface RawStoreFile {
  file: string;
  level: 'node' | 'edge';
  type: string;
  array: 'time' | 'rowptr' | 'col' | 'edgeTime' | 'edgeId';
  bytes: number;
  checksum: string;
}

/** What an open needs: the types, their counts and the file of each present array. */
export interface RawStoreLayout {
  dir: string;
  nodeTypes: { name: string; count: number; timeFile: string | null }[];
  edgeTypes: {
    src: string;
    relation: string;
    dst: string;
    numEdges: number;
    rowptrFile: string;
    colFile: string;
    edgeTimeFile: string | null;
    edgeIdFile: string | null;
  }[];
}

export interface StoreBinding {
  storeBuild(def: RawGraphInput, threads?: number): Promise<StoreHandle>;
  storeBuildSync(def: RawGraphInput, threads?: number): StoreHandle;
  storeClose(store: StoreHandle): void;
  storeInfo(store: StoreHandle): RawStoreInfo;
  storeEdgeArrays(store: StoreHandle, edgeType: string): RawEdgeArrays;
  storeNeighbors(store: StoreHandle, edgeType: string, dst: number): RawNeighbors;
  storeNodeTime(store: StoreHandle, nodeType: string): BigInt64Array | null;
  storeMemory(store: StoreHandle): RawStoreMemory;
  storeSave(store: StoreHandle, dir: string): Promise<RawStoreFile[]>;
  storeSaveSync(store: StoreHandle, dir: string): RawStoreFile[];
  storeOpenSync(layout: RawStoreLayout, checkEdges: boolean): StoreHandle;
  storeChecksums(store: StoreHandle): RawStoreFile[];
  storeBuilderCreate(def: RawBuilderDefinition, threads?: number): StoreBuilderHandle;
  storeBuilderNodeTime(builder: StoreBuilderHandle, nodeType: string, time: BigInt64Array): void;
  storeBuilderCount(
    builder: StoreBuilderHandle,
    edgeType: string,
    srcIds: Int32Array,
    dstIds: Int32Array,
    time: BigInt64Array | null,
  ): void;
  storeBuilderFill(
    builder: StoreBuilderHandle,
    edgeType: string,
    srcIds: Int32Array,
    dstIds: Int32Array,
    time: BigInt64Array | null,
  ): void;
  storeBuilderFinish(builder: StoreBuilderHandle): Promise<StoreHandle>;
  storeBuilderClose(builder: StoreBuilderHandle): void;
}

/** Names of the entry points declared above, for the mirror check. */
export const storeBindingNames: readonly string[] = [
  'storeBuild',
  'storeBuildSync',
  'storeClose',
  'storeInfo',
  'storeEdgeArrays',
  'storeNeighbors',
  'storeNodeTime',
  'storeMemory',
  'storeSave',
  'storeSaveSync',
  'storeOpenSync',
  'storeChecksums',
  'storeBuilderCreate',
  'storeBuilderNodeTime',
  'storeBuilderCount',
  'storeBuilderFill',
  'storeBuilderFinish',
  'storeBuilderClose',
];
