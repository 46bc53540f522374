// SPDX-License-Identifier: Apache-2.0
// Byte-level checks of a CSV file before DuckDB parses it, and its first line. DuckDB's own
// reports of these faults are poor: binary input comes back as a "malformed row" quoting the
// bytes, a non-UTF-8 byte is blamed on the wrong line, and a Latin-1 byte just before a line
// break can fail its strict parser internally and invalidate the whole database. Gzipped files
// are checked as they decompress.
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FileOptions } from './duckdb-files.js';
import { raise } from '../errors/index.js';

export type CsvEncoding = NonNullable<FileOptions['encoding']>;

/** What every CSV reading error says the file should be. */
export const CSV_EXPECTED =
  'expected a text CSV file: a header line of column names, then one row a line';

/** Bytes of the start of the file read for its first line (and per chunk of the UTF-8 scan). */
const HEAD_BYTES = 1 << 20;
/** Bytes of the start of the file that the binary check looks at. */
const SAMPLE_BYTES = 1 << 16;
/** Above this share of control bytes (other than tab, line breaks, form feed) a file is binary. */
const CONTROL_SHARE_MAX = 0.01;

type OptionKey = 'delimiter' | 'nullStrings' | 'encoding';

/** The CLI flag that sets a file option, e.g. `--null '\N'`. */
function optionFlag(key: OptionKey, value: string): string {
  const flag = { delimiter: '--delimiter', nullStrings: '--null', encoding: '--encoding' }[key];
  return `${flag} ${value === '\t' ? "$'\\t'" : `'${value}'`}`;
}

const optionJson = (key: OptionKey, value: string) =>
  key === 'nullStrings' ? `[${JSON.stringify(value)}]` : JSON.stringify(value);

/**
 * How the user sets a file option: the CLI flag, and the key that a data source's settings (REST
 * API and library), the library's file options (openDuckDb) and the graph file's data.files all
 * accept under the same name.
 */
export function optionHint(key: OptionKey, value: string): string {
  return (
    `${optionFlag(key, value)} ("${key}": ${optionJson(key, value)} in a data source's settings, ` +
    "the library's file options or the graph file's data.files)"
  );
}

/**
 * optionHint for a warning that many files may repeat: the flag and the settings key only (the
 * full optionHint goes once in the warning's hint).
 */
export function optionShort(key: OptionKey, value: string): string {
  const json = optionJson(key, value);
  return `${optionFlag(key, value)} ("${key}": ${json} in a data source's settings)`;
}

function stream(path: string): Readable {
  const file = createReadStream(path, { highWaterMark: HEAD_BYTES });
  if (!/\.gz$/i.test(path)) return file;
  const gunzip = createGunzip();
  // pipeline, unlike pipe, hands a read error of the file on to the stream being read.
  pipeline(file, gunzip, () => {});
  return gunzip;
}

function unreadable(path: string, reason: string, cause?: unknown): never {
  return raise('DATA_FILE_UNREADABLE', { path, format: 'CSV', reason }, cause);
}

/** The first `HEAD_BYTES` bytes of the file, decompressed. */
async function readHead(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  const input = stream(path);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= HEAD_BYTES) break;
    }
  } catch (err) {
    unreadable(path, `${(err as Error).message}; ${CSV_EXPECTED}`, err);
  } finally {
    input.destroy();
  }
  return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');

/** What the text checks say a file should be, and how to read it in another encoding. */
interface TextExpectation {
  expected: string;
  reread: (encoding: 'utf-16' | 'latin-1') => string;
}

/** A CSV table file: its encoding is an option of the reader. */
const CSV_TABLE: TextExpectation = {
  expected: CSV_EXPECTED,
  reread: (encoding) => `read it with ${optionHint('encoding', encoding)}`,
};

