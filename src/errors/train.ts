// SPDX-License-Identifier: Apache-2.0
// Errors of training, evaluation, checkpoints and inference.
import { defineErrors } from './registry.js';

export const trainErrors = defineErrors({
  TRAIN_CHECKPOINT_MISSING: {
    status: 404,
    message: 'checkpoint {path} does not exist; train a model first or pass an existing file',
  },
  TRAIN_CHECKPOINT_CORRUPT: {
    status: 400,
    message: 'checkpoint {path} is corrupt: {problem}; retrain or restore the file from a backup',
  },
  TRAIN_CHECKPOINT_VERSION: {
    status: 400,
    message: 'checkpoint {path} has format version {found}; this prequel reads version {expected}',
  },
  TRAIN_CHECKPOINT_GRAPH_CHANGED: {
    status: 409,
    message:
      'checkpoint {path} was trained on graph definition {trained}, but the current graph ' +
      'definition is {current}; retrain the model on the current graph or restore the old graph file',
  },
  TRAIN_BAD_LABELS: {
    status: 400,
    message: 'the {split} label table cannot be trained on: {problem}',
  },
  TRAIN_BAD_OPTION: {
    status: 400,
    message: 'training option {option}: expected {expected}, got {value}',
  },
  TRAIN_WRONG_TASK: {
    status: 400,
    message: '{method} is not defined for a {task} model; call {instead} instead',
  },
  TRAIN_CHECKPOINT_TENSOR: {
    status: 400,
    message: 'checkpoint tensor {name}: {problem}',
  },
  TRAIN_EXTRA_COLUMN: {
    status: 400,
    message: 'extra column {table}.{column}: {problem}; expected {expected}',
  },
});
