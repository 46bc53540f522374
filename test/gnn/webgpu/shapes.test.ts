// SPDX-License-Identifier: Apache-2.0
// WebGPU kernels on shapes the small cases do not reach: sizes that are not multiples of the
// workgroup or tile, reductions that take several passes, more than 65535 workgroups (a 2-D
// dispatch), empty segments and single rows, checked against float64 loops and the reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, Storage } from '../../../src/gnn/backend.js';
import { createReferenceBackend } from '../../../src/gnn/reference-backend.js';
import { WebGpuBackend } from '../../../src/gnn/webgpu/backend.js';
import { expectClose, matmul64, randomFloats, randomInts, take } from './helpers.js';

let gpu: WebGpuBackend;
const ref = createReferenceBackend();

beforeAll(async () => {
  gpu = await WebGpuBackend.create();
});
afterAll(() => gpu?.close());

/** Runs `op` on both backends with the same uploaded inputs; compares every output. */
async function sameAsReference(
  inputs: (Float32Array | Int32Array)[],
  op: (b: Backend, s: Storage[]) => Storage[],
  abs = 1e-4,
  rel = 1e-4,
): Promise<void> {
  const up = (b: Backend) =>
    inputs.map((x) => b.upload(x, x instanceof Int32Array ? 'int32' : 'float32'));
  const [gs, rs] = [up(gpu), up(ref)];
  try {
    const [go, ro] = [op(gpu, gs), op(ref, rs)];
    for (let i = 0; i < go.length; i++) {
      expectClose(await take(gpu, go[i]), await take(ref, ro[i]), abs, rel);
    }
  } finally {
    gs.forEach((s) => gpu.release(s));
    rs.forEach((s) => ref.release(s));
  }
}

