// SPDX-License-Identifier: Apache-2.0
// Autograd over the WebGPU backend agrees with central differences for every op of
// test/gnn/grad-cases.ts (float32 tolerances), leaving no tensor or storage behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveTensors } from '../../../src/gnn/tensor.js';
import { WebGpuBackend } from '../../../src/gnn/webgpu/backend.js';
import { checkGradients } from '../gradcheck.js';
import { gradCases } from '../grad-cases.js';

describe('gradients on the webgpu backend (float32)', async () => {
  // The cases are built for a backend; build them once with a backend made for the purpose.
  const backend = await WebGpuBackend.create();
  afterAll(() => backend.close());
  beforeAll(() => expect(backend.stats().liveStorages).toBe(0));

  for (const c of gradCases(backend)) {
    it(c.name, async () => {
      const tensors = liveTensors();
      expect(await checkGradients(backend, c.f, c.inputs)).toEqual([]);
      expect(liveTensors()).toBe(tensors);
      expect(backend.stats().liveStorages).toBe(0);
    });
  }
});
