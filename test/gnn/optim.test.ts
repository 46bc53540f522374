// Adam, AdamW, clipping, schedules and seeded initialisation.
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/gnn/reference-backend.js';
import { backward } from '../../src/gnn/autograd.js';
import { initValues } from '../../src/gnn/init.js';
import { mseLoss } from '../../src/gnn/loss-ops.js';
import { matmul, sum } from '../../src/gnn/ops.js';
import { embedding } from '../../src/gnn/graph-ops.js';
import { Adam, adamW, globalNorm, lrSchedule } from '../../src/gnn/optim.js';
import { Rng } from '../../src/gnn/random.js';
import { liveTensors, parameter, scope, tensor } from '../../src/gnn/tensor.js';

describe('optimisers', () => {
  it('Adam fits a linear map and frees every step', async () => {
    const b = createReferenceBackend();
    const start = liveTensors();
    const rng = new Rng(3);
    const w = parameter(b, initValues('glorotUniform', 3, 1, rng), [3, 1]);
    const opt = new Adam([w], { lr: 0.1 });
    const x = Array.from({ length: 30 }, () => rng.range(-1, 1));
    const y = Array.from(
      { length: 10 },
      (_, i) => 2 * x[i * 3]! - x[i * 3 + 1]! + 0.5 * x[i * 3 + 2]!,
    );
    let last = Infinity;
    for (let step = 0; step < 150; step++) {
      last = await scope(async () => {
        const loss = mseLoss(matmul(tensor(b, x, [10, 3]), w), tensor(b, y, [10, 1]));
        const value = await loss.item();
        await opt.update(backward(loss, [w]));
        return value;
      });
    }
    expect(last).toBeLessThan(1e-3);
    const fitted = Array.from(await w.data());
    expect(fitted[0]).toBeCloseTo(2, 1);
    expect(fitted[1]).toBeCloseTo(-1, 1);
    opt.dispose();
    w.dispose();
    expect(liveTensors()).toBe(start);
    expect(b.stats().liveStorages).toBe(0);
  });

  it('AdamW decays weights with a zero gradient; clipping caps the global norm', async () => {
    const b = createReferenceBackend();
    const w = parameter(b, [1, -2], [1, 2]);
    const opt = adamW([w], { lr: 0.1, weightDecay: 0.5, clipNorm: 1 });
    await scope(async () => {
      const grads = new Map([[w, tensor(b, [0, 0], [1, 2])]]);
      await opt.update(grads);
    });
    expect(Array.from(await w.data())).toEqual([0.95, -1.9]);
    const norm = await scope(async () => opt.update(new Map([[w, tensor(b, [30, 40], [1, 2])]])));
    expect(norm).toBeCloseTo(50, 10);
    // Clipped to norm 1 then Adam's first steps move by about lr per element.
    expect(opt.step).toBe(2);
    expect(await scope(() => globalNorm([tensor(b, [3, 4], [1, 2])]))).toBeCloseTo(5, 12);
    opt.dispose();
    w.dispose();
  });

  it('an embedding table learns only the rows it looked up (row-sparse gradient)', async () => {
    const b = createReferenceBackend();
    const start = liveTensors();
    const table = parameter(
      b,
      Float64Array.from({ length: 12 }, (_, i) => i),
      [6, 2],
    );
    const opt = new Adam([table], { lr: 0.5 });
    await scope(async () => {
      const rows = embedding(table, Int32Array.of(4, 1, 4));
      const grads = backward(sum(rows), [table]);
      expect((grads.get(table) as { kind?: string }).kind).toBe('rowSparse');
      await opt.update(grads);
    });
    // Adam's first step moves each touched element by lr (up to eps); the rest stay put.
    const after = Array.from(await table.data());
    const want = [0, 1, 1.5, 2.5, 4, 5, 6, 7, 7.5, 8.5, 10, 11];
    after.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    opt.dispose();
    table.dispose();
    expect(liveTensors()).toBe(start);
    expect(b.stats().liveStorages).toBe(0);
  });

  it('schedules warm up linearly and decay by cosine or steps', () => {
    const cos = lrSchedule({ lr: 1, warmup: 10, decay: 'cosine', totalSteps: 110, minLr: 0.1 });
    expect(cos(5)).toBeCloseTo(0.5);
    expect(cos(10)).toBeCloseTo(1);
    expect(cos(60)).toBeCloseTo(0.55);
    expect(cos(110)).toBeCloseTo(0.1);
    expect(cos(500)).toBeCloseTo(0.1);
    const step = lrSchedule({ lr: 1, decay: 'step', stepSize: 10, gamma: 0.5 });
    expect(step(9)).toBe(1);
    expect(step(10)).toBe(0.5);
    expect(step(25)).toBe(0.25);
    expect(lrSchedule({ lr: 0.3 })(1000)).toBe(0.3);
  });

  it('initialisation is seeded and scaled by fan-in and fan-out', () => {
    const a = initValues('glorotUniform', 64, 32, new Rng(1));
    const b = initValues('glorotUniform', 64, 32, new Rng(1));
    expect(a).toEqual(b);
    const limit = Math.sqrt(6 / 96);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(limit);
    const k = initValues('kaimingNormal', 200, 100, new Rng(2));
    const variance = k.reduce((s, v) => s + v * v, 0) / k.length;
    expect(variance).toBeGreaterThan(0.8 * (2 / 200));
    expect(variance).toBeLessThan(1.2 * (2 / 200));
    expect(initValues('zeros', 2, 2, new Rng(1))).toEqual(new Float32Array(4));
  });
});