describe('webgpu kernels on awkward shapes', () => {
  it('matmul matches float64 for every transpose on tiles cut by the matrix edge', async () => {
    const [m, k, n] = [70, 131, 67];
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = randomFloats(m * k, 1);
      const b = randomFloats(k * n, 2);
      const aShape: [number, number] = ta ? [k, m] : [m, k];
      const bShape: [number, number] = tb ? [n, k] : [k, n];
      const [ga, gb] = [gpu.upload(a, 'float32'), gpu.upload(b, 'float32')];
      const got = await take(gpu, gpu.matmul(ga, aShape, ta, gb, bShape, tb));
      gpu.release(ga);
      gpu.release(gb);
      expectClose(got, matmul64(a, aShape, ta, b, bShape, tb), 1e-4, 1e-4);
    }
  });

  it('sumRows and sumAll take several passes on long inputs and match float64', async () => {
    const [rows, cols] = [70_001, 3];
    const x = randomFloats(rows * cols, 3);
    const want = new Float64Array(cols);
    x.forEach((v, i) => (want[i % cols] += v));
    const gx = gpu.upload(x, 'float32');
    expectClose(await take(gpu, gpu.sumRows(gx, rows, cols)), want, 1e-2, 1e-4);
    const total = x.reduce((s, v) => s + v, 0);
    const squares = x.reduce((s, v) => s + v * v, 0);
    expectClose(await take(gpu, gpu.sumAll(gx)), [total], 1e-2, 1e-4);
    expectClose(await take(gpu, gpu.sumSquares(gx)), [squares], 1e-2, 1e-4);
    gpu.release(gx);
  });

  it('runs more than 65535 workgroups as a 2-D dispatch (layer norm, one group a row)', async () => {
    const rows = 65_600;
    await sameAsReference(
      [randomFloats(rows * 2, 4), Float32Array.from([1.5, -1]), Float32Array.from([0.1, 0.2])],
      (b, [x, g, bb]) => {
        const r = b.layerNorm(x, g, bb, rows, 2, 1e-5);
        return [r.y, r.mean, r.rstd];
      },
      1e-3,
      1e-3,
    );
  });

  it('layer norm forward and backward on rows wider than the workgroup', async () => {
    const [rows, cols] = [300, 130];
    const inputs = [randomFloats(rows * cols, 5), randomFloats(cols, 6), randomFloats(cols, 7)];
    await sameAsReference([...inputs, randomFloats(rows * cols, 8)], (b, [x, g, bb, dy]) => {
      const f = b.layerNorm(x, g, bb, rows, cols, 1e-5);
      const r = b.layerNormBackward(x, g, f.mean, f.rstd, dy, rows, cols);
      [f.y, f.mean, f.rstd].forEach((s) => b.release(s));
      return [r.dx, r.dgamma, r.dbeta];
    });
  });

  it('segment sum / mean / max and their gradients with empty groups and repeated rows', async () => {
    // 300 groups over 500 x rows: group sizes 0..6, a row may repeat within a group.
    const numGroups = 300;
    const sizes = randomInts(numGroups, 7, 9);
    const rowptr = new Int32Array(numGroups + 1);
    sizes.forEach((s, g) => (rowptr[g + 1] = rowptr[g] + s));
    const col = randomInts(rowptr[numGroups], 500, 10);
    const cols = 5;
    for (const op of ['sum', 'mean', 'max'] as const) {
      await sameAsReference(
        [randomFloats(500 * cols, 11), rowptr, col, randomFloats(numGroups * cols, 12)],
        (b, [x, rp, c, dy]) => {
          const f = b.segmentReduce(op, x, cols, rp, c, numGroups);
          const dx = b.segmentReduceBackward(op, dy, cols, rp, c, numGroups, f.argmax, 500);
          return f.argmax === null ? [f.y, dx] : [f.y, f.argmax, dx];
        },
      );
    }
  });

  it('segment reductions without col over a single row and over no rows', async () => {
    await sameAsReference(
      [
        Float32Array.from([3, -1]),
        Int32Array.from([0, 0, 1, 1]),
        Float32Array.from([1, 2, 3, 4, 5, 6]),
      ],
      (b, [x, rp, dy]) => {
        const f = b.segmentReduce('max', x, 2, rp, null, 3);
        const dx = b.segmentReduceBackward('max', dy, 2, rp, null, 3, f.argmax, 1);
        return [f.y, f.argmax!, dx];
      },
    );
  });

  it('gather and scatter-add over 1000 indices with repeats; scatter-add is bit-identical on reruns', async () => {
    const [xRows, cols, n] = [97, 33, 1000];
    const index = randomInts(n, xRows, 13);
    await sameAsReference([randomFloats(xRows * cols, 14), index], (b, [x, i]) => [
      b.gatherRows(x, cols, i, xRows),
    ]);
    const dy = randomFloats(n * cols, 15);
    await sameAsReference([dy, index], (b, [d, i]) => [b.scatterAddRows(d, cols, i, xRows)]);

    const [gdy, gi] = [gpu.upload(dy, 'float32'), gpu.upload(index, 'int32')];
    const first = await take(gpu, gpu.scatterAddRows(gdy, cols, gi, xRows));
    const second = await take(gpu, gpu.scatterAddRows(gdy, cols, gi, xRows));
    gpu.release(gdy);
    gpu.release(gi);
    expect(new Float32Array(second)).toEqual(new Float32Array(first));
  });

  it('gathers, concatenates and slices int32 tensors as well as float32', async () => {
    const x = gpu.upload(Int32Array.from([10, 11, 20, 21, 30, 31]), 'int32');
    const i = gpu.upload(Int32Array.from([2, 0, 2]), 'int32');
    const g = gpu.gatherRows(x, 2, i, 3);
    expect(await gpu.download(g)).toEqual(Int32Array.from([30, 31, 10, 11, 30, 31]));
    const c = gpu.concatCols(
      [
        { s: x, cols: 2 },
        { s: g, cols: 2 },
      ],
      3,
    );
    expect(await take(gpu, gpu.sliceCols(c, 3, 4, 1, 3))).toEqual([11, 30, 21, 10, 31, 30]);
    [x, i, g, c].forEach((s) => gpu.release(s));
  });

  it('softmax, log-softmax and cross-entropy on 300 rows of 7 classes', async () => {
    const [rows, cols] = [300, 7];
    const logits = randomFloats(rows * cols, 16, -5, 5);
    const labels = randomInts(rows, cols, 17);
    await sameAsReference([logits, labels, randomFloats(rows * cols, 18)], (b, [x, l, dy]) => {
      const sm = b.softmax(x, rows, cols, false);
      const lsm = b.softmax(x, rows, cols, true);
      return [
        sm,
        lsm,
        b.softmaxBackward(sm, dy, rows, cols, false),
        b.softmaxBackward(lsm, dy, rows, cols, true),
        b.crossEntropy(x, l, rows, cols),
      ];
    });
  });
});
