// SPDX-License-Identifier: Apache-2.0
// Why a batch prediction is empty: the advice follows where the anchor lies (before the model's
// data: a later anchor; after the data's end: an earlier one).
import { describe, expect, it } from 'vitest';
import { emptyPredictionWarning } from '../../src/pipeline/anchor-checks.js';
import { parseTimestampText } from '../../src/control/pql/index.js';

const at = (text: string) => parseTimestampText(text)!;
const bounds = { firstTrainingAnchor: at('2023-01-01'), dataEnd: at('2024-01-01') };
const filtered = { table: 'users', filter: 'COUNT(orders.*, -60, 0, days) > 0' };

/** [case, anchor, entity, the warning must contain, and must not contain]. */
const CASES: [string, string, typeof filtered, string, string][] = [
  [
    'before the data: a later anchor',
    '2022-01-01',
    filtered,
    "the model's first training anchor is 2023-01-01T00:00:00.000Z. Give a later anchor time",
    'earlier',
  ],
  [
    'after the data: an earlier anchor',
    '2030-01-01',
    filtered,
    'the data ends at 2024-01-01T00:00:00.000Z, so windows after that hold no rows. Give an ' +
      'earlier anchor time',
    'later',
  ],
  [
    'within the data: another anchor',
    '2023-06-01',
    filtered,
    'WHERE COUNT(orders.*, -60, 0, days) > 0 at 2023-06-01T00:00:00.000Z. Give another anchor',
    'earlier',
  ],
  [
    'no filter, nothing created yet: a later anchor',
    '2022-01-01',
    { table: 'users', filter: null as unknown as string },
    'no users row had been created by 2022-01-01T00:00:00.000Z',
    'earlier',
  ],
];

describe('emptyPredictionWarning', () => {
  it.each(CASES)('%s', (_case, anchor, entity, expected, absent) => {
    const warning = emptyPredictionWarning(at(anchor), entity, bounds);
    expect(warning).toContain(expected);
    expect(warning).toContain('or none for the latest time in the data');
    expect(warning).not.toContain(absent);
  });
});
