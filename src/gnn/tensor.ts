// SPDX-License-Identifier: Apache-2.0
// Tensors: a shape, a dtype and backend storage. Float tensors are matrices [rows, cols] (a
// vector is [1, n] or [n, 1], a scalar [1, 1]); index tensors are int32 vectors [n]. A tensor is
// freed by `dispose()`; `scope(fn)` disposes every tensor made inside fn except the ones it
// returns, so a training step cannot leak. `liveTensors()` counts undisposed tensors.
import { raise } from '../errors/index.js';
import type { Backend, Storage } from './backend.js';

/** The node that made a tensor: its inputs and how to send a gradient back to them. */
export interface TapeNode {
  readonly op: string;
  readonly seq: number;
  readonly inputs: readonly Tensor[];
  /** Gradients of the inputs (null where not needed) from the gradient of the output. */
  backward(grad: Tensor): (Tensor | RowSparseGrad | null)[];
}

/** A gradient that touches only some rows of a table (embedding lookups). */
export interface RowSparseGrad {
  readonly kind: 'rowSparse';
  /** Distinct row ids, int32 [u]. */
  readonly rows: Tensor;
  /** Gradient rows, [u, cols]. */
  readonly values: Tensor;
  /** Rows of the full table. */
  readonly tableRows: number;
}

let live = 0;
let nextSeq = 0;
const scopes: Set<Tensor>[] = [];

export class Tensor {
  private storage_: Storage | null;
  /** Set on tensors whose gradient is wanted (parameters); ops on them record tape nodes. */
  requiresGrad = false;
  /** The tape node that made this tensor, when it was made from tensors needing gradients. */
  node: TapeNode | null = null;

  constructor(
    readonly backend: Backend,
    storage: Storage,
    readonly shape: readonly number[],
  ) {
    this.storage_ = storage;
    live++;
    scopes[scopes.length - 1]?.add(this);
  }

  get dtype(): 'float32' | 'int32' {
    return this.storage.dtype;
  }
  get rows(): number {
    return this.shape[0]!;
  }
  get cols(): number {
    return this.shape.length > 1 ? this.shape[1]! : 1;
  }
  get size(): number {
    return this.shape.reduce((a, d) => a * d, 1);
  }
  get disposed(): boolean {
    return this.storage_ === null;
  }

  /** The backend storage; throws GNN_DISPOSED after dispose(). */
  get storage(): Storage {
    if (this.storage_ === null) raise('GNN_DISPOSED', { op: 'tensor', shape: this.shape });
    return this.storage_;
  }

  /** Frees the storage now. Disposing twice is harmless. */
  dispose(): void {
    if (this.storage_ === null) return;
    this.backend.release(this.storage_);
    this.storage_ = null;
    this.node = null;
    live--;
    for (const s of scopes) s.delete(this);
  }

  /** Downloads the values. */
  async data(): Promise<Float32Array | Float64Array | Int32Array> {
    return this.backend.download(this.storage);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) {
      raise('GNN_SHAPE_MISMATCH', { op: 'item', expected: 'one element', shapes: [this.shape] });
    }
    return (await this.data())[0]!;
  }

  /** Keeps this tensor alive past the end of the enclosing scopes. */
  keep(): this {
    for (const s of scopes) s.delete(this);
    return this;
  }
}

/** Number of tensors created and not yet disposed (all backends). */
export function liveTensors(): number {
  return live;
}

/** Sequence number for tape nodes: backward visits nodes in decreasing order. */
export function nextTapeSeq(): number {
  return nextSeq++;
}

function collect(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collect(v, into);
  else if (value instanceof Map) for (const v of value.values()) collect(v, into);
  else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) collect(v, into);
  }
}

function closeScope(scope: Set<Tensor>, result: unknown): void {
  const index = scopes.lastIndexOf(scope);
  if (index >= 0) scopes.splice(index, 1);
  const kept = new Set<Tensor>();
  collect(result, kept);
  for (const t of scope) if (!kept.has(t)) t.dispose();
  // Returned tensors belong to the enclosing scope now.
  const parent = scopes[scopes.length - 1];
  if (parent !== undefined) for (const t of kept) if (!t.disposed) parent.add(t);
}

/**
 * Runs fn and disposes every tensor created inside it, except tensors in its result (a tensor,
 * or arrays, maps and plain objects holding tensors) and tensors marked with keep(). Works with
 * async fn; scopes must then be awaited one at a time, not interleaved.
 */
export function scope<T>(fn: () => T): T {
  const s = new Set<Tensor>();
  scopes.push(s);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    closeScope(s, undefined);
    throw err;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        closeScope(s, value);
        return value;
      },
      (err) => {
        closeScope(s, undefined);
        throw err;
      },
    ) as T;
  }
  closeScope(s, result);
  return result;
}

function checkFinite(op: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) raise('GNN_NAN', { op, what: `input element ${i}` });
  }
}

/** Throws GNN_BAD_ARGUMENT unless every dimension of `shape` is a non-negative integer. */
function checkShape(op: string, shape: readonly number[]): void {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    raise('GNN_BAD_ARGUMENT', {
      op,
      arg: 'shape',
      expected: 'non-negative integers',
      received: `[${shape.join(', ')}]`,
    });
  }
}

/** A float tensor [rows, cols] from host values; NaN or infinity throws GNN_NAN. */
export function tensor(
  backend: Backend,
  data: ArrayLike<number>,
  shape: readonly [number, number],
): Tensor {
  checkShape('tensor', shape);
  if (data.length !== shape[0] * shape[1]) {
    raise('GNN_SHAPE_MISMATCH', {
      op: 'tensor',
      expected: `${shape[0] * shape[1]} values for [${shape.join(', ')}]`,
      shapes: [[data.length]],
    });
  }
  checkFinite('tensor', data);
  const typed =
    data instanceof Float32Array || data instanceof Float64Array ? data : Float64Array.from(data);
  return new Tensor(backend, backend.upload(typed, 'float32'), shape);
}

/** An int32 index tensor [n] from host values. */
export function indexTensor(backend: Backend, data: ArrayLike<number>): Tensor {
  const typed = data instanceof Int32Array ? data : Int32Array.from(data);
  return new Tensor(backend, backend.upload(typed, 'int32'), [typed.length]);
}

/** A float tensor of `shape` filled with value. */
export function full(backend: Backend, shape: readonly [number, number], value: number): Tensor {
  checkShape('full', shape);
  return new Tensor(backend, backend.fill(shape[0] * shape[1], value), shape);
}

/** A trainable parameter: a tensor that keeps its gradient and lives outside every scope. */
export function parameter(
  backend: Backend,
  data: ArrayLike<number>,
  shape: readonly [number, number],
): Tensor {
  const t = tensor(backend, data, shape).keep();
  t.requiresGrad = true;
  return t;
}
