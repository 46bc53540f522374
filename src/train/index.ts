// SPDX-License-Identifier: Apache-2.0
// The trainer's public API: training from label tables, evaluation next to baselines, label
// tables from a plan's SQL, and model files.
export {
  train,
  TrainedModel,
  type EpochRecord,
  type LabelSet,
  type Progress,
  type TaskKind,
  type TrainOptions,
} from './trainer.js';
export { evaluate, horizonMicros, taskMetrics, type Evaluation, type Metrics } from './evaluate.js';
export { entityIndex, queryLabels } from './labels.js';
export { loadModel, saveModel } from './model-file.js';
export { assembleBatch, type BatchRequest, type HostBatch } from './batch.js';
export { fitEncoders, type FeatureEncoders } from './features.js';
export { HeteroSage, type ModelConfig, type ModelSchema } from './hetero-sage.js';
