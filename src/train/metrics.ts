// SPDX-License-Identifier: Apache-2.0
// Evaluation metrics per task type. Pure functions over plain arrays; each returns numbers, or
// an explicit `undefined` with its reason where the metric is not defined on the given labels
// (a single-class window has no AUROC), so callers report it instead of crashing.

/** A metric that may be undefined on degenerate inputs. */
export type MetricValue = { value: number } | { value: null; reason: string };

function defined(value: number): MetricValue {
  return { value };
}

/** Counts of negatives and positives in 0/1 labels. */
export function classCounts(labels: ArrayLike<number>): { negative: number; positive: number } {
  let positive = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > 0.5) positive++;
  return { negative: labels.length - positive, positive };
}

/** Indices of `scores` sorted by descending score. */
function byScoreDescending(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]!);
  return order;
}

/** Area under the ROC curve, with tied scores counted as half (the Mann-Whitney statistic). */
export function auroc(labels: ArrayLike<number>, scores: ArrayLike<number>): MetricValue {
  const { negative, positive } = classCounts(labels);
  if (positive === 0 || negative === 0) {
    return {
      value: null,
      reason: `AUROC is undefined with a single class (${positive} positive, ${negative} negative)`,
    };
  }

  const order = byScoreDescending(scores);
  let negativesAbove = 0;
  let sum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    let tiedPositive = 0;
    let tiedNegative = 0;
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) {
      if (labels[order[j]!]! > 0.5) tiedPositive++;
      else tiedNegative++;
      j++;
    }
    // Each positive beats the negatives ranked strictly below it; ties count half.
    sum += tiedPositive * (negative - negativesAbove - tiedNegative + tiedNegative / 2);
    negativesAbove += tiedNegative;
    i = j;
  }
  return defined(sum / (positive * negative));
}

/** Average precision: the step integral of precision over recall, tied scores grouped. */
export function averagePrecision(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): MetricValue {
  const { positive, negative } = classCounts(labels);
  if (positive === 0) {
    return {
      value: null,
      reason: `average precision is undefined with no positive (${negative} negative)`,
    };
  }

  const order = byScoreDescending(scores);
  let truePositive = 0;
  let seen = 0;
  let ap = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    let gained = 0;
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) {
      if (labels[order[j]!]! > 0.5) gained++;
      j++;
    }
    truePositive += gained;
    seen += j - i;
    ap += (gained / positive) * (truePositive / seen);
    i = j;
  }
  return defined(ap);
}

/** Accuracy of `score > threshold` against 0/1 labels. */
export function binaryAccuracy(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold = 0.5,
): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    if (scores[i]! > threshold === labels[i]! > 0.5) correct++;
  }
  return labels.length === 0 ? 0 : correct / labels.length;
}

/** F1 of the positive class for `score >= threshold`; 0 when there is no true positive. */
export function binaryF1(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold = 0.5,
): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = scores[i]! >= threshold;
    const actual = labels[i]! > 0.5;
    if (predicted && actual) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** Multiclass accuracy and macro F1 (classes that occur in labels or predictions). */
export function multiclassMetrics(labels: ArrayLike<number>, predicted: ArrayLike<number>) {
  const classes = new Set<number>();
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    classes.add(labels[i]!);
    classes.add(predicted[i]!);
    if (labels[i] === predicted[i]) correct++;
  }
  let f1Sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < labels.length; i++) {
      if (predicted[i] === c && labels[i] === c) tp++;
      else if (predicted[i] === c) fp++;
      else if (labels[i] === c) fn++;
    }
    f1Sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return {
    accuracy: labels.length === 0 ? 0 : correct / labels.length,
    macroF1: classes.size === 0 ? 0 : f1Sum / classes.size,
  };
}

/**
 * Multilabel AUPRC from a row-major [rows, labels] 0/1 matrix and scores. Macro averages the
 * per-label average precision over labels with at least one positive; micro pools all cells.
 */
export function multilabelAuprc(
  targets: ArrayLike<number>,
  scores: ArrayLike<number>,
  numLabels: number,
): { macro: MetricValue; micro: MetricValue } {
  const rows = numLabels === 0 ? 0 : targets.length / numLabels;
  let sum = 0;
  let counted = 0;
  for (let l = 0; l < numLabels; l++) {
    const t = new Float64Array(rows);
    const s = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      t[r] = targets[r * numLabels + l]!;
      s[r] = scores[r * numLabels + l]!;
    }
    const ap = averagePrecision(t, s);
    if (ap.value !== null) {
      sum += ap.value;
      counted++;
    }
  }
  const macro: MetricValue =
    counted === 0
      ? { value: null, reason: 'no label has a positive example' }
      : defined(sum / counted);
  return { macro, micro: averagePrecision(targets, scores) };
}

/** Mean absolute error, root mean squared error and R^2. R^2 is undefined for constant targets. */
export function regressionMetrics(targets: ArrayLike<number>, predictions: ArrayLike<number>) {
  const n = targets.length;
  let absSum = 0;
  let sqSum = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += targets[i]!;
  mean = n === 0 ? 0 : mean / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const err = predictions[i]! - targets[i]!;
    absSum += Math.abs(err);
    sqSum += err * err;
    total += (targets[i]! - mean) ** 2;
  }
  const r2: MetricValue =
    total === 0
      ? { value: null, reason: 'R2 is undefined for constant targets' }
      : defined(1 - sqSum / total);
  return { mae: n === 0 ? 0 : absSum / n, rmse: n === 0 ? 0 : Math.sqrt(sqSum / n), r2 };
}

/**
 * Ranking metrics at k for link prediction. `truth[i]` is the set of true items of entity i (a
 * list with repeats counts each item once), `ranked[i]` its recommendations, best first.
 * Entities with no true item are skipped, as they carry no signal.
 */
export function rankingMetrics(
  truth: ArrayLike<unknown>[],
  ranked: ArrayLike<unknown>[],
  k: number,
) {
  let map = 0;
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let counted = 0;
  for (let i = 0; i < truth.length; i++) {
    const relevant = new Set(Array.from(truth[i]!));
    if (relevant.size === 0) continue;
    counted++;

    const shown = new Set<unknown>();
    let hits = 0;
    let apSum = 0;
    let dcg = 0;
    const list = ranked[i]!;
    for (let r = 0; r < Math.min(k, list.length); r++) {
      const item = list[r];
      // A repeated recommendation earns nothing the second time.
      if (shown.has(item)) continue;
      shown.add(item);
      if (!relevant.has(item)) continue;
      hits++;
      apSum += hits / (r + 1);
      dcg += 1 / Math.log2(r + 2);
    }
    let idcg = 0;
    for (let r = 0; r < Math.min(k, relevant.size); r++) idcg += 1 / Math.log2(r + 2);

    map += apSum / Math.min(k, relevant.size);
    precision += hits / k;
    recall += hits / relevant.size;
    ndcg += dcg / idcg;
  }
  const avg = (x: number) => (counted === 0 ? 0 : x / counted);
  return {
    map: avg(map),
    precision: avg(precision),
    recall: avg(recall),
    ndcg: avg(ndcg),
    entities: counted,
  };
}
