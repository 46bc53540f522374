// SPDX-License-Identifier: Apache-2.0
// Opens the connector of a registered data source. A DuckDB source names a directory of table
// files, one table file or a .duckdb file (`path`) and how CSV files are read; a Snowflake
// source names the account, user, database and schema, with its credentials as secret
// references resolved here, at the moment of use, and handed to the driver without being kept.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { SettingValue, SourceInput, SourceRecord } from '../control/metadata/sources.js';
import { resolveSecretsSync, validateSourceInput } from '../control/metadata/sources.js';
import type { Connector } from '../data/connector.js';
import { DELIMITER_EXPECTED, isDelimiter } from '../data/csv-dialect.js';
import { openDuckDb, type DuckDbOptions } from '../data/duckdb.js';
import { SnowflakeConnector } from '../data/snowflake/connector.js';
import type { SnowflakeOptions } from '../data/snowflake/config.js';
import { raise } from '../errors/index.js';

/** Settings a DuckDB source understands (see duckDbSettings). */
export const DUCKDB_SETTINGS = [
  'path',
  'delimiter',
  'header',
  'nullString',
  'nullStrings',
  'encoding',
  'quote',
] as const;
export const SNOWFLAKE_SETTINGS = [
  'account',
  'user',
  'database',
  'schema',
  'warehouse',
  'role',
  'accessUrl',
] as const;
const ENCODINGS = ['utf-8', 'latin-1', 'utf-16'];

/**
 * Checks a source before it is registered: known settings only, the required ones present, and
 * a DuckDB path made absolute (against `baseDir`, default the cwd) that exists.
 */
export async function normaliseSourceInput(
  input: SourceInput,
  baseDir = process.cwd(),
): Promise<SourceInput> {
  validateSourceInput(input);
  const record: SourceRecord = {
    id: '0',
    name: input.name,
    kind: input.kind,
    settings: input.settings ?? {},
    secrets: input.secrets ?? {},
    createdAt: '',
    updatedAt: '',
  };
  if (input.kind === 'snowflake') {
    checkKnown(record, SNOWFLAKE_SETTINGS);
    for (const name of ['account', 'user', 'database', 'schema']) text(record, name, 'a string');
    return input;
  }
  const { path } = duckDbSettings(record, baseDir);
  if (!existsSync(path)) {
    invalid(
      record,
      'path',
      'an existing directory of .csv/.parquet/.json files, one such file, or a .duckdb file',
      path,
    );
  }
  return { ...input, settings: { ...record.settings, path } };
}

