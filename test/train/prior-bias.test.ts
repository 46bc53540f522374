// SPDX-License-Identifier: Apache-2.0
// A new model's output bias starts at the training labels' base rates: its first predictions on
// imbalanced labels are the positive rate, not 0.5, so accuracy at the 0.5 threshold starts at
// the majority baseline instead of below it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/gnn/backend.js';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import type { LabelSet } from '../../src/train/model.js';
import { priorBias, train } from '../../src/train/trainer.js';
import { shopDb } from './synthetic.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const set = (labels: number[], lists?: number[][]): LabelSet => ({
  entities: new Int32Array(labels.length),
  times: new BigInt64Array(labels.length),
  labels: Float64Array.from(labels),
  ...(lists && {
    lists: {
      offsets: Int32Array.from([0, ...lists.map((_, i) => lists.slice(0, i + 1).flat().length)]),
      items: Int32Array.from(lists.flat()),
    },
  }),
});

describe('priorBias', () => {
  it('binary: the log-odds of the positive rate', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i < 100 ? 1 : 0));
    expect(sigmoid(priorBias('binary', set(labels), 1)![0]!)).toBeCloseTo(0.1, 3);
  });

  it('binary with one class only: finite and on the side of that class', () => {
    const all = priorBias('binary', set([1, 1, 1, 1]), 1)![0]!;
    const none = priorBias('binary', set([0, 0, 0, 0]), 1)![0]!;
    expect(Number.isFinite(all) && all > 1).toBe(true);
    expect(Number.isFinite(none) && none < -1).toBe(true);
  });

  it('multiclass: softmax of the biases is the smoothed class frequencies', () => {
    const b = priorBias('multiclass', set([0, 0, 0, 0, 0, 0, 1, 1, 2, 2]), 4)!;
    const e = Array.from(b, Math.exp);
    const sum = e.reduce((a, x) => a + x, 0);
    const expected = [6.5, 2.5, 2.5, 0.5].map((c) => c / 12);
    e.forEach((x, i) => expect(x / sum).toBeCloseTo(expected[i]!, 6));
  });

  it('multilabel: each label the log-odds of the examples whose set holds it', () => {
    const b = priorBias('multilabel', set([2, 1, 1, 0], [[0, 1], [0], [0, 0], []]), 3)!;
    expect(sigmoid(b[0]!)).toBeCloseTo(3.5 / 5, 6); // three of four examples, smoothed
    expect(sigmoid(b[1]!)).toBeCloseTo(1.5 / 5, 6);
    expect(sigmoid(b[2]!)).toBeCloseTo(0.5 / 5, 6);
  });

  it('regression and ranking: none (regression targets are standardised)', () => {
    expect(priorBias('regression', set([1, 2, 3]), 1)).toBeUndefined();
    expect(priorBias('ranking', set([1, 2, 3]), 8)).toBeUndefined();
  });
});

describe('an untrained model on imbalanced labels', () => {
  let backend: Backend;
  beforeAll(() => {
    backend = createCpuBackend({ threads: 1 });
  });
  afterAll(() => backend?.close());

  it('predicts about the positive rate and reaches the majority accuracy', async () => {
    const db = await shopDb('binary');
    try {
      // Keep one positive in ten: a positive rate near 0.1 in every split.
      const thin = (s: LabelSet): LabelSet => {
        const keep: number[] = [];
        let positives = 0;
        s.labels.forEach((y, i) => {
          if (y < 0.5 || positives++ % 10 === 0) keep.push(i);
        });
        return {
          entities: Int32Array.from(keep, (i) => s.entities[i]!),
          times: BigInt64Array.from(keep, (i) => s.times[i]!),
          labels: Float64Array.from(keep, (i) => s.labels[i]!),
        };
      };
      const splits = { train: thin(db.train), validation: thin(db.validation) };
      // A learning rate too small to move the weights: what is measured is the initial model.
      const { model } = await train(db.graph, db.columns, splits, {
        backend,
        task: 'binary',
        seedType: 'users',
        fanouts: [4, 4],
        batchSize: 256,
        epochs: 1,
        channels: 16,
        lr: 1e-9,
        seed: 3,
      });
      try {
        const v = splits.validation;
        const p = await model.predict(v);
        let mean = 0;
        let correct = 0;
        let positives = 0;
        p.forEach((x, i) => {
          mean += x / p.length;
          correct += Number(x > 0.5 === v.labels[i]! > 0.5);
          positives += Number(v.labels[i]! > 0.5);
        });
        const rate = positives / p.length;
        expect(rate).toBeLessThan(0.2);
        expect(Math.abs(mean - rate)).toBeLessThan(0.1);
        expect(correct / p.length).toBeGreaterThanOrEqual(1 - rate - 0.02);
      } finally {
        model.dispose();
      }
    } finally {
      db.close();
    }
  });
});
