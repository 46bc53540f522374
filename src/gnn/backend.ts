// SPDX-License-Identifier: Apache-2.0
// The contract every compute backend implements: the float64 reference (test oracle), the
// native CPU backend and the WebGPU backend. Tensors (tensor.ts) and autograd (autograd.ts)
// sit above it and never touch backend memory directly. Forward and backward kernels are both
// backend operations, so every gradient runs where the data lives.
//
// Conventions:
// - Storage is row-major. A matrix [rows, cols]; vectors are [1, n] or [n, 1] as stated.
// - Float tensors are float32 on cpu and webgpu (float64 on the reference); index tensors are
//   int32 everywhere.
// - Every method that returns storage allocates new storage; the caller releases it with
//   `release`. Methods never take ownership of their inputs.
// - Shapes are validated by the tensor layer before a call; backends may assume them valid,
//   but index values (gather indices, CSR arrays) are checked by the backend, which throws the
//   registry error GNN_INDEX_RANGE naming the operation. A backend that queues work (cpu for
//   large tensors, webgpu) may report it from the next `download` or `sync` instead of the call.
// - Math every backend shares: gelu is the tanh approximation
//   0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); leakyRelu's alpha defaults to 0.01; layer
//   norm uses the biased variance; empty segments reduce to 0 (sum, mean and max); dropout keeps
//   element i when `dropoutKeep(seed, i, p)` below is true, so every backend draws one mask.
// - segmentReduce 'max' returns `argmax` as int32 [numGroups, cols]: the CSR position e (an index
//   into `col`, or the row of x when `col` is absent) of the first maximum, -1 for empty groups.

export type BackendName = 'reference' | 'cpu' | 'webgpu';

/** Opaque backend memory; only the backend that made it may read it. */
export interface Storage {
  readonly backend: BackendName;
  readonly dtype: 'float32' | 'int32';
  /** Number of elements. */
  readonly length: number;
}

/** Dropout's shared mask: lowbias32 hash of (seed ^ i * 0x9e3779b9), top 24 bits as u in [0,1). */
export function dropoutKeep(seed: number, i: number, p: number): boolean {
  let x = (seed ^ Math.imul(i, 0x9e3779b9)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return (x >>> 8) / 16777216 >= p;
}

export type UnaryOp = 'relu' | 'leakyRelu' | 'gelu' | 'sigmoid' | 'tanh' | 'exp' | 'log' | 'neg';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';
export type SegmentReduce = 'sum' | 'mean' | 'max';
export type LossKind = 'bceLogits' | 'mse' | 'l1' | 'huber';

/** Adam / AdamW step parameters; `decoupled` selects AdamW's decoupled weight decay. */
export interface AdamParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean;
  /** 1-based step count, for bias correction. */
  step: number;
}

export interface Backend {
  readonly name: BackendName;

  // Memory.
  upload(data: Float32Array | Float64Array | Int32Array, dtype: 'float32' | 'int32'): Storage;
  download(s: Storage): Promise<Float32Array | Float64Array | Int32Array>;
  zeros(length: number, dtype: 'float32' | 'int32'): Storage;
  fill(length: number, value: number): Storage;
  release(s: Storage): void;
  /** Live storages and bytes held, for leak checks. */
  stats(): { liveStorages: number; liveBytes: number };

  // Dense algebra. c = op(a) @ op(b), a is [m, k] after op, b is [k, n] after op.
  matmul(
    a: Storage,
    aShape: [number, number],
    transA: boolean,
    b: Storage,
    bShape: [number, number],
    transB: boolean,
  ): Storage;

