// SPDX-License-Identifier: Apache-2.0
// Checks of a query's label sets before training. A label that never varies (the same class or
// value in every example of every split, as a target like `COUNT(...) >= 0` gives) is an error:
// there is nothing to learn and every metric would be trivially perfect. The rest are warnings,
// which the job logs and the model keeps (its report and `prequel models show` repeat them): a
// split whose labels hold a single class still trains, but the user should know what it means
// (a training window of one class teaches nothing about the other; a validation window of one
// class has no AUROC, so early stopping has no signal; a test window of one class has no test
// AUROC); a split with few examples gives noisy metrics; a very large training split is slow.
import type { QueryPlan, Target } from '../control/pql/index.js';
import { forEachAggregation } from '../control/pql/ast.js';
import { raise } from '../errors/index.js';
import { classCounts } from '../train/metrics.js';
import type { TaskKind } from '../train/trainer.js';
import type { LabelSets } from './train.js';
import { plural } from '../text/plural.js';

/** Fewer examples than this in a split make its metrics noisy (a warning). */
export const MIN_SPLIT_EXAMPLES = 50;
/** More training examples than this make an epoch slow, even in fast mode (a warning). */
export const LARGE_TRAINING_SPLIT = 200_000;

const SPLITS = ['train', 'validation', 'test'] as const;
type Split = (typeof SPLITS)[number];

const CONSEQUENCE: Record<Split, string> = {
  train: 'the model cannot learn to tell the classes apart',
  validation: 'its AUROC is undefined, so early stopping has no signal and keeps the first epoch',
  test: 'its AUROC is undefined',
};

const HINT = 'check the split times and the target with `prequel explain`';

/** One warning per split whose labels hold a single class (binary and multiclass tasks). */
export function labelWarnings(task: TaskKind, sets: LabelSets): string[] {
  const warnings: string[] = [];
  for (const split of SPLITS) {
    const labels = sets[split].labels;
    if (labels.length === 0) continue;
    if (task === 'binary') {
      const { positive, negative } = classCounts(labels);
      if (positive > 0 && negative > 0) continue;
      warnings.push(
        `the ${split} split has a single class (${positive} positive, ${negative} negative): ` +
          `${CONSEQUENCE[split]}; ${HINT}`,
      );
    } else if (task === 'multiclass') {
      const counts = new Map<number, number>();
      for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
      if (counts.size > 1) continue;
      const [label, n] = [...counts][0]!;
      const name = sets.classes?.[label] ?? String(label);
      const consequence = split === 'train' ? CONSEQUENCE.train : 'its metrics say little';
      warnings.push(
        `the ${split} split has a single class (${name}: ${plural(n, 'example')}): ` +
          `${consequence}; ${HINT}`,
      );
    }
  }
  return warnings;
}

/**
 * Raises CONTROL_CONSTANT_LABEL when the label is the same in every example of every split
 * (binary, multiclass and regression tasks; list labels of ranking and multilabel tasks are
 * not checked). `target` is the query's target as written.
 */
export function checkLabelsVary(task: TaskKind, sets: LabelSets, target: string): void {
  if (task !== 'binary' && task !== 'multiclass' && task !== 'regression') return;
  const all = SPLITS.map((split) => sets[split].labels);
  const first = all.find((labels) => labels.length > 0)?.[0];
  if (first === undefined) return;
  if (!all.every((labels) => labels.every((label) => label === first))) return;
  const examples = all.reduce((n, labels) => n + labels.length, 0);
  const value =
    task === 'binary'
      ? first > 0.5
        ? 'true (positive)'
        : 'false (negative)'
      : task === 'multiclass'
        ? (sets.classes?.[first] ?? String(first))
        : String(first);
  raise('CONTROL_CONSTANT_LABEL', {
    value,
    count: examples,
    target,
    hint:
      task === 'binary'
        ? 'a condition that always holds (such as COUNT(...) >= 0) or never does has one ' +
          'class; compare with a threshold the data falls on both sides of, e.g. COUNT(...) > 0'
        : 'give a target whose value differs between entities or anchor times',
  });
}

/** Examples per split, as `prequel explain` counts them and training finds them. */
export type SplitSizes = Record<Split, number>;

/** What the split size warnings say about a query: its target, filter and kind of split. */
export interface QueryShape {
  /** The target's syntax tree (its first aggregation's table names an example filter). */
  target: Target;
  /** The entity filter as written (`WHERE ...`), or null. */
  entityFilter: string | null;
  explicitSplit: boolean;
}

/** The shape of a compiled plan. */
export function shapeOf(plan: QueryPlan): QueryShape {
  return {
    target: plan.query.target,
    entityFilter: plan.entity.filter,
    explicitSplit: plan.splits?.kind === 'explicit',
  };
}

/**
 * The warnings about split sizes: one per split with fewer than MIN_SPLIT_EXAMPLES examples, and
 * one for a training split of more than LARGE_TRAINING_SPLIT (see largeTrainingWarning).
 */
export function splitSizeWarnings(sizes: SplitSizes, query: QueryShape): string[] {
  const large = largeTrainingWarning(sizes.train, query);
  return [...smallSplitWarnings(sizes, query.explicitSplit), ...(large === null ? [] : [large])];
}

/** One warning per split with fewer than MIN_SPLIT_EXAMPLES examples. */
export function smallSplitWarnings(sizes: SplitSizes, explicitSplit: boolean): string[] {
  const more = explicitSplit
    ? 'evaluate on more anchor times (--eval-anchors, or options.evalAnchors)'
    : 'give more entities, or an explicit split with more anchor times (--validation-start, ' +
      '--test-start and --eval-anchors)';
  return SPLITS.flatMap((split) => {
    const n = sizes[split];
    if (n === 0 || n >= MIN_SPLIT_EXAMPLES) return [];
    return [
      `the ${split} split has only ${plural(n, 'example')} (fewer than ${MIN_SPLIT_EXAMPLES}): ` +
        `its metrics rest on few examples and vary from run to run; ${more}`,
    ];
  });
}

/**
 * The warning for a training split of more than LARGE_TRAINING_SPLIT examples, or null: every
 * example samples its own subgraph in every epoch, so the time grows with the count, whatever
 * the run mode. An entity filter on recent activity keeps the entities the question is about.
 */
export function largeTrainingWarning(examples: number, query: QueryShape): string | null {
  if (examples <= LARGE_TRAINING_SPLIT) return null;
  let table: string | null = null;
  forEachAggregation(query.target, (a) => (table ??= a.column.table.text));
  const filter =
    query.entityFilter === null
      ? 'an entity filter that keeps the active entities, e.g. WHERE ' +
        `COUNT(${table ?? 'events'}.*, -365, 0, days) > 0 at the end of the query`
      : 'a stricter entity filter (e.g. a shorter look-back window or a higher threshold)';
  return (
    `the training split has ${examples} examples (more than ${LARGE_TRAINING_SPLIT}): each ` +
    'epoch samples a subgraph for every one of them, so training takes long even in fast ' +
    `mode; to train on fewer, add ${filter}`
  );
}
