// The CPU backend runs large kernels off the JS thread in order, reports their errors at the next
// wait, and gives bit-identical results for any thread count.
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { native } from '../../src/native/index.js';
import { Rng } from '../../src/gnn/random.js';

describe('cpu backend stream', () => {
  it('queues large work, returns at once and keeps submission order', async () => {
    const b = createCpuBackend();
    try {
      const n = 1500;
      const a = b.fill(n * 256, 0.01);
      const w = b.fill(256 * 256, 0.5);
      const y = b.matmul(a, [n, 256], false, w, [256, 256], false);
      expect(native().computeStats().pendingTasks).toBeGreaterThan(0);
      const z = b.scale(y, 2); // depends on y: must run after it
      const out = await b.download(z);
      expect(out.length).toBe(n * 256);
      expect(out[0]).toBeCloseTo(2 * 256 * 0.01 * 0.5, 4);
      expect(out[out.length - 1]).toBeCloseTo(2.56, 4);
      await b.sync();
      expect(native().computeStats().pendingTasks).toBe(0);
    } finally {
      b.close();
    }
  });

  it('reports an index error from queued work at the next wait, then carries on', async () => {
    const b = createCpuBackend();
    try {
      const x = b.fill(100 * 8, 1);
      const index = new Int32Array(20000).fill(3);
      index[12345] = 100;
      const bad = b.gatherRows(x, 8, b.upload(index, 'int32'), 100);
      await expect(b.download(bad)).rejects.toMatchObject({ code: 'GNN_INDEX_RANGE' });
      const ok = b.gatherRows(x, 8, b.upload(new Int32Array(20000).fill(99), 'int32'), 100);
      expect((await b.download(ok))[0]).toBe(1);
      // Small work runs inline and throws at the call.
      expect(() => b.gatherRows(x, 8, b.upload(Int32Array.of(-1), 'int32'), 100)).toThrow(
        expect.objectContaining({ code: 'GNN_INDEX_RANGE' }),
      );
    } finally {
      b.close();
    }
  });

  it('gives identical scatter and segment gradients on 1 and 2 threads', async () => {
    const rng = new Rng(9);
    const rows = 3000;
    const cols = 33;
    const entries = 40000;
    const dy = Float32Array.from({ length: entries * cols }, () => rng.range(-1, 1));
    const index = Int32Array.from({ length: entries }, () => rng.int(rows));
    const groups = 5000;
    const rowptr = Int32Array.from({ length: groups + 1 }, (_, g) =>
      Math.floor((g * entries) / groups),
    );
    const gdy = Float32Array.from({ length: groups * cols }, () => rng.range(-1, 1));
    const run = async (threads: number) => {
      const b = createCpuBackend({ threads });
      try {
        const s = b.scatterAddRows(b.upload(dy, 'float32'), cols, b.upload(index, 'int32'), rows);
        const m = b.segmentReduceBackward(
          'mean',
          b.upload(gdy, 'float32'),
          cols,
          b.upload(rowptr, 'int32'),
          b.upload(index, 'int32'),
          groups,
          null,
          rows,
        );
        const sum = b.sumAll(b.upload(dy, 'float32'));
        return [await b.download(s), await b.download(m), await b.download(sum)];
      } finally {
        b.close();
      }
    };
    const one = await run(1);
    const two = await run(2);
    native().computeSetThreads(2);
    for (let k = 0; k < one.length; k++)
      expect(Buffer.from(one[k]!.buffer).equals(Buffer.from(two[k]!.buffer))).toBe(true);
  });

  it('refuses released storages and foreign handles', () => {
    const b = createCpuBackend();
    try {
      const s = b.fill(4, 1);
      b.release(s);
      b.release(s);
      expect(() => b.scale(s, 2)).toThrow(expect.objectContaining({ code: 'GNN_BAD_ARGUMENT' }));
      expect(() => native().computeScale({} as never, 2)).toThrow(
        expect.objectContaining({ code: 'NATIVE_BAD_HANDLE' }),
      );
      expect(() => native().computeUpload([1, 2] as never)).toThrow(
        expect.objectContaining({ code: 'NATIVE_BAD_ARGUMENT' }),
      );
      expect(() => native().computeSetThreads(0)).toThrow(
        expect.objectContaining({ code: 'NATIVE_BAD_ARGUMENT' }),
      );
    } finally {
      b.close();
    }
  });
});
