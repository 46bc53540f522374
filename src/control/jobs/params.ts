// SPDX-License-Identifier: Apache-2.0
// Parameters of the built-in job kinds, as the facade queues them and their handlers receive them.
import type { GraphVersion } from '../metadata/graphs.js';
import type { ModelRecord, PredictionFormat } from '../metadata/models.js';
import type { SourceRecord } from '../metadata/sources.js';
import type { ArtifactRef } from '../../workspace/artifacts.js';

/**
 * What the built-in job kinds receive as `ctx.params`: everything the worker needs, so a handler
 * never reads the metadata database (secrets stay references; resolve them with
 * resolveSecretsSync in the worker).
 */
export interface MaterialiseJobParams {
  source: SourceRecord;
  graph: GraphVersion;
}

export interface TrainJobParams {
  source: SourceRecord;
  graph: GraphVersion;
  queryId: string;
  query: string;
  options: Record<string, unknown>;
}

export interface EvaluateJobParams {
  model: ModelRecord;
  source: SourceRecord;
  /** The graph definition version the model was trained on. */
  graph: GraphVersion;
}

export interface PredictJobParams {
  model: ModelRecord;
  source: SourceRecord;
  /** The graph definition version the model was trained on. */
  graph: GraphVersion;
  /** Normalised ISO 8601 instant; absent: the latest timestamp of the target's tables. */
  anchorTime?: string;
  formats: PredictionFormat[];
  /**
   * An uploaded file of entity ids (complete artifact) and where it came from (`name`: a file
   * path, a request), for messages; absent: all entities.
   */
  ids?: ArtifactRef & { format: 'csv' | 'arrow'; name?: string };
  /** Snowflake sources: the warehouse table the predictions replace. */
  table?: string;
}
