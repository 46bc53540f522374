// SPDX-License-Identifier: Apache-2.0
// A graph file's derivedTime is checked against the data when the graph is inferred: the date
// and time-of-day columns by type (and text by parsing), the foreign key against the table's;
// each failure is DATA_DERIVED_TIME_INVALID naming the table, the JSON path and what is right.
import { describe, expect, it } from 'vitest';
import type { DerivedTimeDef } from '../../src/data/graph-def.js';
import { findTable } from '../../src/data/graph-def.js';
import { inferGraph } from '../../src/data/infer.js';
import { rejectsWith, withDb } from './helpers.js';

const SETUP = [
  'CREATE TABLE owners (ownerId INTEGER, since TIMESTAMP)',
  "INSERT INTO owners VALUES (1, TIMESTAMP '2024-01-01')",
  `CREATE TABLE tickets (ticketId INTEGER, ownerId INTEGER, opened_day DATE, opened_text VARCHAR,
     at_time TIME, at_text VARCHAR, priority VARCHAR, n INTEGER)`,
  `INSERT INTO tickets VALUES
     (1, 1, DATE '2024-01-02', '2024-01-02', TIME '10:00', '10:00:00', 'low', 3),
     (2, 1, DATE '2024-01-03', '2024-01-03', TIME '11:30', '11:30:00', 'high', 4)`,
];

/** derivedTime of tickets (the second entry: /tables/1), and the field it fails on or null. */
const CASES: Array<[string, DerivedTimeDef, string | null]> = [
  ['DATE + TIME', { from: 'columns', date: 'opened_day', timeOfDay: 'at_time' }, null],
  ['text + text', { from: 'columns', date: 'opened_text', timeOfDay: 'at_text' }, null],
  [
    'text time of day of words',
    { from: 'columns', date: 'opened_day', timeOfDay: 'priority' },
    'timeOfDay',
  ],
  ['integer time of day', { from: 'columns', date: 'opened_day', timeOfDay: 'n' }, 'timeOfDay'],
  ['text date of words', { from: 'columns', date: 'priority', timeOfDay: 'at_time' }, 'date'],
  ['integer date', { from: 'columns', date: 'n', timeOfDay: 'at_time' }, 'date'],
  ['TIME as the date', { from: 'columns', date: 'at_time', timeOfDay: 'at_time' }, 'date'],
  ['a foreign key', { from: 'parent', foreignKey: 'ownerId' }, null],
  ['not a foreign key', { from: 'parent', foreignKey: 'ticketId' }, 'foreignKey'],
];

describe('derivedTime checked against the data', () => {
  it.each(CASES)('%s', async (_name, derivedTime, field) => {
    await withDb(SETUP, async (db) => {
      const infer = inferGraph(db, {
        overrideSource: 'g.json',
        override: {
          tables: [
            { name: 'owners', timeColumn: 'since' },
            {
              name: 'tickets',
              timeColumn: 'opened',
              derivedTime,
              foreignKeys: [{ column: 'ownerId', references: 'owners' }],
            },
          ],
        },
      });
      if (field === null) {
        const { graph } = await infer;
        expect(findTable(graph, 'tickets')?.derivedTime).toEqual(derivedTime);
        return;
      }
      const details = await rejectsWith(infer, 'DATA_DERIVED_TIME_INVALID');
      expect(details).toMatchObject({
        path: 'g.json',
        pointer: `/tables/1/derivedTime/${field}`,
        table: 'tickets',
      });
      const expected = String(details.expected);
      if (field === 'date') expect(expected).toContain('DATE or TIMESTAMP');
      if (field === 'timeOfDay') expect(expected).toContain('TIME');
      if (field === 'foreignKey') expect(expected).toContain('ownerId (to owners)');
    });
  });
});
