// The float64 reference backend passes every kernel case (hand-checked and generated).
import { describe, it } from 'vitest';
import { createReferenceBackend } from '../../src/gnn/reference-backend.js';
import { checkKernelCase, loadKernelCases } from './run-cases.js';

describe('kernel cases on the reference backend', () => {
  const backend = createReferenceBackend();
  for (const c of loadKernelCases()) {
    it(c.name, async () => {
      await checkKernelCase(backend, c);
    });
  }
});
