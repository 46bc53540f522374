// SPDX-License-Identifier: Apache-2.0
// Row-wise WebGPU ops: layer norm, softmax, losses, cross-entropy, concat / slice of features.
import type { LossKind } from '../backend.js';
import { groupsFor, type GpuContext, type GpuStorage } from './context.js';
import { checkRange, hostIndex } from './csr.js';
import { sumRows } from './ops-dense.js';

const LOSS_CODES: Record<LossKind, number> = { bceLogits: 0, mse: 1, l1: 2, huber: 3 };
const PARAM_CHUNK = 256;

export function layerNorm(
  ctx: GpuContext,
  x: GpuStorage,
  gamma: GpuStorage,
  beta: GpuStorage,
  rows: number,
  cols: number,
  eps: number,
) {
  const y = ctx.alloc('layerNorm', 'float32', rows * cols);
  const mean = ctx.alloc('layerNorm', 'float32', rows);
  const rstd = ctx.alloc('layerNorm', 'float32', rows);
  ctx.run(
    'layer-norm',
    { rows, cols, eps },
    {
      x: x.buffer,
      gamma: gamma.buffer,
      beta: beta.buffer,
      y: y.buffer,
      mean: mean.buffer,
      rstd: rstd.buffer,
    },
    cols === 0 ? 0 : rows,
  );
  return { y, mean, rstd };
}

export function layerNormBackward(
  ctx: GpuContext,
  x: GpuStorage,
  gamma: GpuStorage,
  mean: GpuStorage,
  rstd: GpuStorage,
  dy: GpuStorage,
  rows: number,
  cols: number,
) {
  const dx = ctx.alloc('layerNormBackward', 'float32', rows * cols);
  const inputs = { x: x.buffer, mean: mean.buffer, rstd: rstd.buffer, dy: dy.buffer };
  ctx.run(
    'layer-norm-backward',
    { rows, cols },
    { ...inputs, gamma: gamma.buffer, dx: dx.buffer },
    cols === 0 ? 0 : rows,
  );

  // Parameter gradients: per-chunk partial sums, then column sums of the partials.
  const chunks = Math.max(1, Math.ceil(rows / PARAM_CHUNK));
  const gammaParts = ctx.alloc('layerNormBackward', 'float32', chunks * cols);
  const betaParts = ctx.alloc('layerNormBackward', 'float32', chunks * cols);
  if (rows === 0) {
    ctx.clear(gammaParts);
    ctx.clear(betaParts);
  }
  ctx.run(
    'layer-norm-params',
    { rows, cols },
    { ...inputs, dgamma: gammaParts.buffer, dbeta: betaParts.buffer },
    groupsFor(Math.ceil(rows / PARAM_CHUNK) * cols),
  );
  const dgamma = sumRows(ctx, gammaParts, chunks, cols);
  const dbeta = sumRows(ctx, betaParts, chunks, cols);
  ctx.free(gammaParts);
  ctx.free(betaParts);
  return { dx, dgamma, dbeta };
}

export function softmax(
  ctx: GpuContext,
  x: GpuStorage,
  rows: number,
  cols: number,
  log: boolean,
): GpuStorage {
  const y = ctx.alloc('softmax', 'float32', rows * cols);
  const groups = cols === 0 ? 0 : groupsFor(rows);
  ctx.run('softmax', { rows, cols, log: log ? 1 : 0 }, { x: x.buffer, y: y.buffer }, groups);
  return y;
}

export function softmaxBackward(
  ctx: GpuContext,
  y: GpuStorage,
  dy: GpuStorage,
  rows: number,
  cols: number,
  log: boolean,
): GpuStorage {
  const dx = ctx.alloc('softmaxBackward', 'float32', rows * cols);
  ctx.run(
    'softmax-backward',
    { rows, cols, log: log ? 1 : 0 },
    { y: y.buffer, dy: dy.buffer, dx: dx.buffer },
    cols === 0 ? 0 : groupsFor(rows),
  );
  return dx;
}

export function loss(
  ctx: GpuContext,
  kind: LossKind,
  pred: GpuStorage,
  target: GpuStorage,
  param: number,
): GpuStorage {
  const out = ctx.alloc(kind, 'float32', pred.length);
  ctx.run(
    'loss',
    { n: pred.length, kind: LOSS_CODES[kind], param },
    { pred: pred.buffer, truth: target.buffer, out: out.buffer },
    groupsFor(pred.length),
  );
  return out;
}

export function lossBackward(
  ctx: GpuContext,
  kind: LossKind,
  pred: GpuStorage,
  target: GpuStorage,
  param: number,
  dloss: GpuStorage,
): GpuStorage {
  const dpred = ctx.alloc(`${kind}Backward`, 'float32', pred.length);
  ctx.run(
    'loss-backward',
    { n: pred.length, kind: LOSS_CODES[kind], param },
    { pred: pred.buffer, truth: target.buffer, dloss: dloss.buffer, dpred: dpred.buffer },
    groupsFor(pred.length),
  );
  return dpred;
}

export function crossEntropy(
  ctx: GpuContext,
  logits: GpuStorage,
  labels: GpuStorage,
  rows: number,
  cols: number,
): GpuStorage {
  checkRange('crossEntropy', 'labels', hostIndex('crossEntropy', 'labels', labels), cols);
  const out = ctx.alloc('crossEntropy', 'float32', rows);
  ctx.run(
    'cross-entropy',
    { rows, cols },
    { logits: logits.buffer, labels: labels.buffer, loss: out.buffer },
    groupsFor(rows),
  );
  return out;
}

export function crossEntropyBackward(
  ctx: GpuContext,
  logits: GpuStorage,
  labels: GpuStorage,
  rows: number,
  cols: number,
  dloss: GpuStorage,
): GpuStorage {
  const op = 'crossEntropyBackward';
  checkRange(op, 'labels', hostIndex(op, 'labels', labels), cols);
  const out = ctx.alloc(op, 'float32', rows * cols);
  ctx.run(
    'cross-entropy-backward',
    { rows, cols },
    { logits: logits.buffer, labels: labels.buffer, dloss: dloss.buffer, dlogits: out.buffer },
    groupsFor(rows),
  );
  return out;
}

/** Copies columns [srcOff, srcOff + width) of src into columns from dstOff of dst. */
export function copyCols(
  ctx: GpuContext,
  src: GpuStorage,
  srcCols: number,
  srcOff: number,
  dst: GpuStorage,
  dstCols: number,
  dstOff: number,
  rows: number,
  width: number,
): void {
  ctx.run(
    'copy-cols',
    { rows, width, srcCols, srcOff, dstCols, dstOff },
    { src: src.buffer, dst: dst.buffer },
    groupsFor(rows * width),
    src.dtype,
  );
}
