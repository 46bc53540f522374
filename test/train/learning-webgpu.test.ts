// SPDX-License-Identifier: Apache-2.0
// The trainer learns planted signal on the WebGPU backend (lavapipe in CI): the binary shop task
// reaches a test AUROC well above the majority baseline, follows the CPU backend's run with the
// same seed (losses, validation curve, test metric) within float32 tolerance, and leaves no
// tensor or GPU storage behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/gnn/backend.js';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { liveTensors } from '../../src/gnn/tensor.js';
import { WebGpuBackend } from '../../src/gnn/webgpu/backend.js';
import { evaluate } from '../../src/train/evaluate.js';
import { train, type TrainOptions } from '../../src/train/trainer.js';
import { shopDb, type SyntheticDb } from './synthetic.js';

let gpu: WebGpuBackend;
let cpu: Backend;
let db: SyntheticDb;
beforeAll(async () => {
  gpu = await WebGpuBackend.create();
  cpu = createCpuBackend({ threads: 1 });
  db = await shopDb('binary');
});
afterAll(async () => {
  db?.close();
  cpu?.close();
  await gpu?.close();
});

// Patience covers every epoch, so both backends run the same epochs whatever the near-ties.
const options = (backend: Backend): TrainOptions => ({
  backend,
  task: 'binary',
  seedType: 'users',
  fanouts: [8, 4],
  batchSize: 128,
  epochs: 6,
  patience: 6,
  channels: 32,
  lr: 0.01,
  seed: 3,
});

/** Trains and evaluates on the test split; returns the step losses and the metrics. */
async function run(backend: Backend) {
  const losses: number[] = [];
  const { model, history } = await train(db.graph, db.columns, db, {
    ...options(backend),
    onProgress: (p) => {
      if (p.validation === null) losses.push(p.loss);
    },
  });
  try {
    const ev = await evaluate(model, db.test, [db.train, db.validation], {
      windowMicros: db.window,
    });
    return { losses, validation: history.map((h) => h.validation), ev };
  } finally {
    model.dispose();
  }
}

describe('learning planted signal on the webgpu backend', () => {
  it('binary: test AUROC >= 0.85 where the majority baseline has 0.5, as on the CPU backend', async () => {
    const tensors = liveTensors();
    const storages = gpu.stats();

    const g = await run(gpu);
    const majority = g.ev.baselines.find((b) => b.name === 'majority')!;
    expect(majority.metrics.auroc!.value).toBe(0.5);
    expect(g.ev.model.auroc!.value!).toBeGreaterThanOrEqual(0.85);
    expect(g.ev.model.accuracy!.value!).toBeGreaterThan(majority.metrics.accuracy!.value! + 0.2);
    expect(liveTensors()).toBe(tensors);
    expect(gpu.stats()).toEqual(storages);

    // Same seed on the CPU backend: the same shuffles, samples, dropout masks and initial
    // weights, so the runs differ only by float32 rounding, which grows slowly with the steps.
    const c = await run(cpu);
    expect(g.losses.length).toBe(c.losses.length);
    const firstEpoch = Math.ceil(db.train.entities.length / 128);
    for (let i = 0; i < firstEpoch; i++) {
      expect(Math.abs(g.losses[i]! - c.losses[i]!)).toBeLessThan(1e-4 * c.losses[i]! + 1e-5);
    }
    g.validation.forEach((v, i) => expect(Math.abs(v! - c.validation[i]!)).toBeLessThan(0.01));
    expect(Math.abs(g.ev.model.auroc!.value! - c.ev.model.auroc!.value!)).toBeLessThan(0.01);
  });
});
