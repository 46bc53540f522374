// SPDX-License-Identifier: Apache-2.0
// Dense tensor operations with their gradients: matmul, broadcasting arithmetic, activations,
// dropout, layer norm, feature concat / slice, softmax and reductions. Each checks shapes and
// throws GNN_SHAPE_MISMATCH naming the op and the shapes it got.
import { raise } from '../errors/index.js';
import type { BinaryOp, UnaryOp } from './backend.js';
import { needsGrad, record, wrap } from './autograd.js';
import type { Tensor } from './tensor.js';

type Shape = readonly number[];

/** Checks that all tensors are live float tensors on one backend. */
export function check(op: string, ...ts: Tensor[]): void {
  const backend = ts[0]!.backend;
  for (const t of ts) {
    if (t.disposed) raise('GNN_DISPOSED', { op, shape: t.shape });
    if (t.backend !== backend) {
      raise('GNN_BACKEND_MISMATCH', { op, backends: ts.map((x) => x.backend.name) });
    }
    if (t.dtype !== 'float32') {
      raise('GNN_DTYPE_MISMATCH', { op, arg: 'input', expected: 'float32', received: t.dtype });
    }
  }
}

export function shapeError(op: string, expected: string, ...shapes: Shape[]): never {
  raise('GNN_SHAPE_MISMATCH', { op, expected, shapes: shapes.map((s) => `[${s.join(', ')}]`) });
}

function is2d(op: string, t: Tensor): void {
  if (t.shape.length !== 2) shapeError(op, 'a matrix [rows, cols]', t.shape);
}

/** op(a) @ op(b); a is [m, k] after its transpose, b is [k, n] after its. */
export function matmul(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  check('matmul', a, b);
  is2d('matmul', a);
  is2d('matmul', b);
  const [m, k] = transA ? [a.cols, a.rows] : [a.rows, a.cols];
  const [k2, n] = transB ? [b.cols, b.rows] : [b.rows, b.cols];
  if (k !== k2)
    shapeError(
      'matmul',
      `inner sizes equal (transA=${transA}, transB=${transB})`,
      a.shape,
      b.shape,
    );
  const bk = a.backend;
  const as: [number, number] = [a.rows, a.cols];
  const bs: [number, number] = [b.rows, b.cols];
  const y = wrap(a, bk.matmul(a.storage, as, transA, b.storage, bs, transB), [m, n]);
  return record('matmul', y, [a, b], (g) => {
    const gs: [number, number] = [m, n];
    const da = !needsGrad(a)
      ? null
      : transA
        ? wrap(a, bk.matmul(b.storage, bs, transB, g.storage, gs, true), a.shape)
        : wrap(a, bk.matmul(g.storage, gs, false, b.storage, bs, !transB), a.shape);
    const db = !needsGrad(b)
      ? null
      : transB
        ? wrap(a, bk.matmul(g.storage, gs, true, a.storage, as, transA), b.shape)
        : wrap(a, bk.matmul(a.storage, as, !transA, g.storage, gs, false), b.shape);
    return [da, db];
  });
}

/** Reduces a gradient of a's shape to b's broadcast shape (same, [1, cols] or [1, 1]); consumes g. */
function reduceTo(g: Tensor, like: Tensor): Tensor {
  const bk = g.backend;
  if (like.size === g.size) return g;
  const s = like.size === 1 ? bk.sumAll(g.storage) : bk.sumRows(g.storage, g.rows, g.cols);
  g.dispose();
  return wrap(like, s, like.shape);
}

function binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  check(op, a, b);
  is2d(op, a);
  const fits =
    (b.rows === a.rows && b.cols === a.cols) ||
    (b.rows === 1 && (b.cols === a.cols || b.cols === 1));
  if (!fits) shapeError(op, "b of a's shape, [1, cols] or [1, 1]", a.shape, b.shape);
  const bk = a.backend;
  const { rows, cols } = a;
  const run = (o: BinaryOp, x: Tensor, z: Tensor) =>
    wrap(x, bk.binary(o, x.storage, z.storage, rows, cols), a.shape);
  const scaled = (g: Tensor, f: number) => wrap(g, bk.scale(g.storage, f), g.shape);
  const y = run(op, a, b);
  return record(op, y, [a, b], (g) => {
    const na = needsGrad(a);
    const nb = needsGrad(b);
    switch (op) {
      case 'add':
        return [na ? scaled(g, 1) : null, nb ? reduceTo(scaled(g, 1), b) : null];
      case 'sub':
        return [na ? scaled(g, 1) : null, nb ? reduceTo(scaled(g, -1), b) : null];
      case 'mul':
        return [na ? run('mul', g, b) : null, nb ? reduceTo(run('mul', g, a), b) : null];
      case 'div': {
        const ga = run('div', g, b);
        const t = run('mul', ga, y);
        const db = scaled(t, -1);
        t.dispose();
        return [ga, reduceTo(db, b)];
      }
    }
  });
}

export const add = (a: Tensor, b: Tensor) => binary('add', a, b);
export const sub = (a: Tensor, b: Tensor) => binary('sub', a, b);
export const mul = (a: Tensor, b: Tensor) => binary('mul', a, b);
export const div = (a: Tensor, b: Tensor) => binary('div', a, b);

/** x * factor. */
export function scale(x: Tensor, factor: number): Tensor {
  check('scale', x);
  const y = wrap(x, x.backend.scale(x.storage, factor), x.shape);
  return record('scale', y, [x], (g) => [wrap(g, g.backend.scale(g.storage, factor), x.shape)]);
}

function unary(op: UnaryOp, x: Tensor, alpha?: number): Tensor {
  check(op, x);
  const bk = x.backend;
  const y = wrap(x, bk.unary(op, x.storage, alpha), x.shape);
  return record(op, y, [x], (g) => [
    wrap(g, bk.unaryBackward(op, x.storage, y.storage, g.storage, alpha), x.shape),
  ]);
}

export const relu = (x: Tensor) => unary('relu', x);
export const leakyRelu = (x: Tensor, alpha = 0.01) => unary('leakyRelu', x, alpha);
export const gelu = (x: Tensor) => unary('gelu', x);
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
export const tanh = (x: Tensor) => unary('tanh', x);
export const exp = (x: Tensor) => unary('exp', x);
export const log = (x: Tensor) => unary('log', x);
export const neg = (x: Tensor) => unary('neg', x);

/** Inverted dropout with drop probability p; the identity when not training or p = 0. */
export function dropout(x: Tensor, p: number, seed: number, training = true): Tensor {
  check('dropout', x);
  if (!(p >= 0 && p < 1))
    raise('GNN_BAD_ARGUMENT', { op: 'dropout', arg: 'p', expected: 'in [0, 1)', received: p });
  if (!training || p === 0) return scale(x, 1);
  const bk = x.backend;
  const { y: ys, mask: ms } = bk.dropout(x.storage, p, seed);
  const mask = wrap(x, ms, x.shape);
  const y = wrap(x, ys, x.shape);
  return record('dropout', y, [x], (g) => [
    wrap(g, bk.binary('mul', g.storage, mask.storage, x.rows, x.cols), x.shape),
  ]);
}

/** Layer norm over features: gamma and beta are [1, cols]. */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  check('layerNorm', x, gamma, beta);
  is2d('layerNorm', x);
  const { rows, cols } = x;
  if (gamma.size !== cols || beta.size !== cols)
    shapeError('layerNorm', `gamma and beta [1, ${cols}]`, x.shape, gamma.shape, beta.shape);
  const bk = x.backend;
  const r = bk.layerNorm(x.storage, gamma.storage, beta.storage, rows, cols, eps);
  const mean = wrap(x, r.mean, [rows, 1]);
  const rstd = wrap(x, r.rstd, [rows, 1]);
  const y = wrap(x, r.y, x.shape);
  return record('layerNorm', y, [x, gamma, beta], (g) => {
    const d = bk.layerNormBackward(
      x.storage,
      gamma.storage,
      mean.storage,
      rstd.storage,
      g.storage,
      rows,
      cols,
    );
    return [wrap(g, d.dx, x.shape), wrap(g, d.dgamma, gamma.shape), wrap(g, d.dbeta, beta.shape)];
  });
}

