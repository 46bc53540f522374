// SPDX-License-Identifier: Apache-2.0
// The trainer learns the set-valued tasks on a generated shop with planted taste (CPU backend):
// multiclass (the window's main category), multilabel (the categories bought) and ranking (the
// products bought), each well above its baseline on the test split; ranking beats the most
// popular items clearly and is reported next to the entity's own past items.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/gnn/backend.js';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { liveTensors } from '../../src/gnn/tensor.js';
import { evaluate } from '../../src/train/evaluate.js';
import { loadModel, saveModel } from '../../src/train/model-file.js';
import { train, type TrainOptions } from '../../src/train/trainer.js';
import { T0, DAY } from './synthetic.js';
import { CATEGORIES, CLASS_NAMES, tasteDb, type TasteDb } from './synthetic-tasks.js';

let backend: Backend;
beforeAll(() => {
  backend = createCpuBackend({ threads: 1 });
});
afterAll(() => backend?.close());

const base = (task: TrainOptions['task']): TrainOptions => ({
  backend,
  task,
  seedType: 'users',
  fanouts: [8, 4],
  batchSize: 128,
  epochs: 8,
  channels: 32,
  lr: 0.01,
  seed: 1,
});

async function withDb<T>(
  task: 'multiclass' | 'multilabel' | 'ranking',
  fn: (db: TasteDb) => Promise<T>,
) {
  const db = await tasteDb(task);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

const value = (m: { value: number | null } | undefined) => m!.value!;
const baseline = (
  ev: { baselines: { name: string; metrics: Record<string, { value: number | null }> }[] },
  name: string,
) => ev.baselines.find((b) => b.name === name)!.metrics;

describe('learning set-valued tasks', () => {
  it('multiclass: test accuracy >= 0.8 where the majority class has under 0.35', async () => {
    await withDb('multiclass', async (db) => {
      const before = liveTensors();
      const { model } = await train(db.graph, db.columns, db, {
        ...base('multiclass'),
        classes: CLASS_NAMES,
      });
      try {
        expect(model.numClasses).toBe(CATEGORIES);
        const ev = await evaluate(model, db.test, [db.train, db.validation], {
          windowMicros: db.window,
        });
        expect(ev.baselines.map((b) => b.name)).toEqual(['majority', 'past class']);
        expect(value(baseline(ev, 'majority').accuracy)).toBeLessThan(0.35);
        expect(value(ev.model.accuracy)).toBeGreaterThanOrEqual(0.8);
        expect(value(ev.model.macroF1)).toBeGreaterThanOrEqual(0.75);
        const { classes, values } = await model.predictProba(db.test);
        expect(classes).toBe(CATEGORIES);
        for (let i = 0; i < 5; i++) {
          const row = values.subarray(i * classes, (i + 1) * classes);
          expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        }
        const argmax = await model.predict(db.test);
        expect(argmax[0]).toBe(
          values.subarray(0, classes).indexOf(Math.max(...values.subarray(0, classes))),
        );
      } finally {
        model.dispose();
      }
      expect(liveTensors()).toBe(before);
    });
  });

  it('multilabel: test macro AUPRC >= 0.75, far above the label frequencies', async () => {
    await withDb('multilabel', async (db) => {
      const { model } = await train(db.graph, db.columns, db, {
        ...base('multilabel'),
        classes: CLASS_NAMES,
      });
      try {
        const ev = await evaluate(model, db.test, [db.train, db.validation], {
          windowMicros: db.window,
        });
        expect(ev.baselines.map((b) => b.name)).toEqual(['label frequencies', 'past labels']);
        const freq = value(baseline(ev, 'label frequencies').auprcMacro);
        expect(value(ev.model.auprcMacro)).toBeGreaterThanOrEqual(0.75);
        expect(value(ev.model.auprcMacro)).toBeGreaterThan(freq + 0.2);
        expect(value(ev.model.auprcMicro)).toBeGreaterThan(
          value(baseline(ev, 'label frequencies').auprcMicro),
        );
      } finally {
        model.dispose();
      }
    });
  });

  it('ranking: test MAP@10 clearly above the most popular products, reported with past items', async () => {
    await withDb('ranking', async (db) => {
      const { model } = await train(db.graph, db.columns, db, {
        ...base('ranking'),
        targetType: 'products',
        k: 10,
      });
      try {
        const ev = await evaluate(model, db.test, [db.train, db.validation], {
          windowMicros: db.window,
        });
        expect(ev.k).toBe(10);
        expect(ev.baselines.map((b) => b.name)).toEqual(['most popular', 'past items']);
        const popular = baseline(ev, 'most popular');
        const past = baseline(ev, 'past items');
        expect(value(ev.model.map)).toBeGreaterThan(value(popular.map) + 0.15);
        expect(value(ev.model.ndcg)).toBeGreaterThan(value(popular.ndcg) + 0.15);
        expect(value(ev.model.map)).toBeGreaterThan(0.9 * value(past.map));
        const top = await model.predictTop(db.test, 10);
        for (let i = 0; i < 20; i++) {
          const row = Array.from(top.items.subarray(i * 10, (i + 1) * 10));
          expect(new Set(row).size).toBe(10);
          expect(row.every((p) => p >= 0 && p < db.products)).toBe(true);
          const s = top.scores.subarray(i * 10, (i + 1) * 10);
          for (let j = 1; j < 10; j++) expect(s[j]).toBeLessThanOrEqual(s[j - 1]!);
        }
      } finally {
        model.dispose();
      }
    });
  });
});

describe('ranking sees nothing after the anchor', () => {
  it('top items at day 300 are the same on the full database and one cut at day 300', async () => {
    const full = await tasteDb('ranking', { users: 80 });
    const cut = await tasteDb('ranking', { users: 80, untilDay: 300 });
    const dir = await mkdtemp(join(tmpdir(), 'prequel-rank-leak-'));
    try {
      expect(cut.graph.nodeType('orders').count).toBeLessThan(full.graph.nodeType('orders').count);
      const { model } = await train(full.graph, full.columns, full, {
        ...base('ranking'),
        epochs: 2,
        targetType: 'products',
      });
      const at300 = full.test.times.map((t) => (t === T0 + 300n * DAY ? 1n : 0n));
      const pick = Int32Array.from(at300.keys()).filter((i) => at300[i] === 1n);
      const set = {
        entities: Int32Array.from(pick, (i) => full.test.entities[i]!),
        times: BigInt64Array.from(pick, (i) => full.test.times[i]!),
      };
      expect(set.entities.length).toBeGreaterThan(30);
      const path = join(dir, 'model.pqm');
      let expected;
      try {
        expected = await model.predictTop(set, 10);
        await saveModel(path, model, { graphHash: 'g' });
      } finally {
        model.dispose();
      }
      const moved = loadModel(path, cut.graph, cut.columns, backend);
      try {
        const got = await moved.predictTop(set, 10);
        expect(Array.from(got.items)).toEqual(Array.from(expected.items));
        got.scores.forEach((s, i) => expect(s).toBeCloseTo(expected.scores[i]!, 4));
      } finally {
        moved.dispose();
      }
    } finally {
      full.close();
      cut.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('bad set-valued inputs', () => {
  it('are refused with coded errors; a ranking model answers predictTop only', async () => {
    await withDb('ranking', async (db) => {
      const before = liveTensors();
      const small = { ...base('ranking'), epochs: 1, targetType: 'products' };
      await expect(
        train(db.graph, db.columns, db, { ...small, targetType: undefined }),
      ).rejects.toMatchObject({ code: 'TRAIN_BAD_OPTION' });
      await expect(
        train(db.graph, db.columns, db, { ...small, targetType: 'nothing' }),
      ).rejects.toMatchObject({ code: 'TRAIN_BAD_OPTION' });
      const { lists: _lists, ...noLists } = db.train;
      await expect(
        train(db.graph, db.columns, { train: noLists, validation: db.validation }, small),
      ).rejects.toMatchObject({ code: 'TRAIN_BAD_LABELS' });
      const outside = {
        ...db.train,
        lists: { ...db.train.lists!, items: db.train.lists!.items.map(() => db.products) },
      };
      await expect(
        train(db.graph, db.columns, { train: outside, validation: db.validation }, small),
      ).rejects.toMatchObject({ code: 'TRAIN_BAD_LABELS' });
      const multiclass = { ...db.train, labels: db.train.labels.map(() => 7) };
      await expect(
        train(
          db.graph,
          db.columns,
          { train: multiclass, validation: db.validation },
          {
            ...small,
            task: 'multiclass',
            classes: ['a', 'b'],
          },
        ),
      ).rejects.toMatchObject({ code: 'TRAIN_BAD_LABELS' });
      await expect(
        train(db.graph, db.columns, db, { ...small, task: 'multiclass', classes: ['a', 'a'] }),
      ).rejects.toMatchObject({ code: 'TRAIN_BAD_OPTION' });
      expect(liveTensors()).toBe(before);

      const { model } = await train(db.graph, db.columns, db, small);
      try {
        await expect(model.predict(db.test)).rejects.toMatchObject({ code: 'TRAIN_WRONG_TASK' });
        await expect(model.predictProba(db.test)).rejects.toMatchObject({
          code: 'TRAIN_WRONG_TASK',
        });
        await expect(model.predictTop(db.test, 0)).rejects.toMatchObject({
          code: 'TRAIN_BAD_OPTION',
        });
      } finally {
        model.dispose();
      }
    });
  });
});
