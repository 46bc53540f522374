// SPDX-License-Identifier: Apache-2.0
// CSV files that are not UTF-8 text fail with coded errors naming the file, the line and the
// option that reads them, before DuckDB parses them.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../../src/data/duckdb.js';
import { PrequelError } from '../../src/errors/index.js';
import { rejectsWith, valuesOf, withTempDir } from './helpers.js';

/** `n` bytes from a seeded PRNG (mulberry32). */
function randomBytes(seed: number, n: number): Buffer {
  let a = seed >>> 0;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i += 1) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

async function failure(promise: Promise<unknown>): Promise<PrequelError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PrequelError) return err;
    throw err;
  }
  throw new Error('expected a PrequelError, but it resolved');
}

describe('CSV files that are not text in the expected encoding', () => {
  it('refuses random bytes named x.csv as binary, naming the file and what was expected', async () => {
    const withNul = randomBytes(42, 4096);
    expect(withNul.includes(0)).toBe(true);
    const noNul = Buffer.from(withNul.filter((b) => b !== 0));
    for (const bytes of [withNul, noNul]) {
      await withTempDir(async (dir) => {
        await writeFile(join(dir, 'good.csv'), 'id,v\n1,2\n');
        await writeFile(join(dir, 'x.csv'), bytes);
        const err = await failure(openDuckDb(dir));
        expect(err.code).toBe('DATA_FILE_UNREADABLE');
        expect(err.details.path).toBe(join(dir, 'x.csv'));
        expect(err.details.format).toBe('CSV');
        expect(err.message).toContain('binary');
        expect(err.message).toContain('expected a text CSV file');
        expect(err.message).not.toContain('Original Line');
      });
    }
  });

  it('names the line of a Latin-1 byte and suggests the encoding option, which then reads it', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i + 1},n${i + 1}\n`).join('');
    const cases: Array<[string, Buffer, number]> = [
      // 0xE9 just before a line break once failed DuckDB internally and broke the database.
      ['end of line', Buffer.from('id,name\n1,Ren\xe9\n2,Jos\xe9\n', 'latin1'), 2],
      ['mid line, late', Buffer.from(`id,name\n${rows}3001,Zo\xeb x\n`, 'latin1'), 3002],
    ];
    for (const [, bytes, line] of cases) {
      await withTempDir(async (dir) => {
        await writeFile(join(dir, 'people.csv'), bytes);
        const err = await failure(openDuckDb(dir));
        expect(err.code).toBe('DATA_CSV_ENCODING');
        expect(err.details).toMatchObject({ file: join(dir, 'people.csv'), line });
        expect(err.message).toContain('--encoding');
        expect(err.message).toContain('latin-1');
        const db = await openDuckDb(dir, { encoding: 'latin-1' });
        try {
          const names = valuesOf(await db.queryAll('SELECT name FROM people ORDER BY id'), 'name');
          expect(names).toContain(line === 2 ? 'René' : 'Zoë x');
        } finally {
          await db.close();
        }
      });
    }
  });

  it('suggests utf-16 for UTF-16 text, with or without a byte order mark, which then reads it', async () => {
    const body = Buffer.from('id,v\n1,2\n', 'utf16le');
    for (const bytes of [Buffer.concat([Buffer.from([0xff, 0xfe]), body]), body]) {
      await withTempDir(async (dir) => {
        await writeFile(join(dir, 'wide.csv'), bytes);
        const err = await failure(openDuckDb(dir));
        expect(err.code).toBe('DATA_CSV_ENCODING');
        expect(err.message).toContain("--encoding 'utf-16'");
        const db = await openDuckDb(dir, { encoding: 'utf-16' });
        try {
          expect(valuesOf(await db.queryAll('SELECT v FROM wide'), 'v')).toEqual([2n]);
        } finally {
          await db.close();
        }
      });
    }
  });

  it("keeps DuckDB's own text only as the cause of a coded error", async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'broken.parquet'), 'this is not parquet');
      const err = await failure(openDuckDb(dir));
      expect(err.code).toBe('DATA_FILE_UNREADABLE');
      expect(err.message).toContain('expected a Parquet file');
      expect(err.cause).toBeInstanceOf(Error);
    });
  });

  it('reads a gzipped CSV file (its first line is read decompressed)', async () => {
    const { gzipSync } = await import('node:zlib');
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'small.csv.gz'), gzipSync('id,name,v\n1,a,2\n2,b,3\n'));
      const db = await openDuckDb(dir);
      try {
        const info = await db.describe('small');
        expect(info.columns.map((c) => c.name)).toEqual(['id', 'name', 'v']);
      } finally {
        await db.close();
      }
      await writeFile(join(dir, 'small.csv.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
      await rejectsWith(openDuckDb(dir), 'DATA_FILE_UNREADABLE');
    });
  });
});
