// SPDX-License-Identifier: Apache-2.0
// The native CPU backend: float32 buffers in native memory behind tagged handles, BLAS products
// and our own multithreaded graph kernels (native/compute/). Every call returns at once: small
// operations run inline, large ones are queued on the native compute stream and run off the JS
// thread in order, so the event loop stays free; `download` and `sync` are the only waits, and an
// index error raised by queued work is thrown from the next of them.
import { callNative, awaitNative, raise } from '../errors/index.js';
import { native } from '../native/index.js';
import type { BufferHandle, ComputeBinding } from '../native/compute-binding.js';
import type { Backend, BinaryOp, LossKind, SegmentReduce, Storage, UnaryOp } from './backend.js';

const BINARY: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };
const UNARY: Record<UnaryOp, number> = {
  relu: 0,
  leakyRelu: 1,
  gelu: 2,
  sigmoid: 3,
  tanh: 4,
  exp: 5,
  log: 6,
  neg: 7,
};
const REDUCE: Record<SegmentReduce, number> = { sum: 0, mean: 1, max: 2 };
const LOSS: Record<LossKind, number> = { bceLogits: 0, mse: 1, l1: 2, huber: 3 };

class CpuStorage implements Storage {
  readonly backend = 'cpu' as const;
  released = false;
  constructor(
    readonly dtype: 'float32' | 'int32',
    readonly length: number,
    readonly handle: BufferHandle,
  ) {}
}

export interface CpuBackendOptions {
  /** Threads for the graph kernels and BLAS (default: all cores). */
  threads?: number;
}

