// SPDX-License-Identifier: Apache-2.0
// A time column with a few values that do not parse reads as text in the engine; it stays the
// table's time column, and validation counts the bad values with an example and its row.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../../src/data/duckdb.js';
import { TIME_PARSE_MIN, inferGraph } from '../../src/data/infer.js';
import { validateGraph } from '../../src/data/validate.js';
import { withDb, withTempDir } from './helpers.js';

const stamp = (i: number) =>
  `2021-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00`;

describe('text time columns', () => {
  it('keeps created_at as the time column when 1 of 1000 values is not a date, and names it', async () => {
    for (const bad of ['not a date', '2021-13-45']) {
      await withTempDir(async (dir) => {
        const lines = Array.from({ length: 1000 }, (_, i) => `${i + 1},${stamp(i)},${i % 7}`);
        lines[500] = `501,${bad},3`;
        await writeFile(join(dir, 'events.csv'), `eventId,created_at,kind\n${lines.join('\n')}\n`);
        const db = await openDuckDb(dir);
        try {
          expect((await db.describe('events')).columns[1].engineType).toBe('VARCHAR');
          const { graph } = await inferGraph(db);
          const events = graph.tables[0];
          expect(events.timeColumn).toBe('created_at');
          expect(events.columns.find((c) => c.name === 'created_at')).toMatchObject({
            physical: 'string',
            stype: 'timestamp',
          });
          const report = await validateGraph(db, graph);
          const issue = report.issues.find((i) => i.code === 'TIME_UNPARSEABLE');
          expect(issue).toMatchObject({
            severity: 'warning',
            table: 'events',
            column: 'created_at',
            count: 1,
          });
          expect(issue?.details).toMatchObject({ example: bad, row: 501 });
          expect(issue?.message).toContain(`"${bad}" in row 501`);
        } finally {
          await db.close();
        }
      });
    }
  });

  it(`leaves a text column as text when under ${TIME_PARSE_MIN * 100}% of it parses as times`, async () => {
    const values = Array.from({ length: 10 }, (_, i) => (i < 8 ? `'${stamp(i)}'` : `'soon ${i}'`));
    const rows = values.map((v, i) => `(${i + 1}, ${v})`).join(', ');
    await withDb(
      [`CREATE TABLE ev (evId INTEGER, created_at VARCHAR)`, `INSERT INTO ev VALUES ${rows}`],
      async (db) => {
        const { graph } = await inferGraph(db);
        expect(graph.tables[0].timeColumn).toBeNull();
        expect(graph.tables[0].columns[1].stype).not.toBe('timestamp');
      },
    );
  });

  it('reads another mostly-time text column as a timestamp and counts its bad values', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => {
      const shipped = i === 6 ? "'31/02/2021'" : i === 9 ? 'NULL' : `'${stamp(i + 1)}'`;
      return `(${i + 1}, TIMESTAMP '${stamp(i)}', ${shipped}, '${i * 7}')`;
    });
    await withDb(
      [
        `CREATE TABLE orders (orderId INTEGER, created_at TIMESTAMP, shipped VARCHAR, code VARCHAR)`,
        `INSERT INTO orders VALUES ${rows.join(', ')}`,
      ],
      async (db) => {
        const { graph } = await inferGraph(db);
        const orders = graph.tables[0];
        expect(orders.timeColumn).toBe('created_at');
        const stypes = Object.fromEntries(orders.columns.map((c) => [c.name, c.stype]));
        expect(stypes.shipped).toBe('timestamp');
        expect(stypes.code).not.toBe('timestamp');
        const report = await validateGraph(db, graph);
        expect(report.issues.map((i) => [i.code, i.column, i.count, i.details.example])).toEqual([
          ['TIMESTAMP_UNPARSEABLE', 'shipped', 1, '31/02/2021'],
        ]);
      },
    );
  });
});