/** Raises unless the head of the file reads as text in `encoding`. */
function checkNotBinary(
  path: string,
  head: Buffer,
  encoding: CsvEncoding,
  text: TextExpectation = CSV_TABLE,
): void {
  if (encoding === 'utf-16') return;
  const sample = head.subarray(0, SAMPLE_BYTES);
  const bom = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  // UTF-16 text of ASCII characters has a NUL in every other byte.
  const nuls = [0, 1].map((parity) => sample.filter((b, i) => i % 2 === parity && b === 0).length);
  const wide = sample.length >= 4 && Math.max(...nuls) >= 0.9 * Math.floor(sample.length / 2);
  if (bom || wide) {
    raise('DATA_CSV_ENCODING', {
      file: path,
      encoding,
      line: 1,
      found: bom ? `the bytes ${hex(head.subarray(0, 2))}` : 'a NUL byte in every other byte',
      offset: 0,
      hint: `it looks like UTF-16 text; ${text.reread('utf-16')}`,
    });
  }
  const nul = sample.indexOf(0);
  if (nul >= 0) {
    unreadable(
      path,
      `it holds binary data (a NUL byte at offset ${nul}), not text; ${text.expected}`,
    );
  }
  let control = 0;
  for (const b of sample) {
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) || b === 0x7f) {
      control += 1;
    }
  }
  if (control > CONTROL_SHARE_MAX * sample.length) {
    unreadable(
      path,
      `it holds binary data (${control} control bytes in its first ${sample.length}), ` +
        `not text; ${text.expected}`,
    );
  }
}

/** Length of the UTF-8 sequence a lead byte starts (1 for ASCII, 0 for a non-lead byte). */
function sequenceLength(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/** Index of the first byte of `bytes` that is not valid UTF-8 (found by decoding from there). */
function firstInvalid(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const n = sequenceLength(bytes[i]);
    if (n === 0 || i + n > bytes.length || !isUtf8(bytes.subarray(i, i + n))) return i;
    i += n;
  }
  return bytes.length;
}

/** Where a chunk can be cut without splitting a UTF-8 sequence (its incomplete tail moves on). */
function completeEnd(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 3); i -= 1) {
    const n = sequenceLength(bytes[i]);
    if (n > 1) return i + n > bytes.length ? i : bytes.length;
    if (n === 1) return bytes.length;
  }
  return bytes.length;
}

/**
 * Raises unless `bytes`, the whole of the file `name`, are UTF-8 text: DATA_FILE_UNREADABLE for
 * binary data, DATA_CSV_ENCODING at the first byte that is not UTF-8. For files read whole that
 * have no encoding option (entity id lists); `expected` says what the file should be.
 */
export function checkUtf8Text(name: string, bytes: Buffer, expected: string): void {
  const reread = () => 'save it as UTF-8 text';
  checkNotBinary(name, bytes, 'utf-8', { expected, reread });
  if (isUtf8(bytes)) return;
  const at = firstInvalid(bytes);
  let line = 1;
  for (let i = bytes.indexOf(10); i >= 0 && i < at; i = bytes.indexOf(10, i + 1)) line += 1;
  raise('DATA_CSV_ENCODING', {
    file: name,
    encoding: 'utf-8',
    line,
    found: `the byte ${hex(bytes.subarray(at, at + 1))} (offset ${at})`,
    offset: at,
    hint: reread(),
  });
}

/** 1-based line of the byte at `offset` of the (decompressed) file. */
async function lineAt(path: string, offset: number): Promise<number> {
  let line = 1;
  let seen = 0;
  const input = stream(path);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const part = chunk.subarray(0, Math.max(0, offset - seen));
      for (let i = part.indexOf(10); i >= 0; i = part.indexOf(10, i + 1)) line += 1;
      seen += chunk.length;
      if (seen >= offset) break;
    }
  } finally {
    input.destroy();
  }
  return line;
}

