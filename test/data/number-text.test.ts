// SPDX-License-Identifier: Apache-2.0
// A column of numbers but for a few values reads as text; validation says so (NUMBER_UNPARSEABLE)
// with the count, an example and its row, and what to do, once at least NUMBER_PARSE_MIN of its
// values are numbers, or whenever the column is declared numerical.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectSource } from '../../src/control/cli/inspect.js';
import { inferGraph } from '../../src/data/infer.js';
import type { GraphOverride } from '../../src/data/graph-file.js';
import { validateGraph } from '../../src/data/validate.js';
import { withDb, withTempDir } from './helpers.js';

/** 300 ages 20..69 as text, with `bad` written over the rows (1-based) given. */
function ages(bad: Record<number, string>): string[] {
  const values = Array.from({ length: 300 }, (_, i) => bad[i + 1] ?? String(20 + (i % 50)));
  return [
    'CREATE TABLE users (userId INTEGER, age VARCHAR)',
    `INSERT INTO users VALUES ${values.map((v, i) => `(${i + 1}, '${v}')`).join(', ')}`,
  ];
}

const thirtyTimes = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [i + 42, 'thirty']));

/** [case, bad values by row, override, expected [count, example, row] or null for none] */
const CASES: Array<
  [string, Record<number, string>, GraphOverride, [number, string, number] | null]
> = [
  ['one word among 300 ages', { 42: 'thirty' }, {}, [1, 'thirty', 42]],
  ['30 of 300 (90% numbers)', thirtyTimes(30), {}, [30, 'thirty', 42]],
  ['31 of 300 (under 90%): a text column', thirtyTimes(31), {}, null],
  ['NULL markers are not counted', { 5: 'NA', 6: 'NULL', 7: '\\N' }, {}, null],
  ['every value a number', {}, {}, null],
  [
    'declared numerical: reported at any share',
    thirtyTimes(200),
    { tables: [{ name: 'users', columns: [{ name: 'age', stype: 'numerical' }] }] },
    [200, 'thirty', 42],
  ],
];

describe('text columns of numbers but for a few values', () => {
  it('are reported with a count, an example and its row', async () => {
    for (const [name, bad, override, expected] of CASES) {
      await withDb(ages(bad), async (db) => {
        const { graph } = await inferGraph(db, { override });
        const report = await validateGraph(db, graph);
        const issues = report.issues.filter((i) => i.code === 'NUMBER_UNPARSEABLE');
        if (expected === null) {
          expect(issues, name).toEqual([]);
          return;
        }
        const [count, example, row] = expected;
        expect(
          issues.map((i) => [i.severity, i.table, i.column, i.count]),
          name,
        ).toEqual([['warning', 'users', 'age', count]]);
        expect(issues[0]!.details, name).toMatchObject({ example, row, given: 300 });
        const declared = override.tables !== undefined;
        expect(issues[0]!.message, name).toContain(
          declared ? 'they read as missing' : '"columns": [{"name": "age", "stype": "numerical"}]',
        );
      });
    }
  });

  it('say so in inspect for the CSV file a user wrote, keys left alone', async () => {
    await withTempDir(async (dir) => {
      const rows = Array.from({ length: 300 }, (_, i) => `u${i + 1},${i === 41 ? 'thirty' : 30}`);
      rows[7] = 'x8,31';
      await writeFile(join(dir, 'users.csv'), `user_id,age\n${rows.join('\n')}\n`);
      const result = await inspectSource(dir, { out: join(dir, 'graph.json') });
      expect(result.graph.tables[0]!.columns.map((c) => `${c.name}:${c.stype}`)).toEqual([
        'user_id:id',
        'age:categorical',
      ]);
      expect(result.output).toContain(
        'warning NUMBER_UNPARSEABLE users.age: 1 of 300 values does not parse as a number ' +
          '(e.g. "thirty" in row 42), so the column reads as categorical',
      );
      expect(result.report.warnings).toBe(1);
    });
  });
});