/** Concatenation along features of matrices with equal rows. */
export function concat(parts: Tensor[]): Tensor {
  if (parts.length === 0) shapeError('concat', 'at least one part');
  check('concat', ...parts);
  const rows = parts[0]!.rows;
  if (parts.some((p) => p.rows !== rows))
    shapeError('concat', 'equal rows', ...parts.map((p) => p.shape));
  const bk = parts[0]!.backend;
  const total = parts.reduce((a, p) => a + p.cols, 0);
  const y = wrap(
    parts[0]!,
    bk.concatCols(
      parts.map((p) => ({ s: p.storage, cols: p.cols })),
      rows,
    ),
    [rows, total],
  );
  return record('concat', y, parts, (g) => {
    let start = 0;
    return parts.map((p) => {
      const s = bk.sliceCols(g.storage, rows, total, start, start + p.cols);
      start += p.cols;
      return wrap(g, s, p.shape);
    });
  });
}

/** Columns [start, end) of x. */
export function slice(x: Tensor, start: number, end: number): Tensor {
  check('slice', x);
  if (!(
    Number.isInteger(start) &&
    Number.isInteger(end) &&
    0 <= start &&
    start <= end &&
    end <= x.cols
  )) {
    shapeError('slice', `0 <= start <= end <= ${x.cols}, got [${start}, ${end})`, x.shape);
  }
  const bk = x.backend;
  const { rows, cols } = x;
  const y = wrap(x, bk.sliceCols(x.storage, rows, cols, start, end), [rows, end - start]);
  return record('slice', y, [x], (g) => {
    const parts = [
      { s: bk.fill(rows * start, 0), cols: start },
      { s: g.storage, cols: end - start },
      { s: bk.fill(rows * (cols - end), 0), cols: cols - end },
    ];
    const dx = bk.concatCols(parts, rows);
    bk.release(parts[0]!.s);
    bk.release(parts[2]!.s);
    return [wrap(g, dx, x.shape)];
  });
}

function softmaxOp(x: Tensor, logOut: boolean): Tensor {
  const op = logOut ? 'logSoftmax' : 'softmax';
  check(op, x);
  is2d(op, x);
  const bk = x.backend;
  const y = wrap(x, bk.softmax(x.storage, x.rows, x.cols, logOut), x.shape);
  return record(op, y, [x], (g) => [
    wrap(g, bk.softmaxBackward(y.storage, g.storage, x.rows, x.cols, logOut), x.shape),
  ]);
}

/** Row-wise softmax. */
export const softmax = (x: Tensor) => softmaxOp(x, false);
/** Row-wise log-softmax. */
export const logSoftmax = (x: Tensor) => softmaxOp(x, true);

/** Sum of all elements, [1, 1]. */
export function sum(x: Tensor): Tensor {
  check('sum', x);
  const bk = x.backend;
  const y = wrap(x, bk.sumAll(x.storage), [1, 1]);
  return record('sum', y, [x], (g) => {
    const ones = bk.fill(x.size, 1);
    const dx = bk.binary('mul', ones, g.storage, x.rows, x.cols);
    bk.release(ones);
    return [wrap(g, dx, x.shape)];
  });
}

/** Mean of all elements, [1, 1]. */
export function mean(x: Tensor): Tensor {
  check('mean', x);
  if (x.size === 0) shapeError('mean', 'at least one element', x.shape);
  const s = sum(x);
  const m = scale(s, 1 / x.size);
  return m;
}
