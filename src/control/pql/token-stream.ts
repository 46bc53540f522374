// SPDX-License-Identifier: Apache-2.0
// Token-level helpers of the parser and its terms (names, columns, constants, windows): lookahead, keyword matching (all-lower or all-upper, any
// other casing is PQL_KEYWORD_CASE), expectations that fail with coded diagnostics, spans.
import type { ColumnRef, Constant, Name, Span, TimeUnit, Window } from './ast.js';
import { PqlDiagnostics, diagnostic, nearest } from './diagnostics.js';
import type { SourceMap, Token } from './lexer.js';

export const MAX_DEPTH = 64;
export const TIME_UNITS: readonly TimeUnit[] = [
  'seconds',
  'minutes',
  'hours',
  'days',
  'weeks',
  'months',
];

export class TokenStream {
  protected pos = 0;
  protected depth = 0;

  constructor(
    protected readonly source: string,
    protected readonly tokens: Token[],
    protected readonly map: SourceMap,
  ) {}

  protected peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
  }

  protected next(): Token {
    const tok = this.peek();
    if (tok.kind !== 'eof') this.pos++;
    return tok;
  }

  protected prevSpan(): Span {
    return this.tokens[Math.max(0, this.pos - 1)].span;
  }

  protected isKw(tok: Token, kw: string): boolean {
    return tok.kind === 'word' && (tok.text === kw || tok.text === kw.toLowerCase());
  }

  protected isPunct(tok: Token, p: string): boolean {
    return tok.kind === 'punct' && tok.text === p;
  }

  /** Consumes keyword `kw` if present; a wrongly cased `kw` is an error, not an identifier. */
  protected acceptKw(kw: string): boolean {
    const tok = this.peek();
    if (this.isKw(tok, kw)) {
      this.pos++;
      return true;
    }
    if (tok.kind === 'word' && tok.text.toUpperCase() === kw && !this.isPunct(this.peek(1), '.')) {
      throw this.error('PQL_KEYWORD_CASE', tok.span, `${kw} or ${kw.toLowerCase()}`, kw);
    }
    return false;
  }

  protected expectKw(kw: string, expected = kw): void {
    if (this.acceptKw(kw)) return;
    const tok = this.peek();
    const suggestion = tok.kind === 'word' ? nearest(tok.text, [kw]) : null;
    throw this.error(this.endCode(tok), tok.span, expected, suggestion);
  }

  protected expectPunct(p: string, expected: string): Span {
    const tok = this.peek();
    if (this.isPunct(tok, p)) {
      this.pos++;
      return tok.span;
    }
    throw this.error(this.endCode(tok), tok.span, expected);
  }

  protected expectInt(what: string): number {
    const tok = this.next();
    if (tok.kind === 'number' && tok.integer) return tok.value;
    throw this.error(this.endCode(tok), tok.span, `an integer: ${what}`);
  }

  protected endCode(tok: Token): string {
    return tok.kind === 'eof' ? 'PQL_UNEXPECTED_END' : 'PQL_UNEXPECTED_TOKEN';
  }

  protected enter(span: Span): void {
    if (++this.depth > MAX_DEPTH) throw this.error('PQL_TOO_DEEP', span, String(MAX_DEPTH));
  }

  protected join(a: Span, b: Span): Span {
    return {
      line: a.line,
      column: a.column,
      offset: a.offset,
      length: b.offset + b.length - a.offset,
    };
  }

  protected text(span: Span): string {
    return this.source.slice(span.offset, span.offset + span.length);
  }

  protected error(code: string, span: Span, expected: string, suggestion: string | null = null) {
    return new PqlDiagnostics([diagnostic(code, this.source, span, expected, suggestion)]);
  }

  protected parseWindow(): Window {
    const startTok = this.next();
    let start: number | null;
    if (startTok.kind === 'neginf') start = null;
    else if (startTok.kind === 'number') start = startTok.value;
    else
      throw this.error(
        this.endCode(startTok),
        startTok.span,
        'the window start: an integer or -INF',
      );
    this.expectPunct(',', ', and the window end');
    const endTok = this.next();
    if (endTok.kind !== 'number') {
      throw this.error(this.endCode(endTok), endTok.span, 'the window end: an integer');
    }
    let unit: TimeUnit = 'days';
    let last = endTok.span;
    if (this.isPunct(this.peek(), ',')) {
      this.pos++;
      const unitTok = this.next();
      if (unitTok.kind !== 'word') {
        throw this.error(
          this.endCode(unitTok),
          unitTok.span,
          `a time unit: ${TIME_UNITS.join(', ')}`,
        );
      }
      const lower = unitTok.text.toLowerCase();
      const match = TIME_UNITS.find((u) => u === lower);
      if (match === undefined) {
        const suggestion = nearest(unitTok.text, TIME_UNITS);
        throw this.error(
          'PQL_UNEXPECTED_TOKEN',
          unitTok.span,
          `a time unit: ${TIME_UNITS.join(', ')}`,
          suggestion,
        );
      }
      if (unitTok.text !== match && unitTok.text !== match.toUpperCase()) {
        throw this.error(
          'PQL_KEYWORD_CASE',
          unitTok.span,
          `${match} or ${match.toUpperCase()}`,
          match,
        );
      }
      unit = match;
      last = unitTok.span;
    }
    return {
      start,
      end: endTok.value,
      unit,
      span: this.join(startTok.span, last),
      startSpan: startTok.span,
      endSpan: endTok.span,
    };
  }

  protected parseColumn(): ColumnRef {
    const table = this.parseName('a table name');
    this.expectPunct('.', '. and a column name (`table.column`)');
    const tok = this.peek();
    if (this.isPunct(tok, '*')) {
      this.pos++;
      return { kind: 'column', table, column: null, span: this.join(table.span, tok.span) };
    }
    const column = this.parseName('a column name or *');
    return { kind: 'column', table, column, span: this.join(table.span, column.span) };
  }

  protected parseName(expected: string): Name {
    const tok = this.next();
    if (tok.kind === 'word' || tok.kind === 'quoted') return { text: tok.text, span: tok.span };
    throw this.error(this.endCode(tok), tok.span, expected);
  }

  protected parseConstant(): Constant {
    const tok = this.next();
    switch (tok.kind) {
      case 'number':
        return { kind: 'number', value: tok.value, integer: tok.integer, span: tok.span };
      case 'string':
        return { kind: 'string', value: tok.value, span: tok.span };
      case 'datetime':
        return { kind: 'datetime', micros: tok.micros, text: this.text(tok.span), span: tok.span };
      case 'word': {
        if (tok.text === 'TRUE' || tok.text === 'true' || tok.text === 'True') {
          return { kind: 'boolean', value: true, span: tok.span };
        }
        if (tok.text === 'FALSE' || tok.text === 'false' || tok.text === 'False') {
          return { kind: 'boolean', value: false, span: tok.span };
        }
        if (tok.text === 'NULL' || tok.text === 'null') return { kind: 'null', span: tok.span };
        const suggestion = /^(true|false|null)$/i.test(tok.text) ? tok.text.toUpperCase() : null;
        const code = suggestion === null ? 'PQL_UNEXPECTED_TOKEN' : 'PQL_KEYWORD_CASE';
        throw this.error(
          code,
          tok.span,
          'a constant: number, string, date, TRUE, FALSE, NULL or a list',
          suggestion,
        );
      }
      case 'punct':
        if (tok.text === '(') {
          this.enter(tok.span);
          const items: Constant[] = [this.parseConstant()];
          while (this.isPunct(this.peek(), ',')) {
            this.pos++;
            items.push(this.parseConstant());
          }
          const close = this.expectPunct(')', ', or )');
          this.depth--;
          if (items.some((c) => c.kind === 'list')) {
            throw this.error(
              'PQL_UNEXPECTED_TOKEN',
              this.join(tok.span, close),
              'a flat list of constants',
            );
          }
          return { kind: 'list', items, span: this.join(tok.span, close) };
        }
        break;
      default:
        break;
    }
    const expected = 'a constant: number, string, date, TRUE, FALSE, NULL or a list';
    throw this.error(this.endCode(tok), tok.span, expected);
  }
}
