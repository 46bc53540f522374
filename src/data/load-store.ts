// SPDX-License-Identifier: Apache-2.0
// Loads a stage into the native graph store and column store, one record batch at a time: each
// batch's arrays go straight into the stores' preallocated buffers, so peak memory is the stores
// plus one batch, whatever the row count. Edge files are read twice (count, then fill; see
// GraphStoreBuilder). Node and edge times are int64 microseconds since the epoch UTC; sampler
// seed times must use the same unit. A row of a temporal table whose time is NULL gets the
// largest time, so it is never visible.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Data, RecordBatch, Vector } from 'apache-arrow';
import { GraphStore } from '../store/graph-store.js';
import type { ColumnStore } from '../store/column-store.js';
import { GraphStoreBuilder, type BuilderEdgeType } from '../store/graph-store-builder.js';
import { ColumnStoreBuilder, type BuilderColumnTable } from '../store/column-store-builder.js';
import { PrequelError, raise } from '../errors/index.js';
import { readStageBatches, type Stage, type StageFeature, type StageNodeTable } from './stage.js';

/** Time given to rows whose time is NULL: after every seed time, so never visible. */
export const NEVER = 2n ** 63n - 1n;

export interface LoadedStage {
  graph: GraphStore;
  columns: ColumnStore;
  /** Features the column store does not hold yet (text, lists), per table. */
  skipped: Array<{ table: string; column: string; stype: string }>;
}

const COLUMN_KIND = { float32: 'float', codes: 'category', micros: 'timestamp' } as const;

/** The features the column store holds; the others are reported as skipped. */
function storedFeatures(entry: StageNodeTable, skipped: LoadedStage['skipped']): StageFeature[] {
  const stored: StageFeature[] = [];
  for (const feature of entry.features) {
    if (feature.encoding in COLUMN_KIND) stored.push(feature);
    // Not yet: the column store holds float, category and timestamp columns only; text and list
    // features stay in the stage files for the encoders to read.
    else skipped.push({ table: entry.name, column: feature.column, stype: feature.stype });
  }
  return stored;
}

/** One column of one batch; a stage file without it is invalid. */
function column(stage: Stage, file: string, batch: RecordBatch, name: string): Vector {
  const vector = batch.getChild(name);
  if (vector === null) {
    raise('DATA_STAGE_INVALID', { path: join(stage.dir, file), reason: `no column ${name}` });
  }
  return vector;
}

/** The same as one Arrow data chunk (a record batch's column is one). */
function field(stage: Stage, file: string, batch: RecordBatch, name: string): Data {
  return column(stage, file, batch, name).data[0]!;
}

function int32(data: Data): Int32Array {
  return (data.values as Int32Array).subarray(0, data.length);
}

/** A batch's times, NULL as NEVER (a copy only when the batch has nulls). */
function times(data: Data): BigInt64Array {
  const values = (data.values as BigInt64Array).subarray(0, data.length);
  const bits = data.nullBitmap;
  if (data.nullCount === 0 || bits === undefined || bits.length === 0) return values;
  const out = values.slice();
  for (let i = 0; i < data.length; i++) {
    const bit = data.offset + i;
    if (((bits[bit >>> 3] >>> (bit & 7)) & 1) === 0) out[i] = NEVER;
  }
  return out;
}

/** Where loadStage keeps a stage's saved graph store (see LoadOptions.saveStore). */
export function stageStoreDir(stage: Stage): string {
  return join(stage.dir, 'graph-store');
}

export interface LoadOptions {
  threads?: number;
  /**
   * Keep the graph store saved in the stage directory (stageStoreDir): a saved one is opened
   * memory-mapped instead of built, and a built one is saved (atomically) and reopened from
   * there, so this process and a sampler pool's workers share its pages. The stage is immutable,
   * so its store is too; one that cannot be opened (another format version) is built again.
   */
  saveStore?: boolean;
}

