// SPDX-License-Identifier: Apache-2.0
// DuckDB settings the user gives: applied when DuckDB accepts them; otherwise a coded error that
// names the setting, the value and what DuckDB accepts, whatever the source (DuckDB itself says
// only "Failed to set config").
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDb } from '../../src/data/duckdb.js';
import { rejectsWith, valuesOf, withTempDir } from './helpers.js';

async function refused(source: string, settings: Record<string, string>) {
  const promise = openDuckDb(source, { settings });
  const err = (await promise.catch((e: unknown) => e)) as Error;
  expect(err.message).not.toMatch(/\{\w+\}/);
  const details = await rejectsWith(promise, 'DATA_SETTING_INVALID');
  return { details, message: err.message };
}

describe('DuckDB settings', () => {
  it('applies the settings DuckDB accepts', async () => {
    const db = await openDuckDb(':memory:', { settings: { threads: '1', memory_limit: '300MB' } });
    try {
      const r = await db.queryAll(
        "SELECT current_setting('threads') AS t, current_setting('memory_limit') AS m",
      );
      expect(valuesOf(r, 't')).toEqual([1n]);
      expect(String(valuesOf(r, 'm')[0])).toMatch(/^(286\.1 MiB|300\.0 MB)$/);
    } finally {
      await db.close();
    }
  });

  it('names a value DuckDB refuses with the setting, the value and its type', async () => {
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ threads: 'many' }, 'threads', 'BIGINT'],
      [{ memory_limit: 'lots' }, 'memory_limit', 'e.g. 1GB'],
      [{ default_order: 'sideways' }, 'default_order', 'ASC or DESC'],
      // The first refused setting is named, not the accepted one before it.
      [{ threads: '1', access_mode: 'bogus' }, 'access_mode', 'READ_ONLY or READ_WRITE'],
    ];
    for (const [settings, setting, expected] of cases) {
      const { details, message } = await refused(':memory:', settings);
      expect(details).toMatchObject({ setting, value: settings[setting] });
      expect(details.expected).toContain(expected);
      expect(message).toContain(`${setting} = ${settings[setting]}`);
      expect(message).not.toContain('Failed to set config');
    }
  });

  it('names a setting DuckDB does not know and suggests the one meant', async () => {
    const { details } = await refused(':memory:', { memory_limt: '1GB' });
    expect(details).toMatchObject({ setting: 'memory_limt', value: '1GB' });
    expect(details.expected).toContain('memory_limit');
    const other = await refused(':memory:', { zzzz_not_a_setting_zzzz: '1' });
    expect(other.details.setting).toBe('zzzz_not_a_setting_zzzz');
    expect(other.details.expected).toContain('duckdb_settings()');
  });

  it('names settings refused only together', async () => {
    // Alone each is accepted where DuckDB has 2 threads or more; together never.
    const { details } = await refused(':memory:', { threads: '1', external_threads: '2' });
    expect(String(details.setting)).toContain('external_threads');
    expect(details.reason).toContain('external threads');
  });

  it('gives the same error for a directory of files and a .duckdb file', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'rows.csv'), 'id\n1\n');
      const fromDir = await refused(dir, { threads: 'many' });
      expect(fromDir.details.setting).toBe('threads');

      const file = join(dir, 'shop.duckdb');
      const instance = await DuckDBInstance.create(file);
      const connection = await instance.connect();
      await connection.run('CREATE TABLE orders AS SELECT range AS id FROM range(3)');
      connection.closeSync();
      instance.closeSync();
      const fromFile = await refused(file, { memory_limit: 'lots' });
      expect(fromFile.details.setting).toBe('memory_limit');

      const db = await openDuckDb(file, { settings: { threads: '1' } });
      try {
        expect(await db.countRows('orders')).toBe(3n);
      } finally {
        await db.close();
      }
      // A damaged database with good settings is still named as the unreadable file.
      await writeFile(join(dir, 'junk.duckdb'), 'not a database');
      const junk = await rejectsWith(
        openDuckDb(join(dir, 'junk.duckdb'), { settings: { threads: '1' } }),
        'DATA_FILE_UNREADABLE',
      );
      expect(junk.path).toBe(join(dir, 'junk.duckdb'));
    });
  });
});
