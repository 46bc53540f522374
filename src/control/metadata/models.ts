// SPDX-License-Identifier: Apache-2.0
// Trained models (plan, metrics, checkpoint artifact) and the prediction sets made from them.
import type { Db } from './database.js';
import { idString, nowIso } from './ids.js';

export interface ModelInput {
  name: string;
  sourceId?: bigint | null;
  queryId?: bigint | null;
  graphId?: bigint | null;
  jobId?: bigint | null;
  plan: unknown;
  metrics: Record<string, unknown>;
  checkpoint: { path: string; hash: string };
}

export interface ModelRecord {
  id: string;
  name: string;
  sourceId: string | null;
  queryId: string | null;
  graphId: string | null;
  jobId: string | null;
  plan: unknown;
  metrics: Record<string, unknown>;
  checkpoint: { path: string; hash: string };
  createdAt: string;
}

export type PredictionFormat = 'csv' | 'parquet' | 'arrow' | 'json';

export interface PredictionFile {
  format: PredictionFormat;
  /** Artifact path relative to the workspace root. */
  path: string;
  hash: string;
  bytes: number;
}

export interface PredictionSetInput {
  modelId: bigint;
  jobId?: bigint | null;
  anchorTime: string;
  rowCount: bigint | number;
  files: PredictionFile[];
}

export interface PredictionSetRecord {
  id: string;
  modelId: string;
  jobId: string | null;
  anchorTime: string;
  /** Rows of the prediction files (a count far below 2^53, so a plain number). */
  rowCount: number;
  files: PredictionFile[];
  createdAt: string;
}

interface ModelRow {
  id: bigint;
  name: string;
  source_id: bigint | null;
  query_id: bigint | null;
  graph_id: bigint | null;
  job_id: bigint | null;
  plan: string;
  metrics: string;
  checkpoint_path: string;
  checkpoint_hash: string;
  created_at: string;
}

interface PredictionSetRow {
  id: bigint;
  model_id: bigint;
  job_id: bigint | null;
  anchor_time: string;
  row_count: bigint;
  files: string;
  created_at: string;
}

const optId = (v: bigint | null) => (v === null ? null : idString(v));

function toModel(row: ModelRow): ModelRecord {
  return {
    id: idString(row.id),
    name: row.name,
    sourceId: optId(row.source_id),
    queryId: optId(row.query_id),
    graphId: optId(row.graph_id),
    jobId: optId(row.job_id),
    plan: JSON.parse(row.plan),
    metrics: JSON.parse(row.metrics) as Record<string, unknown>,
    checkpoint: { path: row.checkpoint_path, hash: row.checkpoint_hash },
    createdAt: row.created_at,
  };
}

function toPredictionSet(row: PredictionSetRow): PredictionSetRecord {
  return {
    id: idString(row.id),
    modelId: idString(row.model_id),
    jobId: optId(row.job_id),
    anchorTime: row.anchor_time,
    rowCount: Number(row.row_count),
    files: JSON.parse(row.files) as PredictionFile[],
    createdAt: row.created_at,
  };
}

export class ModelRepo {
  constructor(private readonly db: Db) {}

  /** Records a model whose checkpoint artifact is already complete on disk. */
  create(input: ModelInput): ModelRecord {
    const row = this.db
      .prepare<unknown[], ModelRow>(
        `INSERT INTO models (name, source_id, query_id, graph_id, job_id, plan, metrics,
           checkpoint_path, checkpoint_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        input.name,
        input.sourceId ?? null,
        input.queryId ?? null,
        input.graphId ?? null,
        input.jobId ?? null,
        JSON.stringify(input.plan ?? null),
        JSON.stringify(input.metrics),
        input.checkpoint.path,
        input.checkpoint.hash,
        nowIso(),
      );
    return toModel(row as ModelRow);
  }

  find(id: bigint): ModelRecord | null {
    const row = this.db.prepare<unknown[], ModelRow>('SELECT * FROM models WHERE id = ?').get(id);
    return row === undefined ? null : toModel(row);
  }

  /** Newest first. */
  list(limit = 100): ModelRecord[] {
    return this.db
      .prepare<unknown[], ModelRow>('SELECT * FROM models ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map(toModel);
  }
}

export class PredictionSetRepo {
  constructor(private readonly db: Db) {}

  /** Records a prediction set whose files are already complete artifacts. */
  create(input: PredictionSetInput): PredictionSetRecord {
    const row = this.db
      .prepare<unknown[], PredictionSetRow>(
        `INSERT INTO prediction_sets (model_id, job_id, anchor_time, row_count, files, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        input.modelId,
        input.jobId ?? null,
        input.anchorTime,
        BigInt(input.rowCount),
        JSON.stringify(input.files),
        nowIso(),
      );
    return toPredictionSet(row as PredictionSetRow);
  }

  find(id: bigint): PredictionSetRecord | null {
    const row = this.db
      .prepare<unknown[], PredictionSetRow>('SELECT * FROM prediction_sets WHERE id = ?')
      .get(id);
    return row === undefined ? null : toPredictionSet(row);
  }

  /** Newest first, optionally of one model. */
  list(modelId?: bigint, limit = 100): PredictionSetRecord[] {
    const rows =
      modelId === undefined
        ? this.db
            .prepare<unknown[], PredictionSetRow>(
              'SELECT * FROM prediction_sets ORDER BY id DESC LIMIT ?',
            )
            .all(limit)
        : this.db
            .prepare<unknown[], PredictionSetRow>(
              'SELECT * FROM prediction_sets WHERE model_id = ? ORDER BY id DESC LIMIT ?',
            )
            .all(modelId, limit);
    return rows.map(toPredictionSet);
  }
}
