// SPDX-License-Identifier: Apache-2.0
// Raw binding of the compute domain: the exact entry points native/bindings/compute_binding.cc
// and native/compute/op_entries.cc export.
// test/native/binding-mirror.test.ts checks this declaration against the addon's exports.
// Buffers are native memory behind tagged handles. Kernels return output handles at once; small
// ones run inline, large ones on the compute stream's worker, in submission order. Enums cross
// as indices: binary add|sub|mul|div; unary relu|leakyRelu|gelu|sigmoid|tanh|exp|log|neg;
// reduce sum|mean|max; loss bceLogits|mse|l1|huber.

/** A native compute buffer (float32 or int32). */
export interface BufferHandle {
  readonly kind: 'compute buffer';
}

export interface ComputeStats {
  liveBuffers: number;
  liveBytes: number;
  /** Bytes of released buffers kept for reuse. */
  pooledBytes: number;
  pendingTasks: number;
  threads: number;
}

export interface ComputeBinding {
  computeUpload(data: Float32Array | Int32Array): BufferHandle;
  computeFill(length: number, value: number, int32: boolean): BufferHandle;
  computeRelease(buffer: BufferHandle): void;
  computeDownload(buffer: BufferHandle, out: Float32Array | Int32Array): Promise<void>;
  computeDownloadSync(buffer: BufferHandle, out: Float32Array | Int32Array): void;
  computeFinish(): Promise<void>;
  computeFinishSync(): void;
  computeStats(): ComputeStats;
  computeSetThreads(threads: number): number;
  computeTrimPool(): void;

  computeMatmul(
    a: BufferHandle,
    aRows: number,
    aCols: number,
    transA: boolean,
    b: BufferHandle,
    bRows: number,
    bCols: number,
    transB: boolean,
  ): BufferHandle;
  computeBinary(
    op: number,
    a: BufferHandle,
    b: BufferHandle,
    rows: number,
    cols: number,
  ): BufferHandle;
  computeSumRows(a: BufferHandle, rows: number, cols: number): BufferHandle;
  computeUnary(op: number, x: BufferHandle, alpha: number): BufferHandle;
  computeUnaryBackward(
    op: number,
    x: BufferHandle,
    y: BufferHandle,
    dy: BufferHandle,
    alpha: number,
  ): BufferHandle;
  computeScale(x: BufferHandle, factor: number): BufferHandle;
  computeDropout(x: BufferHandle, p: number, seed: number): { y: BufferHandle; mask: BufferHandle };
  computeLayerNorm(
    x: BufferHandle,
    gamma: BufferHandle,
    beta: BufferHandle,
    rows: number,
    cols: number,
    eps: number,
  ): { y: BufferHandle; mean: BufferHandle; rstd: BufferHandle };
  computeLayerNormBackward(
    x: BufferHandle,
    gamma: BufferHandle,
    mean: BufferHandle,
    rstd: BufferHandle,
    dy: BufferHandle,
    rows: number,
    cols: number,
  ): { dx: BufferHandle; dgamma: BufferHandle; dbeta: BufferHandle };
  computeConcatCols(parts: BufferHandle[], cols: number[], rows: number): BufferHandle;
  computeSliceCols(
    x: BufferHandle,
    rows: number,
    cols: number,
    start: number,
    end: number,
  ): BufferHandle;
  computeGatherRows(
    x: BufferHandle,
    cols: number,
    index: BufferHandle,
    numRows: number,
  ): BufferHandle;
  computeScatterAddRows(
    dy: BufferHandle,
    cols: number,
    index: BufferHandle,
    outRows: number,
  ): BufferHandle;
  computeSegmentReduce(
    op: number,
    x: BufferHandle,
    cols: number,
    rowptr: BufferHandle,
    col: BufferHandle | null,
    numGroups: number,
  ): { y: BufferHandle; argmax: BufferHandle | null };
  computeSegmentReduceBackward(
    op: number,
    dy: BufferHandle,
    cols: number,
    rowptr: BufferHandle,
    col: BufferHandle | null,
    numGroups: number,
    argmax: BufferHandle | null,
    xRows: number,
  ): BufferHandle;
  computeSoftmax(x: BufferHandle, rows: number, cols: number, log: boolean): BufferHandle;
  computeSoftmaxBackward(
    y: BufferHandle,
    dy: BufferHandle,
    rows: number,
    cols: number,
    log: boolean,
  ): BufferHandle;
  computeLoss(kind: number, pred: BufferHandle, target: BufferHandle, param: number): BufferHandle;
  computeLossBackward(
    kind: number,
    pred: BufferHandle,
    target: BufferHandle,
    param: number,
    dloss: BufferHandle,
  ): BufferHandle;
  computeCrossEntropy(
    logits: BufferHandle,
    labels: BufferHandle,
    rows: number,
    cols: number,
  ): BufferHandle;
  computeCrossEntropyBackward(
    logits: BufferHandle,
    labels: BufferHandle,
    rows: number,
    cols: number,
    dloss: BufferHandle,
  ): BufferHandle;
  computeSumAll(x: BufferHandle, squares: boolean): BufferHandle;
  computeAdamStep(
    param: BufferHandle,
    grad: BufferHandle,
    m: BufferHandle,
    v: BufferHandle,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    decoupled: boolean,
    step: number,
  ): void;
}

/** Names of the entry points declared above, for the mirror check. */
export const computeBindingNames: readonly string[] = [
  'computeUpload',
  'computeFill',
  'computeRelease',
  'computeDownload',
  'computeDownloadSync',
  'computeFinish',
  'computeFinishSync',
  'computeStats',
  'computeSetThreads',
  'computeTrimPool',
  'computeMatmul',
  'computeBinary',
  'computeSumRows',
  'computeUnary',
  'computeUnaryBackward',
  'computeScale',
  'computeDropout',
  'computeLayerNorm',
  'computeLayerNormBackward',
  'computeConcatCols',
  'computeSliceCols',
  'computeGatherRows',
  'computeScatterAddRows',
  'computeSegmentReduce',
  'computeSegmentReduceBackward',
  'computeSoftmax',
  'computeSoftmaxBackward',
  'computeLoss',
  'computeLossBackward',
  'computeCrossEntropy',
  'computeCrossEntropyBackward',
  'computeSumAll',
  'computeAdamStep',
];
