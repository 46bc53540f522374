// A SAGE layer computes root + mean-of-neighbours terms for its targets only.
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/gnn/reference-backend.js';
import { Rng } from '../../src/gnn/random.js';
import { SageLayer } from '../../src/gnn/sage.js';
import { indexTensor, liveTensors, scope, tensor } from '../../src/gnn/tensor.js';

describe('SageLayer', () => {
  it('computes x[t] W_root + mean(x[N(t)]) W_neighbor + b for the first numGroups rows', async () => {
    const b = createReferenceBackend();
    const start = liveTensors();
    const layer = new SageLayer(b, 2, 3, new Rng(4));
    try {
      const x = [1, 2, 3, 4, 5, 6, 7, 8];
      const out = await scope(async () => {
        const csr = {
          rowptr: indexTensor(b, [0, 2, 2]),
          col: indexTensor(b, [2, 3]),
          numGroups: 2,
        };
        const y = layer.forward(tensor(b, x, [4, 2]), csr);
        expect(y.shape).toEqual([2, 3]);
        return Array.from(await y.data());
      });
      const wr = Array.from(await layer.root.data());
      const wn = Array.from(await layer.neighbor.data());
      const bias = Array.from(await layer.bias.data());
      const mean = [(5 + 7) / 2, (6 + 8) / 2];
      for (let t = 0; t < 2; t++) {
        for (let j = 0; j < 3; j++) {
          let want = bias[j]! + x[t * 2]! * wr[j]! + x[t * 2 + 1]! * wr[3 + j]!;
          if (t === 0) want += mean[0]! * wn[j]! + mean[1]! * wn[3 + j]!; // target 1 has no neighbours
          expect(out[t * 3 + j]).toBeCloseTo(want, 12);
        }
      }
    } finally {
      layer.dispose();
    }
    expect(liveTensors()).toBe(start);
    expect(b.stats().liveStorages).toBe(0);
  });
});
