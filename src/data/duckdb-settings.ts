// SPDX-License-Identifier: Apache-2.0
// Opens a DuckDB instance with the user's settings. DuckDB refuses a bad value with "Failed to
// set config", naming no setting; when opening fails, each setting is tried alone on a bare
// in-memory instance to find the one refused, and it becomes a coded error naming the setting,
// the value and what DuckDB accepts (its type and description from duckdb_settings()).
import { DuckDBInstance } from '@duckdb/node-api';
import { raise } from '../errors/index.js';
import { nearestNames } from '../text/nearest.js';

/** DuckDB settings by name, e.g. { memory_limit: '2GB', threads: '4' }. */
export type DuckDbSettings = Record<string, string>;

interface SettingInfo {
  name: string;
  type: string;
  description: string;
}

interface Refusal {
  setting: string;
  value: string;
  reason: string;
  expected: string;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

/**
 * Opens the DuckDB database at `path` with `settings` (the user's) and `fixed` (prequel's own,
 * which win). A setting DuckDB does not know or refuses raises DATA_SETTING_INVALID; any other
 * failure is rethrown as DuckDB gave it, for the caller to name its file.
 */
export async function createInstance(
  path: string,
  settings: DuckDbSettings,
  fixed: DuckDbSettings = {},
): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.create(path, { ...settings, ...fixed });
  } catch (err) {
    const own = new Set(Object.keys(fixed).map((k) => k.toLowerCase()));
    const given = Object.entries(settings).filter(([name]) => !own.has(name.toLowerCase()));
    if (given.length === 0) throw err;
    const refusal = await findRefusal(given);
    if (refusal !== null) raise('DATA_SETTING_INVALID', { ...refusal }, err);
    if (path !== ':memory:') throw err;
    // Each setting is accepted alone, so the combination is what DuckDB refuses.
    return raise(
      'DATA_SETTING_INVALID',
      {
        setting: given.map(([name]) => name).join(', '),
        value: given.map(([, value]) => value).join(', '),
        reason: firstLine(err),
        expected: 'settings that DuckDB accepts together',
      },
      err,
    );
  }
}

/** The first of `given` that DuckDB does not know or refuses on its own, or null. */
async function findRefusal(given: Array<[string, string]>): Promise<Refusal | null> {
  const known = await knownSettings();
  for (const [name, value] of given) {
    const info = known.get(name.toLowerCase());
    if (info === undefined) {
      const close = nearestNames(
        name,
        [...known.values()].map((s) => s.name),
      );
      const hint = close.length === 0 ? '' : ` such as ${close.join(' or ')}`;
      return {
        setting: name,
        value: String(value),
        reason: 'DuckDB has no setting of that name',
        expected: `a setting listed by SELECT name FROM duckdb_settings()${hint}`,
      };
    }
    try {
      (await DuckDBInstance.create(':memory:', { [name]: value })).closeSync();
    } catch (err) {
      const said = firstLine(err);
      return {
        setting: info.name,
        value: String(value),
        reason: said === 'Failed to set config' ? 'DuckDB refused the value' : said,
        expected: `a ${info.type} value (${info.description.replace(/\.$/, '')})`,
      };
    }
  }
  return null;
}

/** Every setting of a bare in-memory DuckDB, keyed by lower-case name. */
async function knownSettings(): Promise<Map<string, SettingInfo>> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        'SELECT name, input_type, description FROM duckdb_settings()',
      );
      const known = new Map<string, SettingInfo>();
      for (const [name, type, description] of reader.getRows()) {
        const info = { name: String(name), type: String(type), description: String(description) };
        known.set(info.name.toLowerCase(), info);
      }
      return known;
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
