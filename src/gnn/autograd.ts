// SPDX-License-Identifier: Apache-2.0
// Reverse-mode autograd over a tape. Every op on tensors that need gradients records a tape
// node (inputs, backward closure, sequence number). `backward(loss, params)` replays the nodes
// reachable from the loss in reverse recording order, sums gradients that meet at a tensor,
// frees every intermediate gradient, and returns the gradients of the requested parameters.
import { raise } from '../errors/index.js';
import type { Storage } from './backend.js';
import { Tensor, nextTapeSeq, type RowSparseGrad, type TapeNode } from './tensor.js';

export type Gradient = Tensor | RowSparseGrad;

let gradEnabled = true;

/** Runs fn without recording tape nodes (inference, optimiser updates, backward itself). */
export function noGrad<T>(fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

/** A new tensor on a's backend holding `storage`. */
export function wrap(like: Tensor, storage: Storage, shape: readonly number[]): Tensor {
  return new Tensor(like.backend, storage, shape);
}

/** Whether backward needs a gradient for t (a parameter, or made from one). */
export function needsGrad(t: Tensor): boolean {
  return t.requiresGrad || t.node !== null;
}

/** Attaches a tape node to `out` when recording is on and an input needs a gradient. */
export function record(
  op: string,
  out: Tensor,
  inputs: readonly Tensor[],
  backward: TapeNode['backward'],
): Tensor {
  if (gradEnabled && inputs.some(needsGrad)) {
    out.node = { op, seq: nextTapeSeq(), inputs, backward };
  }
  return out;
}

export function isRowSparse(g: Gradient): g is RowSparseGrad {
  return (g as RowSparseGrad).kind === 'rowSparse';
}

/** The dense form of a gradient (a row-sparse one is scattered into its table's shape). */
export function densify(g: Gradient): Tensor {
  if (!isRowSparse(g)) return g;
  const b = g.values.backend;
  const cols = g.values.cols;
  const s = b.scatterAddRows(g.values.storage, cols, g.rows.storage, g.tableRows);
  return new Tensor(b, s, [g.tableRows, cols]);
}

function disposeGrad(g: Gradient): void {
  if (isRowSparse(g)) {
    g.rows.dispose();
    g.values.dispose();
  } else g.dispose();
}

function accumulate(into: Gradient | undefined, g: Gradient): Gradient {
  if (into === undefined) return g;
  const a = densify(into);
  const b = densify(g);
  const sum = new Tensor(
    a.backend,
    a.backend.binary('add', a.storage, b.storage, a.rows, a.cols),
    a.shape,
  );
  for (const t of [into, g, a, b]) disposeGrad(t);
  return sum;
}

/**
 * Gradients of a one-element `loss` with respect to `params` (tensors with requiresGrad). A
 * parameter the loss does not depend on gets no entry. The caller disposes the gradients (or
 * lets the enclosing scope do it).
 */
export function backward(loss: Tensor, params: readonly Tensor[]): Map<Tensor, Gradient> {
  if (loss.size !== 1) {
    raise('GNN_SHAPE_MISMATCH', {
      op: 'backward',
      expected: 'a one-element loss',
      shapes: [loss.shape],
    });
  }
  if (loss.node === null && !loss.requiresGrad) {
    raise('GNN_NO_GRADIENT', {
      op: 'backward',
      detail: 'the loss does not depend on any parameter',
    });
  }

  // Collect the tensors with tape nodes reachable from the loss.
  const made: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack = [loss];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    if (t.node !== null) {
      made.push(t);
      stack.push(...t.node.inputs);
    }
  }
  made.sort((a, b) => b.node!.seq - a.node!.seq);

  const wanted = new Set(params);
  const grads = new Map<Tensor, Gradient>();
  return noGrad(() => {
    grads.set(loss, new Tensor(loss.backend, loss.backend.fill(1, 1), loss.shape));
    for (const t of made) {
      const g = grads.get(t);
      if (g === undefined) continue;
      const dense = densify(g);
      if (dense !== g) disposeGrad(g);
      const inputGrads = t.node!.backward(dense);
      if (!wanted.has(t)) {
        grads.delete(t);
        dense.dispose();
      } else grads.set(t, dense);
      t.node!.inputs.forEach((input, i) => {
        const gi = inputGrads[i];
        if (gi === null || gi === undefined) return;
        if (input.node === null && !wanted.has(input)) {
          disposeGrad(gi);
          return;
        }
        grads.set(input, accumulate(grads.get(input), gi));
      });
    }
    for (const [t, g] of grads) {
      if (!wanted.has(t)) {
        disposeGrad(g);
        grads.delete(t);
      }
    }
    return grads;
  });
}
