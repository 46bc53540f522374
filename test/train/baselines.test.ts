// Baselines: constants from training labels, the entity's own past label and past items, all
// using only labels whose window closed by the anchor being scored.
import { describe, expect, it } from 'vitest';
import {
  median,
  pastItemsBaseline,
  pastValueBaseline,
  popularItemsBaseline,
} from '../../src/train/baselines.js';

const DAY = 86_400_000;

describe('baselines', () => {
  it('takes the median of an even count as the mean of the middle pair', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
  });

  it('uses only past labels whose window closed by the anchor', () => {
    const history = [
      { entity: 'a', anchor: 0, label: 1 },
      { entity: 'a', anchor: 30 * DAY, label: 0 },
      { entity: 'a', anchor: 60 * DAY, label: 0 },
    ];
    const got = pastValueBaseline(
      history,
      [
        { entity: 'a', anchor: 30 * DAY }, // only the first window has closed
        { entity: 'a', anchor: 59 * DAY }, // the second closes at day 60: still open
        { entity: 'a', anchor: 90 * DAY }, // the first three have closed
        { entity: 'b', anchor: 90 * DAY }, // unknown entity: fallback
      ],
      30 * DAY,
      0.25,
    );
    expect(Array.from(got)).toEqual([1, 1, 1 / 3, 0.25]);
  });

  it('ranks popular items by the number of labels containing them, ties by key', () => {
    const history = [
      { entity: 'a', anchor: 0, label: ['x', 'y', 'y'] },
      { entity: 'b', anchor: 0, label: ['y', 'z'] },
      { entity: 'c', anchor: 0, label: ['x'] },
      { entity: 'c', anchor: 100 * DAY, label: ['w', 'w'] }, // not yet closed at day 30
    ];
    const queries = [{ entity: 'a', anchor: 30 * DAY }];
    expect(popularItemsBaseline(history, queries, 30 * DAY, 2)).toEqual([['x', 'y']]);
    expect(pastItemsBaseline(history, [{ entity: 'b', anchor: 30 * DAY }], 30 * DAY, 3)).toEqual([
      ['y', 'z', 'x'],
    ]);
  });
});
