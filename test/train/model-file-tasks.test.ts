// SPDX-License-Identifier: Apache-2.0
// Multiclass, multilabel and ranking models saved and loaded again: the class vocabulary, the
// ranked table and the ranking head come back, and predictions are identical.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/gnn/backend.js';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { liveTensors } from '../../src/gnn/tensor.js';
import { loadModel, saveModel } from '../../src/train/model-file.js';
import { train, type TrainedModel } from '../../src/train/trainer.js';
import { CLASS_NAMES, tasteDb } from './synthetic-tasks.js';

let backend: Backend;
beforeAll(() => {
  backend = createCpuBackend({ threads: 1 });
});
afterAll(() => backend?.close());

type Task = 'multiclass' | 'multilabel' | 'ranking';

async function outputs(model: TrainedModel, set: Parameters<TrainedModel['predict']>[0]) {
  if (model.task === 'ranking') return model.predictTop(set, 5);
  return { proba: await model.predictProba(set), predict: await model.predict(set) };
}

describe('model files of set-valued tasks', () => {
  for (const task of ['multiclass', 'multilabel', 'ranking'] as Task[]) {
    it(`${task}: round trip gives identical predictions and the same task head`, async () => {
      const db = await tasteDb(task, { users: 60 });
      const dir = await mkdtemp(join(tmpdir(), 'prequel-model-'));
      const before = liveTensors();
      try {
        const { model } = await train(db.graph, db.columns, db, {
          backend,
          task,
          seedType: 'users',
          fanouts: [4, 2],
          batchSize: 64,
          epochs: 2,
          channels: 16,
          seed: 4,
          ...(task === 'ranking' ? { targetType: 'products', k: 5 } : { classes: CLASS_NAMES }),
        });
        const path = join(dir, 'model.pqm');
        let expected: unknown;
        try {
          expected = await outputs(model, db.test);
          await saveModel(path, model, { graphHash: 'g1' });
        } finally {
          model.dispose();
        }
        const loaded = loadModel(path, db.graph, db.columns, backend, { graphHash: 'g1' });
        try {
          expect(loaded.task).toBe(task);
          expect(await outputs(loaded, db.test)).toEqual(expected);
          if (task === 'ranking') {
            expect(loaded.head.ranking!.targetType).toBe('products');
            expect(loaded.head.ranking!.k).toBe(5);
            expect(loaded.head.classes).toBeUndefined();
          } else {
            expect(loaded.head.classes).toEqual(CLASS_NAMES);
          }
        } finally {
          loaded.dispose();
        }
        expect(liveTensors()).toBe(before);
      } finally {
        db.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
