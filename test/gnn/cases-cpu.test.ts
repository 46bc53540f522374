// The native CPU backend passes every kernel case and leaves no buffer behind.
import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { checkKernelCase, loadKernelCases } from './run-cases.js';

describe('kernel cases on the cpu backend', () => {
  const backend = createCpuBackend();
  const before = backend.nativeStats().liveBuffers;
  afterAll(() => {
    expect(backend.stats().liveStorages).toBe(0);
    expect(backend.nativeStats().liveBuffers).toBe(before);
    backend.close();
  });
  for (const c of loadKernelCases()) {
    it(c.name, async () => {
      await checkKernelCase(backend, c);
    });
  }
});
