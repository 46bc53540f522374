// SPDX-License-Identifier: Apache-2.0
// Memory and program lifecycle of the WebGPU backend: a training-shaped loop returns live
// storage and pooled buffers to their starting counts, pipelines are cached by program (not by
// size), kernels declare what the glue reads, backend selection falls back with one reason,
// backends share one Dawn instance, and close waits for work in flight.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backend, Storage } from '../../../src/gnn/backend.js';
import { createReferenceBackend } from '../../../src/gnn/reference-backend.js';
import { WebGpuBackend } from '../../../src/gnn/webgpu/backend.js';
import { sizeClass } from '../../../src/gnn/webgpu/buffer-pool.js';
import { dawnUsage } from '../../../src/gnn/webgpu/device.js';
import { kernelsDir, parseProgram } from '../../../src/gnn/webgpu/programs.js';
import { createBestBackend } from '../../../src/gnn/webgpu/select.js';
import { codeOf, randomFloats, randomInts } from './helpers.js';

/** One forward + backward + Adam pass of a one-layer mean-aggregation network on `n` nodes. */
function trainStep(b: Backend, w: Storage, m: Storage, v: Storage, n: number, step: number) {
  const tmp: Storage[] = [];
  const t = (s: Storage) => (tmp.push(s), s);
  const [dim, classes] = [8, 3];
  const x = t(b.upload(randomFloats(n * dim, step), 'float32'));
  const rowptr = t(
    b.upload(
      Int32Array.from({ length: n + 1 }, (_, i) => 2 * i),
      'int32',
    ),
  );
  const col = t(b.upload(randomInts(2 * n, n, step + 1), 'int32'));
  const labels = t(b.upload(randomInts(n, classes, step + 2), 'int32'));

  const agg = t(b.segmentReduce('mean', x, dim, rowptr, col, n).y);
  const h = t(b.matmul(agg, [n, dim], false, w, [dim, classes], false));
  const loss = t(b.crossEntropy(h, labels, n, classes));
  const total = t(b.sumAll(loss));
  const dl = t(b.fill(n, 1 / n));
  const dh = t(b.crossEntropyBackward(h, labels, n, classes, dl));
  const dw = t(b.matmul(agg, [n, dim], true, dh, [n, classes], false));
  const dagg = t(b.matmul(dh, [n, classes], false, w, [dim, classes], true));
  t(b.segmentReduceBackward('mean', dagg, dim, rowptr, col, n, null, n));
  t(b.gatherRows(x, dim, labels, n));
  b.adamStep(w, dw, m, v, {
    lr: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0.01,
    decoupled: true,
    step,
  });
  return { total, release: () => tmp.forEach((s) => b.release(s)) };
}

