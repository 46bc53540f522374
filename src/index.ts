// SPDX-License-Identifier: Apache-2.0
// The prequel library API: the workspace facade, and the engine's layers for embedding them
// directly (data engine, query compiler, graph store and sampler, compute engine, evaluation).

// Errors: every error is a PrequelError with a stable `code` from the registry.
export { PrequelError, ERRORS, type ErrorCode } from './errors/index.js';

// The workspace facade: sources, graphs, jobs, models (what the CLI and REST API call).
export { Prequel, MAX_SYNC_PREDICT_IDS } from './prequel.js';
export type {
  PrequelOptions,
  Logger,
  WorkspaceInfo,
  JobListOptions,
  TrainRequest,
  PredictRequest,
  PredictEntitiesRequest,
  ExplainRequest,
  PredictionFileInfo,
} from './prequel.js';
export type {
  JobRecord,
  JobState,
  JobError,
  JobLogEntry,
  SourceInput,
  SourceRecord,
  SecretRef,
  GraphVersion,
  GraphVersionSummary,
  ModelRecord,
  PredictionSetRecord,
  PredictionFormat,
  TokenRecord,
} from './control/metadata/index.js';
export { resolveSecretsSync } from './control/metadata/sources.js';
export type { JobEvent, JobEventListener } from './control/jobs/events.js';
export type { JobContext, JobHandler } from './control/jobs/handler.js';
export type { JobKindDef, CompleteContext } from './control/jobs/registry.js';

// Data engine.
export type * from './data/graph-def.js';
export type {
  Connector,
  ResultChunk,
  ResultColumn,
  SqlDialect,
  SqlValue,
  TableInfo,
  ColumnInfo as SourceColumnInfo,
} from './data/connector.js';
export { openDuckDb, DuckDbConnector, type DuckDbOptions } from './data/duckdb.js';
export { SnowflakeConnector, type SnowflakeOptions } from './data/snowflake/connector.js';
export { inferGraph } from './data/infer.js';
export { readGraphFile, writeGraphFile } from './data/graph-file.js';
export { validateGraph, type ValidationReport, type ValidationIssue } from './data/validate.js';
export { materialise } from './data/materialise.js';
export { loadStage } from './data/load-store.js';

// Query compiler.
export * from './control/pql/index.js';
export { explainOnSource, type ExplainResult, type SplitCounts } from './control/explain.js';

// Graph engine.
export * from './store/index.js';
export * from './sampler/index.js';

// Compute engine.
export type { Backend, BackendName, Storage } from './gnn/backend.js';
export { createCpuBackend, type CpuBackendOptions } from './gnn/cpu-backend.js';
export { createReferenceBackend } from './gnn/reference-backend.js';
export { createBestBackend } from './gnn/webgpu/select.js';
export { Tensor, scope, tensor, indexTensor, full, parameter, liveTensors } from './gnn/tensor.js';
export { Adam, adamW, lrSchedule } from './gnn/optim.js';

// Evaluation, checkpoints, reports and demo data.
export * as metrics from './train/metrics.js';
export { saveCheckpoint, loadCheckpoint } from './train/checkpoint.js';
export { renderReport, type ReportInput } from './report/html.js';
export { generateDemo, type DemoOptions } from './demo/generate.js';