/** Opens `source`; relative DuckDB paths resolve against `baseDir` (default: the cwd). */
export async function openSource(
  source: SourceRecord,
  options: { baseDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Connector> {
  if (source.kind === 'duckdb') {
    const { path, files } = duckDbSettings(source, options.baseDir);
    return openDuckDb(path, files);
  }
  return SnowflakeConnector.connect(snowflakeOptions(source, options.env ?? process.env));
}

/** The path and file options of a DuckDB source, checked. */
export function duckDbSettings(
  source: SourceRecord,
  baseDir = process.cwd(),
): { path: string; files: DuckDbOptions } {
  const s = source.settings;
  checkKnown(source, DUCKDB_SETTINGS);
  const path = text(source, 'path', 'a directory, table file or .duckdb file path');
  const files: DuckDbOptions = {};
  if (s.delimiter !== undefined && s.delimiter !== null) {
    if (!isDelimiter(s.delimiter)) invalid(source, 'delimiter', DELIMITER_EXPECTED, s.delimiter);
    files.delimiter = s.delimiter;
  }
  if (s.header !== undefined && s.header !== null) {
    if (typeof s.header !== 'boolean') invalid(source, 'header', 'true or false', s.header);
    files.header = s.header;
  }
  // nullString (one marker) and nullStrings (a list, as the library's file options and the graph
  // file's data.files name it) add up.
  const nulls: string[] = [];
  if (s.nullString !== undefined && s.nullString !== null) {
    if (typeof s.nullString !== 'string') {
      invalid(source, 'nullString', 'a string read as NULL, e.g. "\\N"', s.nullString);
    }
    nulls.push(s.nullString);
  }
  if (s.nullStrings !== undefined && s.nullStrings !== null) {
    if (!Array.isArray(s.nullStrings) || s.nullStrings.some((v) => typeof v !== 'string')) {
      invalid(source, 'nullStrings', 'a list of strings read as NULL, e.g. ["\\N"]', s.nullStrings);
    }
    nulls.push(...s.nullStrings);
  }
  if (nulls.length > 0) files.nullStrings = [...new Set(nulls)];
  if (s.encoding !== undefined && s.encoding !== null) {
    if (typeof s.encoding !== 'string' || !ENCODINGS.includes(s.encoding)) {
      invalid(source, 'encoding', ENCODINGS.join(', '), s.encoding);
    }
    files.encoding = s.encoding as DuckDbOptions['encoding'];
  }
  if (s.quote !== undefined && s.quote !== null) files.quote = text(source, 'quote', 'a character');
  return { path: isAbsolute(path) ? path : resolve(baseDir, path), files };
}

/** The Snowflake connector options of a source; credentials come from its secret references. */
export function snowflakeOptions(source: SourceRecord, env: NodeJS.ProcessEnv): SnowflakeOptions {
  checkKnown(source, SNOWFLAKE_SETTINGS);
  const optional = (name: (typeof SNOWFLAKE_SETTINGS)[number]) => {
    const v = source.settings[name];
    return v === undefined || v === null ? undefined : text(source, name, 'a string');
  };
  // The connector reads credentials from named variables: hand it a private map holding the
  // resolved values under its default names, so nothing is written to process.env.
  const credentials: Record<string, string> = {};
  const refs = source.secrets;
  const plain = resolveSecretsSync(
    {
      ...source,
      secrets: Object.fromEntries(Object.entries(refs).filter(([k]) => k !== 'privateKey')),
    },
    env,
  );
  if (plain.password !== undefined) credentials.SNOWFLAKE_PASSWORD = plain.password;
  if (plain.privateKeyPassphrase !== undefined) {
    credentials.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE = plain.privateKeyPassphrase;
  }
  const key = refs.privateKey;
  if (key !== undefined) {
    // The driver wants the key file's path: a keyFile reference is that path, an env reference
    // names a variable holding it.
    const path = 'keyFile' in key ? key.keyFile : env[key.env];
    if (path === undefined || path === '') {
      raise('CONTROL_SECRET_UNRESOLVED', {
        field: 'privateKey',
        reference: 'env' in key ? `environment variable ${key.env}` : 'keyFile',
        reason: 'it is not set',
      });
    }
    credentials.SNOWFLAKE_PRIVATE_KEY_PATH = path;
  }
  return {
    account: text(source, 'account', 'the Snowflake account identifier'),
    user: text(source, 'user', 'the Snowflake user name'),
    database: text(source, 'database', 'a database name'),
    schema: text(source, 'schema', 'a schema name'),
    warehouse: optional('warehouse'),
    role: optional('role'),
    accessUrl: optional('accessUrl'),
    env: credentials,
  };
}

function checkKnown(source: SourceRecord, known: readonly string[]): void {
  for (const name of Object.keys(source.settings)) {
    if (!known.includes(name)) {
      invalid(source, name, `one of the ${source.kind} settings (${known.join(', ')})`, name);
    }
  }
}

function text(source: SourceRecord, name: string, expected: string): string {
  const v: SettingValue | undefined = source.settings[name];
  if (typeof v !== 'string' || v === '') invalid(source, name, expected, v);
  return v as string;
}

function invalid(
  source: SourceRecord,
  setting: string,
  expected: string,
  received: unknown,
): never {
  return raise('CONTROL_SOURCE_SETTING_INVALID', {
    source: source.name,
    setting,
    expected,
    received: received === undefined ? 'nothing' : JSON.stringify(received),
  });
}