describe('webgpu backend lifecycle', () => {
  it('returns live storages, bytes and pooled buffers to their start after a training loop', async () => {
    const gpu = await WebGpuBackend.create();
    try {
      const start = gpu.stats();
      const startPool = gpu.poolStats();
      const w = gpu.upload(randomFloats(24, 1), 'float32');
      const [m, v] = [gpu.zeros(24, 'float32'), gpu.zeros(24, 'float32')];
      let pipelinesAfterFirst = 0;
      for (let step = 1; step <= 6; step++) {
        const s = trainStep(gpu, w, m, v, 50 + 37 * step, step);
        expect(Number.isFinite((await gpu.download(s.total))[0])).toBe(true);
        s.release();
        if (step === 1) pipelinesAfterFirst = gpu.poolStats().pipelines;
      }
      [w, m, v].forEach((s) => gpu.release(s));
      await gpu.sync();
      expect(gpu.stats()).toEqual(start);
      expect(gpu.poolStats().liveBuffers).toBe(startPool.liveBuffers);
      // Six batch sizes, one pipeline per program: the cache is keyed by program and dtype.
      expect(gpu.poolStats().pipelines).toBe(pipelinesAfterFirst);
    } finally {
      await gpu.close();
    }
  });

  it('trains the same loop to the same losses as the float64 reference', async () => {
    const gpu = await WebGpuBackend.create();
    const ref = createReferenceBackend();
    try {
      const losses = async (b: Backend) => {
        const w = b.upload(randomFloats(24, 1), 'float32');
        const [m, v] = [b.zeros(24, 'float32'), b.zeros(24, 'float32')];
        const out: number[] = [];
        for (let step = 1; step <= 4; step++) {
          const s = trainStep(b, w, m, v, 40, step);
          out.push((await b.download(s.total))[0]);
          s.release();
        }
        [w, m, v].forEach((s) => b.release(s));
        return out;
      };
      const [g, r] = [await losses(gpu), await losses(ref)];
      g.forEach((x, i) => expect(Math.abs(x - r[i])).toBeLessThan(1e-3 * Math.abs(r[i]) + 1e-4));
    } finally {
      await gpu.close();
    }
  });

  it('pools buffers in size classes of at most 25% slack', () => {
    for (const bytes of [1, 256, 257, 1000, 4096, 5000, 1 << 20, (1 << 20) + 1, 123_456_789]) {
      const size = sizeClass(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size % 4).toBe(0);
      if (bytes > 256) expect(size).toBeLessThanOrEqual(bytes * 1.25 + 4);
    }
  });

  it('reads every kernel declaration: workgroup size, contiguous bindings and its uniforms', () => {
    const dir = kernelsDir();
    const files = readdirSync(dir).filter((f) => f.endsWith('.wgsl') && f !== 'prelude.wgsl');
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const file of files) {
      const decl = parseProgram(file, readFileSync(join(dir, file), 'utf8'));
      expect(decl.bindings.map((b) => b.index)).toEqual(decl.bindings.map((_, i) => i));
      expect(decl.bindings[0]).toMatchObject({ kind: 'uniform', name: 'p' });
      expect(decl.uniforms.length).toBeGreaterThan(0);
      expect(decl.workgroupSize[0] * decl.workgroupSize[1]).toBeGreaterThan(0);
    }
  });

  it('falls back with one reason when no adapter matches', async () => {
    const reasons: string[] = [];
    const ref = createReferenceBackend();
    const best = await createBestBackend({
      dawnOptions: ['adapter=no-such-adapter'],
      fallback: () => ref,
      onFallback: (r) => reasons.push(r),
    });
    expect(best.kind).toBe('fallback');
    expect(best.backend).toBe(ref);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/no WebGPU adapter/);

    const found = await createBestBackend({ onFallback: (r) => reasons.push(r) });
    expect(found.kind).toBe('webgpu');
    expect(found.backend?.name).toBe('webgpu');
    await (found.backend as WebGpuBackend).close();
    expect(reasons).toHaveLength(1);
  });

  it('shares one Dawn instance between open backends; each close gives its device back', async () => {
    const a = await WebGpuBackend.create();
    const withOne = dawnUsage();
    const b = await WebGpuBackend.create();
    try {
      expect(dawnUsage()).toEqual({ instances: withOne.instances, devices: withOne.devices + 1 });
      const [xa, xb] = [
        a.upload(Float32Array.from([1, 2]), 'float32'),
        b.upload(Float32Array.from([3]), 'float32'),
      ];
      expect(Array.from(await a.download(a.scale(xa, 2)))).toEqual([2, 4]);
      expect(Array.from(await b.download(b.scale(xb, 2)))).toEqual([6]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    expect(dawnUsage()).toEqual({ instances: withOne.instances, devices: withOne.devices - 1 });
  });

  it('refuses calls at once on close, and destroys the device after downloads in flight', async () => {
    const gpu = await WebGpuBackend.create();
    const x = gpu.upload(Float32Array.from([1, 2]), 'float32');
    const reading = gpu.download(gpu.scale(x, 3));
    const closing = gpu.close();
    expect(codeOf(() => gpu.scale(x, 2))).toBe('WEBGPU_CLOSED');
    expect(gpu.close()).toBe(closing);
    expect(Array.from(await reading)).toEqual([3, 6]);
    await closing;
  });
});
