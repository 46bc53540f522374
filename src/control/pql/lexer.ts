// SPDX-License-Identifier: Apache-2.0
// Splits a predictive query into tokens. Words are not classified here: whether `count` is a
// keyword, an aggregation or a table name depends on where it stands, so the parser decides.
//
// Lexical errors do not stop the scan: each is recorded with the index of the token it stands
// at, and the scan goes on with a stand-in, so the parser still sees the rest of the query:
// - a bad character is dropped;
// - an unterminated string or backtick name ends at the end of its line;
// - a bad escape is kept as its escaped character;
// - an invalid number, date or empty backtick name becomes a token of its kind with value 0.
// Names are Unicode words (a letter or _, then letters, marks, digits or _: `Größe`); any other
// name goes in backticks. One `;` may end the query (followed only by blanks and comments).
// Follow-on errors are held back by the rule the parser uses (see QUIET_TOKENS): an error at a
// token index below the previous error's index + QUIET_TOKENS is counted but not reported.
import type { Span } from './ast.js';
import { type Diagnostic, diagnostic } from './diagnostics.js';

export type Token =
  | { kind: 'word'; text: string; span: Span }
  | { kind: 'quoted'; text: string; span: Span }
  | { kind: 'number'; value: number; integer: boolean; span: Span }
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'datetime'; micros: bigint; span: Span }
  | { kind: 'neginf'; span: Span }
  | { kind: 'op'; text: '=' | '!=' | '<' | '<=' | '>' | '>='; span: Span }
  | { kind: 'punct'; text: '(' | ')' | ',' | '.' | '*'; span: Span }
  | { kind: 'eof'; span: Span };

export const MAX_QUERY_LENGTH = 100_000;
/** An error this many tokens or fewer after the previous one's resumption is not reported. */
export const QUIET_TOKENS = 3;
/** At most this many diagnostics are reported for one query; the scan or parse stops there. */
export const MAX_DIAGNOSTICS = 50;

export interface Tokens {
  tokens: Token[];
  map: SourceMap;
  /** Reported lexical errors, in source order. */
  diagnostics: Diagnostic[];
  /**
   * The token index of every lexical error, reported or held back, for the quiet rule: the
   * index of the stand-in token, or of the next token when the text was dropped.
   */
  errorTokens: number[];
  /** True when the scan stopped at MAX_DIAGNOSTICS errors; the tokens end early. */
  truncated: boolean;
}

const DATE = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})/;
const TIME = /^[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(?![\d:])/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/;
/** A name: a letter or _, then letters, combining marks, digits or _ (sticky: set lastIndex). */
const WORD = /[\p{L}_][\p{L}\p{M}\p{N}_]*/uy;
const WORD_CHAR = /[\p{L}\p{M}\p{N}_]/u;
const NEG_INF = /^-(INFINITY|infinity|INF|inf)(?![\p{L}\p{M}\p{N}_])/u;
/** What may follow the one trailing `;`: blanks and comments (sticky: set lastIndex). */
const QUERY_END = /(?:\s|#[^\n]*)*$/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Maps offsets to 1-based line and column. */
export class SourceMap {
  private readonly lineStarts: number[] = [0];

  constructor(readonly source: string) {
    for (let i = 0; i < source.length; i++) if (source[i] === '\n') this.lineStarts.push(i + 1);
  }

  span(offset: number, length: number): Span {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1, offset, length };
  }
}

/** Microseconds since the epoch for a calendar date and time, or null if it does not exist. */
export function civilToMicros(
  y: number,
  mo: number,
  d: number,
  h = 0,
  mi = 0,
  s = 0,
  us = 0,
): bigint | null {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > days) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(ms);
  date.setUTCFullYear(y);
  return BigInt(date.getTime()) * 1000n + BigInt(us);
}

/** Records lexical errors under the quiet rule; `full` once MAX_DIAGNOSTICS are reported. */
class LexErrors {
  readonly diagnostics: Diagnostic[] = [];
  readonly errorTokens: number[] = [];
  private quietUntil = 0;

