// SPDX-License-Identifier: Apache-2.0
// Losses, averaged over their elements (rows for cross-entropy): binary cross-entropy with logits
// and positive weighting, cross-entropy over class logits, MSE, L1 and Huber.
import { raise } from '../errors/index.js';
import type { LossKind } from './backend.js';
import { record, wrap } from './autograd.js';
import { check, mean, shapeError } from './ops.js';
import type { Tensor } from './tensor.js';

function elementLoss(kind: LossKind, pred: Tensor, target: Tensor, param: number): Tensor {
  check(kind, pred, target);
  if (pred.rows !== target.rows || pred.cols !== target.cols)
    shapeError(kind, 'pred and target of one shape', pred.shape, target.shape);
  const bk = pred.backend;
  const y = wrap(pred, bk.loss(kind, pred.storage, target.storage, param), pred.shape);
  const elements = record(kind, y, [pred], (g) => [
    wrap(g, bk.lossBackward(kind, pred.storage, target.storage, param, g.storage), pred.shape),
  ]);
  return mean(elements);
}

/** Mean binary cross-entropy of logits against 0/1 targets; posWeight scales the positives. */
export function bceWithLogits(logits: Tensor, target: Tensor, posWeight = 1): Tensor {
  if (!(posWeight > 0))
    raise('GNN_BAD_ARGUMENT', {
      op: 'bceWithLogits',
      arg: 'posWeight',
      expected: '> 0',
      received: posWeight,
    });
  return elementLoss('bceLogits', logits, target, posWeight);
}

/** Mean squared error. */
export const mseLoss = (pred: Tensor, target: Tensor) => elementLoss('mse', pred, target, 0);
/** Mean absolute error. */
export const l1Loss = (pred: Tensor, target: Tensor) => elementLoss('l1', pred, target, 0);

/** Mean Huber loss: quadratic within delta, linear beyond. */
export function huberLoss(pred: Tensor, target: Tensor, delta = 1): Tensor {
  if (!(delta > 0))
    raise('GNN_BAD_ARGUMENT', { op: 'huberLoss', arg: 'delta', expected: '> 0', received: delta });
  return elementLoss('huber', pred, target, delta);
}

/** Mean cross-entropy of class logits [rows, classes] against int32 labels [rows]. */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  check('crossEntropy', logits);
  if (labels.dtype !== 'int32')
    raise('GNN_DTYPE_MISMATCH', {
      op: 'crossEntropy',
      arg: 'labels',
      expected: 'int32',
      received: labels.dtype,
    });
  if (labels.size !== logits.rows)
    shapeError('crossEntropy', 'one label per row', logits.shape, labels.shape);
  const bk = logits.backend;
  const { rows, cols } = logits;
  const y = wrap(logits, bk.crossEntropy(logits.storage, labels.storage, rows, cols), [rows, 1]);
  const perRow = record('crossEntropy', y, [logits], (g) => [
    wrap(
      g,
      bk.crossEntropyBackward(logits.storage, labels.storage, rows, cols, g.storage),
      logits.shape,
    ),
  ]);
  return mean(perRow);
}
