// SPDX-License-Identifier: Apache-2.0
// The store domain's public API: the temporal graph store and the column store.
export {
  GraphStore,
  type BuildOptions,
  type OpenOptions,
  type NodeTypeInfo,
  type EdgeTypeInfo,
  type Neighbors,
  type EdgeArrays,
  type EdgeTypeMemory,
  type StoreMemory,
} from './graph-store.js';
export {
  foreignKeyEdges,
  type GraphSpec,
  type NodeTypeSpec,
  type EdgeTypeSpec,
  type ForeignKeySpec,
} from './graph-def.js';
export {
  ColumnStore,
  COLUMNS_DIR,
  type ColumnKind,
  type ColumnSpec,
  type ColumnTableSpec,
  type ColumnInfo,
  type ColumnTableInfo,
  type GatherBatch,
  type GatherOptions,
} from './column-store.js';
export {
  GraphStoreBuilder,
  type BuilderNodeType,
  type BuilderEdgeType,
  type EdgeChunk,
} from './graph-store-builder.js';
export {
  ColumnStoreBuilder,
  type BuilderColumnTable,
  type ColumnChunk,
} from './column-store-builder.js';
export type { Int32Input, Int64Input, Float32Input } from './arrays.js';
