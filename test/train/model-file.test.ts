// SPDX-License-Identifier: Apache-2.0
// A trained model saved as a checkpoint and loaded again predicts exactly the same values;
// loading refuses a changed graph definition, a missing file and a damaged one with coded errors.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/gnn/backend.js';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { liveTensors } from '../../src/gnn/tensor.js';
import { loadModel, saveModel } from '../../src/train/model-file.js';
import { train } from '../../src/train/trainer.js';
import { shopDb } from './synthetic.js';

let backend: Backend;
beforeAll(() => {
  backend = createCpuBackend({ threads: 1 });
});
afterAll(() => backend?.close());

describe('model files', () => {
  it('round trip gives identical predictions; bad files and a changed graph give coded errors', async () => {
    const db = await shopDb('regression', { users: 80 });
    const dir = await mkdtemp(join(tmpdir(), 'prequel-model-'));
    const before = liveTensors();
    try {
      const { model } = await train(db.graph, db.columns, db, {
        backend,
        task: 'regression',
        seedType: 'users',
        fanouts: [4, 2],
        batchSize: 64,
        epochs: 2,
        channels: 16,
        seed: 4,
        // Not the default: the file must keep how neighbours were sampled.
        strategy: 'uniform',
      });
      const path = join(dir, 'model.pqm');
      let expected: Float64Array;
      try {
        expected = await model.predict(db.test);
        await saveModel(path, model, { graphHash: 'g1', plan: { query: 'test' } });
      } finally {
        model.dispose();
      }
      const loaded = loadModel(path, db.graph, db.columns, backend, { graphHash: 'g1' });
      try {
        expect(await loaded.predict(db.test)).toEqual(expected);
        expect(loaded.target).toEqual(model.target);
        expect(loaded.strategy).toBe('uniform');
        expect(loaded.encoders.cutoff).toBe(model.encoders.cutoff);
      } finally {
        loaded.dispose();
      }
      expect(liveTensors()).toBe(before);

      const load = (p: string, hash = 'g1') =>
        loadModel(p, db.graph, db.columns, backend, { graphHash: hash });
      expect(() => load(path, 'g2')).toThrow(
        expect.objectContaining({ code: 'TRAIN_CHECKPOINT_GRAPH_CHANGED' }),
      );
      expect(() => load(join(dir, 'none.pqm'))).toThrow(
        expect.objectContaining({ code: 'TRAIN_CHECKPOINT_MISSING' }),
      );
      const bytes = await readFile(path);
      await writeFile(join(dir, 'cut.pqm'), bytes.subarray(0, bytes.length - 100));
      expect(() => load(join(dir, 'cut.pqm'))).toThrow(
        expect.objectContaining({ code: 'TRAIN_CHECKPOINT_CORRUPT' }),
      );
      expect(liveTensors()).toBe(before);
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
