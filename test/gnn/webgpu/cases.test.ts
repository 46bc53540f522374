// SPDX-License-Identifier: Apache-2.0
// The WebGPU backend passes every kernel case of test/gnn/cases (on lavapipe in CI), and the
// cases leave no live storage or pooled buffer behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebGpuBackend } from '../../../src/gnn/webgpu/backend.js';
import { checkKernelCase, loadKernelCases } from '../run-cases.js';

describe('kernel cases on the webgpu backend', () => {
  let backend: WebGpuBackend;
  beforeAll(async () => {
    backend = await WebGpuBackend.create();
  });
  afterAll(() => backend?.close());

  for (const c of loadKernelCases()) {
    it(c.name, async () => {
      await checkKernelCase(backend, c);
    });
  }

  it('leaves no live storage and no live pooled buffer after all cases', () => {
    expect(backend.stats()).toEqual({ liveStorages: 0, liveBytes: 0 });
    expect(backend.poolStats().liveBuffers).toBe(0);
  });
});
