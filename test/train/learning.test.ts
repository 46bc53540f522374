// SPDX-License-Identifier: Apache-2.0
// The trainer learns planted signal on a generated shop database (binary and regression) on the
// CPU backend, well above the constant baselines; the same seed gives the same loss curve and
// predictions, another seed another curve; bad label tables give coded errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/gnn/backend.js';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { liveTensors } from '../../src/gnn/tensor.js';
import { evaluate } from '../../src/train/evaluate.js';
import { train, type TrainOptions } from '../../src/train/trainer.js';
import { shopDb, type SyntheticDb } from './synthetic.js';

let backend: Backend;
beforeAll(() => {
  backend = createCpuBackend({ threads: 1 });
});
afterAll(() => backend?.close());

const options = (task: 'binary' | 'regression', seed = 1): TrainOptions => ({
  backend,
  task,
  seedType: 'users',
  fanouts: [8, 4],
  batchSize: 128,
  epochs: 8,
  channels: 32,
  lr: 0.01,
  seed,
});

async function withDb<T>(
  task: 'binary' | 'regression',
  fn: (db: SyntheticDb) => Promise<T>,
): Promise<T> {
  const db = await shopDb(task);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

const value = (m: { value: number | null }) => m.value!;

describe('learning planted signal', () => {
  it('binary: test AUROC >= 0.85 where the majority baseline has 0.5', async () => {
    await withDb('binary', async (db) => {
      const { model, history, bestEpoch } = await train(
        db.graph,
        db.columns,
        db,
        options('binary'),
      );
      try {
        expect(history.length).toBeGreaterThan(bestEpoch);
        const ev = await evaluate(model, db.test, [db.train, db.validation], {
          windowMicros: db.window,
        });
        expect(ev.classes!.positive).toBeGreaterThan(100);
        expect(ev.classes!.negative).toBeGreaterThan(100);
        expect(value(ev.model.auroc!)).toBeGreaterThanOrEqual(0.85);
        const majority = ev.baselines.find((b) => b.name === 'majority')!;
        expect(value(majority.metrics.auroc!)).toBe(0.5);
        expect(value(ev.model.accuracy!)).toBeGreaterThan(value(majority.metrics.accuracy!) + 0.2);
        expect(ev.baselines.map((b) => b.name)).toEqual(['majority', 'past value']);
      } finally {
        model.dispose();
      }
    });
  });

  it('regression: test MAE under 60% of the training-median baseline, clamped to training labels', async () => {
    await withDb('regression', async (db) => {
      const { model } = await train(db.graph, db.columns, db, options('regression'));
      try {
        const ev = await evaluate(model, db.test, [db.train, db.validation]);
        const median = ev.baselines.find((b) => b.name === 'training median')!;
        expect(value(ev.model.mae!)).toBeLessThan(0.6 * value(median.metrics.mae!));
        expect(value(ev.model.r2!)).toBeGreaterThan(0.6);
        const predictions = await model.predict(db.test);
        const [lo, hi] = model.target.clamp;
        expect(Math.min(...predictions)).toBeGreaterThanOrEqual(lo);
        expect(Math.max(...predictions)).toBeLessThanOrEqual(hi);
        expect(lo).toBeLessThan(hi);
      } finally {
        model.dispose();
      }
    });
  });
});

describe('reproducibility', () => {
  it('the same seed gives the same loss curve and predictions; another seed does not', async () => {
    await withDb('binary', async (db) => {
      const run = async (seed: number) => {
        const losses: number[] = [];
        const { model } = await train(db.graph, db.columns, db, {
          ...options('binary', seed),
          epochs: 2,
          patience: 5,
          onProgress: (p) => {
            if (p.validation === null) losses.push(p.loss);
          },
        });
        try {
          return { losses, predictions: await model.predict(db.test) };
        } finally {
          model.dispose();
        }
      };
      const a = await run(7);
      const b = await run(7);
      const c = await run(8);
      expect(a.losses.length).toBe(2 * Math.ceil(db.train.entities.length / 128));
      expect(b.losses).toEqual(a.losses);
      expect(b.predictions).toEqual(a.predictions);
      expect(c.losses).not.toEqual(a.losses);
    });
  });
});

describe('progress and degenerate validation windows', () => {
  it('reports every step and epoch; a single-class validation window trains on, AUROC undefined', async () => {
    await withDb('binary', async (db) => {
      const validation = {
        ...db.validation,
        labels: new Float64Array(db.validation.labels.length),
      };
      const events: { epoch: number; step: number; validation: number | null; seconds: number }[] =
        [];
      const { model, history, bestScore } = await train(
        db.graph,
        db.columns,
        { train: db.train, validation },
        {
          ...options('binary'),
          epochs: 3,
          onProgress: (p) => {
            expect(p.metric).toBe('auroc');
            expect(Number.isFinite(p.loss)).toBe(true);
            events.push(p);
          },
        },
      );
      try {
        const steps = Math.ceil(db.train.entities.length / 128);
        // No AUROC (null, not a made-up chance level); epochs are compared by validation log loss.
        expect(history.map((h) => h.validation)).toEqual([null, null, null]);
        const p = await model.predict(validation);
        let loss = 0;
        for (const q of p) loss -= Math.log(1 - Math.min(1 - 1e-7, Math.max(1e-7, q)));
        expect(bestScore).toBeCloseTo(-loss / p.length, 5);
        expect(events.length).toBe(3 * (steps + 1));
        const ends = events.filter((e) => e.step === steps);
        expect(ends.every((e) => e.validation === null)).toBe(true);
        expect(ends.map((e) => [e.epoch, e.step])).toEqual([0, 1, 2].map((e) => [e, steps]));
        expect(ends.every((e) => e.seconds > 0)).toBe(true);
        const ev = await evaluate(model, validation, [db.train]);
        expect(ev.model.auroc).toEqual({ value: null, reason: expect.any(String) });
        expect(ev.classes).toEqual({ negative: validation.labels.length, positive: 0 });
      } finally {
        model.dispose();
      }
    });
  });
});

describe('bad options', () => {
  it('are refused with TRAIN_BAD_OPTION before anything is built', async () => {
    await withDb('binary', async (db) => {
      const before = liveTensors();
      for (const bad of [
        { task: 'ranking' as 'binary' },
        { seedType: 'nobody' },
        { fanouts: [] },
        { fanouts: [10, 0] },
        { fanouts: [2.5] },
        { batchSize: 0 },
        { epochs: -1 },
        { channels: 1.5 },
        { lr: 0 },
        { lr: Number.NaN },
        { dropout: 1 },
        { aggregation: 'max' as 'sum' },
      ]) {
        await expect(
          train(db.graph, db.columns, db, { ...options('binary'), ...bad }),
        ).rejects.toMatchObject({ code: 'TRAIN_BAD_OPTION' });
      }
      expect(liveTensors()).toBe(before);
    });
  });
});

describe('bad label tables', () => {
  it('an empty or ragged split is refused with TRAIN_BAD_LABELS', async () => {
    await withDb('binary', async (db) => {
      const empty = {
        entities: new Int32Array(0),
        times: new BigInt64Array(0),
        labels: new Float64Array(0),
      };
      const ragged = { ...db.validation, labels: db.validation.labels.subarray(1) };
      for (const splits of [
        { train: empty, validation: db.validation },
        { train: db.train, validation: ragged },
      ]) {
        await expect(train(db.graph, db.columns, splits, options('binary'))).rejects.toMatchObject({
          code: 'TRAIN_BAD_LABELS',
        });
      }
    });
  });
});
