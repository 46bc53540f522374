// A 2-layer GraphSAGE network learns the synthetic graph with the same loss curve on the float64
// reference and the float32 CPU backend, and leaves no tensor or storage behind.
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { createReferenceBackend } from '../../src/gnn/reference-backend.js';
import { liveTensors } from '../../src/gnn/tensor.js';
import { trainSyntheticSage } from './sage-e2e.js';

describe('GraphSAGE end to end', () => {
  it('trains to the same loss curve on reference and cpu without leaks', async () => {
    const ref = createReferenceBackend();
    const cpu = createCpuBackend();
    try {
      const tensors = liveTensors();
      const nativeBefore = cpu.nativeStats().liveBuffers;
      const a = await trainSyntheticSage(ref);
      const b = await trainSyntheticSage(cpu);

      expect(a.losses[a.losses.length - 1]!).toBeLessThan(a.losses[0]! * 0.6);
      expect(a.accuracy).toBeGreaterThan(0.8);
      for (let i = 0; i < a.losses.length; i++) {
        expect(Math.abs(a.losses[i]! - b.losses[i]!)).toBeLessThan(
          1e-3 * Math.max(1, a.losses[i]!),
        );
      }
      expect(Math.abs(a.accuracy - b.accuracy)).toBeLessThan(0.02);

      expect(liveTensors()).toBe(tensors);
      expect(ref.stats()).toEqual({ liveStorages: 0, liveBytes: 0 });
      expect(cpu.stats()).toEqual({ liveStorages: 0, liveBytes: 0 });
      expect(cpu.nativeStats().liveBuffers).toBe(nativeBefore);
    } finally {
      ref.close();
      cpu.close();
    }
  });
});
