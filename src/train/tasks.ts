// SPDX-License-Identifier: Apache-2.0
// Per task: the training loss of one batch from the network's seed outputs, and the validation
// metric early stopping watches (AUROC, MAE, accuracy, macro AUPRC, MAP@k).
import type { Backend } from '../gnn/backend.js';
import { gatherRows } from '../gnn/graph-ops.js';
import { bceWithLogits, crossEntropy, l1Loss, mseLoss } from '../gnn/loss-ops.js';
import { add } from '../gnn/ops.js';
import type { Rng } from '../gnn/random.js';
import { indexTensor, tensor, type Tensor } from '../gnn/tensor.js';
import {
  auroc,
  multiclassMetrics,
  multilabelAuprc,
  rankingMetrics,
  regressionMetrics,
} from './metrics.js';
import type { LabelLists, LabelSet, RankingState, TaskKind, TrainedModel } from './model.js';
import { pairFeatures, subsetRows } from './ranking.js';

export type MetricName = 'auroc' | 'mae' | 'accuracy' | 'auprc_macro' | 'map@k';

export const METRIC: Record<TaskKind, MetricName> = {
  binary: 'auroc',
  regression: 'mae',
  multiclass: 'accuracy',
  multilabel: 'auprc_macro',
  ranking: 'map@k',
};

/** A masked logit: far below any score, still finite (tensors refuse infinities). */
const MASKED = -1e4;

/** Example i's set. */
export function setOf(lists: LabelLists, i: number): Int32Array {
  return lists.items.subarray(lists.offsets[i]!, lists.offsets[i + 1]!);
}

/** Sets of the examples as arrays, for the ranking metrics. */
export function setsOf(lists: LabelLists, n: number): Int32Array[] {
  return Array.from({ length: n }, (_, i) => setOf(lists, i));
}

/** 0/1 targets [examples, classes], row-major, from the examples' class sets. */
export function denseTargets(
  lists: LabelLists,
  rows: ArrayLike<number>,
  classes: number,
): Float32Array {
  const out = new Float32Array(rows.length * classes);
  for (let r = 0; r < rows.length; r++) {
    for (const c of setOf(lists, rows[r]!)) out[r * classes + c] = 1;
  }
  return out;
}

/** What a training step's loss needs besides the seed outputs. */
export interface StepInput {
  backend: Backend;
  task: TaskKind;
  set: LabelSet;
  /** Example indices of the batch, in batch order. */
  idx: Int32Array;
  target: { mean: number; std: number };
  regressionLoss: 'l1' | 'mse';
  classes: number;
  ranking?: RankingState;
  visibleUntil?: bigint;
  /** Draws ranking negatives. */
  rng: Rng;
}

/** The batch loss from seed outputs `out` [batch, outputs]; null when it has no signal. */
export function stepLoss(out: Tensor, s: StepInput): Tensor | null {
  const bk = s.backend;
  const { set, idx } = s;
  switch (s.task) {
    case 'binary':
    case 'regression': {
      const labels = Float32Array.from(idx, (i) => (set.labels[i]! - s.target.mean) / s.target.std);
      const y = tensor(bk, labels, [labels.length, 1]);
      if (s.task === 'binary') return bceWithLogits(out, y);
      return s.regressionLoss === 'mse' ? mseLoss(out, y) : l1Loss(out, y);
    }
    case 'multiclass':
      return crossEntropy(
        out,
        indexTensor(
          bk,
          Int32Array.from(idx, (i) => set.labels[i]!),
        ),
      );
    case 'multilabel': {
      const y = denseTargets(set.lists!, idx, s.classes);
      return bceWithLogits(out, tensor(bk, y, [idx.length, s.classes]));
    }
    case 'ranking':
      return rankingLoss(out, s);
  }
}

/** Candidate items of a step: all items, or the batch's positives plus sampled negatives. */
function candidatesOf(s: StepInput, rk: RankingState): Int32Array {
  const count = rk.items.rows;
  if (count <= rk.head.config.candidates) return Int32Array.from({ length: count }, (_, i) => i);
  const chosen = new Set<number>();
  for (const i of s.idx) for (const item of setOf(s.set.lists!, i)) chosen.add(item);
  // Not yet: a log-Q correction; negatives are uniform over the catalog.
  while (chosen.size < rk.head.config.candidates) chosen.add(s.rng.int(count));
  return Int32Array.from(chosen).sort();
}

