// SPDX-License-Identifier: Apache-2.0
// The temporal leak test: a column equal to the label, in rows timed one day after the anchor,
// must teach the model nothing (test AUROC at chance); the same rows timed one day before the
// anchor are learnt (AUROC far above chance), which proves this test can fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/gnn/backend.js';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { evaluate } from '../../src/train/evaluate.js';
import { train } from '../../src/train/trainer.js';
import { leakDb } from './synthetic.js';

let backend: Backend;
beforeAll(() => {
  backend = createCpuBackend({ threads: 1 });
});
afterAll(() => backend?.close());

async function testAuroc(mode: 'leak' | 'visible'): Promise<{ test: number; best: number }> {
  const db = await leakDb(mode);
  try {
    const { model, history } = await train(db.graph, db.columns, db, {
      backend,
      task: 'binary',
      seedType: 'users',
      fanouts: [8, 4],
      batchSize: 128,
      epochs: 8,
      channels: 32,
      lr: 0.01,
      seed: 3,
    });
    try {
      const ev = await evaluate(model, db.test, [db.train, db.validation]);
      expect(ev.examples).toBe(db.test.entities.length);
      return { test: ev.model.auroc!.value!, best: Math.max(...history.map((h) => h.validation!)) };
    } finally {
      model.dispose();
    }
  } finally {
    db.close();
  }
}

describe('temporal leak', () => {
  it('a future copy of the label stays invisible: test AUROC at chance', async () => {
    const { test, best } = await testAuroc('leak');
    expect(Math.abs(test - 0.5)).toBeLessThan(0.08);
    expect(best).toBeLessThan(0.6);
  });

  it('the same copy timed before the anchor is learnt: test AUROC >= 0.8', async () => {
    const { test } = await testAuroc('visible');
    expect(test).toBeGreaterThanOrEqual(0.8);
  });
});
