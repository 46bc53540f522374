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

  it('reports a malformed CSV row with its file and line', async () => {
    const cases: Array<[string, number]> = [
      ['a,b\n1,x\n2,y,z\n3,w\n', 3], // too many fields
      ['a,b\n1,x\n2\n3,y\n', 3], // too few fields
      ['a,b\n1,x\n2,y\n3,"open\n', 4], // unterminated quote
    ];
    for (const [text, line] of cases) {
      await withTempDir(async (dir) => {
        await writeFile(join(dir, 'rows.csv'), text);
        const details = await rejectsWith(openDuckDb(dir), 'DATA_CSV_MALFORMED');
        expect(details.file).toBe(join(dir, 'rows.csv'));
        expect(details.line).toBe(line);
      });
    }
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
