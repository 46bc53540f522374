// SPDX-License-Identifier: Apache-2.0
// Dense WebGPU ops: matmul, elementwise, activations, dropout, reductions and the Adam step.
// Each function validates what only the backend can, then encodes its kernels/ dispatches.
import type { AdamParams, BinaryOp, Storage, UnaryOp } from '../backend.js';
import { groupsFor, type GpuContext, type GpuStorage } from './context.js';
import { raise } from '../../errors/index.js';

const UNARY_CODES: Record<UnaryOp, number> = {
  relu: 0,
  leakyRelu: 1,
  gelu: 2,
  sigmoid: 3,
  tanh: 4,
  exp: 5,
  log: 6,
  neg: 7,
};
const BINARY_CODES: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };
const TILE = 64;
const SUM_ROWS_CHUNK = 256;
const REDUCE_BLOCK = 2048;

/** op(a) @ op(b) for [m, k] @ [k, n] after the transposes. */
export function matmul(
  ctx: GpuContext,
  a: GpuStorage,
  aShape: [number, number],
  transA: boolean,
  b: GpuStorage,
  bShape: [number, number],
  transB: boolean,
): GpuStorage {
  const [m, k] = transA ? [aShape[1], aShape[0]] : aShape;
  const n = transB ? bShape[0] : bShape[1];
  const kb = transB ? bShape[1] : bShape[0];
  if (a.length !== aShape[0] * aShape[1] || b.length !== bShape[0] * bShape[1] || k !== kb) {
    raise('GNN_SHAPE_MISMATCH', {
      op: 'matmul',
      expected: `a [m, k] and b [k, n] after transposes (transA ${transA}, transB ${transB})`,
      shapes: `a [${aShape}] of ${a.length}, b [${bShape}] of ${b.length}`,
    });
  }
  const c = ctx.alloc('matmul', 'float32', m * n);
  if (m * n === 0) return c;
  if (k === 0) {
    ctx.clear(c);
    return c;
  }
  ctx.run(
    'matmul',
    { m, n, k, transA: transA ? 1 : 0, transB: transB ? 1 : 0 },
    { a: a.buffer, b: b.buffer, c: c.buffer },
    [Math.ceil(n / TILE), Math.ceil(m / TILE)],
  );
  return c;
}

/** a op b with b the same length, a row vector over `cols` or a scalar. */
export function binary(
  ctx: GpuContext,
  op: BinaryOp,
  a: GpuStorage,
  b: GpuStorage,
  rows: number,
  cols: number,
): GpuStorage {
  const n = a.length;
  let bMode: number;
  if (b.length === n) bMode = 0;
  else if (b.length === cols) bMode = 1;
  else if (b.length === 1) bMode = 2;
  else {
    return raise('GNN_SHAPE_MISMATCH', {
      op,
      expected: `b of ${n}, ${cols} or 1 elements for a [${rows}, ${cols}]`,
      shapes: `[${b.length}]`,
    });
  }
  const out = ctx.alloc(op, 'float32', n);
  ctx.run(
    'binary',
    { n, cols: Math.max(cols, 1), op: BINARY_CODES[op], bMode },
    { a: a.buffer, b: b.buffer, out: out.buffer },
    groupsFor(n),
  );
  return out;
}

export function unary(ctx: GpuContext, op: UnaryOp, x: GpuStorage, alpha = 0.01): GpuStorage {
  const y = ctx.alloc(op, 'float32', x.length);
  ctx.run(
    'unary',
    { n: x.length, op: UNARY_CODES[op], alpha },
    { x: x.buffer, y: y.buffer },
    groupsFor(x.length),
  );
  return y;
}

export function unaryBackward(
  ctx: GpuContext,
  op: UnaryOp,
  x: GpuStorage,
  y: GpuStorage,
  dy: GpuStorage,
  alpha = 0.01,
): GpuStorage {
  const dx = ctx.alloc(`${op}Backward`, 'float32', x.length);
  ctx.run(
    'unary-backward',
    { n: x.length, op: UNARY_CODES[op], alpha },
    { x: x.buffer, y: y.buffer, dy: dy.buffer, dx: dx.buffer },
    groupsFor(x.length),
  );
  return dx;
}

