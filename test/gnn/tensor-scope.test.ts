// Tensors are freed by dispose() and by scope(); scopes keep only what they return.
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/gnn/reference-backend.js';
import { add, relu } from '../../src/gnn/ops.js';
import { full, liveTensors, scope, tensor } from '../../src/gnn/tensor.js';

describe('tensor lifetime', () => {
  it('scope disposes what it made and hands its result to the outer scope', async () => {
    const b = createReferenceBackend();
    const start = liveTensors();
    const outer = scope(() => {
      const kept = scope(() => {
        const a = full(b, [2, 2], 1);
        const c = add(a, a);
        relu(c);
        return { c, list: [a] };
      });
      expect(liveTensors()).toBe(start + 2);
      expect(kept.c.disposed).toBe(false);
      return kept.c;
    });
    expect(liveTensors()).toBe(start + 1);
    expect(Array.from(await outer.data())).toEqual([2, 2, 2, 2]);
    outer.dispose();
    expect(liveTensors()).toBe(start);
    expect(b.stats()).toEqual({ liveStorages: 0, liveBytes: 0 });
  });

  it('async scopes and thrown errors still free their tensors', async () => {
    const b = createReferenceBackend();
    const start = liveTensors();
    const v = await scope(async () => {
      const a = tensor(b, [1, 2, 3], [1, 3]);
      return (await add(a, a).data())[2];
    });
    expect(v).toBe(6);
    await expect(
      scope(async () => {
        full(b, [4, 4], 0);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(() =>
      scope(() => {
        full(b, [4, 4], 0);
        throw new Error('sync boom');
      }),
    ).toThrow('sync boom');
    const kept = scope(() => full(b, [1, 1], 7).keep());
    expect(liveTensors()).toBe(start + 1);
    kept.dispose();
    expect(liveTensors()).toBe(start);
    expect(b.stats().liveStorages).toBe(0);
  });

  it('a disposed tensor refuses reads with GNN_DISPOSED', async () => {
    const b = createReferenceBackend();
    const t = full(b, [1, 1], 1);
    t.dispose();
    await expect(t.data()).rejects.toMatchObject({ code: 'GNN_DISPOSED' });
    expect(() => t.storage).toThrow(expect.objectContaining({ code: 'GNN_DISPOSED' }));
  });
});
