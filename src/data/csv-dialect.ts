// SPDX-License-Identifier: Apache-2.0
// How a CSV file is written where the user did not say: its delimiter and its NULL marker.
//
// Decisions (each leaves a note that validation reports as a warning, naming the file, what was
// found and the option that makes it explicit):
// - Delimiter: the user's, else tab for .tsv and ',' otherwise. When the first line holds none
//   of it but holds another common delimiter (';', tab, '|', ','), DuckDB's sniffer is asked;
//   if the user gave no delimiter and the sniffed one splits the first line, the file is read
//   with it (CSV_DELIMITER_DETECTED). A delimiter the user gave is never overridden: the file
//   is refused (DATA_CSV_DELIMITER_MISMATCH, naming the file, its header line and the delimiter
//   that splits it), as reading it as one column would only fail later. With no delimiter given
//   and none detected, the file is read as one column and CSV_DELIMITER_SUSPECT names the
//   likely delimiter.
// - NULL marker `\N` (MySQL and PostgreSQL dumps, the Ergast data): when the user gave no NULL
//   strings and some field is `\N` (the strict row scan counts them), the file is loaded with
//   `\N` as NULL. If a column holding it then has a number, date or time type, that reading is
//   kept (CSV_NULL_DETECTED): a `\N` among numbers is never a value. Otherwise (only text
//   columns hold it) the file is loaded again as given and CSV_NULL_SUSPECT suggests the option.
//   Other markers (NULL, NA, N/A, None) are only reported, when the other values of their text
//   column are all numbers or times: each can be a real value elsewhere ('NA', North America).
// Each note names the CLI flag; its `hint` (the same for every file) gives the settings keys.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceNote } from './connector.js';
import type { FileOptions } from './duckdb-files.js';
import { countFields, optionShort, optionHint } from './csv-text.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import { raise } from '../errors/index.js';
import { plural } from '../text/plural.js';

const DELIMITERS = [',', ';', '\t', '|'];
/** The marker read as NULL without being asked, when it makes a column typed. */
export const AUTO_NULL = '\\N';
/** Markers that are reported when the other values of their text column are numbers or times. */
export const NULL_MARKERS = [AUTO_NULL, 'NULL', 'null', 'NA', 'N/A', 'None'];

/** Per column of a CSV file (by position), the fields that are `\N`, and any NULL marker. */
export interface FieldScan {
  autoNull: number[];
  marked: number[];
}

/** What a CSV delimiter must be, for every message that refuses one (CLI, REST, library). */
export const DELIMITER_EXPECTED = 'one character, e.g. "," or "\\t"';

/** Whether `value` can delimit CSV fields: one character, or `\t` typed as backslash-t. */
export function isDelimiter(value: unknown): value is string {
  return typeof value === 'string' && ([...value].length === 1 || value === '\\t');
}

/** The user's delimiter with `\t` spelled out as a tab, or the default for the file's name. */
export function givenDelimiter(path: string, options: FileOptions): string {
  if (options.delimiter !== undefined)
    return options.delimiter === '\\t' ? '\t' : options.delimiter;
  return /\.tsv(\.gz)?$/i.test(path) ? '\t' : ',';
}

const show = (delimiter: string) => (delimiter === '\t' ? 'tab' : `'${delimiter}'`);

/** The `read_csv` arguments for `options` (delimiter already resolved). */
export function csvArguments(options: FileOptions & { delimiter: string }): string[] {
  const args = [
    `delim = ${quoteLiteral(options.delimiter)}`,
    `header = ${options.header === false ? 'false' : 'true'}`,
    `quote = ${quoteLiteral(options.quote ?? '"')}`,
    `encoding = ${quoteLiteral(options.encoding ?? 'utf-8')}`,
    // Types are detected from every row, so a late row never fails a cast at load.
    'sample_size = -1',
  ];
  if (options.nullStrings !== undefined && options.nullStrings.length > 0) {
    // The empty field stays NULL: naming a marker adds to it (DuckDB would replace it).
    const nulls = [...new Set([...options.nullStrings, ''])];
    args.push(`nullstr = [${nulls.map(quoteLiteral).join(', ')}]`);
  }
  return args;
}

