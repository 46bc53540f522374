// SPDX-License-Identifier: Apache-2.0
// The 2-layer GraphSAGE network of test/gnn/sage-e2e.ts trains to the same loss curve on the
// WebGPU backend as on the float64 reference, and leaves no tensor, storage or pooled buffer.
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../../src/gnn/reference-backend.js';
import { liveTensors } from '../../../src/gnn/tensor.js';
import { WebGpuBackend } from '../../../src/gnn/webgpu/backend.js';
import { trainSyntheticSage } from '../sage-e2e.js';

describe('GraphSAGE end to end on webgpu', () => {
  it('trains to the reference loss curve without leaks', async () => {
    const ref = createReferenceBackend();
    const gpu = await WebGpuBackend.create();
    try {
      const tensors = liveTensors();
      const poolBefore = gpu.poolStats().liveBuffers;
      const a = await trainSyntheticSage(ref);
      const b = await trainSyntheticSage(gpu);

      expect(b.losses[b.losses.length - 1]!).toBeLessThan(b.losses[0]! * 0.6);
      for (let i = 0; i < a.losses.length; i++) {
        expect(Math.abs(a.losses[i]! - b.losses[i]!)).toBeLessThan(
          1e-3 * Math.max(1, a.losses[i]!),
        );
      }
      expect(Math.abs(a.accuracy - b.accuracy)).toBeLessThan(0.02);

      expect(liveTensors()).toBe(tensors);
      expect(gpu.stats()).toEqual({ liveStorages: 0, liveBytes: 0 });
      expect(gpu.poolStats().liveBuffers).toBe(poolBefore);
    } finally {
      ref.close();
      await gpu.close();
    }
  });
});
