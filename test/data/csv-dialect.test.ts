// SPDX-License-Identifier: Apache-2.0
// CSV files written with another delimiter or a NULL marker the user did not name: read right
// where it is certain, and reported as warnings naming the file and the option either way.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectSource } from '../../src/control/cli/inspect.js';
import { openDuckDb, type DuckDbConnector, type DuckDbOptions } from '../../src/data/duckdb.js';
import { inferGraph } from '../../src/data/infer.js';
import { validateGraph, type ValidationIssue } from '../../src/data/validate.js';
import { rejectsWith, valuesOf, withTempDir } from './helpers.js';

/** Opens `dir`, runs `fn` with the connector and the validation issues, and closes it. */
async function withFiles<T>(
  dir: string,
  options: DuckDbOptions,
  fn: (db: DuckDbConnector, issues: ValidationIssue[]) => Promise<T>,
): Promise<T> {
  const db = await openDuckDb(dir, options);
  try {
    const { graph } = await inferGraph(db);
    const report = await validateGraph(db, graph);
    return await fn(db, report.issues);
  } finally {
    await db.close();
  }
}

const columnsOf = async (db: DuckDbConnector, table: string) =>
  (await db.describe(table)).columns.map((c) => `${c.name}:${c.engineType}`);

const rows = (d: string) =>
  ['id', 'name', 'amount'].join(d) +
  '\n' +
  Array.from({ length: 6 }, (_, i) => [i + 1, `n${i}`, i * 1.5].join(d)).join('\n') +
  '\n';

describe('CSV delimiter', () => {
  it("reads a ';', tab or '|' file with the delimiter DuckDB detects, and warns naming the file and --delimiter", async () => {
    for (const d of [';', '\t', '|']) {
      await withTempDir(async (dir) => {
        const path = join(dir, 'sales.csv');
        await writeFile(path, rows(d));
        await withFiles(dir, {}, async (db, issues) => {
          expect(await columnsOf(db, 'sales')).toEqual([
            'id:BIGINT',
            'name:VARCHAR',
            'amount:DOUBLE',
          ]);
          const issue = issues.find((i) => i.code === 'CSV_DELIMITER_DETECTED');
          expect(issue).toMatchObject({ severity: 'warning', table: 'sales' });
          expect(issue?.details).toMatchObject({ file: path, delimiter: d, columns: 3 });
          expect(issue?.message).toContain(path);
          expect(issue?.message).toContain('--delimiter');
        });
      });
    }
  });

  it('refuses a delimiter the user gave that leaves one column where another splits the header', async () => {
    // [file delimiter, given delimiter, the one the error names, columns it gives]
    const cases: Array<[string, string, string, number]> = [
      [';', ',', "';'", 3],
      [';', '|', "';'", 3],
      [',', ';', "','", 3],
      ['\t', ',', 'tab', 3],
      ['|', '\\t', "'|'", 3],
    ];
    for (const [written, given, likely, columns] of cases) {
      await withTempDir(async (dir) => {
        const path = join(dir, 'sales.csv');
        await writeFile(path, rows(written));
        const details = await rejectsWith(
          openDuckDb(dir, { delimiter: given }),
          'DATA_CSV_DELIMITER_MISMATCH',
        );
        expect(details, `${written} read with ${given}`).toMatchObject({
          file: path,
          header: JSON.stringify(['id', 'name', 'amount'].join(written)),
          likely,
          columns,
        });
        expect(details.option).toContain(`--delimiter`);
      });
    }
  });

  it('says nothing about a one-column file, and reads --delimiter "\\t" as a tab', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'notes.csv'), 'note\nhello; world\nsee a|b\n');
      await withFiles(dir, {}, async (db, issues) => {
        expect(await columnsOf(db, 'notes')).toEqual(['note:VARCHAR']);
        expect(issues.filter((i) => i.code.startsWith('CSV_'))).toEqual([]);
      });
    });
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'sales.txt'), rows('\t'));
      await withFiles(dir, { delimiter: '\\t' }, async (db, issues) => {
        expect(await columnsOf(db, 'sales')).toHaveLength(3);
        expect(issues.filter((i) => i.code.startsWith('CSV_'))).toEqual([]);
      });
    });
  });
});

