// SPDX-License-Identifier: Apache-2.0
// Bad input to the WebGPU backend fails with registry codes naming the operation: indices out of
// range, malformed CSR, storage of another backend or already released, a closed backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../../src/gnn/backend.js';
import { createReferenceBackend } from '../../../src/gnn/reference-backend.js';
import { WebGpuBackend } from '../../../src/gnn/webgpu/backend.js';
import type { GpuStorage } from '../../../src/gnn/webgpu/context.js';
import { codeOf } from './helpers.js';

let gpu: WebGpuBackend;
const made: Storage[] = [];
const f32 = (...v: number[]) => keep(gpu.upload(Float32Array.from(v), 'float32'));
const i32 = (...v: number[]) => keep(gpu.upload(Int32Array.from(v), 'int32'));
function keep(s: Storage): Storage {
  made.push(s);
  return s;
}

beforeAll(async () => {
  gpu = await WebGpuBackend.create();
});
afterAll(async () => {
  for (const s of made) gpu.release(s);
  expect(gpu.stats().liveStorages).toBe(0);
  await gpu.close();
});

describe('webgpu backend bad input', () => {
  it('rejects gather and scatter indices outside the rows with GNN_INDEX_RANGE', () => {
    const x = f32(1, 2, 3, 4);
    for (const bad of [[2], [-1], [0, 5], [1 << 30]]) {
      expect(codeOf(() => gpu.gatherRows(x, 2, i32(...bad), 2))).toBe('GNN_INDEX_RANGE');
    }
    expect(codeOf(() => gpu.scatterAddRows(x, 2, i32(0, 2), 2))).toBe('GNN_INDEX_RANGE');
    expect(codeOf(() => gpu.scatterAddRows(x, 2, i32(-1, 0), 2))).toBe('GNN_INDEX_RANGE');
  });

  it('rejects malformed CSR arrays with GNN_INDEX_RANGE in forward and backward', () => {
    const x = f32(1, 2, 3);
    const dy = f32(1, 1);
    const cases: [number[], number[] | null][] = [
      [
        [0, 2, 1],
        [0, 1],
      ], // rowptr decreases
      [
        [1, 1, 2],
        [0, 1],
      ], // rowptr does not start at 0
      [
        [0, 1, 3],
        [0, 1],
      ], // rowptr runs past col
      [
        [0, 1, 2],
        [0, 3],
      ], // col past the rows of x
      [
        [0, 1, 2],
        [-1, 0],
      ], // negative col
      [[0, 1], [0]], // rowptr too short for 2 groups
      [[0, 2, 4], null], // identity rows past x
    ];
    for (const [rowptr, col] of cases) {
      const rp = i32(...rowptr);
      const c = col === null ? null : i32(...col);
      expect(codeOf(() => gpu.segmentReduce('sum', x, 1, rp, c, 2))).toBe('GNN_INDEX_RANGE');
      expect(codeOf(() => gpu.segmentReduceBackward('mean', dy, 1, rp, c, 2, null, 3))).toBe(
        'GNN_INDEX_RANGE',
      );
    }
  });

  it('rejects labels outside the classes and slices outside the columns', () => {
    const logits = f32(0, 1, 2, 3);
    const dl = f32(1, 1);
    for (const labels of [
      [0, 2],
      [-1, 0],
    ]) {
      expect(codeOf(() => gpu.crossEntropy(logits, i32(...labels), 2, 2))).toBe('GNN_INDEX_RANGE');
      expect(codeOf(() => gpu.crossEntropyBackward(logits, i32(...labels), 2, 2, dl))).toBe(
        'GNN_INDEX_RANGE',
      );
    }
    for (const [start, end] of [
      [1, 3],
      [-1, 1],
      [2, 1],
      [0.5, 1],
    ]) {
      expect(codeOf(() => gpu.sliceCols(logits, 2, 2, start, end))).toBe('GNN_INDEX_RANGE');
    }
  });

  it('rejects an index tensor computed on the GPU, which has no host copy to check', () => {
    const x = f32(1, 5, 3);
    const { y, argmax } = gpu.segmentReduce('max', x, 1, i32(0, 3), null, 1);
    keep(y);
    keep(argmax!);
    expect(codeOf(() => gpu.gatherRows(x, 1, argmax!, 3))).toBe('WEBGPU_INDEX_NOT_ON_HOST');
    expect(codeOf(() => gpu.gatherRows(x, 1, x, 3))).toBe('GNN_DTYPE_MISMATCH');
  });

  it('rejects bad dropout rates, a max backward without argmax and a bad Adam step', () => {
    const x = f32(1, 2);
    for (const p of [1, -0.1, Number.NaN]) {
      expect(codeOf(() => gpu.dropout(x, p, 1))).toBe('GNN_BAD_ARGUMENT');
    }
    const rp = i32(0, 2);
    expect(codeOf(() => gpu.segmentReduceBackward('max', f32(1), 1, rp, null, 1, null, 2))).toBe(
      'GNN_BAD_ARGUMENT',
    );
    const adam = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false };
    for (const step of [0, 1.5]) {
      expect(codeOf(() => gpu.adamStep(x, x, x, x, { ...adam, step }))).toBe('GNN_BAD_ARGUMENT');
    }
  });

  it('rejects storage of another backend and storage already released', () => {
    const ref = createReferenceBackend();
    const foreign = ref.upload(Float32Array.from([1]), 'float32');
    expect(codeOf(() => gpu.scale(foreign, 2))).toBe('GNN_BACKEND_MISMATCH');
    ref.release(foreign);
    const x = gpu.upload(Float32Array.from([1]), 'float32');
    gpu.release(x);
    expect(codeOf(() => gpu.scale(x, 2))).toBe('GNN_DISPOSED');
    expect(codeOf(() => gpu.release(x))).toBe('GNN_DISPOSED');
  });

  it('rejects storage larger than the adapter can bind with WEBGPU_TOO_LARGE', () => {
    const tooMany = Math.floor(gpu.maxBufferBytes / 4) + 1;
    const before = { ...gpu.stats(), ...gpu.poolStats() };
    expect(codeOf(() => gpu.zeros(tooMany, 'float32'))).toBe('WEBGPU_TOO_LARGE');
    expect(codeOf(() => gpu.fill(tooMany, 1))).toBe('WEBGPU_TOO_LARGE');
    expect({ ...gpu.stats(), ...gpu.poolStats() }).toEqual(before);
  });

  it('reports a device error raised by queued work from the next sync', async () => {
    const other = await WebGpuBackend.create();
    try {
      const x = other.upload(Float32Array.from([1, 2]), 'float32') as GpuStorage;
      x.buffer.destroy(); // what a backend bug would do: submit work on a destroyed buffer
      other.release(other.scale(x, 2));
      await expect(other.sync()).rejects.toMatchObject({ code: 'WEBGPU_DEVICE_ERROR' });
      await other.sync(); // reported once, then the backend carries on
    } finally {
      await other.close();
    }
  });

  it('rejects every call after close with WEBGPU_CLOSED', async () => {
    const other = await WebGpuBackend.create();
    const x = other.upload(Float32Array.from([1]), 'float32');
    other.close();
    expect(codeOf(() => other.scale(x, 2))).toBe('WEBGPU_CLOSED');
    expect(codeOf(() => other.upload(Float32Array.from([1]), 'float32'))).toBe('WEBGPU_CLOSED');
    await expect(other.sync()).rejects.toMatchObject({ code: 'WEBGPU_CLOSED' });
    await other.close();
  });
});