async function sniffDelimiter(
  connection: DuckDBConnection,
  path: string,
  options: FileOptions,
): Promise<string | null> {
  const args = [
    `header = ${options.header === false ? 'false' : 'true'}`,
    `quote = ${quoteLiteral(options.quote ?? '"')}`,
    `encoding = ${quoteLiteral(options.encoding ?? 'utf-8')}`,
  ];
  try {
    const reader = await connection.runAndReadAll(
      `SELECT "Delimiter" FROM sniff_csv(${quoteLiteral(path)}, ${args.join(', ')})`,
    );
    const value = reader.getRowsJS()[0]?.[0];
    return typeof value === 'string' && value.length > 0 ? value : null;
  } catch {
    // A file the sniffer cannot read is reported by the strict row check that follows.
    return null;
  }
}

/** The delimiter to read the file with (see the file comment); notes go to `notes`. */
export async function resolveDelimiter(
  connection: DuckDBConnection,
  path: string,
  table: string,
  firstLine: string,
  options: FileOptions,
  notes: SourceNote[],
): Promise<string> {
  const delimiter = givenDelimiter(path, options);
  const quote = options.quote ?? '"';
  if (countFields(firstLine, delimiter, quote) > 1) return delimiter;
  const others = DELIMITERS.filter((d) => d !== delimiter && countFields(firstLine, d, quote) > 1);
  if (others.length === 0) return delimiter;

  const sniffed = await sniffDelimiter(connection, path, options);
  const detected =
    sniffed !== null && sniffed !== delimiter && countFields(firstLine, sniffed, quote) > 1
      ? sniffed
      : null;
  const header = firstLine.length > 60 ? `${firstLine.slice(0, 60)}...` : firstLine;
  const hint = (d: string) =>
    `to read files with the delimiter ${show(d)}: ${optionHint('delimiter', d)}`;
  if (options.delimiter === undefined && detected !== null) {
    const columns = countFields(firstLine, detected, quote);
    notes.push({
      code: 'CSV_DELIMITER_DETECTED',
      table,
      count: columns,
      message:
        `${path} has no ${show(delimiter)} in its first line; read with the delimiter ` +
        `${show(detected)} that DuckDB detects (${columns} columns); to make it explicit: ` +
        optionShort('delimiter', detected),
      details: { file: path, delimiter: detected, default: delimiter, columns },
      hint: hint(detected),
    });
    return detected;
  }
  const likely = detected ?? others[0];
  if (options.delimiter !== undefined) {
    raise('DATA_CSV_DELIMITER_MISMATCH', {
      file: path,
      delimiter: show(delimiter),
      header: JSON.stringify(header),
      likely: show(likely),
      columns: countFields(firstLine, likely, quote),
      option: optionHint('delimiter', likely),
    });
  }
  notes.push({
    code: 'CSV_DELIMITER_SUSPECT',
    table,
    message:
      `${path} read with the delimiter ${show(delimiter)} ` +
      `has one column, ${JSON.stringify(header)}; ` +
      `it looks ${show(likely)}-delimited: read it with ${optionShort('delimiter', likely)}`,
    details: { file: path, delimiter, detected: likely },
    hint: hint(likely),
  });
  return delimiter;
}

async function columnTypes(
  connection: DuckDBConnection,
  relation: string,
): Promise<Map<string, string>> {
  const reader = await connection.runAndReadAll(`DESCRIBE ${relation}`);
  return new Map(reader.getRowsJS().map((row) => [String(row[0]), String(row[1])]));
}

interface MarkedColumn {
  name: string;
  /** Rows holding each marker found, by marker. */
  markers: Map<string, number>;
  /** Whether the column's other values are numbers or times (at least one). */
  othersParse: boolean;
}

/** Marker counts of the text columns `marked` of the table `table`. */
async function markedColumns(
  connection: DuckDBConnection,
  table: string,
  marked: string[],
): Promise<MarkedColumn[]> {
  if (marked.length === 0) return [];
  const list = `(${NULL_MARKERS.map(quoteLiteral).join(', ')})`;
  const parts = marked.flatMap((name, i) => {
    const c = quoteIdent(name);
    const unparsed = `TRY_CAST(${c} AS DOUBLE) IS NULL AND TRY_CAST(${c} AS TIMESTAMP) IS NULL`;
    return [
      ...NULL_MARKERS.map(
        (m, j) => `count(*) FILTER (WHERE ${c} = ${quoteLiteral(m)}) AS "m${i}_${j}"`,
      ),
      `count(${c}) FILTER (WHERE ${c} NOT IN ${list}) AS "o${i}"`,
      `count(*) FILTER (WHERE ${c} NOT IN ${list} AND ${unparsed}) AS "u${i}"`,
    ];
  });
  const reader = await connection.runAndReadAll(
    `SELECT ${parts.join(', ')} FROM ${quoteIdent(table)}`,
  );
  const row = reader.getRowObjectsJS()[0] ?? {};
  const cell = (key: string) => Number(row[key] ?? 0);
  return marked.map((name, i) => ({
    name,
    markers: new Map(
      NULL_MARKERS.map((m, j) => [m, cell(`m${i}_${j}`)] as const).filter(([, n]) => n > 0),
    ),
    othersParse: cell(`o${i}`) > 0 && cell(`u${i}`) === 0,
  }));
}

