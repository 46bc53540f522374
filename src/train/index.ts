// SPDX-License-Identifier: Apache-2.0
// The trainer's public API: training from label tables, evaluation next to baselines, label
// tables from a plan's SQL, and model files.
export {
  train,
  TrainedModel,
  type EpochRecord,
  type LabelLists,
  type LabelSet,
  type TaskHead,
  type TopK,
  type Progress,
  type TaskKind,
  type TrainOptions,
} from './trainer.js';
export {
  evaluate,
  horizonMicros,
  taskMetrics,
  type Evaluation,
  type MetricOptions,
  type Metrics,
} from './evaluate.js';
export { entityIndex, queryLabels, type LabelOptions, type QueriedLabels } from './labels.js';
export { loadModel, saveModel } from './model-file.js';
export { assembleBatch, type BatchRequest, type HostBatch } from './batch.js';
export { fitEncoders, type FeatureEncoders } from './features.js';
export {
  embeddingColumn,
  multiCategoricalColumn,
  readExtraColumns,
  textColumn,
  type EmbeddingColumn,
  type ExtraColumns,
  type ExtraTable,
  type MultiCategoricalColumn,
  type TextColumn,
  type TextOptions,
} from './extra-columns.js';
export { RankingHead, type RankingConfig } from './ranking.js';
export { buildHistory, type InteractionHistory } from './history.js';
export { type MetricName } from './tasks.js';
export { HeteroSage, type ModelConfig, type ModelSchema } from './hetero-sage.js';
