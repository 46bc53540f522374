// SPDX-License-Identifier: Apache-2.0
// Token-level helpers of the parser and its terms (names, columns, constants, windows):
// lookahead, keyword matching (all-lower or all-upper, any other casing is PQL_KEYWORD_CASE),
// and error recovery.
//
// Error recovery (panic mode). A syntax error throws a SyntaxFault, which the nearest recovery
// point in the parser catches: it reports the fault, skips tokens to a synchronisation point
// (see Stops and synchronize) and the parse goes on with a stand-in node. Errors that need no
// skipping (a wrongly cased keyword, a misspelt aggregation) are reported without throwing.
//
// Quiet rule (against cascades): an error detected at token index p is counted but not
// reported when p lies in a quiet window. Errors open windows whether reported or not:
// - a recovery that detects an error at p and resumes at token r: [p, r + QUIET_TOKENS);
// - a lexical error at token k (its stand-in, or the next token): [k, k + QUIET_TOKENS);
// - an operand with no comparison, detected at the token p where the comparison should have
//   started: [p, p + QUIET_TOKENS) (`a.b.c < 1` is one error, not two).
// So after an error the parser must read QUIET_TOKENS tokens past the point where it resumed
// before it reports again, as in yacc's error recovery. Errors read past without skipping (a
// wrongly cased keyword or unit, a misspelt aggregation, a nested list) open no window.
//
// Termination: the position never moves back; every loop of the grammar consumes a token per
// turn (AND, OR, a comma); only the query's trailing loop re-enters after a recovery, and it
// skips at least one token first. PQL_TOO_DEEP and PQL_TOO_COMPLEX are fatal, and the parse
// also stops after MAX_DIAGNOSTICS reported errors.
import type { ColumnRef, Constant, Name, Span, TimeUnit, Window } from './ast.js';
import { type Diagnostic, diagnostic, nearest } from './diagnostics.js';
import { MAX_DIAGNOSTICS, QUIET_TOKENS, type SourceMap, type Token, type Tokens } from './lexer.js';

export const MAX_DEPTH = 64;
export const TIME_UNITS: readonly TimeUnit[] = [
  'seconds',
  'minutes',
  'hours',
  'days',
  'weeks',
  'months',
];

const FATAL = new Set(['PQL_TOO_DEEP', 'PQL_TOO_COMPLEX']);
/** Keywords that start a clause of the query; recovery always stops at them. */
const CLAUSE_KEYWORDS = new Set(['FOR', 'ASSUMING', 'RANK', 'CLASSIFY', 'FORECAST', 'TOP']);

/** A syntax error on its way to the nearest recovery point; a diagnostic once reported. */
export class SyntaxFault {
  constructor(
    readonly code: string,
    readonly span: Span,
    readonly expected: string,
    readonly suggestion: string | null = null,
  ) {}

  get fatal(): boolean {
    return FATAL.has(this.code);
  }
}

