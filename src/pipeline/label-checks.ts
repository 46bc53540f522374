// SPDX-License-Identifier: Apache-2.0
// Checks of a query's label sets before training, as warnings for the job log: a split whose
// labels hold a single class still trains, but the user should know what it means (a training
// window of one class teaches nothing about the other; a validation window of one class has no
// AUROC, so early stopping has no signal; a test window of one class has no test AUROC).
import { classCounts } from '../train/metrics.js';
import type { TaskKind } from '../train/trainer.js';
import type { LabelSets } from './train.js';
import { plural } from '../text/plural.js';

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
        `the ${split} split has a single class (${name}: ${plural(n, 'example')}): ${consequence}; ${HINT}`,
      );
    }
  }
  return warnings;
}
