// Evaluation metrics against hand-computed values and brute-force definitions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auroc,
  averagePrecision,
  binaryAccuracy,
  binaryF1,
  multiclassMetrics,
  multilabelAuprc,
  rankingMetrics,
  regressionMetrics,
} from '../../src/train/metrics.js';

/** AUROC by its definition: the fraction of (positive, negative) pairs ordered correctly. */
function pairwiseAuroc(labels: number[], scores: number[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < labels.length; j++) {
      if (labels[i] !== 1 || labels[j] !== 0) continue;
      pairs++;
      sum += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return sum / pairs;
}

const binaryCases = [
  // labels, scores, auroc, average precision (values as scikit-learn computes them)
  { labels: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8], auroc: 0.75, ap: 0.8333333333 },
  { labels: [1, 0, 1, 0], scores: [0.5, 0.5, 0.5, 0.5], auroc: 0.5, ap: 0.5 },
  { labels: [1, 1, 0], scores: [0.9, 0.8, 0.1], auroc: 1, ap: 1 },
  { labels: [0, 1], scores: [0.9, 0.1], auroc: 0, ap: 0.5 },
];

describe('binary metrics', () => {
  it.each(binaryCases)('match known values for $labels / $scores', (c) => {
    expect(auroc(c.labels, c.scores).value).toBeCloseTo(c.auroc, 9);
    expect(averagePrecision(c.labels, c.scores).value).toBeCloseTo(c.ap, 9);
  });

  it('AUROC equals the pairwise definition on random inputs with ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 5 })), {
          minLength: 2,
          maxLength: 40,
        }),
        (rows) => {
          const labels = rows.map((r) => r[0]);
          const scores = rows.map((r) => r[1] / 5);
          const got = auroc(labels, scores);
          if (!labels.includes(0) || !labels.includes(1)) return got.value === null;
          return Math.abs(got.value! - pairwiseAuroc(labels, scores)) < 1e-12;
        },
      ),
    );
  });

  it('reports AUROC as undefined with the class counts for a single-class window', () => {
    const got = auroc([1, 1, 1], [0.2, 0.5, 0.9]);
    expect(got.value).toBeNull();
    expect(got).toMatchObject({ reason: expect.stringContaining('3 positive, 0 negative') });
  });

  it('thresholds accuracy strictly above and F1 at or above 0.5', () => {
    expect(binaryAccuracy([1, 0, 1], [0.5, 0.4, 0.9])).toBeCloseTo(2 / 3);
    expect(binaryF1([1, 0, 1], [0.5, 0.4, 0.9])).toBe(1);
    expect(binaryF1([0, 0], [0.1, 0.2])).toBe(0);
  });
});

describe('multiclass and multilabel metrics', () => {
  it('computes accuracy and macro F1', () => {
    const got = multiclassMetrics([0, 1, 2, 2], [0, 2, 2, 2]);
    expect(got.accuracy).toBe(0.75);
    // F1 per class: 0 -> 1, 1 -> 0, 2 -> 0.8
    expect(got.macroF1).toBeCloseTo((1 + 0 + 0.8) / 3, 12);
  });

  it('averages AUPRC over labels (macro) and over cells (micro)', () => {
    const targets = [1, 0, 0, 1, 1, 0];
    const scores = [0.9, 0.2, 0.1, 0.8, 0.7, 0.3];
    const got = multilabelAuprc(targets, scores, 2);
    expect(got.macro.value).toBeCloseTo(1, 12);
    expect(got.micro.value).toBeCloseTo(averagePrecision(targets, scores).value!, 12);
  });
});

describe('regression metrics', () => {
  it('computes MAE, RMSE and R2', () => {
    const got = regressionMetrics([1, 2, 3, 4], [1, 3, 3, 2]);
    expect(got.mae).toBe(0.75);
    expect(got.rmse).toBeCloseTo(Math.sqrt(5 / 4), 12);
    expect(got.r2.value).toBeCloseTo(1 - 5 / 5, 12);
  });

  it('reports R2 as undefined for constant targets', () => {
    expect(regressionMetrics([2, 2], [1, 3]).r2.value).toBeNull();
  });
});

describe('ranking metrics', () => {
  it('treat true items as a set: i1 listed twice, [i1, i2, i3] gives precision@3 = 1/3', () => {
    const got = rankingMetrics([['i1', 'i1']], [['i1', 'i2', 'i3']], 3);
    expect(got.precision).toBeCloseTo(1 / 3, 12);
    expect(got.recall).toBe(1);
    expect(got.map).toBe(1);
    expect(got.ndcg).toBe(1);
  });

  it('computes MAP@k with min(k, |truth|) in the denominator and NDCG@k', () => {
    const got = rankingMetrics([[1, 2, 3]], [[4, 1, 5, 2]], 2);
    // hits at rank 2 only: AP = (1/2) / min(2, 3)
    expect(got.map).toBeCloseTo(0.25, 12);
    expect(got.precision).toBe(0.5);
    expect(got.recall).toBeCloseTo(1 / 3, 12);
    expect(got.ndcg).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
  });

  it('skips entities without true items and does not reward repeated recommendations', () => {
    const got = rankingMetrics([[], [7]], [[1], [7, 7]], 2);
    expect(got.entities).toBe(1);
    expect(got.precision).toBe(0.5);
  });
});