/** The hint of a NULL marker note: the same for every file and column holding `marker`. */
function nullHint(marker: string): string {
  return `to read '${marker}' as NULL in every file: ${optionHint('nullStrings', marker)}`;
}

/** A CSV file just loaded into `table`, read with `read` (and `\N` as NULL when `guessed`). */
export interface LoadedCsv {
  path: string;
  table: string;
  read: FileOptions & { delimiter: string };
  scan: FieldScan;
  guessed: boolean;
}

/**
 * Keeps `\N` as NULL when reading it so gave a column holding it a type other than text, else
 * reloads the file as given; then notes the text columns that hold NULL markers (see the file
 * comment). Notes go to `notes`.
 */
export async function settleNullMarkers(
  connection: DuckDBConnection,
  loaded: LoadedCsv,
  notes: SourceNote[],
): Promise<void> {
  const { path, table, read, scan } = loaded;
  let types = [...(await columnTypes(connection, quoteIdent(table)))];
  // The scan counts the header line as a row; a column named like a marker counted its name.
  const count = (counts: number[], i: number) =>
    Math.max(
      0,
      (counts[i] ?? 0) - (read.header !== false && NULL_MARKERS.includes(types[i][0]) ? 1 : 0),
    );

  if (loaded.guessed) {
    const auto = types.filter((_, i) => count(scan.autoNull, i) > 0);
    const typed = auto.filter(([, type]) => type !== 'VARCHAR');
    if (typed.length > 0) {
      const cells = types.reduce((n, _, i) => n + count(scan.autoNull, i), 0);
      const names = auto.map(([name]) => name);
      const changed = typed.map(([name, type]) => `${name}: ${type}`);
      notes.push({
        code: 'CSV_NULL_DETECTED',
        table,
        count: cells,
        message:
          `${path} writes NULL as '\\N' ` +
          `(${plural(cells, 'value')} in ${names.join(', ')}); read as NULL ` +
          `they give ${changed.join(', ')}; ` +
          `to make it explicit: ${optionShort('nullStrings', AUTO_NULL)}`,
        details: { file: path, marker: AUTO_NULL, columns: names, typed: changed, count: cells },
        hint: nullHint(AUTO_NULL),
      });
      return;
    }
    const args = csvArguments(read).join(', ');
    await connection.run(
      `CREATE OR REPLACE TABLE ${quoteIdent(table)} ` +
        `AS SELECT * FROM read_csv(${quoteLiteral(path)}, ${args})`,
    );
    types = [...(await columnTypes(connection, quoteIdent(table)))];
  }

  const marked = types
    .filter(([, type], i) => type === 'VARCHAR' && count(scan.marked, i) > 0)
    .map(([name]) => name);
  for (const column of await markedColumns(connection, table, marked)) {
    const markers = [...column.markers.keys()];
    if (!column.othersParse && !markers.includes(AUTO_NULL)) continue;
    const total = [...column.markers.values()].reduce((a, b) => a + b, 0);
    const shown = markers.map((m) => `'${m}'`).join(', ');
    notes.push({
      code: 'CSV_NULL_SUSPECT',
      table,
      column: column.name,
      count: total,
      message:
        `${path}: ${plural(total, 'value')} of ${column.name} ` +
        `${total === 1 ? 'is' : 'are'} ${shown}` +
        (column.othersParse ? ', the others numbers or times, so it reads as text' : '') +
        `; if ${shown} means NULL, read with ${optionShort('nullStrings', markers[0])}`,
      details: { file: path, column: column.name, markers, count: total },
      hint: nullHint(markers[0]),
    });
  }
}
