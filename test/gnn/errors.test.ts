// Bad inputs fail with registry codes that name the operation, on both backends.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/gnn/backend.js';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { createReferenceBackend } from '../../src/gnn/reference-backend.js';
import { backward } from '../../src/gnn/autograd.js';
import { embedding, gatherRows, segmentMean } from '../../src/gnn/graph-ops.js';
import { crossEntropy, bceWithLogits, huberLoss, mseLoss } from '../../src/gnn/loss-ops.js';
import { add, concat, dropout, layerNorm, matmul, mul, slice, sum } from '../../src/gnn/ops.js';
import { Adam } from '../../src/gnn/optim.js';
import {
  Tensor,
  full,
  indexTensor,
  liveTensors,
  parameter,
  scope,
  tensor,
} from '../../src/gnn/tensor.js';

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

const backends: [string, () => Backend][] = [
  ['reference', createReferenceBackend],
  ['cpu', createCpuBackend],
];

describe.each(backends)('bad input on %s', (_, make) => {
  it('rejects shapes that do not fit, naming the op and shapes', async () => {
    const b = make();
    const before = liveTensors();
    try {
      await scope(async () => {
        const a = full(b, [3, 4], 1);
        const c = full(b, [5, 2], 1);
        expect(await codeOf(() => matmul(a, c))).toBe('GNN_SHAPE_MISMATCH');
        expect(await codeOf(() => matmul(a, c, true, false))).toBe('GNN_SHAPE_MISMATCH');
        expect(await codeOf(() => add(a, c))).toBe('GNN_SHAPE_MISMATCH');
        expect(await codeOf(() => mul(a, full(b, [1, 3], 1)))).toBe('GNN_SHAPE_MISMATCH');
        expect(await codeOf(() => concat([a, c]))).toBe('GNN_SHAPE_MISMATCH');
        expect(await codeOf(() => concat([]))).toBe('GNN_SHAPE_MISMATCH');
        expect(await codeOf(() => slice(a, 2, 5))).toBe('GNN_SHAPE_MISMATCH');
        expect(await codeOf(() => slice(a, 3, 2))).toBe('GNN_SHAPE_MISMATCH');
        expect(await codeOf(() => layerNorm(a, full(b, [1, 3], 1), full(b, [1, 4], 0)))).toBe(
          'GNN_SHAPE_MISMATCH',
        );
        expect(await codeOf(() => mseLoss(a, c))).toBe('GNN_SHAPE_MISMATCH');
        expect(await codeOf(() => crossEntropy(a, indexTensor(b, [0, 1])))).toBe(
          'GNN_SHAPE_MISMATCH',
        );
        expect(await codeOf(() => tensor(b, [1, 2, 3], [2, 2]))).toBe('GNN_SHAPE_MISMATCH');
        // Dimensions must be non-negative integers, whatever the data length.
        expect(await codeOf(() => tensor(b, [], [-1, 0]))).toBe('GNN_BAD_ARGUMENT');
        expect(await codeOf(() => tensor(b, [1, 2], [0.5, 4]))).toBe('GNN_BAD_ARGUMENT');
        expect(await codeOf(() => full(b, [2, -3], 0))).toBe('GNN_BAD_ARGUMENT');
        expect(await codeOf(() => a.item())).toBe('GNN_SHAPE_MISMATCH');
        const csr = { rowptr: indexTensor(b, [0, 1]), col: null, numGroups: 2 };
        expect(await codeOf(() => segmentMean(a, csr))).toBe('GNN_SHAPE_MISMATCH');
        try {
          matmul(a, c);
        } catch (err) {
          expect(String((err as Error).message)).toContain('matmul');
          expect(String((err as Error).message)).toContain('[3, 4]');
        }
      });
    } finally {
      b.close();
    }
    expect(liveTensors()).toBe(before);
  });

  it('rejects indices out of range with GNN_INDEX_RANGE', async () => {
    const b = make();
    try {
      await scope(async () => {
        const x = full(b, [3, 2], 1);
        const run = async (fn: () => { data(): Promise<unknown> }) =>
          codeOf(async () => {
            await fn().data();
          });
        expect(await run(() => gatherRows(x, indexTensor(b, [0, 3])))).toBe('GNN_INDEX_RANGE');
        expect(await run(() => gatherRows(x, indexTensor(b, [-1])))).toBe('GNN_INDEX_RANGE');
        expect(await run(() => embedding(x, Int32Array.of(5)))).toBe('GNN_INDEX_RANGE');
        const bad = { rowptr: indexTensor(b, [0, 2, 1]), col: null, numGroups: 2 };
        expect(await run(() => segmentMean(x, bad))).toBe('GNN_INDEX_RANGE');
        const badCol = {
          rowptr: indexTensor(b, [0, 1, 2]),
          col: indexTensor(b, [0, 9]),
          numGroups: 2,
        };
        expect(await run(() => segmentMean(x, badCol))).toBe('GNN_INDEX_RANGE');
        expect(await run(() => crossEntropy(x, indexTensor(b, [0, 1, 2])))).toBe('GNN_INDEX_RANGE');
      });
    } finally {
      b.close();
    }
  });

  it('rejects NaN inputs, bad parameters, disposed and foreign tensors', async () => {
    const b = make();
    const other = createReferenceBackend();
    try {
      await scope(async () => {
        expect(await codeOf(() => tensor(b, [1, NaN], [1, 2]))).toBe('GNN_NAN');
        expect(await codeOf(() => tensor(b, [Infinity], [1, 1]))).toBe('GNN_NAN');
        const x = full(b, [2, 2], 1);
        expect(await codeOf(() => dropout(x, 1, 0))).toBe('GNN_BAD_ARGUMENT');
        expect(await codeOf(() => bceWithLogits(x, x, 0))).toBe('GNN_BAD_ARGUMENT');
        expect(await codeOf(() => huberLoss(x, x, -1))).toBe('GNN_BAD_ARGUMENT');
        expect(await codeOf(() => add(x, full(other, [2, 2], 1)))).toBe('GNN_BACKEND_MISMATCH');
        expect(await codeOf(() => gatherRows(x, full(b, [1, 1], 0)))).toBe('GNN_DTYPE_MISMATCH');
        const gone = full(b, [2, 2], 1);
        gone.dispose();
        gone.dispose();
        expect(await codeOf(() => add(x, gone))).toBe('GNN_DISPOSED');
        expect(await codeOf(() => backward(x, []))).toBe('GNN_SHAPE_MISMATCH');
        expect(await codeOf(() => backward(sum(x), []))).toBe('GNN_NO_GRADIENT');
      });
    } finally {
      b.close();
      other.close();
    }
  });

  it('refuses a NaN gradient without touching the parameters', async () => {
    const b = make();
    const w = parameter(b, [1, 2], [1, 2]);
    const opt = new Adam([w], { lr: 0.1 });
    try {
      await scope(async () => {
        const loss = sum(mul(w, tensor(b, [1, 1], [1, 2])));
        const grads = backward(loss, [w]);
        // Poison the gradient: NaN * g.
        const g = grads.get(w) as Tensor;
        grads.set(w, mul(g, full(b, [1, 1], NaN)));
        g.dispose();
        expect(await codeOf(() => opt.update(grads))).toBe('GNN_NAN');
        expect(Array.from(await w.data())).toEqual([1, 2]);
      });
    } finally {
      opt.dispose();
      w.dispose();
      b.close();
    }
  });
});
