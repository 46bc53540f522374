// SPDX-License-Identifier: Apache-2.0
// Registers table files with DuckDB: each CSV / JSON file becomes a table (parsed once, so a
// malformed row is reported at open with its file and line), each Parquet file a view.
import { open, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from './sql.js';
import { PrequelError, prequelError, raise } from '../errors/index.js';

export interface FileOptions {
  /** Field delimiter of CSV files (default ',' and tab for .tsv). */
  delimiter?: string;
  /** Whether CSV files start with a header line (default true). */
  header?: boolean;
  /** Strings read as NULL in CSV files, e.g. ['\\N'] (default: the empty field only). */
  nullStrings?: string[];
  /** Character encoding of CSV files (default utf-8). */
  encoding?: 'utf-8' | 'latin-1' | 'utf-16';
  /** Quote character of CSV files (default '"'). */
  quote?: string;
}

type Format = 'csv' | 'parquet' | 'json';

const FORMATS: Record<string, Format> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.parquet': 'parquet',
  '.json': 'json',
  '.jsonl': 'json',
  '.ndjson': 'json',
};

function formatOf(file: string): Format | null {
  return FORMATS[extname(file.replace(/\.gz$/i, '')).toLowerCase()] ?? null;
}

function tableOf(file: string): string {
  const name = file.replace(/\.gz$/i, '');
  return name.slice(0, name.length - extname(name).length);
}

/** Registers every table file of `source` (a directory or one file) on `connection`. */
export async function registerFiles(
  connection: DuckDBConnection,
  source: string,
  isDirectory: boolean,
  options: FileOptions & { tables?: Record<string, FileOptions> },
): Promise<void> {
  const files = isDirectory ? await listTableFiles(source) : [source];
  if (!isDirectory && formatOf(source) === null) {
    raise('DATA_FILE_UNREADABLE', {
      path: source,
      format: 'a table file',
      reason: 'expected a .csv, .tsv, .parquet, .json or .duckdb extension',
    });
  }
  const seen = new Map<string, string>();
  for (const file of files) {
    const path = isDirectory ? join(source, file) : source;
    const table = tableOf(isDirectory ? file : path.split(/[\\/]/).pop()!);
    const earlier = seen.get(table);
    if (earlier !== undefined)
      raise('DATA_DUPLICATE_TABLE', { path: source, table, files: [earlier, file] });
    seen.set(table, file);
    const fileOptions = { ...options, ...(options.tables?.[table] ?? {}) };
    await registerFile(connection, path, table, formatOf(path)!, fileOptions);
  }
}

async function listTableFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err) =>
    raise('DATA_FILE_UNREADABLE', { path: dir, format: 'a directory', reason: String(err) }),
  );
  const files = entries
    .filter((e) => formatOf(e.name) !== null)
    .map((e) => e.name)
    .sort();
  if (files.length === 0) raise('DATA_SOURCE_EMPTY', { path: dir });
  return files;
}

async function registerFile(
  connection: DuckDBConnection,
  path: string,
  table: string,
  format: Format,
  options: FileOptions,
): Promise<void> {
  const target = quoteIdent(table);
  const file = quoteLiteral(path);
  try {
    if (format === 'parquet') {
      await connection.run(`CREATE VIEW ${target} AS SELECT * FROM read_parquet(${file})`);
    } else if (format === 'json') {
      await connection.run(`CREATE TABLE ${target} AS SELECT * FROM read_json_auto(${file})`);
    } else {
      await checkCsvRows(connection, path, options);
      const args = csvArguments(path, options).join(', ');
      await connection.run(`CREATE TABLE ${target} AS SELECT * FROM read_csv(${file}, ${args})`);
    }
  } catch (err) {
    if (err instanceof PrequelError) throw err;
    throw fileError(err, path, format);
  }
}

function csvArguments(path: string, options: FileOptions): string[] {
  const delimiter = options.delimiter ?? (/\.tsv(\.gz)?$/i.test(path) ? '\t' : ',');
  const args = [
    `delim = ${quoteLiteral(delimiter)}`,
    `header = ${options.header === false ? 'false' : 'true'}`,
    `quote = ${quoteLiteral(options.quote ?? '"')}`,
    `encoding = ${quoteLiteral(options.encoding ?? 'utf-8')}`,
    // Types are detected from every row, so a late row never fails a cast at load.
    'sample_size = -1',
  ];
  if (options.nullStrings !== undefined && options.nullStrings.length > 0) {
    args.push(`nullstr = [${options.nullStrings.map(quoteLiteral).join(', ')}]`);
  }
  return args;
}

/**
 * Parses the whole file strictly as text with the field count of its first line, so a row with
 * too many or too few fields, or an unterminated quote, fails with its line number (DuckDB's
 * type sniffer would otherwise fall back to one wide column or skip the row silently).
 */
async function checkCsvRows(connection: DuckDBConnection, path: string, options: FileOptions) {
  const delimiter = options.delimiter ?? (/\.tsv(\.gz)?$/i.test(path) ? '\t' : ',');
  const fields = await countFirstLineFields(path, delimiter, options.quote ?? '"');
  const columns = Array.from({ length: fields }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const args = [
    `delim = ${quoteLiteral(delimiter)}`,
    `quote = ${quoteLiteral(options.quote ?? '"')}`,
    `escape = ${quoteLiteral(options.quote ?? '"')}`,
    `encoding = ${quoteLiteral(options.encoding ?? 'utf-8')}`,
    'header = false',
    'auto_detect = false',
    'strict_mode = true',
    `columns = {${columns}}`,
  ];
  await connection.run(
    `SELECT count(c${fields - 1}) FROM read_csv(${quoteLiteral(path)}, ${args.join(', ')})`,
  );
}

async function countFirstLineFields(
  path: string,
  delimiter: string,
  quote: string,
): Promise<number> {
  const handle = await open(path, 'r').catch((err) =>
    raise('DATA_FILE_UNREADABLE', { path, format: 'CSV', reason: String(err) }),
  );
  try {
    const buffer = Buffer.alloc(1 << 20);
    const { bytesRead } = await handle
      .read(buffer, 0, buffer.length, 0)
      .catch((err) => raise('DATA_FILE_UNREADABLE', { path, format: 'CSV', reason: String(err) }));
    if (bytesRead === 0)
      raise('DATA_FILE_UNREADABLE', { path, format: 'CSV', reason: 'the file is empty' });
    const text = buffer.subarray(0, bytesRead).toString('latin1');
    let fields = 1;
    let quoted = false;
    for (const ch of text) {
      if (ch === quote) quoted = !quoted;
      else if (!quoted && ch === delimiter) fields += 1;
      else if (!quoted && (ch === '\n' || ch === '\r')) break;
    }
    return fields;
  } finally {
    await handle.close();
  }
}

function fileError(err: unknown, path: string, format: Format): unknown {
  const text = err instanceof Error ? err.message : String(err);
  const line = /CSV Error on Line: (\d+)/.exec(text);
  if (line !== null) {
    const detail = text.split('\n').slice(1, 3).join('; ').trim();
    return prequelError('DATA_CSV_MALFORMED', {
      file: path,
      line: Number(line[1]),
      reason: detail,
    });
  }
  const reason = text.split('\n')[0];
  return prequelError('DATA_FILE_UNREADABLE', { path, format, reason });
}
