// SPDX-License-Identifier: Apache-2.0
// Training and evaluation with batches sampled in a SamplerPool's workers (over a saved copy of
// the graph) give exactly the model, losses and predictions of sampling in this thread; the
// history records how long the steps waited for their batches; a closed pool fails the run with
// its coded error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/gnn/backend.js';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { SamplerPool } from '../../src/sampler/pool.js';
import { train, type TrainOptions } from '../../src/train/trainer.js';
import { shopDb, type SyntheticDb } from './synthetic.js';

let backend: Backend;
let db: SyntheticDb;
let dir: string;
let pool: SamplerPool;
beforeAll(async () => {
  backend = createCpuBackend({ threads: 1 });
  db = await shopDb('binary');
  dir = await mkdtemp(join(tmpdir(), 'prequel-train-pool-'));
  await db.graph.save(join(dir, 'store'));
  pool = SamplerPool.open({ storeDir: join(dir, 'store'), workers: 2 });
  await pool.ready();
});
afterAll(async () => {
  await pool?.close();
  db?.close();
  await backend?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const options = (extra: Partial<TrainOptions> = {}): TrainOptions => ({
  backend,
  task: 'binary',
  seedType: 'users',
  fanouts: [8, 4],
  batchSize: 64,
  epochs: 3,
  channels: 16,
  lr: 0.01,
  seed: 7,
  ...extra,
});

describe('training with a sampler pool', () => {
  it('gives the losses, validation metrics and predictions of in-thread sampling', async () => {
    const inThread = await train(db.graph, db.columns, db, options());
    const pooled = await train(db.graph, db.columns, db, options({ sampler: pool, prefetch: 4 }));
    try {
      expect(pooled.history.map((h) => [h.loss, h.validation])).toEqual(
        inThread.history.map((h) => [h.loss, h.validation]),
      );
      expect(pooled.bestEpoch).toBe(inThread.bestEpoch);
      expect(pooled.model.sampler).toBe(pool);
      const a = await inThread.model.predict(db.test);
      const b = await pooled.model.predict(db.test);
      expect(Array.from(b)).toEqual(Array.from(a));
      for (const h of pooled.history) {
        expect(h.waitSeconds).toBeGreaterThanOrEqual(0);
        expect(h.waitSeconds).toBeLessThanOrEqual(h.seconds);
      }
    } finally {
      inThread.model.dispose();
      pooled.model.dispose();
    }
  });

  it('a prefetch depth of 1 gives the same losses as a deeper one', async () => {
    const one = await train(db.graph, db.columns, db, options({ sampler: pool, prefetch: 1 }));
    const deep = await train(db.graph, db.columns, db, options({ sampler: pool, prefetch: 8 }));
    try {
      expect(one.history.map((h) => h.loss)).toEqual(deep.history.map((h) => h.loss));
    } finally {
      one.model.dispose();
      deep.model.dispose();
    }
  });

  it('refuses a prefetch depth that is not a positive integer', async () => {
    await expect(train(db.graph, db.columns, db, options({ prefetch: 0 }))).rejects.toMatchObject({
      code: 'TRAIN_BAD_OPTION',
      details: { option: 'prefetch' },
    });
  });

  it('a closed pool rejects the training run with SAMPLER_POOL_CLOSED', async () => {
    const closed = SamplerPool.open({ storeDir: join(dir, 'store'), workers: 1 });
    await closed.close();
    await expect(
      train(db.graph, db.columns, db, options({ sampler: closed })),
    ).rejects.toMatchObject({ code: 'SAMPLER_POOL_CLOSED' });
  });
});
