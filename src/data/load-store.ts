// SPDX-License-Identifier: Apache-2.0
// Loads a stage into the native graph store and column store. Node and edge times are int64
// microseconds since the epoch UTC; sampler seed times must use the same unit. A row of a
// temporal table whose time is NULL gets the largest time, so it is never visible.
import type { Vector } from 'apache-arrow';
import { GraphStore } from '../store/graph-store.js';
import { ColumnStore, type ColumnSpec, type ColumnTableSpec } from '../store/column-store.js';
import type { EdgeTypeSpec, NodeTypeSpec } from '../store/graph-def.js';
import { readStageFile, type Stage, type StageNodeTable } from './stage.js';

/** Time given to rows whose time is NULL: after every seed time, so never visible. */
export const NEVER = 2n ** 63n - 1n;

export interface LoadedStage {
  graph: GraphStore;
  columns: ColumnStore;
  /** Features the column store does not hold yet (text, lists), per table. */
  skipped: Array<{ table: string; column: string; stype: string }>;
}

function times(vector: Vector | null): BigInt64Array | null {
  if (vector === null) return null;
  const out = vector.toArray() as BigInt64Array;
  if (vector.nullCount === 0) return out;
  let base = 0;
  for (const data of vector.data) {
    const bits = data.nullBitmap;
    if (data.nullCount > 0 && bits !== undefined && bits.length > 0) {
      for (let i = 0; i < data.length; i++) {
        const bit = data.offset + i;
        if (((bits[bit >>> 3] >>> (bit & 7)) & 1) === 0) out[base + i] = NEVER;
      }
    }
    base += data.length;
  }
  return out;
}

function int32(vector: Vector | null, name: string): Int32Array {
  if (vector === null) throw new RangeError(`stage edge file has no column ${name}`);
  return vector.toArray() as Int32Array;
}

function columnsOf(
  entry: StageNodeTable,
  nodes: Awaited<ReturnType<typeof readStageFile>>,
  skipped: LoadedStage['skipped'],
): ColumnSpec[] {
  const specs: ColumnSpec[] = [];
  for (const feature of entry.features) {
    const vector = nodes.getChild(feature.field);
    if (vector === null) continue;
    const name = feature.column;
    if (feature.encoding === 'float32') specs.push({ name, kind: 'float', values: vector });
    else if (feature.encoding === 'codes') specs.push({ name, kind: 'category', values: vector });
    else if (feature.encoding === 'micros') specs.push({ name, kind: 'timestamp', values: vector });
    // Not yet: the column store holds float, category and timestamp columns only; text and list
    // features stay in the stage files for the encoders to read.
    else skipped.push({ table: entry.name, column: name, stype: feature.stype });
  }
  return specs;
}

/** Builds the graph store and the column store of a stage. */
export async function loadStage(
  stage: Stage,
  options: { threads?: number } = {},
): Promise<LoadedStage> {
  const nodeTypes: NodeTypeSpec[] = [];
  const tables: ColumnTableSpec[] = [];
  const skipped: LoadedStage['skipped'] = [];
  for (const entry of stage.manifest.tables) {
    const nodes = await readStageFile(stage, entry.file);
    const time = entry.temporal ? times(nodes.getChild('__time')) : null;
    nodeTypes.push({ name: entry.name, count: entry.rows, time });
    tables.push({
      nodeType: entry.name,
      count: entry.rows,
      columns: columnsOf(entry, nodes, skipped),
    });
  }
  const edgeTypes: EdgeTypeSpec[] = [];
  for (const edge of stage.manifest.edges) {
    const file = await readStageFile(stage, edge.file);
    const src = int32(file.getChild('src'), 'src');
    const dst = int32(file.getChild('dst'), 'dst');
    const time = edge.temporal ? times(file.getChild('time')) : null;
    const relation = `f2p_${edge.column}`;
    edgeTypes.push({
      src: edge.table,
      relation,
      dst: edge.references,
      srcIds: src,
      dstIds: dst,
      time,
    });
    edgeTypes.push({
      src: edge.references,
      relation: `rev_${relation}`,
      dst: edge.table,
      srcIds: dst,
      dstIds: src,
      time,
    });
  }
  const graph = await GraphStore.build({ nodeTypes, edgeTypes }, options);
  try {
    const columns = ColumnStore.load(tables, options);
    return { graph, columns, skipped };
  } catch (err) {
    graph.close();
    throw err;
  }
}
