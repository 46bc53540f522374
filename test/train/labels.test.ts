// SPDX-License-Identifier: Apache-2.0
// Label tables as examples: entity keys (integer or string) map to node ids, rows naming an
// entity outside the graph or with a NULL label are dropped and counted, and a table without
// the plan's columns is refused with TRAIN_BAD_LABELS.
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../../src/data/duckdb.js';
import { queryLabels } from '../../src/train/labels.js';

const T = 1_577_836_800_000_000n; // 2020-01-01 in microseconds

const sql = (body: string) => ({ sql: body, params: [], columns: [] });

describe('label tables', () => {
  it('maps keys to node ids and drops unknown entities and NULL labels', async () => {
    const db = await openDuckDb(':memory:');
    try {
      const ints = await queryLabels(
        db,
        sql(`SELECT * FROM (VALUES (10, TIMESTAMP '2020-01-01', 1.5), (99, TIMESTAMP '2020-01-02', 0.0),
               (20, TIMESTAMP '2020-01-02', NULL), (20, TIMESTAMP '2020-01-03', 2.0))
             t(entity_id, anchor_time, label)`),
        new Map([
          ['10', 0],
          ['20', 1],
        ]),
        'train',
      );
      expect(Array.from(ints.entities)).toEqual([0, 1]);
      expect(Array.from(ints.times)).toEqual([T, T + 2n * 86_400_000_000n]);
      expect(Array.from(ints.labels)).toEqual([1.5, 2]);
      expect(ints.dropped).toBe(2);

      const strings = await queryLabels(
        db,
        sql(`SELECT 'b' AS entity_id, TIMESTAMP '2020-01-01' AS anchor_time, true AS label`),
        new Map([['b', 7]]),
        'test',
      );
      expect([Array.from(strings.entities), Array.from(strings.labels)]).toEqual([[7], [1]]);
    } finally {
      await db.close();
    }
  });

  it('refuses a table without entity_id, anchor_time or label, or with a non-time anchor', async () => {
    const db = await openDuckDb(':memory:');
    try {
      for (const body of [
        `SELECT 1 AS entity, TIMESTAMP '2020-01-01' AS anchor_time, 1 AS label`,
        `SELECT 1 AS entity_id, TIMESTAMP '2020-01-01' AS anchor_time`,
        `SELECT 1 AS entity_id, 5 AS anchor_time, 1 AS label`,
      ]) {
        await expect(queryLabels(db, sql(body), new Map(), 'validation')).rejects.toMatchObject({
          code: 'TRAIN_BAD_LABELS',
        });
      }
    } finally {
      await db.close();
    }
  });
});