  constructor(
    private readonly map: SourceMap,
    private readonly tokens: Token[],
  ) {}

  get full(): boolean {
    return this.diagnostics.length >= MAX_DIAGNOSTICS;
  }

  add(code: string, offset: number, length: number, expected: string): void {
    const token = this.tokens.length;
    this.errorTokens.push(token);
    if (token >= this.quietUntil) {
      const span = this.map.span(offset, length);
      this.diagnostics.push(diagnostic(code, this.map.source, span, expected));
    }
    this.quietUntil = token + QUIET_TOKENS;
  }
}

/** Tokenizes `source`, recording every lexical error and going on past it (see the header). */
export function tokenize(source: string): Tokens {
  const map = new SourceMap(source);
  const tokens: Token[] = [];
  const errors = new LexErrors(map, tokens);
  let i = 0;
  const n = source.length;
  /** Where the query ends: the trailing `;` if there is one. */
  let end: number | null = null;
  while (i < n && !errors.full) {
    const ch = source[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    const rest = source.slice(i, i + 64);
    if (ch === '-') {
      const inf = NEG_INF.exec(rest);
      if (inf !== null) {
        tokens.push({ kind: 'neginf', span: map.span(i, inf[0].length) });
        i += inf[0].length;
        continue;
      }
    }
    if ((ch >= '0' && ch <= '9') || (ch === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const date = ch === '-' ? null : DATE.exec(rest);
      if (date !== null) {
        let length = date[0].length;
        const time = TIME.exec(source.slice(i + length, i + length + 20));
        if (time !== null) length += time[0].length;
        const fraction = time?.[4] === undefined ? 0 : Number(time[4].padEnd(6, '0'));
        const micros = civilToMicros(
          Number(date[1]),
          Number(date[3]),
          Number(date[4]),
          time === null ? 0 : Number(time[1]),
          time === null ? 0 : Number(time[2]),
          time?.[3] === undefined ? 0 : Number(time[3]),
          fraction,
        );
        if (micros === null) {
          errors.add('PQL_INVALID_LITERAL', i, length, 'a valid date YYYY-MM-DD [HH:MM:SS]');
        }
        tokens.push({ kind: 'datetime', micros: micros ?? 0n, span: map.span(i, length) });
        i += length;
        continue;
      }
      const num = NUMBER.exec(rest);
      if (num === null || WORD_CHAR.test(source[i + num[0].length] ?? '')) {
        const bad = /^-?[\p{L}\p{M}\p{N}_.]+/u.exec(rest)?.[0] ?? ch;
        errors.add('PQL_INVALID_LITERAL', i, bad.length, 'a number or a date');
        tokens.push({ kind: 'number', value: 0, integer: true, span: map.span(i, bad.length) });
        i += bad.length;
        continue;
      }
      const value = Number(num[0]);
      const integer = num[1] === undefined && num[2] === undefined;
      const span = map.span(i, num[0].length);
      if (!Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) {
        errors.add('PQL_INVALID_LITERAL', i, num[0].length, 'a number of safe magnitude');
        tokens.push({ kind: 'number', value: 0, integer, span });
      } else {
        tokens.push({ kind: 'number', value, integer, span });
      }
      i += num[0].length;
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(source);
    if (word !== null) {
      const j = i + word[0].length;
      tokens.push({ kind: 'word', text: word[0], span: map.span(i, j - i) });
      i = j;
      continue;
    }
    if (ch === ';') {
      QUERY_END.lastIndex = i + 1;
      if (QUERY_END.test(source)) {
        end = i;
        break;
      }
      errors.add(
        'PQL_INVALID_CHARACTER',
        i,
        1,
        'the end of the query after ; (one query at a time)',
      );
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      i = readString(source, map, i, tokens, errors);
      continue;
    }
    if (ch === '`') {
      i = readBackticked(source, map, i, tokens, errors);
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '<>') {
      const text = two === '<>' ? '!=' : two;
      tokens.push({ kind: 'op', text: text as '!=', span: map.span(i, 2) });
      i += 2;
      continue;
    }
    if (ch === '=' || ch === '<' || ch === '>') {
      tokens.push({ kind: 'op', text: ch, span: map.span(i, 1) });
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === '.' || ch === '*') {
      tokens.push({ kind: 'punct', text: ch, span: map.span(i, 1) });
      i++;
      continue;
    }
    const cp = source.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    errors.add('PQL_INVALID_CHARACTER', i, width, 'a name, number, string, operator or ( ) , . *');
    i += width;
  }
  tokens.push({ kind: 'eof', span: map.span(end ?? i, 0) });
  return {
    tokens,
    map,
    diagnostics: errors.diagnostics,
    errorTokens: errors.errorTokens,
    truncated: end === null && i < n,
  };
}

/** Reads a `backtick quoted` name; an unterminated one ends at the end of its line. */
function readBackticked(
  source: string,
  map: SourceMap,
  start: number,
  tokens: Token[],
  errors: LexErrors,
): number {
  let j = start + 1;
  let text = '';
  for (;;) {
    if (j >= source.length || source[j] === '\n') {
      errors.add('PQL_UNTERMINATED_STRING', start, j - start, 'a closing backtick');
      tokens.push({ kind: 'quoted', text, span: map.span(start, j - start) });
      return j;
    }
    if (source[j] === '`') {
      if (source[j + 1] === '`') {
        text += '`';
        j += 2;
        continue;
      }
      break;
    }
    text += source[j++];
  }
  if (text.length === 0) errors.add('PQL_INVALID_LITERAL', start, 2, 'a non-empty identifier');
  tokens.push({ kind: 'quoted', text, span: map.span(start, j + 1 - start) });
  return j + 1;
}

/** Reads a quoted string; an unterminated one ends at the end of its line. */
function readString(
  source: string,
  map: SourceMap,
  start: number,
  tokens: Token[],
  errors: LexErrors,
): number {
  const quote = source[start];
  let j = start + 1;
  let value = '';
  for (;;) {
    if (j >= source.length || source[j] === '\n') {
      errors.add('PQL_UNTERMINATED_STRING', start, j - start, `a closing ${quote}`);
      tokens.push({ kind: 'string', value, span: map.span(start, j - start) });
      return j;
    }
    const c = source[j];
    if (c === quote) break;
    if (c === '\\') {
      const e = source[j + 1] ?? '';
      if (e === 'u') {
        const hex = source.slice(j + 2, j + 6);
        if (/^[0-9a-fA-F]{4}$/.test(hex)) {
          value += String.fromCharCode(parseInt(hex, 16));
          j += 6;
          continue;
        }
        errors.add('PQL_INVALID_ESCAPE', j, 2 + hex.length, '\\u followed by 4 hex digits');
        j += 2;
        continue;
      }
      const mapped = ESCAPES[e];
      if (mapped === undefined) {
        errors.add(
          'PQL_INVALID_ESCAPE',
          j,
          e === '' ? 1 : 2,
          'one of \\" \\\' \\\\ \\/ \\b \\f \\n \\r \\t \\u',
        );
        if (e === '' || e === '\n') {
          j++;
          continue;
        }
      }
      value += mapped ?? e;
      j += 2;
      continue;
    }
    value += c;
    j++;
  }
  tokens.push({ kind: 'string', value, span: map.span(start, j + 1 - start) });
  return j + 1;
}

/** Parses `YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]` (also `T` between) to microseconds, or null. */
export function parseTimestampText(text: string): bigint | null {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?Z?$/.exec(
      text.trim(),
    );
  if (m === null) return null;
  const us = m[7] === undefined ? 0 : Number(m[7].padEnd(6, '0'));
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  return civilToMicros(n(m[1]), n(m[2]), n(m[3]), n(m[4]), n(m[5]), n(m[6]), us);
}
