// SPDX-License-Identifier: Apache-2.0
// Registers table files with DuckDB: each CSV / JSON file becomes a table (parsed once, so a
// malformed row is reported at open with its file and line), each Parquet file a view. What was
// guessed about a CSV file (its delimiter, its NULL marker) comes back as notes for validation.
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceNote } from './connector.js';
import {
  AUTO_NULL,
  DELIMITER_EXPECTED,
  NULL_MARKERS,
  csvArguments,
  isDelimiter,
  resolveDelimiter,
  settleNullMarkers,
  type FieldScan,
} from './csv-dialect.js';
import {
  CSV_EXPECTED,
  checkCsvText,
  countFields,
  findLineEndingChange,
  optionHint,
} from './csv-text.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import { PrequelError, prequelError, raise } from '../errors/index.js';

export interface FileOptions {
  /** Field delimiter of CSV files (default ',' and tab for .tsv, or the one DuckDB detects). */
  delimiter?: string;
  /** Whether CSV files start with a header line (default true). */
  header?: boolean;
  /**
   * Strings read as NULL in CSV files besides the empty field, e.g. ['\\N'] (default: the empty
   * field, and `\N` when it stands among numbers or times; see csv-dialect.ts).
   */
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

/** The table format of a file by its extension (a `.gz` suffix allowed); null: not a table. */
export function formatOf(file: string): Format | null {
  return FORMATS[extname(file.replace(/\.gz$/i, '')).toLowerCase()] ?? null;
}

function tableOf(file: string): string {
  const name = file.replace(/\.gz$/i, '');
  return name.slice(0, name.length - extname(name).length);
}

/**
 * Raises DATA_FILE_OPTION_INVALID for a file option no file can be read with (a delimiter that
 * is not one character), before any file is read; `tables` holds per-table options.
 */
export function checkFileOptions(
  options: FileOptions & { tables?: Record<string, FileOptions> },
): void {
  const given: Array<[string, FileOptions]> = [
    ['', options],
    ...Object.entries(options.tables ?? {}).map(([t, o]): [string, FileOptions] => [
      `tables.${t}.`,
      o,
    ]),
  ];
  for (const [prefix, o] of given) {
    if (o.delimiter !== undefined && !isDelimiter(o.delimiter)) {
      raise('DATA_FILE_OPTION_INVALID', {
        option: `${prefix}delimiter`,
        received: JSON.stringify(o.delimiter),
        expected: DELIMITER_EXPECTED,
      });
    }
  }
}

/** Registers every table file of `source` (a directory or one file); returns the notes. */
export async function registerFiles(
  connection: DuckDBConnection,
  source: string,
  isDirectory: boolean,
  options: FileOptions & { tables?: Record<string, FileOptions> },
): Promise<SourceNote[]> {
  const files = isDirectory ? await listTableFiles(source) : [source];
  if (!isDirectory && formatOf(source) === null) {
    raise('DATA_FILE_UNREADABLE', {
      path: source,
      format: 'a table file',
      reason: 'expected a .csv, .tsv, .parquet, .json or .duckdb extension',
    });
  }
  const seen = new Map<string, string>();
  const notes: SourceNote[] = [];
  for (const file of files) {
    const path = isDirectory ? join(source, file) : source;
    const table = tableOf(isDirectory ? file : path.split(/[\\/]/).pop()!);
    const earlier = seen.get(table);
    if (earlier !== undefined)
      raise('DATA_DUPLICATE_TABLE', { path: source, table, files: [earlier, file] });
    seen.set(table, file);
    const fileOptions = { ...options, ...(options.tables?.[table] ?? {}) };
    notes.push(...(await registerFile(connection, path, table, formatOf(path)!, fileOptions)));
  }
  return notes;
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
): Promise<SourceNote[]> {
  const target = quoteIdent(table);
  const file = quoteLiteral(path);
  try {
    if (format === 'parquet') {
      await connection.run(`CREATE VIEW ${target} AS SELECT * FROM read_parquet(${file})`);
    } else if (format === 'json') {
      await connection.run(`CREATE TABLE ${target} AS SELECT * FROM read_json_auto(${file})`);
    } else {
      return await registerCsv(connection, path, table, options);
    }
    return [];
  } catch (err) {
    if (err instanceof PrequelError) throw err;
    throw await fileError(err, path, format, options);
  }
}

/**
 * Reads a CSV file into the table `table`: checks its bytes are text, settles the delimiter,
 * checks every row's field count, loads it, and settles its NULL marker (csv-dialect.ts).
 */
async function registerCsv(
  connection: DuckDBConnection,
  path: string,
  table: string,
  options: FileOptions,
): Promise<SourceNote[]> {
  const notes: SourceNote[] = [];
  const quote = options.quote ?? '"';
  const firstLine = await checkCsvText(path, options.encoding ?? 'utf-8', quote);
  const delimiter = await resolveDelimiter(connection, path, table, firstLine, options, notes);
  const read = { ...options, delimiter };
  const scan = await checkCsvRows(connection, path, read, countFields(firstLine, delimiter, quote));
  // A file holding `\N` is read with it as NULL first; settleNullMarkers keeps that or not.
  const guessed = options.nullStrings === undefined && scan.autoNull.some((n) => n > 0);
  const args = csvArguments(guessed ? { ...read, nullStrings: [AUTO_NULL] } : read).join(', ');
  await connection.run(
    `CREATE TABLE ${quoteIdent(table)} AS SELECT * FROM read_csv(${quoteLiteral(path)}, ${args})`,
  );
  if (options.nullStrings === undefined) {
    await settleNullMarkers(connection, { path, table, read, scan, guessed }, notes);
  }
  return notes;
}

/**
 * Parses the whole file strictly as text with the field count of its first line, so a row with
 * too many or too few fields, or an unterminated quote, fails with its line number (DuckDB's
 * type sniffer would otherwise fall back to one wide column or skip the row silently). The same
 * scan counts, per column, the fields that are `\N` or another NULL marker.
 */
async function checkCsvRows(
  connection: DuckDBConnection,
  path: string,
  options: FileOptions & { delimiter: string },
  fields: number,
): Promise<FieldScan> {
  const columns = Array.from({ length: fields }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const args = [
    `delim = ${quoteLiteral(options.delimiter)}`,
    `quote = ${quoteLiteral(options.quote ?? '"')}`,
    `escape = ${quoteLiteral(options.quote ?? '"')}`,
    `encoding = ${quoteLiteral(options.encoding ?? 'utf-8')}`,
    'header = false',
    'auto_detect = false',
    'strict_mode = true',
    `columns = {${columns}}`,
  ];
  const markers = `(${NULL_MARKERS.map(quoteLiteral).join(', ')})`;
  const parts = [`count(c${fields - 1})`];
  for (let i = 0; i < fields; i += 1) {
    parts.push(`count(*) FILTER (WHERE c${i} = ${quoteLiteral(AUTO_NULL)})`);
    parts.push(`count(*) FILTER (WHERE c${i} IN ${markers})`);
  }
  const reader = await connection.runAndReadAll(
    `SELECT ${parts.join(', ')} FROM read_csv(${quoteLiteral(path)}, ${args.join(', ')})`,
  );
  const row = (reader.getRowsJS()[0] ?? []).map(Number);
  const count = (i: number) => row[i] ?? 0;
  return {
    autoNull: Array.from({ length: fields }, (_, i) => count(1 + 2 * i)),
    marked: Array.from({ length: fields }, (_, i) => count(2 + 2 * i)),
  };
}

const ENDINGS = { CRLF: 'CRLF (\\r\\n)', LF: 'LF (\\n)', CR: 'CR (\\r)' };

/**
 * What DuckDB says is wrong with a malformed row, as a user reads it: the problem, then the
 * row's first line. DuckDB quotes the row after "Original Line:", on the next line when the file
 * ends its lines with CRLF, followed by a line naming the problem.
 */
function malformedRowReason(text: string): string {
  const body = text.split('\nPossible fixes:')[0];
  const at = body.indexOf('Original Line:');
  if (at < 0) return body.split('\n').slice(1, 3).join('; ').trim();
  const rest = body.slice(at + 'Original Line:'.length);
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(rest);
  const quote = /Value with unterminated quote found\./.exec(rest);
  const found = [columns, quote].filter((m) => m !== null).sort((a, b) => a.index - b.index)[0];
  const row = (found === undefined ? rest : rest.slice(0, found.index))
    .replace(/^\s+/, '')
    .split(/\r?\n|\r/)[0];
  const shown = row.length > 80 ? `${row.slice(0, 80)}...` : row;
  if (columns !== null && found === columns) {
    return `${columns[2]} fields, expected ${columns[1]} as in the first line: ${shown}`;
  }
  if (quote !== null) {
    return (
      'a quoted value is not closed (a value that starts with a quote must end with one, and ' +
      `a quote inside it is written twice): ${shown}`
    );
  }
  const said = rest
    .slice(rest.indexOf(row) + row.length)
    .trim()
    .split('\n')[0];
  return said === '' ? shown : `${said}: ${shown}`;
}

/** The registry error for a DuckDB failure reading `path`; DuckDB's own text is its cause. */
async function fileError(
  err: unknown,
  path: string,
  format: Format,
  options: FileOptions,
): Promise<unknown> {
  const text = err instanceof Error ? err.message : String(err);
  const line = /CSV Error on Line: (\d+)/.exec(text);
  if (format === 'csv' && /Invalid unicode/i.test(text)) {
    const encoding = options.encoding ?? 'utf-8';
    const other = encoding === 'latin-1' ? 'utf-16' : 'latin-1';
    return prequelError(
      'DATA_CSV_ENCODING',
      {
        file: path,
        encoding,
        line: line === null ? 'unknown' : Number(line[1]),
        found: 'a byte sequence that is not valid in that encoding',
        hint: `read it with the encoding it was written in, e.g. ${optionHint('encoding', other)}`,
      },
      err,
    );
  }
  if (line !== null) {
    return prequelError(
      'DATA_CSV_MALFORMED',
      { file: path, line: Number(line[1]), reason: malformedRowReason(text) },
      err,
    );
  }
  if (format === 'csv' && /state machine reached an invalid state/i.test(text)) {
    // DuckDB names no line here; the usual cause is a file that mixes line endings.
    const change = await findLineEndingChange(
      path,
      options.encoding ?? 'utf-8',
      options.quote ?? '"',
    );
    if (change !== null) {
      const reason =
        `the line ends with ${ENDINGS[change.found]}, the lines before it with ` +
        `${ENDINGS[change.first]}; DuckDB reads one kind of line ending a file: convert the ` +
        'file to one (e.g. with dos2unix)';
      return prequelError('DATA_CSV_MALFORMED', { file: path, line: change.line, reason }, err);
    }
  }
  // DuckDB's internal and fatal errors say nothing a user can act on; its text stays the cause.
  const reason = /^(INTERNAL|FATAL) Error/.test(text)
    ? `DuckDB failed reading it (an internal error; see the cause); ${expected(format)}`
    : `${text.split('\n')[0]}; ${expected(format)}`;
  return prequelError('DATA_FILE_UNREADABLE', { path, format: FORMAT_NAMES[format], reason }, err);
}

const FORMAT_NAMES: Record<Format, string> = { csv: 'CSV', parquet: 'Parquet', json: 'JSON' };

function expected(format: Format): string {
  if (format === 'csv') return CSV_EXPECTED;
  return format === 'parquet'
    ? 'expected a Parquet file'
    : 'expected JSON or newline-delimited JSON';
}