export function scale(ctx: GpuContext, x: GpuStorage, factor: number): GpuStorage {
  const y = ctx.alloc('scale', 'float32', x.length);
  ctx.run('scale', { n: x.length, factor }, { x: x.buffer, y: y.buffer }, groupsFor(x.length));
  return y;
}

export function fill(ctx: GpuContext, length: number, value: number): GpuStorage {
  const y = ctx.alloc('fill', 'float32', length);
  ctx.run('fill', { n: length, value }, { y: y.buffer }, groupsFor(length));
  return y;
}

export function dropout(
  ctx: GpuContext,
  x: GpuStorage,
  p: number,
  seed: number,
): { y: Storage; mask: Storage } {
  if (!(p >= 0 && p < 1)) {
    raise('GNN_BAD_ARGUMENT', { op: 'dropout', arg: 'p', expected: 'in [0, 1)', received: p });
  }
  const y = ctx.alloc('dropout', 'float32', x.length);
  const mask = ctx.alloc('dropout', 'float32', x.length);
  ctx.run(
    'dropout',
    { n: x.length, seed: seed >>> 0, threshold: Math.ceil(p * 2 ** 24), keepScale: 1 / (1 - p) },
    { x: x.buffer, y: y.buffer, mask: mask.buffer },
    groupsFor(x.length),
  );
  return { y, mask };
}

/** Column sums of [rows, cols] into [1, cols], by repeated 256-row chunk sums. */
export function sumRows(ctx: GpuContext, a: GpuStorage, rows: number, cols: number): GpuStorage {
  if (rows <= 1 || cols === 0) {
    const out = ctx.alloc('sumRows', 'float32', cols);
    if (rows === 0 || cols === 0) ctx.clear(out);
    else copyAll(ctx, a, out);
    return out;
  }
  let current = a;
  let currentRows = rows;
  while (currentRows > 1) {
    const chunks = Math.ceil(currentRows / SUM_ROWS_CHUNK);
    const next = ctx.alloc('sumRows', 'float32', chunks * cols);
    ctx.run(
      'sum-rows',
      { rows: currentRows, cols },
      { a: current.buffer, out: next.buffer },
      groupsFor(chunks * cols),
    );
    if (current !== a) ctx.free(current);
    current = next;
    currentRows = chunks;
  }
  return current;
}

/** Sum (or sum of squares) of every element, by repeated 2048-element block sums. */
export function reduceAll(ctx: GpuContext, x: GpuStorage, square: boolean): GpuStorage {
  let current = x;
  let n = x.length;
  let first = true;
  do {
    const blocks = Math.max(1, Math.ceil(n / REDUCE_BLOCK));
    const next = ctx.alloc(square ? 'sumSquares' : 'sumAll', 'float32', blocks);
    ctx.run(
      'reduce-all',
      { n, square: first && square ? 1 : 0 },
      { x: current.buffer, out: next.buffer },
      blocks,
    );
    if (current !== x) ctx.free(current);
    current = next;
    n = blocks;
    first = false;
  } while (n > 1);
  return current;
}

export function adamStep(
  ctx: GpuContext,
  param: GpuStorage,
  grad: GpuStorage,
  m: GpuStorage,
  v: GpuStorage,
  p: AdamParams,
): void {
  if (!(Number.isInteger(p.step) && p.step >= 1)) {
    raise('GNN_BAD_ARGUMENT', {
      op: 'adamStep',
      arg: 'step',
      expected: 'an integer >= 1',
      received: p.step,
    });
  }
  ctx.run(
    'adam',
    {
      n: param.length,
      decoupled: p.decoupled ? 1 : 0,
      lr: p.lr,
      beta1: p.beta1,
      beta2: p.beta2,
      eps: p.eps,
      weightDecay: p.weightDecay,
      bc1: 1 - p.beta1 ** p.step,
      bc2: 1 - p.beta2 ** p.step,
    },
    { param: param.buffer, grad: grad.buffer, m: m.buffer, v: v.buffer },
    groupsFor(param.length),
  );
}

/** Copies all of `src` into `dst` (same length) with copy-cols as one wide row. */
export function copyAll(ctx: GpuContext, src: GpuStorage, dst: GpuStorage): void {
  const n = src.length;
  ctx.run(
    'copy-cols',
    { rows: 1, width: n, srcCols: n, srcOff: 0, dstCols: n, dstOff: 0 },
    { src: src.buffer, dst: dst.buffer },
    groupsFor(n),
    src.dtype,
  );
}