/** Creates the native CPU backend; throws NATIVE_NOT_BUILT when the addon is missing. */
export function createCpuBackend(options: CpuBackendOptions = {}): Backend & {
  /** Native buffers alive in the whole process (all CPU backends), for leak checks. */
  nativeStats(): { liveBuffers: number; liveBytes: number };
} {
  const n: ComputeBinding = native();
  if (options.threads !== undefined) callNative(() => n.computeSetThreads(options.threads!));
  let live = 0;
  let bytes = 0;
  let closed = false;
  const owned = new Set<CpuStorage>();

  const h = (s: Storage, op: string): BufferHandle => {
    const c = s as CpuStorage;
    if (!(c instanceof CpuStorage) || c.released) {
      raise('GNN_BAD_ARGUMENT', {
        op,
        arg: 'storage',
        expected: 'a live storage of the cpu backend',
        received: `${s.backend} ${s.dtype}[${s.length}]`,
      });
    }
    return c.handle;
  };
  const track = (handle: BufferHandle, dtype: 'float32' | 'int32', length: number) => {
    if (closed)
      raise('GNN_BAD_ARGUMENT', {
        op: 'cpu',
        arg: 'backend',
        expected: 'open',
        received: 'closed',
      });
    const s = new CpuStorage(dtype, length, handle);
    live++;
    bytes += length * 4;
    owned.add(s);
    return s;
  };
  const out = (handle: BufferHandle, length: number) => track(handle, 'float32', length);
  const run = <T>(fn: () => T): T => callNative(fn);

  const backend = {
    name: 'cpu' as const,

    upload(data: Float32Array | Float64Array | Int32Array, dtype: 'float32' | 'int32') {
      const typed =
        dtype === 'int32'
          ? data instanceof Int32Array
            ? data
            : Int32Array.from(data)
          : data instanceof Float32Array
            ? data
            : Float32Array.from(data);
      return track(
        run(() => n.computeUpload(typed)),
        dtype,
        data.length,
      );
    },
    async download(s: Storage) {
      const target = s.dtype === 'int32' ? new Int32Array(s.length) : new Float32Array(s.length);
      await awaitNative(n.computeDownload(h(s, 'download'), target));
      return target;
    },
    zeros(length: number, dtype: 'float32' | 'int32') {
      return track(
        run(() => n.computeFill(length, 0, dtype === 'int32')),
        dtype,
        length,
      );
    },
    fill(length: number, value: number) {
      return out(
        run(() => n.computeFill(length, value, false)),
        length,
      );
    },
    release(s: Storage) {
      const c = s as CpuStorage;
      if (!(c instanceof CpuStorage) || c.released) return;
      c.released = true;
      owned.delete(c);
      live--;
      bytes -= c.length * 4;
      n.computeRelease(c.handle);
    },
    stats() {
      return { liveStorages: live, liveBytes: bytes };
    },
    nativeStats() {
      const st = n.computeStats();
      return { liveBuffers: st.liveBuffers, liveBytes: st.liveBytes };
    },

    matmul(
      a: Storage,
      aShape: [number, number],
      transA: boolean,
      b: Storage,
      bShape: [number, number],
      transB: boolean,
    ) {
      const m = transA ? aShape[1] : aShape[0];
      const cols = transB ? bShape[0] : bShape[1];
      const y = run(() =>
        n.computeMatmul(
          h(a, 'matmul'),
          aShape[0],
          aShape[1],
          transA,
          h(b, 'matmul'),
          bShape[0],
          bShape[1],
          transB,
        ),
      );
      return out(y, m * cols);
    },
    binary(op: BinaryOp, a: Storage, b: Storage, rows: number, cols: number) {
      return out(
        run(() => n.computeBinary(BINARY[op], h(a, op), h(b, op), rows, cols)),
        rows * cols,
      );
    },
    sumRows(a: Storage, rows: number, cols: number) {
      return out(
        run(() => n.computeSumRows(h(a, 'sumRows'), rows, cols)),
        cols,
      );
    },
    unary(op: UnaryOp, x: Storage, alpha = 0.01) {
      return out(
        run(() => n.computeUnary(UNARY[op], h(x, op), alpha)),
        x.length,
      );
    },
    unaryBackward(op: UnaryOp, x: Storage, y: Storage, dy: Storage, alpha = 0.01) {
      const dx = run(() => n.computeUnaryBackward(UNARY[op], h(x, op), h(y, op), h(dy, op), alpha));
      return out(dx, x.length);
    },
    scale(x: Storage, factor: number) {
      return out(
        run(() => n.computeScale(h(x, 'scale'), factor)),
        x.length,
      );
    },
    dropout(x: Storage, p: number, seed: number) {
      const r = run(() => n.computeDropout(h(x, 'dropout'), p, seed >>> 0));
      return { y: out(r.y, x.length), mask: out(r.mask, x.length) };
    },

    layerNorm(x: Storage, gamma: Storage, beta: Storage, rows: number, cols: number, eps: number) {
      const r = run(() =>
        n.computeLayerNorm(
          h(x, 'layerNorm'),
          h(gamma, 'layerNorm'),
          h(beta, 'layerNorm'),
          rows,
          cols,
          eps,
        ),
      );
      return { y: out(r.y, rows * cols), mean: out(r.mean, rows), rstd: out(r.rstd, rows) };
    },
    layerNormBackward(
      x: Storage,
      gamma: Storage,
      mean: Storage,
      rstd: Storage,
      dy: Storage,
      rows: number,
      cols: number,
    ) {
      const op = 'layerNormBackward';
      const r = run(() =>
        n.computeLayerNormBackward(
          h(x, op),
          h(gamma, op),
          h(mean, op),
          h(rstd, op),
          h(dy, op),
          rows,
          cols,
        ),
      );
      return { dx: out(r.dx, rows * cols), dgamma: out(r.dgamma, cols), dbeta: out(r.dbeta, cols) };
    },
    concatCols(parts: { s: Storage; cols: number }[], rows: number) {
      const handles = parts.map((p) => h(p.s, 'concatCols'));
      const widths = parts.map((p) => p.cols);
      const total = widths.reduce((a, w) => a + w, 0);
      return out(
        run(() => n.computeConcatCols(handles, widths, rows)),
        rows * total,
      );
    },
    sliceCols(x: Storage, rows: number, cols: number, start: number, end: number) {
      return out(
        run(() => n.computeSliceCols(h(x, 'sliceCols'), rows, cols, start, end)),
        rows * (end - start),
      );
    },
    gatherRows(x: Storage, cols: number, index: Storage, numRows: number) {
      const y = run(() =>
        n.computeGatherRows(h(x, 'gatherRows'), cols, h(index, 'gatherRows'), numRows),
      );
      return out(y, index.length * cols);
    },
    scatterAddRows(dy: Storage, cols: number, index: Storage, outRows: number) {
      const op = 'scatterAddRows';
      return out(
        run(() => n.computeScatterAddRows(h(dy, op), cols, h(index, op), outRows)),
        outRows * cols,
      );
    },

    segmentReduce(
      op: SegmentReduce,
      x: Storage,
      cols: number,
      rowptr: Storage,
      col: Storage | null,
      numGroups: number,
    ) {
      const name = 'segmentReduce';
      const r = run(() =>
        n.computeSegmentReduce(
          REDUCE[op],
          h(x, name),
          cols,
          h(rowptr, name),
          col === null ? null : h(col, name),
          numGroups,
        ),
      );
      const argmax = r.argmax === null ? null : track(r.argmax, 'int32', numGroups * cols);
      return { y: out(r.y, numGroups * cols), argmax };
    },
    segmentReduceBackward(
      op: SegmentReduce,
      dy: Storage,
      cols: number,
      rowptr: Storage,
      col: Storage | null,
      numGroups: number,
      argmax: Storage | null,
      xRows: number,
    ) {
      const name = 'segmentReduceBackward';
      const dx = run(() =>
        n.computeSegmentReduceBackward(
          REDUCE[op],
          h(dy, name),
          cols,
          h(rowptr, name),
          col === null ? null : h(col, name),
          numGroups,
          argmax === null ? null : h(argmax, name),
          xRows,
        ),
      );
      return out(dx, xRows * cols);
    },

    softmax(x: Storage, rows: number, cols: number, log: boolean) {
      return out(
        run(() => n.computeSoftmax(h(x, 'softmax'), rows, cols, log)),
        rows * cols,
      );
    },
    softmaxBackward(y: Storage, dy: Storage, rows: number, cols: number, log: boolean) {
      const op = 'softmaxBackward';
      return out(
        run(() => n.computeSoftmaxBackward(h(y, op), h(dy, op), rows, cols, log)),
        rows * cols,
      );
    },
    loss(kind: LossKind, pred: Storage, target: Storage, param: number) {
      return out(
        run(() => n.computeLoss(LOSS[kind], h(pred, kind), h(target, kind), param)),
        pred.length,
      );
    },
    lossBackward(kind: LossKind, pred: Storage, target: Storage, param: number, dloss: Storage) {
      const dx = run(() =>
        n.computeLossBackward(LOSS[kind], h(pred, kind), h(target, kind), param, h(dloss, kind)),
      );
      return out(dx, pred.length);
    },
    crossEntropy(logits: Storage, labels: Storage, rows: number, cols: number) {
      const op = 'crossEntropy';
      return out(
        run(() => n.computeCrossEntropy(h(logits, op), h(labels, op), rows, cols)),
        rows,
      );
    },
    crossEntropyBackward(
      logits: Storage,
      labels: Storage,
      rows: number,
      cols: number,
      dloss: Storage,
    ) {
      const op = 'crossEntropyBackward';
      const dx = run(() =>
        n.computeCrossEntropyBackward(h(logits, op), h(labels, op), rows, cols, h(dloss, op)),
      );
      return out(dx, rows * cols);
    },
    sumAll(x: Storage) {
      return out(
        run(() => n.computeSumAll(h(x, 'sumAll'), false)),
        1,
      );
    },
    sumSquares(x: Storage) {
      return out(
        run(() => n.computeSumAll(h(x, 'sumSquares'), true)),
        1,
      );
    },
    adamStep(
      param: Storage,
      grad: Storage,
      m: Storage,
      v: Storage,
      p: Parameters<Backend['adamStep']>[4],
    ) {
      const op = 'adamStep';
      run(() =>
        n.computeAdamStep(
          h(param, op),
          h(grad, op),
          h(m, op),
          h(v, op),
          p.lr,
          p.beta1,
          p.beta2,
          p.eps,
          p.weightDecay,
          p.decoupled,
          p.step,
        ),
      );
    },

    async sync() {
      await awaitNative(n.computeFinish());
    },
    close() {
      for (const s of [...owned]) backend.release(s);
      closed = true;
    },
  };
  return backend;
}
