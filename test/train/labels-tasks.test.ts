// SPDX-License-Identifier: Apache-2.0
// Label tables of the set-valued tasks: multiclass values map to class indices through a
// vocabulary (built from the split, most frequent first, or given; unseen values dropped and
// counted), multilabel and ranking lists become CSR sets without duplicates (class indices, or
// node ids of the ranked table), and ranking without a target index is refused.
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../../src/data/duckdb.js';
import { queryLabels } from '../../src/train/labels.js';
import type { LabelLists } from '../../src/train/model.js';

const sql = (body: string) => ({ sql: body, params: [], columns: [] });
const users = new Map([
  ['1', 0],
  ['2', 1],
  ['3', 2],
]);
const sets = (lists: LabelLists | undefined) =>
  Array.from({ length: lists!.offsets.length - 1 }, (_, i) =>
    Array.from(lists!.items.subarray(lists!.offsets[i]!, lists!.offsets[i + 1]!)),
  );

describe('label tables of set-valued tasks', () => {
  it('multiclass: a vocabulary from the split, or given with unseen values dropped', async () => {
    const db = await openDuckDb(':memory:');
    try {
      const body = sql(`SELECT * FROM (VALUES (1, TIMESTAMP '2020-01-01', 'b'),
          (2, TIMESTAMP '2020-01-01', 'a'), (3, TIMESTAMP '2020-01-01', 'a'),
          (1, TIMESTAMP '2020-02-01', NULL), (2, TIMESTAMP '2020-02-01', 'c'))
        t(entity_id, anchor_time, label)`);
      const built = await queryLabels(db, body, users, 'train', { task: 'multiclass' });
      expect(built.classes).toEqual(['a', 'b', 'c']);
      expect(Array.from(built.labels)).toEqual([1, 0, 0, 2]);
      expect([built.dropped, built.unseen]).toEqual([1, 0]);
      expect(built.lists).toBeUndefined();

      const given = await queryLabels(db, body, users, 'test', {
        task: 'multiclass',
        classes: ['b', 'a'],
      });
      expect(given.classes).toEqual(['b', 'a']);
      expect(Array.from(given.labels)).toEqual([0, 1, 1]);
      expect([given.dropped, given.unseen]).toEqual([2, 1]);

      const numbers = await queryLabels(
        db,
        sql(`SELECT * FROM (VALUES (1, TIMESTAMP '2020-01-01', 10), (2, TIMESTAMP '2020-01-01', 9),
            (3, TIMESTAMP '2020-01-01', 10)) t(entity_id, anchor_time, label)`),
        users,
        'train',
        { task: 'multiclass' },
      );
      expect(numbers.classes).toEqual(['10', '9']);
      expect(Array.from(numbers.labels)).toEqual([0, 1, 0]);
    } finally {
      await db.close();
    }
  });

  it('multilabel and ranking: lists become sets of class indices or item node ids', async () => {
    const db = await openDuckDb(':memory:');
    try {
      const strings = sql(`SELECT * FROM (VALUES (1, TIMESTAMP '2020-01-01', ['x', 'y', 'x']),
          (2, TIMESTAMP '2020-01-01', ['y']), (3, TIMESTAMP '2020-01-01', ['z']),
          (3, TIMESTAMP '2020-02-01', NULL)) t(entity_id, anchor_time, label)`);
      const multi = await queryLabels(db, strings, users, 'train', { task: 'multilabel' });
      expect(multi.classes).toEqual(['y', 'x', 'z']);
      expect(sets(multi.lists)).toEqual([[1, 0], [0], [2]]);
      expect(Array.from(multi.labels)).toEqual([2, 1, 1]);
      expect(multi.dropped).toBe(1);
      const known = await queryLabels(db, strings, users, 'test', {
        task: 'multilabel',
        classes: ['x', 'y'],
      });
      // An example whose labels are all unseen keeps an empty set: every known label negative.
      expect(sets(known.lists)).toEqual([[0, 1], [1], []]);
      expect(known.unseen).toBe(1);

      const products = new Map([
        ['3', 0],
        ['5', 1],
        ['7', 2],
      ]);
      const ids = sql(`SELECT * FROM (VALUES (1, TIMESTAMP '2020-01-01', [3, 3, 5]),
          (2, TIMESTAMP '2020-01-01', [9]), (3, TIMESTAMP '2020-01-01', [7, 9]))
        t(entity_id, anchor_time, label)`);
      const ranking = await queryLabels(db, ids, users, 'train', {
        task: 'ranking',
        targetIndex: products,
      });
      expect(Array.from(ranking.entities)).toEqual([0, 2]);
      expect(sets(ranking.lists)).toEqual([[0, 1], [2]]);
      expect([ranking.dropped, ranking.unseen]).toEqual([1, 2]);
      await expect(queryLabels(db, ids, users, 'train', { task: 'ranking' })).rejects.toMatchObject(
        { code: 'TRAIN_BAD_LABELS' },
      );
    } finally {
      await db.close();
    }
  });
});
