// SPDX-License-Identifier: Apache-2.0
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../../src/data/duckdb.js';
import { rejectsWith, withDb, withTempDir } from './helpers.js';

describe('DuckDB connector: bad input gives coded errors naming the file and the expectation', () => {
  it('refuses a missing path', async () => {
    const details = await rejectsWith(
      openDuckDb('/nonexistent/prequel/dir'),
      'DATA_FILE_NOT_FOUND',
    );
    expect(details.path).toBe('/nonexistent/prequel/dir');
  });

  it('refuses unreadable files: a corrupt Parquet file, a directory named like a CSV, a bad .duckdb', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'broken.parquet'), 'this is not parquet');
      const parquet = await rejectsWith(openDuckDb(dir), 'DATA_FILE_UNREADABLE');
      expect(parquet.path).toBe(join(dir, 'broken.parquet'));

      await mkdir(join(dir, 'd'));
      await mkdir(join(dir, 'd', 'folder.csv'));
      const folder = await rejectsWith(openDuckDb(join(dir, 'd')), 'DATA_FILE_UNREADABLE');
      expect(folder.path).toBe(join(dir, 'd', 'folder.csv'));

      await writeFile(join(dir, 'junk.duckdb'), 'not a database');
      await rejectsWith(openDuckDb(join(dir, 'junk.duckdb')), 'DATA_FILE_UNREADABLE');
      await writeFile(join(dir, 'notes.xyz'), 'x');
      await rejectsWith(openDuckDb(join(dir, 'notes.xyz')), 'DATA_FILE_UNREADABLE');
    });
  });

  it('reports a malformed CSV row with its file, line, problem and text, for LF and CRLF files', async () => {
    const fields = /^3 fields, expected 2 as in the first line: 2,y,z$/;
    const few = /^1 fields, expected 2 as in the first line: 2$/;
    const open = /^a quoted value is not closed .*: \d,"open$/;
    const cases: Array<[string, number, RegExp]> = [
      ['a,b\n1,x\n2,y,z\n3,w\n', 3, fields], // too many fields
      ['a,b\n1,x\n2\n3,y\n', 3, few], // too few fields
      ['a,b\n1,x\n2,y\n3,"open\n', 4, open], // unterminated quote
      ['a,b\r\n1,x\r\n2,y,z\r\n3,w\r\n', 3, fields],
      ['a,b\r\n1,x\r\n2\r\n3,y\r\n', 3, few],
      ['a,b\r\n1,x\r\n2,y\r\n3,"open\r\n', 4, open],
      ['a,b\r\n1,x\r\n2,"open\r\n3,y\r\n', 3, open],
    ];
    for (const [text, line, reason] of cases) {
      await withTempDir(async (dir) => {
        await writeFile(join(dir, 'rows.csv'), text);
        const details = await rejectsWith(openDuckDb(dir), 'DATA_CSV_MALFORMED');
        expect(details.file, JSON.stringify(text)).toBe(join(dir, 'rows.csv'));
        expect(details.line, JSON.stringify(text)).toBe(line);
        expect(details.reason, JSON.stringify(text)).toMatch(reason);
      });
    }
  });

  it('names the first line whose ending differs in a file that mixes CRLF and LF', async () => {
    const cases: Array<[string, number, string, string]> = [
      ['a,b\r\n1,x\n2,y\r\n', 2, 'LF', 'CRLF'], // valid rows, but DuckDB reads one ending a file
      ['a,b\n1,x\n2,"two\r\nlines"\n3,y\r\n', 5, 'CRLF', 'LF'], // quoted breaks do not count
      ['a,b\r\n1,x\r\n2,y\r\n3,y\n4,z,w\n', 4, 'LF', 'CRLF'], // a malformed row after it
    ];
    for (const [text, line, found, first] of cases) {
      await withTempDir(async (dir) => {
        await writeFile(join(dir, 'rows.csv'), text);
        const err = await rejectsWith(openDuckDb(dir), 'DATA_CSV_MALFORMED');
        expect(err, JSON.stringify(text)).toMatchObject({ file: join(dir, 'rows.csv'), line });
        expect(err.reason).toContain(`the line ends with ${found}`);
        expect(err.reason).toContain(`the lines before it with ${first}`);
      });
    }
  });

  it('refuses an empty CSV file, saying it has no header line', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'orders.csv'), '');
      const details = await rejectsWith(openDuckDb(dir), 'DATA_FILE_UNREADABLE');
      expect(details.path).toBe(join(dir, 'orders.csv'));
      expect(details.reason).toMatch(/empty \(0 bytes, not even a header line\)/);
    });
  });

  it('refuses a delimiter that is not one character before reading (an empty one used to hang)', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'people.csv'), 'id,name\n1,a\n');
      const cases: Array<[Parameters<typeof openDuckDb>[1], string, string]> = [
        [{ delimiter: '' }, 'delimiter', '""'],
        [{ delimiter: 'ab' }, 'delimiter', '"ab"'],
        [{ tables: { people: { delimiter: '||' } } }, 'tables.people.delimiter', '"||"'],
      ];
      for (const [options, option, received] of cases) {
        const details = await rejectsWith(openDuckDb(dir, options), 'DATA_FILE_OPTION_INVALID');
        expect(details).toMatchObject({
          option,
          received,
          expected: 'one character, e.g. "," or "\\t"',
        });
      }
      // Accepted, each on a file it splits (one it leaves whole is DATA_CSV_DELIMITER_MISMATCH).
      for (const [delimiter, written] of [
        [',', ','],
        ['\\t', '\t'],
        ['\t', '\t'],
      ]) {
        await writeFile(join(dir, 'people.csv'), `id${written}name\n1${written}a\n`);
        const db = await openDuckDb(dir, { delimiter });
        await db.close();
      }
    });
  });

  it('refuses a directory without table files and two files giving one table', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'notes.md'), '# nothing');
      await rejectsWith(openDuckDb(dir), 'DATA_SOURCE_EMPTY');
      await writeFile(join(dir, 'a.csv'), 'x\n1\n');
      await writeFile(join(dir, 'a.json'), '[{"x": 1}]');
      const details = await rejectsWith(openDuckDb(dir), 'DATA_DUPLICATE_TABLE');
      expect(details.table).toBe('a');
    });
  });

  it('names a missing table, fails bad SQL with a code, and refuses use after close', async () => {
    await withDb(['CREATE TABLE t (x INTEGER)'], async (db) => {
      const missing = await rejectsWith(db.describe('nope'), 'DATA_TABLE_NOT_FOUND');
      expect(missing).toMatchObject({ table: 'nope', available: ['t'] });
      await rejectsWith(db.countRows('t"; DROP TABLE t; --'), 'DATA_TABLE_NOT_FOUND');
      await rejectsWith(db.queryAll('SELECT nope FROM t'), 'DATA_QUERY_FAILED');
      await rejectsWith(db.execute('DROP TABLE missing_table'), 'DATA_QUERY_FAILED');
      expect(await db.countRows('t')).toBe(0n);
    });
    const db = await openDuckDb(':memory:');
    await db.close();
    await rejectsWith(db.queryAll('SELECT 1'), 'DATA_CONNECTOR_CLOSED');
  });
});
