// SPDX-License-Identifier: Apache-2.0
// Models trained with extra columns, saved and loaded again with the same extra columns, predict
// exactly the same values (binary on the reviews database, ranking with extra columns on the
// ranked table); loading without them, or with text hashed another way, gives TRAIN_EXTRA_COLUMN.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/gnn/backend.js';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { Rng } from '../../src/gnn/random.js';
import { liveTensors } from '../../src/gnn/tensor.js';
import {
  embeddingColumn,
  multiCategoricalColumn,
  textColumn,
  type ExtraColumns,
} from '../../src/train/extra-columns.js';
import { loadModel, saveModel } from '../../src/train/model-file.js';
import { train } from '../../src/train/trainer.js';
import { reviewsDb } from './synthetic-extra.js';
import { tasteDb } from './synthetic-tasks.js';

let backend: Backend;
beforeAll(() => {
  backend = createCpuBackend({ threads: 1 });
});
afterAll(() => backend?.close());

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

const settings = { fanouts: [4, 2], batchSize: 64, epochs: 2, channels: 16, seed: 4 };

describe('model files with extra columns', () => {
  it('binary: round trip gives identical predictions; missing or rehashed text is refused', async () => {
    const db = await reviewsDb('text', { users: 60 });
    const dir = await mkdtemp(join(tmpdir(), 'prequel-model-'));
    const before = liveTensors();
    try {
      const { model } = await train(db.graph, db.columns, db, {
        backend,
        task: 'binary',
        seedType: 'users',
        extra: db.extra,
        ...settings,
      });
      const path = join(dir, 'model.pqm');
      let expected: Float64Array;
      try {
        expect([...model.net.params.keys()]).toContain('in.reviews.bag1');
        expected = await model.predict(db.test);
        await saveModel(path, model, { graphHash: 'g1' });
      } finally {
        model.dispose();
      }
      const loaded = loadModel(path, db.graph, db.columns, backend, { extra: db.extra });
      try {
        expect(await loaded.predict(db.test)).toEqual(expected);
        const reviews = loaded.encoders.tables.get('reviews')!;
        expect(reviews.text).toEqual([{ column: 'body', buckets: 4096, limit: 64 }]);
        expect(reviews.multicategorical[0]!.column).toBe('tags');
        expect(reviews.embedding[0]!.dim).toBe(8);
      } finally {
        loaded.dispose();
      }

      const table = db.extra.tables.get('reviews')!;
      const rehashed: ExtraColumns = {
        tables: new Map([
          [
            'reviews',
            {
              ...table,
              text: [{ ...table.text[0]!, buckets: 8192 }],
            },
          ],
        ]),
      };
      const load = (extra?: ExtraColumns) =>
        codeOf(() => loadModel(path, db.graph, db.columns, backend, { extra }));
      expect([load(), load({ tables: new Map() }), load(rehashed)]).toEqual(
        Array(3).fill('TRAIN_EXTRA_COLUMN'),
      );
      expect(liveTensors()).toBe(before);
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ranking: extra columns of the ranked table come back, predictions identical', async () => {
    const db = await tasteDb('ranking', { users: 60 });
    const dir = await mkdtemp(join(tmpdir(), 'prequel-model-'));
    try {
      const products = db.graph.nodeType('products').count;
      const rng = new Rng(9);
      const words = ['red', 'blue', 'soft', 'hard', 'cheap'];
      const rows = Array.from({ length: products }, (_, i) => i);
      const extra: ExtraColumns = {
        tables: new Map([
          [
            'products',
            {
              nodeType: 'products',
              rows: products,
              text: [
                textColumn(
                  'title',
                  rows.map(() => `${words[rng.int(5)]} ${words[rng.int(5)]}`),
                ),
              ],
              multicategorical: [
                multiCategoricalColumn(
                  'tags',
                  rows.map((i) => [i % 3, i % 5]),
                ),
              ],
              embedding: [
                embeddingColumn(
                  'vector',
                  rows.map(() => [rng.normal(), rng.normal()]),
                ),
              ],
            },
          ],
        ]),
      };
      const { model } = await train(db.graph, db.columns, db, {
        backend,
        task: 'ranking',
        seedType: 'users',
        targetType: 'products',
        k: 5,
        extra,
        ...settings,
      });
      const path = join(dir, 'model.pqm');
      let expected: unknown;
      try {
        expect([...model.head.ranking!.head.params.keys()]).toContain('rank.item.bag1');
        expected = await model.predictTop(db.test, 5);
        await saveModel(path, model, { graphHash: 'g1' });
      } finally {
        model.dispose();
      }
      const loaded = loadModel(path, db.graph, db.columns, backend, { extra });
      try {
        expect(await loaded.predictTop(db.test, 5)).toEqual(expected);
      } finally {
        loaded.dispose();
      }
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