/** Raises DATA_CSV_ENCODING at the first byte of the file that is not UTF-8. */
async function checkUtf8(path: string): Promise<void> {
  let carry = Buffer.alloc(0);
  let offset = 0;
  const input = stream(path);
  let bad: { offset: number; bytes: Buffer } | null = null;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      const end = completeEnd(bytes);
      const whole = bytes.subarray(0, end);
      if (!isUtf8(whole)) {
        const at = firstInvalid(whole);
        bad = { offset: offset + at, bytes: Buffer.from(whole.subarray(at, at + 4)) };
        break;
      }
      offset += end;
      carry = Buffer.from(bytes.subarray(end));
    }
    if (bad === null && carry.length > 0) bad = { offset, bytes: carry };
  } catch (err) {
    unreadable(path, `${(err as Error).message}; ${CSV_EXPECTED}`, err);
  } finally {
    input.destroy();
  }
  if (bad === null) return;
  raise('DATA_CSV_ENCODING', {
    file: path,
    encoding: 'utf-8',
    line: await lineAt(path, bad.offset),
    found: `the byte ${hex(bad.bytes.subarray(0, 1))} (offset ${bad.offset})`,
    offset: bad.offset,
    hint:
      'if it is Latin-1 or Windows-1252 text, ' +
      `read it with ${optionHint('encoding', 'latin-1')}`,
  });
}

/**
 * Checks that the CSV file at `path` is text in `encoding` (the whole file for UTF-8) and
 * returns its first line, decoded: the header, or the first row of a file without one.
 */
export async function checkCsvText(
  path: string,
  encoding: CsvEncoding,
  quote: string,
): Promise<string> {
  const head = await readHead(path);
  if (head.length === 0) {
    unreadable(path, `the file is empty (0 bytes, not even a header line); ${CSV_EXPECTED}`);
  }
  checkNotBinary(path, head, encoding);
  if (encoding === 'utf-8') await checkUtf8(path);
  const text = head.toString(
    encoding === 'utf-16' ? 'utf16le' : encoding === 'latin-1' ? 'latin1' : 'utf8',
  );
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false;
  for (let i = start; i < text.length; i += 1) {
    if (text[i] === quote) quoted = !quoted;
    else if (!quoted && (text[i] === '\n' || text[i] === '\r')) return text.slice(start, i);
  }
  return text.slice(start);
}

/** A line whose ending differs from the first line's (DuckDB reads one kind per file). */
export interface LineEndingChange {
  /** 1-based line of the (decompressed) file. */
  line: number;
  found: 'CRLF' | 'LF' | 'CR';
  first: 'CRLF' | 'LF' | 'CR';
}

/**
 * The first line of the CSV file at `path` that ends differently from its first line (line
 * breaks inside `quote`d values are not line endings), or null. UTF-16 files are not scanned.
 */
export async function findLineEndingChange(
  path: string,
  encoding: CsvEncoding,
  quote: string,
): Promise<LineEndingChange | null> {
  if (encoding === 'utf-16' || quote.length !== 1) return null;
  const q = quote.charCodeAt(0);
  let line = 1;
  let quoted = false;
  let pendingCr = false;
  let first: LineEndingChange['first'] | null = null;
  // Returns the change when the line just ended with `found` differs from the first line's.
  const ended = (found: LineEndingChange['found']): LineEndingChange | null => {
    first ??= found;
    const change = found === first ? null : { line, found, first };
    line += 1;
    return change;
  };
  const input = stream(path);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      for (const b of chunk) {
        if (pendingCr) {
          pendingCr = false;
          const change = ended(b === 0x0a ? 'CRLF' : 'CR');
          if (change !== null) return change;
          if (b === 0x0a) continue;
        }
        if (b === q) quoted = !quoted;
        else if (quoted) line += b === 0x0a ? 1 : 0;
        else if (b === 0x0d) pendingCr = true;
        else if (b === 0x0a) {
          const change = ended('LF');
          if (change !== null) return change;
        }
      }
    }
  } finally {
    input.destroy();
  }
  return pendingCr ? ended('CR') : null;
}

/** Fields of `line` split on `delimiter` outside `quote`d text (1 for an empty delimiter). */
export function countFields(line: string, delimiter: string, quote: string): number {
  if (delimiter === '') return 1; // it would match at every position without advancing
  let fields = 1;
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    if (line[i] === quote) quoted = !quoted;
    else if (!quoted && line.startsWith(delimiter, i)) {
      fields += 1;
      i += delimiter.length - 1;
    }
  }
  return fields;
}
