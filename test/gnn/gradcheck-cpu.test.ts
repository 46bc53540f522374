// Autograd agrees with central differences for every op on the float64 cpu backend (float32).
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { liveTensors } from '../../src/gnn/tensor.js';
import { checkGradients } from './gradcheck.js';
import { gradCases } from './grad-cases.js';

describe('gradients on the cpu backend (float32)', () => {
  const backend = createCpuBackend();
  for (const c of gradCases(backend)) {
    it(c.name, async () => {
      const tensors = liveTensors();
      expect(await checkGradients(backend, c.f, c.inputs)).toEqual([]);
      expect(liveTensors()).toBe(tensors);
      expect(backend.stats().liveStorages).toBe(0);
    });
  }
});