describe('CSV NULL markers', () => {
  it('reads \\N as NULL when it stands among numbers or dates, and warns with the --null option', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'drivers.csv');
      await writeFile(
        path,
        'driverId,number,born,code,laps\n' +
          '1,44,1985-01-07,HAM,\n' +
          '2,\\N,\\N,\\N,12\n' +
          '3,33,1997-09-30,VER,7\n',
      );
      await withFiles(dir, {}, async (db, issues) => {
        expect(await columnsOf(db, 'drivers')).toEqual([
          'driverId:BIGINT',
          'number:BIGINT',
          'born:DATE',
          'code:VARCHAR',
          'laps:BIGINT',
        ]);
        const result = await db.queryAll('SELECT number, code FROM drivers ORDER BY driverId');
        expect(valuesOf(result, 'number')).toEqual([44n, null, 33n]);
        expect(valuesOf(result, 'code')).toEqual(['HAM', null, 'VER']);
        const issue = issues.find((i) => i.code === 'CSV_NULL_DETECTED');
        expect(issue).toMatchObject({ severity: 'warning', table: 'drivers', count: 3 });
        expect(issue?.details).toMatchObject({ file: path, columns: ['number', 'born', 'code'] });
        expect(issue?.message).toContain("--null '\\N'");
      });
    });
  });

  it('keeps \\N as text when only text columns hold it, and names the column', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'labels.csv'), 'id,label\n1,a\n2,\\N\n3,c\n');
      await withFiles(dir, {}, async (db, issues) => {
        const result = await db.queryAll('SELECT label FROM labels ORDER BY id');
        expect(valuesOf(result, 'label')).toEqual(['a', '\\N', 'c']);
        const suspect = issues.filter((i) => i.code === 'CSV_NULL_SUSPECT');
        expect(suspect.map((i) => [i.table, i.column, i.count])).toEqual([['labels', 'label', 1]]);
        expect(suspect[0].message).toContain('--null');
      });
    });
  });

  it('reports NA in a numeric column without applying it, and not NA among codes', async () => {
    await withTempDir(async (dir) => {
      await writeFile(
        join(dir, 'regions.csv'),
        'id,score,continent\n1,5,EU\n2,NA,NA\n3,7.5,AS\n4,NA,NA\n',
      );
      await withFiles(dir, {}, async (db, issues) => {
        expect(await columnsOf(db, 'regions')).toContain('score:VARCHAR');
        const suspect = issues.filter((i) => i.code === 'CSV_NULL_SUSPECT');
        expect(suspect.map((i) => [i.column, i.count, i.details.markers])).toEqual([
          ['score', 2, ['NA']],
        ]);
        expect(suspect[0].message).toContain("--null 'NA'");
      });
    });
  });

  it('a NULL string the user gives keeps the empty field NULL too, and silences the guess', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'laps.csv'), 'id,laps,label\n1,,a\n2,\\N,\\N\n3,4,c\n');
      await withFiles(dir, { nullStrings: ['\\N'] }, async (db, issues) => {
        expect(await columnsOf(db, 'laps')).toEqual(['id:BIGINT', 'laps:BIGINT', 'label:VARCHAR']);
        const result = await db.queryAll('SELECT laps, label FROM laps ORDER BY id');
        expect(valuesOf(result, 'laps')).toEqual([null, null, 4n]);
        expect(valuesOf(result, 'label')).toEqual(['a', null, 'c']);
        expect(issues.filter((i) => i.code.startsWith('CSV_'))).toEqual([]);
      });
    });
  });
});

describe('prequel inspect on CSV pitfalls', () => {
  it('keeps each NULL marker warning short and prints the full option hint once', async () => {
    await withTempDir(async (dir) => {
      for (const table of ['a', 'b', 'c']) {
        await writeFile(join(dir, `${table}.csv`), `${table}Id,n,label\n1,\\N,\\N\n2,5,x\n`);
      }
      const result = await inspectSource(dir, { out: join(dir, 'graph.json') });
      const warnings = result.output.split('\n').filter((l) => l.includes('CSV_NULL_'));
      expect(warnings).toHaveLength(3);
      for (const line of warnings) {
        expect(line).toContain("--null '\\N'");
        expect(line).toContain('"nullStrings": ["\\\\N"] in a data source\'s settings)');
        expect(line).not.toContain('the graph file');
      }
      const hints = result.output.split('\n').filter((l) => l.startsWith('  hint: '));
      expect(hints).toEqual([
        `  hint: to read '\\N' as NULL in every file: --null '\\N' ("nullStrings": ["\\\\N"] in a data source's settings, the library's file options or the graph file's data.files)`,
      ]);
      const issue = result.report.issues.find((i) => i.code === 'CSV_NULL_DETECTED');
      expect(issue?.details.hint).toBe(hints[0]!.slice('  hint: '.length));
    });
  });

  it('prints the delimiter, NULL marker and unparseable time warnings with the file', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'sales.csv'), rows(';'));
      await writeFile(join(dir, 'laps.csv'), 'lapId,ms\n1,\\N\n2,5\n');
      const times = Array.from({ length: 20 }, (_, i) => `${i + 1},2021-01-${10 + i} 10:00:00`);
      times[12] = '13,2021-13-45';
      await writeFile(join(dir, 'events.csv'), `eventId,created_at\n${times.join('\n')}\n`);
      const result = await inspectSource(dir, { out: join(dir, 'graph.json') });
      const events = result.graph.tables.find((t) => t.name === 'events');
      expect(events?.timeColumn).toBe('created_at');
      expect(result.output).toContain(
        `warning CSV_DELIMITER_DETECTED sales: ${join(dir, 'sales.csv')}`,
      );
      expect(result.output).toContain(`warning CSV_NULL_DETECTED laps: ${join(dir, 'laps.csv')}`);
      expect(result.output).toContain(
        'warning TIME_UNPARSEABLE events.created_at: 1 time does not parse (e.g. "2021-13-45" in row 13); that row never becomes visible',
      );
      expect(result.report.errors).toBe(0);
    });
  });
});
