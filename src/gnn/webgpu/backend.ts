// SPDX-License-Identifier: Apache-2.0
// The WebGPU compute backend: the Backend contract (../backend.ts) over WGSL programs in
// kernels/, run through Dawn. Create it with `await WebGpuBackend.create()`; every backend has its
// own device on the process's shared Dawn instance (device.ts), and `close()` destroys the device
// once its queue has drained.
import type {
  AdamParams,
  Backend,
  BinaryOp,
  LossKind,
  SegmentReduce,
  Storage,
  UnaryOp,
} from '../backend.js';
import { GpuContext, type GpuStorage } from './context.js';
import { acquireDevice, type AdapterDescription, type DeviceOptions } from './device.js';
import { raise } from '../../errors/index.js';
import type { PoolStats } from './buffer-pool.js';
import * as dense from './ops-dense.js';
import * as graph from './ops-graph.js';
import * as rows from './ops-rows.js';

/** Workgroups of 256 a strided elementwise dispatch may use (see GpuContext). */
const SOFTWARE_LINE_GROUPS = 256;
const HARDWARE_LINE_GROUPS = 16_384;

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu' as const;

  private constructor(
    private readonly ctx: GpuContext,
    /** The adapter in use; `software` marks lavapipe-like CPU adapters. */
    readonly adapter: AdapterDescription,
    private readonly releaseDevice: () => void,
  ) {}

  private closing: Promise<void> | null = null;

  /** Requests an adapter and device; rejects with WEBGPU_NO_ADAPTER when there is none. */
  static async create(options: DeviceOptions = {}): Promise<WebGpuBackend> {
    const acquired = await acquireDevice(options);
    const cap = acquired.adapter.software ? SOFTWARE_LINE_GROUPS : HARDWARE_LINE_GROUPS;
    const ctx = new GpuContext(acquired.device, cap);
    return new WebGpuBackend(ctx, acquired.adapter, acquired.release);
  }

  // Memory.

  upload(data: Float32Array | Float64Array | Int32Array, dtype: 'float32' | 'int32'): Storage {
    const values = dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
    const host = values instanceof Int32Array ? values : null;
    const s = this.ctx.alloc('upload', dtype, values.length, host);
    this.ctx.write(s, values);
    return s;
  }

  async download(s: Storage): Promise<Float32Array | Int32Array> {
    const own = this.own('download', s);
    const bytes = await this.ctx.read(own);
    return own.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  zeros(length: number, dtype: 'float32' | 'int32'): Storage {
    const host = dtype === 'int32' ? new Int32Array(length) : null;
    const s = this.ctx.alloc('zeros', dtype, length, host);
    this.ctx.clear(s);
    return s;
  }

  fill(length: number, value: number): Storage {
    return dense.fill(this.ctx, length, value);
  }

  release(s: Storage): void {
    this.ctx.free(this.own('release', s));
  }

  stats(): { liveStorages: number; liveBytes: number } {
    return { liveStorages: this.ctx.liveStorages, liveBytes: this.ctx.liveBytes };
  }

  /** Largest storage, in bytes, this device can bind (the adapter's limit). */
  get maxBufferBytes(): number {
    return this.ctx.maxBindingBytes;
  }

  /** GPU buffers held by the pool, and pipelines compiled (for leak checks and tuning). */
  poolStats(): PoolStats & { pipelines: number } {
    return { ...this.ctx.pool.stats(), pipelines: this.ctx.programs.size };
  }

  // Dense algebra and elementwise.

  matmul(
    a: Storage,
    aShape: [number, number],
    transA: boolean,
    b: Storage,
    bShape: [number, number],
    transB: boolean,
  ): Storage {
    const [ga, gb] = [this.own('matmul', a), this.own('matmul', b)];
    return dense.matmul(this.ctx, ga, aShape, transA, gb, bShape, transB);
  }

  binary(op: BinaryOp, a: Storage, b: Storage, rowCount: number, cols: number): Storage {
    return dense.binary(this.ctx, op, this.own(op, a), this.own(op, b), rowCount, cols);
  }

  sumRows(a: Storage, rowCount: number, cols: number): Storage {
    return dense.sumRows(this.ctx, this.own('sumRows', a), rowCount, cols);
  }

  unary(op: UnaryOp, x: Storage, alpha?: number): Storage {
    return dense.unary(this.ctx, op, this.own(op, x), alpha);
  }

  unaryBackward(op: UnaryOp, x: Storage, y: Storage, dy: Storage, alpha?: number): Storage {
    const name = `${op}Backward`;
    const [gx, gy, gdy] = [this.own(name, x), this.own(name, y), this.own(name, dy)];
    return dense.unaryBackward(this.ctx, op, gx, gy, gdy, alpha);
  }

  scale(x: Storage, factor: number): Storage {
    return dense.scale(this.ctx, this.own('scale', x), factor);
  }

  dropout(x: Storage, p: number, seed: number): { y: Storage; mask: Storage } {
    return dense.dropout(this.ctx, this.own('dropout', x), p, seed);
  }

  // Rows and features.

  layerNorm(
    x: Storage,
    gamma: Storage,
    beta: Storage,
    rowCount: number,
    cols: number,
    eps: number,
  ) {
    const op = 'layerNorm';
    const [gx, gg, gb] = [this.own(op, x), this.own(op, gamma), this.own(op, beta)];
    return rows.layerNorm(this.ctx, gx, gg, gb, rowCount, cols, eps);
  }

  layerNormBackward(
    x: Storage,
    gamma: Storage,
    mean: Storage,
    rstd: Storage,
    dy: Storage,
    rowCount: number,
    cols: number,
  ) {
    const op = 'layerNormBackward';
    const [gx, gg, gm, gr, gdy] = [x, gamma, mean, rstd, dy].map((s) => this.own(op, s));
    return rows.layerNormBackward(this.ctx, gx, gg, gm, gr, gdy, rowCount, cols);
  }

  concatCols(parts: { s: Storage; cols: number }[], rowCount: number): Storage {
    const owned = parts.map((p) => ({ s: this.own('concatCols', p.s), cols: p.cols }));
    const total = owned.reduce((sum, p) => sum + p.cols, 0);
    const dtype = owned[0]?.s.dtype ?? 'float32';
    const out = this.ctx.alloc('concatCols', dtype, rowCount * total);
    let offset = 0;
    for (const p of owned) {
      rows.copyCols(this.ctx, p.s, p.cols, 0, out, total, offset, rowCount, p.cols);
      offset += p.cols;
    }
    return out;
  }

  sliceCols(x: Storage, rowCount: number, cols: number, start: number, end: number): Storage {
    const gx = this.own('sliceCols', x);
    if (!(
      Number.isInteger(start) &&
      Number.isInteger(end) &&
      0 <= start &&
      start <= end &&
      end <= cols
    )) {
      raise('GNN_INDEX_RANGE', {
        op: 'sliceCols',
        detail: `[${start}, ${end}) of ${cols} columns`,
      });
    }
    const out = this.ctx.alloc('sliceCols', gx.dtype, rowCount * (end - start));
    rows.copyCols(this.ctx, gx, cols, start, out, end - start, 0, rowCount, end - start);
    return out;
  }

  gatherRows(x: Storage, cols: number, index: Storage, numRows: number): Storage {
    const [gx, gi] = [this.own('gatherRows', x), this.own('gatherRows', index)];
    return graph.gatherRows(this.ctx, gx, cols, gi, numRows);
  }

  scatterAddRows(dy: Storage, cols: number, index: Storage, outRows: number): Storage {
    const [gdy, gi] = [this.own('scatterAddRows', dy), this.own('scatterAddRows', index)];
    return graph.scatterAddRows(this.ctx, gdy, cols, gi, outRows);
  }

  segmentReduce(
    op: SegmentReduce,
    x: Storage,
    cols: number,
    rowptr: Storage,
    col: Storage | null,
    numGroups: number,
  ): { y: Storage; argmax: Storage | null } {
    const name = 'segmentReduce';
    const [gx, gr] = [this.own(name, x), this.own(name, rowptr)];
    const gc = col === null ? null : this.own(name, col);
    return graph.segmentReduce(this.ctx, op, gx, cols, gr, gc, numGroups);
  }

  segmentReduceBackward(
    op: SegmentReduce,
    dy: Storage,
    cols: number,
    rowptr: Storage,
    col: Storage | null,
    numGroups: number,
    argmax: Storage | null,
    xRows: number,
  ): Storage {
    const name = 'segmentReduceBackward';
    const [gdy, gr] = [this.own(name, dy), this.own(name, rowptr)];
    const gc = col === null ? null : this.own(name, col);
    const ga = argmax === null ? null : this.own(name, argmax);
    if (op === 'max' && ga === null) {
      raise('GNN_BAD_ARGUMENT', {
        op: name,
        arg: 'argmax',
        expected: 'the argmax of segmentReduce max',
        received: null,
      });
    }
    return graph.segmentReduceBackward(this.ctx, op, gdy, cols, gr, gc, numGroups, ga, xRows);
  }

  softmax(x: Storage, rowCount: number, cols: number, log: boolean): Storage {
    return rows.softmax(this.ctx, this.own('softmax', x), rowCount, cols, log);
  }

  softmaxBackward(y: Storage, dy: Storage, rowCount: number, cols: number, log: boolean): Storage {
    const [gy, gdy] = [this.own('softmaxBackward', y), this.own('softmaxBackward', dy)];
    return rows.softmaxBackward(this.ctx, gy, gdy, rowCount, cols, log);
  }

  // Losses, reductions, optimiser.

  loss(kind: LossKind, pred: Storage, target: Storage, param: number): Storage {
    return rows.loss(this.ctx, kind, this.own(kind, pred), this.own(kind, target), param);
  }

  lossBackward(
    kind: LossKind,
    pred: Storage,
    target: Storage,
    param: number,
    dloss: Storage,
  ): Storage {
    const op = `${kind}Backward`;
    const [gp, gt, gd] = [this.own(op, pred), this.own(op, target), this.own(op, dloss)];
    return rows.lossBackward(this.ctx, kind, gp, gt, param, gd);
  }

  crossEntropy(logits: Storage, labels: Storage, rowCount: number, cols: number): Storage {
    const [gl, gy] = [this.own('crossEntropy', logits), this.own('crossEntropy', labels)];
    return rows.crossEntropy(this.ctx, gl, gy, rowCount, cols);
  }

  crossEntropyBackward(
    logits: Storage,
    labels: Storage,
    rowCount: number,
    cols: number,
    dloss: Storage,
  ): Storage {
    const op = 'crossEntropyBackward';
    const [gl, gy, gd] = [this.own(op, logits), this.own(op, labels), this.own(op, dloss)];
    return rows.crossEntropyBackward(this.ctx, gl, gy, rowCount, cols, gd);
  }

  sumAll(x: Storage): Storage {
    return dense.reduceAll(this.ctx, this.own('sumAll', x), false);
  }

  sumSquares(x: Storage): Storage {
    return dense.reduceAll(this.ctx, this.own('sumSquares', x), true);
  }

  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, p: AdamParams): void {
    const [gp, gg, gm, gv] = [param, grad, m, v].map((s) => this.own('adamStep', s));
    dense.adamStep(this.ctx, gp, gg, gm, gv, p);
  }

  // Lifetime.

  async sync(): Promise<void> {
    this.ctx.checkOpen('sync');
    await this.ctx.sync();
  }

  /**
   * Refuses every later call at once (WEBGPU_CLOSED); resolves once the work already submitted
   * has finished and the device is destroyed. Awaiting is optional; calling again returns the
   * same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.ctx.close().finally(this.releaseDevice);
    return this.closing;
  }

  private own(op: string, s: Storage): GpuStorage {
    this.ctx.checkOpen(op);
    return this.ctx.own(op, s);
  }
}
