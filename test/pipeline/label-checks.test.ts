// SPDX-License-Identifier: Apache-2.0
// Checks of the label sets before training: a label that never varies is an error (nothing to
// learn, every metric trivially perfect); a single-class split, a split of few examples and a
// very large training split are warnings that say what to do.
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/control/pql/index.js';
import { PrequelError } from '../../src/errors/index.js';
import {
  LARGE_TRAINING_SPLIT,
  MIN_SPLIT_EXAMPLES,
  checkLabelsVary,
  labelWarnings,
  largeTrainingWarning,
  splitSizeWarnings,
  type QueryShape,
} from '../../src/pipeline/label-checks.js';
import type { LabelSets } from '../../src/pipeline/train.js';
import type { TaskKind } from '../../src/train/trainer.js';

function sets(train: number[], validation: number[], test: number[], classes?: string[]) {
  const set = (labels: number[]) => ({
    entities: Int32Array.from(labels, (_, i) => i),
    times: new BigInt64Array(labels.length),
    labels: Float64Array.from(labels),
    dropped: 0,
  });
  const out: LabelSets = { train: set(train), validation: set(validation), test: set(test) };
  if (classes !== undefined) out.classes = classes;
  return out;
}

const ones = (n: number) => new Array<number>(n).fill(1);
const mixed = (n: number) => Array.from({ length: n }, (_, i) => i % 2);

function shape(query: string, explicitSplit = false): QueryShape {
  const parsed = parseQuery(query);
  return {
    target: parsed.target,
    entityFilter: parsed.where === null ? null : 'COUNT(results.*, -365, 0, days) > 0',
    explicitSplit,
  };
}

const DNF =
  'PREDICT COUNT(results.* WHERE results.statusId != 1, 0, 30, days) > 0 FOR EACH drivers.driverId';

describe('checkLabelsVary', () => {
  const cases: [string, TaskKind, LabelSets, string | null][] = [
    ['binary, always true', 'binary', sets(ones(60), ones(60), ones(60)), 'true (positive)'],
    ['binary, always false', 'binary', sets([0, 0], [0], [0]), 'false (negative)'],
    ['multiclass, one class', 'multiclass', sets([2, 2], [2], [2], ['a', 'b', 'c']), 'c'],
    ['regression, one value', 'regression', sets([3, 3], [3], [3]), '3'],
    ['binary, both classes in test only', 'binary', sets(ones(9), ones(3), [0, 1]), null],
    ['binary, one class per split but not the same', 'binary', sets(ones(9), [0], [0]), null],
    ['ranking lists are not checked', 'ranking', sets(ones(9), ones(3), ones(3)), null],
  ];

  it.each(cases)('%s', (_name, task, labels, value) => {
    let error: unknown = null;
    try {
      checkLabelsVary(task, labels, 'COUNT(orders.*, 0, 30, days) >= 0');
    } catch (err) {
      error = err;
    }
    if (value === null) {
      expect(error).toBeNull();
      return;
    }
    expect(error).toBeInstanceOf(PrequelError);
    const e = error as PrequelError;
    expect(e.code).toBe('CONTROL_CONSTANT_LABEL');
    expect(e.details.value).toBe(value);
    expect(e.message).toContain('the target COUNT(orders.*, 0, 30, days) >= 0 does not vary');
  });
});

describe('split size warnings', () => {
  it('warn about each split under the minimum, with the way to more examples', () => {
    const sizes = { train: 500, validation: MIN_SPLIT_EXAMPLES, test: 12 };
    const query = 'PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH users.user_id';
    const fractions = splitSizeWarnings(sizes, shape(query));
    expect(fractions).toEqual([
      expect.stringMatching(
        /^the test split has only 12 examples \(fewer than 50\): .*give more entities, or an explicit split/,
      ),
    ]);
    const explicit = splitSizeWarnings({ ...sizes, test: 1 }, shape(query, true));
    expect(explicit).toEqual([
      expect.stringMatching(/^the test split has only 1 example .*--eval-anchors/),
    ]);
  });

  it('warn about a very large training split, suggesting a filter on the target table', () => {
    expect(largeTrainingWarning(LARGE_TRAINING_SPLIT, shape(DNF))).toBeNull();
    const warning = largeTrainingWarning(611_041, shape(DNF));
    expect(warning).toContain('the training split has 611041 examples (more than 200000)');
    expect(warning).toContain('WHERE COUNT(results.*, -365, 0, days) > 0');
    const filtered = largeTrainingWarning(
      611_041,
      shape(`${DNF} WHERE COUNT(results.*, -365, 0, days) > 0`),
    );
    expect(filtered).toContain('a stricter entity filter');
    expect(splitSizeWarnings({ train: 611_041, validation: 900, test: 900 }, shape(DNF))).toEqual([
      warning,
    ]);
  });
});

describe('labelWarnings', () => {
  it('names a single-class split with its counts', () => {
    expect(labelWarnings('binary', sets(ones(4), mixed(4), mixed(4)))).toEqual([
      expect.stringMatching(/^the train split has a single class \(4 positive, 0 negative\)/),
    ]);
    expect(labelWarnings('binary', sets(mixed(4), mixed(4), mixed(4)))).toEqual([]);
  });
});