/** The stage's saved graph store, or null when there is none that opens. */
function openSaved(dir: string): GraphStore | null {
  if (!existsSync(dir)) return null;
  try {
    // Written by this code from a checked stage: the ids need no second check.
    return GraphStore.openSync(dir, { trusted: true });
  } catch (err) {
    if (!(err instanceof PrequelError)) throw err;
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

/** Saves a built store into the stage and returns it memory-mapped from there. */
async function saveAndReopen(built: GraphStore, dir: string): Promise<GraphStore> {
  try {
    await built.save(dir);
  } catch (err) {
    // Another process saved the same stage's store first: use theirs.
    if (!(err instanceof PrequelError && err.code === 'STORE_EXISTS')) throw err;
  } finally {
    built.close();
  }
  return GraphStore.openSync(dir, { trusted: true });
}

/** Builds (or opens, see LoadOptions.saveStore) the graph store and column store of a stage. */
export async function loadStage(stage: Stage, options: LoadOptions = {}): Promise<LoadedStage> {
  const { tables, edges } = stage.manifest;
  const skipped: LoadedStage['skipped'] = [];
  const features = tables.map((entry) => storedFeatures(entry, skipped));
  const edgeTypes = edges.flatMap((edge): BuilderEdgeType[] => {
    const relation = `f2p_${edge.column}`;
    const hasTime = edge.temporal;
    return [
      { src: edge.table, relation, dst: edge.references, hasTime },
      { src: edge.references, relation: `rev_${relation}`, dst: edge.table, hasTime },
    ];
  });
  const columnTables = tables.map((entry, t): BuilderColumnTable => ({
    nodeType: entry.name,
    count: entry.rows,
    columns: features[t]!.map((f) => ({
      name: f.column,
      kind: COLUMN_KIND[f.encoding as keyof typeof COLUMN_KIND],
    })),
  }));
  const storeDir = stageStoreDir(stage);
  const saved = options.saveStore === true ? openSaved(storeDir) : null;

  const graph =
    saved !== null
      ? null
      : new GraphStoreBuilder(
          {
            nodeTypes: tables.map((t) => ({ name: t.name, count: t.rows, hasTime: t.temporal })),
            edgeTypes,
          },
          { threads: options.threads },
        );
  let columns: ColumnStoreBuilder | null = null;
  try {
    columns = new ColumnStoreBuilder(columnTables);

    // Node files: times into the graph store, features into the column store.
    for (const [t, entry] of tables.entries()) {
      if (graph === null && features[t]!.length === 0) continue;
      for await (const batch of readStageBatches(stage, entry.file)) {
        if (batch.numRows === 0) continue;
        if (graph !== null && entry.temporal) {
          graph.appendNodeTime(entry.name, times(field(stage, entry.file, batch, '__time')));
        }
        for (const f of features[t]!) {
          columns.append(entry.name, f.column, column(stage, entry.file, batch, f.field));
        }
      }
    }

    let store: GraphStore;
    if (graph === null) store = saved!;
    else {
      // Edge files, twice: each batch feeds the forward and the reverse edge type.
      const typeName = (x: BuilderEdgeType) => `${x.src}__${x.relation}__${x.dst}`;
      for (const [e, edge] of edges.entries()) {
        const forward = typeName(edgeTypes[2 * e]!);
        const reverse = typeName(edgeTypes[2 * e + 1]!);
        for (const pass of ['count', 'fill'] as const) {
          for await (const batch of readStageBatches(stage, edge.file)) {
            if (batch.numRows === 0) continue;
            const src = int32(field(stage, edge.file, batch, 'src'));
            const dst = int32(field(stage, edge.file, batch, 'dst'));
            const time = edge.temporal ? times(field(stage, edge.file, batch, 'time')) : null;
            graph[pass](forward, { srcIds: src, dstIds: dst, time });
            graph[pass](reverse, { srcIds: dst, dstIds: src, time });
          }
        }
      }
      const built = await graph.finish();
      store = options.saveStore === true ? await saveAndReopen(built, storeDir) : built;
    }
    try {
      return { graph: store, columns: columns.finish(), skipped };
    } catch (err) {
      store.close();
      throw err;
    }
  } catch (err) {
    saved?.close();
    throw err;
  } finally {
    graph?.close();
    columns?.close();
  }
}
