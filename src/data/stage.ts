// SPDX-License-Identifier: Apache-2.0
// The stage: a materialised graph as Arrow IPC files in a workspace directory, plus a manifest.
//
//   <workspace>/stage/<hash>/manifest.json
//   <workspace>/stage/<hash>/nodes/<i>.arrow   one file per table; row r is node id r
//       __key  (Int64 or Utf8)  the primary key, when the table has one (not a feature)
//       __time (Int64)          the row's time, microseconds since the epoch UTC, when temporal;
//                               NULL when the row has no (parseable) time
//       f<j>   one column per feature, encoded by stype (see FeatureEncoding)
//   <workspace>/stage/<hash>/edges/<i>.arrow   one file per foreign key, sorted by src
//       src (Int32) child node id, dst (Int32) parent node id,
//       time (Int64, micros UTC) the child row's time, when the child table is temporal
//
// Each foreign key gives two edge types: forward (child -> parent) and reverse (parent ->
// child), both from the same file with the same times. The stage is written to a temporary
// directory and renamed into place when complete, so a stage directory with a manifest is whole.
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatchReader, tableFromIPC, type RecordBatch, type Table } from 'apache-arrow';
import type { GraphDef, SemanticType } from './graph-def.js';
import type { ValidationReport } from './validate.js';
import { raise } from '../errors/index.js';

export const STAGE_FORMAT = 'prequel-stage';
export const STAGE_VERSION = 1;

/**
 * numerical: Float32 with validity; categorical: Int32 codes into `vocabulary` (-1 and invalid
 * for NULL); multicategorical: List<Int32> codes; embedding: List<Float32>; timestamp: Int64
 * microseconds UTC; text: Utf8, kept for the text encoder.
 */
export type FeatureEncoding =
  'float32' | 'codes' | 'code-lists' | 'float32-lists' | 'micros' | 'utf8';

export interface StageFeature {
  /** Arrow column name in the node file. */
  field: string;
  column: string;
  stype: SemanticType;
  encoding: FeatureEncoding;
  nulls: number;
  vocabulary?: string[];
}

export interface StageNodeTable {
  name: string;
  file: string;
  rows: number;
  keyType: 'bigint' | 'string' | null;
  temporal: boolean;
  features: StageFeature[];
}

export interface StageEdgeType {
  /** Forward edge type name: child__f2p_column__parent. */
  name: string;
  /** Reverse edge type name: parent__rev_f2p_column__child. */
  reverse: string;
  table: string;
  column: string;
  references: string;
  file: string;
  edges: number;
  dangling: number;
  nulls: number;
  temporal: boolean;
}

export interface StageManifest {
  format: typeof STAGE_FORMAT;
  version: typeof STAGE_VERSION;
  hash: string;
  createdAt: string;
  graph: GraphDef;
  tables: StageNodeTable[];
  edges: StageEdgeType[];
  report: ValidationReport;
}

export interface Stage {
  dir: string;
  manifest: StageManifest;
  /** True when an existing stage for the same inputs was reused. */
  reused: boolean;
}

/** Opens a complete stage directory; a directory without a readable manifest is refused. */
export async function openStage(dir: string): Promise<Stage> {
  let manifest: StageManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as StageManifest;
  } catch (err) {
    return raise('DATA_STAGE_INVALID', { path: dir, reason: (err as Error).message });
  }
  if (manifest.format !== STAGE_FORMAT || manifest.version !== STAGE_VERSION) {
    raise('DATA_STAGE_INVALID', {
      path: dir,
      reason: `unknown format ${manifest.format} v${manifest.version}`,
    });
  }
  return { dir, manifest, reused: true };
}

/** Reads one stage file (a node or edge file named in the manifest) as an Arrow table. */
export async function readStageFile(stage: Stage, file: string): Promise<Table> {
  try {
    return tableFromIPC(await readFile(join(stage.dir, file)));
  } catch (err) {
    return raise('DATA_STAGE_INVALID', {
      path: join(stage.dir, file),
      reason: (err as Error).message,
    });
  }
}

/**
 * Reads one stage file record batch by record batch: each batch's bytes are read from disk when
 * the batch is reached, so memory holds one batch, never the file.
 */
export async function* readStageBatches(stage: Stage, file: string): AsyncGenerator<RecordBatch> {
  const path = join(stage.dir, file);
  const invalid = (reason: string): never => raise('DATA_STAGE_INVALID', { path, reason });
  const fail = (err: Error) => invalid(err.message);
  const handle = await open(path).catch(fail);
  try {
    const reader = await RecordBatchReader.from(handle).catch(fail);
    if (!reader.isFile()) invalid('not an Arrow IPC file');
    const count = await reader.open().then((r) => r.numRecordBatches, fail);
    for (let i = 0; i < count; i++) {
      const batch = await Promise.resolve()
        .then(() => reader.readRecordBatch(i))
        .catch(fail);
      yield batch ?? invalid(`record batch ${i} of ${count} is missing`);
    }
  } finally {
    await handle.close();
  }
}

/** Reads the node file of `table`. */
export async function readNodes(stage: Stage, table: string): Promise<Table> {
  const entry = stage.manifest.tables.find((t) => t.name === table);
  if (entry === undefined) {
    raise('DATA_TABLE_NOT_FOUND', { table, available: stage.manifest.tables.map((t) => t.name) });
  }
  return readStageFile(stage, entry.file);
}

/** Reads the edge file of the foreign key `table`.`column`. */
export async function readEdges(stage: Stage, table: string, column: string): Promise<Table> {
  const entry = stage.manifest.edges.find((e) => e.table === table && e.column === column);
  if (entry === undefined) {
    raise('DATA_COLUMN_NOT_FOUND', {
      table,
      column,
      where: 'the stage edges',
      available: stage.manifest.edges.map((e) => `${e.table}.${e.column}`),
    });
  }
  return readStageFile(stage, entry.file);
}