/** `name` as a backtick-quoted name (a backtick inside doubled). */
export function backticked(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** Thrown to stop the parse: a fatal error or MAX_DIAGNOSTICS reported errors. */
export class ParseHalted {}

/**
 * Where synchronize stops besides the end of the query and the clause keywords FOR, ASSUMING,
 * RANK, CLASSIFY, FORECAST and TOP: `,` or an unmatched `)` (tokens inside parentheses opened
 * while skipping are skipped whole), AND / OR outside such parentheses, WHERE.
 */
export interface Stops {
  comma?: boolean;
  close?: boolean;
  boolean?: boolean;
  where?: boolean;
}

/** After a broken clause: the next clause. */
export const CLAUSE: Stops = { where: true };
/** After a broken comparison, list item or column argument: the next AND / OR or argument. */
export const NEXT_TERM: Stops = { comma: true, close: true, boolean: true, where: true };
/** After a broken window or aggregation end: its closing parenthesis. */
export const ARGUMENTS_END: Stops = { close: true, boolean: true };
/** After a group that does not close: its closing parenthesis. */
export const GROUP_END: Stops = { close: true };

export class TokenStream {
  protected pos = 0;
  protected depth = 0;
  /** Every reported diagnostic: lexical ones first, then syntax ones in the order found. */
  readonly diagnostics: Diagnostic[];
  /** quiet[i]: an error detected at token i is not reported (see the quiet rule above). */
  private readonly quiet: Uint8Array;

  constructor(
    protected readonly source: string,
    protected readonly tokens: Token[],
    protected readonly map: SourceMap,
    lexical: Pick<Tokens, 'diagnostics' | 'errorTokens'>,
  ) {
    this.diagnostics = [...lexical.diagnostics];
    this.quiet = new Uint8Array(tokens.length + QUIET_TOKENS);
    for (const k of lexical.errorTokens) this.quietWindow(k, k + QUIET_TOKENS);
  }

  protected peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
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

  /** Consumes keyword `kw` if present; a wrongly cased `kw` is reported and read as `kw`. */
  protected acceptKw(kw: string): boolean {
    const tok = this.peek();
    if (this.isKw(tok, kw)) {
      this.pos++;
      return true;
    }
    if (tok.kind === 'word' && tok.text.toUpperCase() === kw && !this.isPunct(this.peek(1), '.')) {
      this.report(this.error('PQL_KEYWORD_CASE', tok.span, `${kw} or ${kw.toLowerCase()}`, kw));
      this.pos++;
      return true;
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
    const tok = this.peek();
    if (tok.kind === 'number' && tok.integer) {
      this.pos++;
      return tok.value;
    }
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
    return new SyntaxFault(code, span, expected, suggestion);
  }

  /**
   * Reports `fault`, detected at token `at`, unless the quiet rule holds it back; with
   * `opensWindow`, errors in the QUIET_TOKENS tokens from `at` are held back after it.
   */
  protected report(fault: SyntaxFault, at = this.pos, opensWindow = false): void {
    const quiet = this.quiet[at] === 1;
    if (opensWindow) this.quietWindow(at, at + QUIET_TOKENS);
    if (quiet && !fault.fatal) return;
    const { code, span, expected, suggestion } = fault;
    this.diagnostics.push(diagnostic(code, this.source, span, expected, suggestion));
    if (fault.fatal || this.diagnostics.length >= MAX_DIAGNOSTICS) throw new ParseHalted();
  }

  /**
   * The recovery point: reports `err` (a SyntaxFault; anything else is rethrown), restores the
   * nesting depth to `depth` and skips to the next stop, after skipping one token first when
   * `skipOne` (for callers that would otherwise stop where they started). Returns the token it
   * stopped at.
   */
  protected recover(err: unknown, depth: number, stops: Stops, skipOne = false): Token {
    if (!(err instanceof SyntaxFault)) throw err;
    const detected = this.pos;
    this.report(err, detected);
    this.depth = depth;
    if (skipOne && this.peek().kind !== 'eof') this.pos++;
    this.synchronize(stops);
    this.quietWindow(detected, this.pos + QUIET_TOKENS);
    return this.peek();
  }

  /** Skips tokens up to the next stop (see Stops); the stop itself is not consumed. */
  protected synchronize(stops: Stops): void {
    let open = 0;
    for (;;) {
      const tok = this.peek();
      if (tok.kind === 'eof') return;
      if (tok.kind === 'word' && this.isReserved(tok.text) && !this.isPunct(this.peek(1), '.')) {
        const upper = tok.text.toUpperCase();
        if (CLAUSE_KEYWORDS.has(upper) || (stops.where === true && upper === 'WHERE')) return;
        if (open === 0 && stops.boolean === true && (upper === 'AND' || upper === 'OR')) return;
      }
      if (tok.kind === 'punct') {
        if (tok.text === '(') open++;
        if (tok.text === ')' && open > 0) open--;
        else if (tok.text === ')' && stops.close === true) return;
        if (tok.text === ',' && open === 0 && stops.comma === true) return;
      }
      this.pos++;
    }
  }

  /** AND, OR, WHERE or a clause keyword, in any casing. */
  private isReserved(word: string): boolean {
    const upper = word.toUpperCase();
    return upper === 'AND' || upper === 'OR' || upper === 'WHERE' || CLAUSE_KEYWORDS.has(upper);
  }

  private quietWindow(from: number, to: number): void {
    this.quiet.fill(1, from, Math.min(to, this.quiet.length));
  }

  protected parseWindow(): Window {
    const startTok = this.peek();
    let start: number | null;
    if (startTok.kind === 'neginf') start = null;
    else if (startTok.kind === 'number') start = startTok.value;
    else
      throw this.error(
        this.endCode(startTok),
        startTok.span,
        'the window start: an integer or -INF',
      );
    this.pos++;
    this.expectPunct(',', ', and the window end');
    const endTok = this.peek();
    if (endTok.kind !== 'number') {
      throw this.error(this.endCode(endTok), endTok.span, 'the window end: an integer');
    }
    this.pos++;
    let unit: TimeUnit = 'days';
    let last = endTok.span;
    if (this.isPunct(this.peek(), ',')) {
      this.pos++;
      unit = this.parseUnit();
      last = this.prevSpan();
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

  private parseUnit(): TimeUnit {
    const unitTok = this.peek();
    const expected = `a time unit: ${TIME_UNITS.join(', ')}`;
    if (unitTok.kind !== 'word') throw this.error(this.endCode(unitTok), unitTok.span, expected);
    const lower = unitTok.text.toLowerCase();
    const match = TIME_UNITS.find((u) => u === lower);
    if (match === undefined) {
      const suggestion = nearest(unitTok.text, TIME_UNITS);
      throw this.error('PQL_UNEXPECTED_TOKEN', unitTok.span, expected, suggestion);
    }
    if (unitTok.text !== match && unitTok.text !== match.toUpperCase()) {
      const fault = this.error(
        'PQL_KEYWORD_CASE',
        unitTok.span,
        `${match} or ${match.toUpperCase()}`,
        match,
      );
      this.report(fault);
    }
    this.pos++;
    return match;
  }

  protected parseColumn(): ColumnRef {
    const first = this.peek();
    if (first.kind === 'word' && this.isReserved(first.text) && !this.isPunct(this.peek(1), '.')) {
      // Read as a table name this keyword fails at the next token; the fault is the same, but
      // the keyword is left for recovery to stop at (`WHERE a = 1 AND` + newline + `ASSUMING`).
      const next = this.peek(1);
      throw this.error(this.endCode(next), next.span, '. and a column name (`table.column`)');
    }
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
    const tok = this.peek();
    if (tok.kind === 'word' || tok.kind === 'quoted') {
      this.pos++;
      return { text: tok.text, span: tok.span };
    }
    if (tok.kind === 'string') throw this.stringAsName(tok, expected);
    throw this.error(this.endCode(tok), tok.span, expected);
  }

  /**
   * A quoted string where a name belongs (`t."Kunden ID"`): in PQL "..." and '...' are string
   * constants, as in the reference language, so the fault says to quote the name in backticks.
   */
  protected stringAsName(tok: Token & { kind: 'string' }, expected: string): SyntaxFault {
    const q = this.source[tok.span.offset];
    const hint = `quote names with backticks: ${backticked(tok.value)} (${q}...${q} is a string)`;
    return this.error('PQL_UNEXPECTED_TOKEN', tok.span, `${expected}; ${hint}`);
  }

  protected parseConstant(): Constant {
    const tok = this.peek();
    const expected = 'a constant: number, string, date, TRUE, FALSE, NULL or a list';
    switch (tok.kind) {
      case 'number':
        this.pos++;
        return { kind: 'number', value: tok.value, integer: tok.integer, span: tok.span };
      case 'string':
        this.pos++;
        return { kind: 'string', value: tok.value, span: tok.span };
      case 'datetime':
        this.pos++;
        return { kind: 'datetime', micros: tok.micros, text: this.text(tok.span), span: tok.span };
      case 'word':
        return this.parseWordConstant(tok, expected);
      case 'punct':
        if (tok.text === '(') return this.parseList(tok.span);
        break;
      default:
        break;
    }
    throw this.error(this.endCode(tok), tok.span, expected);
  }

  /** TRUE, FALSE or NULL (wrongly cased ones are reported and read); any other word fails. */
  private parseWordConstant(tok: Token & { kind: 'word' }, expected: string): Constant {
    const upper = tok.text.toUpperCase();
    const exact = tok.text === upper || tok.text === tok.text.toLowerCase();
    const boolean = exact || tok.text === 'True' || tok.text === 'False';
    if (upper !== 'TRUE' && upper !== 'FALSE' && upper !== 'NULL') {
      throw this.error('PQL_UNEXPECTED_TOKEN', tok.span, expected);
    }
    if (upper === 'NULL' ? !exact : !boolean) {
      this.report(this.error('PQL_KEYWORD_CASE', tok.span, expected, upper));
    }
    this.pos++;
    if (upper === 'NULL') return { kind: 'null', span: tok.span };
    return { kind: 'boolean', value: upper === 'TRUE', span: tok.span };
  }

  /** A parenthesised list of constants; a broken item or separator skips to the next item. */
  private parseList(open: Span): Constant {
    this.enter(open);
    const depth = this.depth;
    this.pos++;
    const items: Constant[] = [this.parseItem(open)];
    let close: Span = open;
    for (;;) {
      const tok = this.peek();
      if (this.isPunct(tok, ',')) {
        this.pos++;
        items.push(this.parseItem(tok.span));
        continue;
      }
      if (this.isPunct(tok, ')')) {
        this.pos++;
        close = tok.span;
        break;
      }
      const stop = this.recover(
        this.error(this.endCode(tok), tok.span, ', or )'),
        depth,
        NEXT_TERM,
      );
      if (!this.isPunct(stop, ',') && !this.isPunct(stop, ')')) {
        close = this.prevSpan();
        break;
      }
    }
    this.depth--;
    if (items.some((c) => c.kind === 'list')) {
      this.report(
        this.error('PQL_UNEXPECTED_TOKEN', this.join(open, close), 'a flat list of constants'),
      );
    }
    return { kind: 'list', items, span: this.join(open, close) };
  }

  private parseItem(at: Span): Constant {
    const depth = this.depth;
    try {
      return this.parseConstant();
    } catch (err) {
      this.recover(err, depth, NEXT_TERM);
      return { kind: 'null', span: at };
    }
  }
}