  // Elementwise. `b` has either the same length as `a`, or is a row vector of length `cols`
  // broadcast over every row of a [rows, cols] matrix (bias add), or a single element.
  binary(op: BinaryOp, a: Storage, b: Storage, rows: number, cols: number): Storage;
  /** Sums a [rows, cols] matrix over rows into [1, cols] (the bias gradient). */
  sumRows(a: Storage, rows: number, cols: number): Storage;
  unary(op: UnaryOp, x: Storage, alpha?: number): Storage;
  /** dx = dy * op'(x); `y` is op(x) (used by sigmoid, tanh, exp). */
  unaryBackward(op: UnaryOp, x: Storage, y: Storage, dy: Storage, alpha?: number): Storage;
  scale(x: Storage, factor: number): Storage;

  /** Inverted dropout: returns y and the keep mask (1/(1-p) where kept, 0 where dropped). */
  dropout(x: Storage, p: number, seed: number): { y: Storage; mask: Storage };

  // Rows and features.
  layerNorm(
    x: Storage,
    gamma: Storage,
    beta: Storage,
    rows: number,
    cols: number,
    eps: number,
  ): { y: Storage; mean: Storage; rstd: Storage };
  layerNormBackward(
    x: Storage,
    gamma: Storage,
    mean: Storage,
    rstd: Storage,
    dy: Storage,
    rows: number,
    cols: number,
  ): { dx: Storage; dgamma: Storage; dbeta: Storage };
  /** Concatenates [rows, cols_i] matrices along features. */
  concatCols(parts: { s: Storage; cols: number }[], rows: number): Storage;
  /** Columns [start, end) of a [rows, cols] matrix. */
  sliceCols(x: Storage, rows: number, cols: number, start: number, end: number): Storage;
  /** out[i] = x[index[i]] for rows of width cols. */
  gatherRows(x: Storage, cols: number, index: Storage, numRows: number): Storage;
  /** out[index[i]] += dy[i]; out has outRows rows (gather and embedding backward). */
  scatterAddRows(dy: Storage, cols: number, index: Storage, outRows: number): Storage;

  // Message passing over CSR groups: for group g, rows col[rowptr[g] .. rowptr[g+1]) of x.
  // `col` absent means the identity (group g covers rows rowptr[g].. of x directly).
  segmentReduce(
    op: SegmentReduce,
    x: Storage,
    cols: number,
    rowptr: Storage,
    col: Storage | null,
    numGroups: number,
  ): { y: Storage; argmax: Storage | null };
  /** Gradient of segmentReduce with respect to x, which has xRows rows. */
  segmentReduceBackward(
    op: SegmentReduce,
    dy: Storage,
    cols: number,
    rowptr: Storage,
    col: Storage | null,
    numGroups: number,
    argmax: Storage | null,
    xRows: number,
  ): Storage;

  // Row-wise softmax over [rows, cols].
  softmax(x: Storage, rows: number, cols: number, log: boolean): Storage;
  softmaxBackward(y: Storage, dy: Storage, rows: number, cols: number, log: boolean): Storage;

  /**
   * Element losses (not reduced). bceLogits takes logits and 0/1 targets with `posWeight`
   * scaling the positive term; huber uses `delta`.
   */
  loss(kind: LossKind, pred: Storage, target: Storage, param: number): Storage;
  lossBackward(
    kind: LossKind,
    pred: Storage,
    target: Storage,
    param: number,
    dloss: Storage,
  ): Storage;
  /** Cross-entropy per row of logits [rows, cols] against int32 class labels. */
  crossEntropy(logits: Storage, labels: Storage, rows: number, cols: number): Storage;
  crossEntropyBackward(
    logits: Storage,
    labels: Storage,
    rows: number,
    cols: number,
    dloss: Storage,
  ): Storage;

  /** Sum of all elements, as a one-element storage. */
  sumAll(x: Storage): Storage;
  /** Sum of squares of all elements (for gradient clipping), as a one-element storage. */
  sumSquares(x: Storage): Storage;

  /** In-place Adam(W) update of param, m and v from grad. */
  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, p: AdamParams): void;

  /** Finishes queued work (WebGPU); resolves immediately on synchronous backends. */
  sync(): Promise<void>;
  /** Frees every resource; the backend is unusable afterwards. */
  close(): void;
}
