// SPDX-License-Identifier: Apache-2.0
// Validation messages agree with their counts: "1 key matches", "2 keys match".
import { describe, expect, it } from 'vitest';
import { inferGraph } from '../../src/data/infer.js';
import { validateGraph } from '../../src/data/validate.js';
import { prequelError } from '../../src/errors/index.js';
import { withDb } from './helpers.js';

/** Child rows (parent key, time) against parents 1 and 2. */
const setup = (rows: Array<[string, string]>) => [
  'CREATE TABLE parent (parentId BIGINT)',
  'INSERT INTO parent VALUES (1), (2)',
  'CREATE TABLE child (childId BIGINT, parentId BIGINT, created_at VARCHAR)',
  `INSERT INTO child VALUES ${rows.map(([p, t], i) => `(${i + 1}, ${p}, ${t})`).join(', ')}`,
];

/** [code, rows, message start] */
const CASES: Array<[string, Array<[string, string]>, string]> = [
  [
    'FK_DANGLING',
    [
      ['1', "'2020-01-01'"],
      ['9', "'2020-01-02'"],
    ],
    '1 key matches no row of parent',
  ],
  [
    'FK_DANGLING',
    [
      ['1', "'2020-01-01'"],
      ['8', "'2020-01-02'"],
      ['9', "'2020-01-03'"],
    ],
    '2 keys match no row of parent',
  ],
  ['FK_ALL_DANGLING', [['9', "'2020-01-01'"]], 'the one key matches no row of parent'],
  [
    'FK_ALL_DANGLING',
    [
      ['8', "'2020-01-01'"],
      ['9', "'2020-01-01'"],
    ],
    'all 2 keys match no row',
  ],
  [
    'FK_NULL',
    [
      ['NULL', "'2020-01-01'"],
      ['1', "'2020-01-01'"],
    ],
    '1 row has a NULL key',
  ],
  [
    'FK_NULL',
    [
      ['NULL', "'2020-01-01'"],
      ['NULL', "'2020-01-01'"],
    ],
    '2 rows have a NULL key',
  ],
  [
    'TIME_NULL',
    [
      ['1', 'NULL'],
      ['1', "'2020-01-01'"],
    ],
    '1 row has no time; it never becomes',
  ],
  [
    'TIME_NULL',
    [
      ['1', 'NULL'],
      ['1', 'NULL'],
      ['1', "'2020-01-01'"],
    ],
    '2 rows have no time',
  ],
  [
    'TIME_UNPARSEABLE',
    [
      ['1', "'soon'"],
      ['1', "'2020-01-01'"],
    ],
    '1 time does not parse',
  ],
  [
    'TIME_UNPARSEABLE',
    [
      ['1', "'soon'"],
      ['1', "'later'"],
      ['1', "'2020-01-01'"],
    ],
    '2 times do not parse',
  ],
];

describe('validation messages', () => {
  it('agree with their counts', async () => {
    for (const [code, rows, start] of CASES) {
      await withDb(setup(rows), async (db) => {
        const { graph } = await inferGraph(db, {
          override: {
            tables: [
              {
                name: 'child',
                timeColumn: 'created_at',
                foreignKeys: [{ column: 'parentId', references: 'parent' }],
              },
            ],
          },
        });
        const report = await validateGraph(db, graph);
        const issue = report.issues.find((i) => i.code === code);
        expect(issue?.message, `${code} ${JSON.stringify(rows)}`).toMatch(
          new RegExp(`^${start.replace(/[()]/g, '\\$&')}`),
        );
      });
    }
  });

  it('registry messages with counts agree too', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['DATA_PK_NULL', { table: 't', column: 'k', count: 1 }, 'is NULL in 1 row'],
      ['DATA_PK_NULL', { table: 't', column: 'k', count: 3 }, 'is NULL in 3 rows'],
      ['DATA_VALIDATION_FAILED', { count: 1, first: 'x' }, 'has 1 validation error;'],
      ['DATA_VALIDATION_FAILED', { count: 2, first: 'x' }, 'has 2 validation errors;'],
    ];
    for (const [code, details, says] of cases) {
      expect(prequelError(code, details).message, code).toContain(says);
    }
  });
});