/** Softmax over candidates, one row per (example, positive item), other positives masked. */
function rankingLoss(h: Tensor, s: StepInput): Tensor | null {
  const rk = s.ranking!;
  const lists = s.set.lists!;
  const bk = s.backend;
  const candidates = candidatesOf(s, rk);
  const column = new Map<number, number>();
  candidates.forEach((item, j) => column.set(item, j));
  const times = Array.from(s.idx, (i) => {
    const t = s.set.times[i]!;
    return s.visibleUntil !== undefined && s.visibleUntil < t ? s.visibleUntil : t;
  });
  const rows: number[] = [];
  const cols: number[] = [];
  for (let b = 0; b < s.idx.length; b++) {
    for (const item of new Set(setOf(lists, s.idx[b]!))) {
      rows.push(b);
      cols.push(column.get(item)!);
    }
  }
  if (rows.length === 0) return null;
  const c = candidates.length;
  const mask = new Float32Array(rows.length * c);
  rows.forEach((b, r) => {
    if (rk.itemTime !== null) {
      for (let j = 0; j < c; j++)
        if (rk.itemTime[candidates[j]!]! > times[b]!) mask[r * c + j] = MASKED;
    }
    for (const item of setOf(lists, s.idx[b]!)) mask[r * c + column.get(item)!] = MASKED;
    mask[r * c + cols[r]!] = 0;
  });
  const inputs =
    c === rk.items.rows ? rk.items : subsetRows(rk.items, candidates, rk.head.config.denseDim);
  const entities = Int32Array.from(s.idx, (i) => s.set.entities[i]!);
  const pairs = pairFeatures(rk.history, entities, times, candidates, rk.head.config.recencyMicros);
  const scores = rk.head.scores(h, candidates, inputs, pairs);
  const logits = add(gatherRows(scores, indexTensor(bk, rows)), tensor(bk, mask, [rows.length, c]));
  return crossEntropy(logits, indexTensor(bk, cols));
}

/** The validation score, higher is better, and the metric value reported. */
export async function validationScore(
  model: TrainedModel,
  set: LabelSet,
): Promise<{ score: number; value: number | null }> {
  const n = set.entities.length;
  switch (model.task) {
    case 'binary': {
      const p = await model.predict(set);
      const value = auroc(set.labels, p).value;
      if (value !== null) return { score: value, value };
      // A single-class validation window has no AUROC (reported as null): epochs are compared
      // by their log loss on it instead, and training goes on.
      return { score: -logLoss(set.labels, p), value: null };
    }
    case 'regression': {
      const mae = regressionMetrics(set.labels, await model.predict(set)).mae;
      return { score: -mae, value: mae };
    }
    case 'multiclass': {
      const value = multiclassMetrics(set.labels, await model.predict(set)).accuracy;
      return { score: value, value };
    }
    case 'multilabel': {
      const { classes, values } = await model.predictProba(set);
      const targets = denseTargets(
        set.lists!,
        Int32Array.from({ length: n }, (_, i) => i),
        classes,
      );
      const value = multilabelAuprc(targets, values, classes).macro.value ?? 0;
      return { score: value, value };
    }
    case 'ranking': {
      const k = model.head.ranking!.k;
      const top = await model.predictTop(set, k);
      const ranked = Array.from({ length: n }, (_, i) => top.items.subarray(i * k, (i + 1) * k));
      const value = rankingMetrics(setsOf(set.lists!, n), ranked, k).map;
      return { score: value, value };
    }
  }
}

/** Mean binary cross-entropy of probabilities `p` (clipped to [1e-7, 1 - 1e-7]). */
function logLoss(labels: ArrayLike<number>, p: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]!));
    sum -= labels[i]! > 0 ? Math.log(q) : Math.log(1 - q);
  }
  return sum / Math.max(1, labels.length);
}
