// SPDX-License-Identifier: Apache-2.0
// Recursive-descent parser of the predictive query language.
//
//   query      = [EVALUATE] PREDICT target [problem] (FOR EACH | FOR) entity
//                [WHERE condition] [ASSUMING condition] [";"] EOF
//   problem    = FORECAST INT TIMEFRAMES | RANK [TOP INT] | CLASSIFY [TOP INT] | TOP INT
//   entity     = column [ ("=" | "!=") constant | IN list ]
//   target     = condition | operand
//   condition  = and { OR and } ;  and = not { AND not } ;  not = NOT not | primary
//   primary    = "(" condition ")" | operand relop [constant]
//   operand    = AGG "(" column [WHERE condition] ["," start "," INT ["," unit]] ")" | column
//   column     = name "." (name | "*") ;  name = ID | `backtick quoted`
//   (ID: a letter or _, then letters, marks, digits or _, any script: `Größe`; a quoted
//   "string" where a name belongs is an error that says to use backticks)
//   start      = INT | -INF ;  unit = seconds | minutes | hours | days | weeks | months
//   relop      = = != <> < <= > >= | IN | NOT IN | IS [NOT] NULL | IS [NOT] const | IS IN
//              | LIKE | NOT LIKE | CONTAINS | NOT CONTAINS | STARTS WITH | ENDS WITH
//   constant   = INT | DECIMAL | STRING | TRUE | FALSE | NULL | DATE [TIME] | "(" constant,... ")"
//
// Where the reference sources disagree this grammar accepts the superset (kumo-features.md §2):
// - time units: the ANTLR lexer has minutes/hours/days/months, the MCP notes add seconds and
//   weeks: all six are accepted; the default unit is days.
// - strings: single or double quotes (the lexer accepts both although one guide says single).
// - `NOT IN`: not a token in the reference lexer (write `NOT x IN (...)`); accepted here too.
// - `<>` is read as `!=`; `IS v` / `IS NOT v` are read as `=` / `!=`, `= NULL` as `IS NULL`.
// - `FOR EACH` with any whitespace between the words; bare `FOR` and explicit id lists
//   (`FOR t.id = 4`, `FOR t.id IN (1, 2)`, KumoRFM only) are parsed and validated.
// - `TOP k` without RANK, `CLASSIFY TOP k` and bare `RANK` parse (as in the reference parser)
//   and are rejected by validation with their own codes.
// - the KumoRFM `EVALUATE` prefix is accepted and recorded.
// - booleans: TRUE/true/True and FALSE/false/False; NULL/null.
// Keywords are all-lowercase or all-uppercase; any other casing is PQL_KEYWORD_CASE.
//
// Syntax errors do not stop the parse (the rules are in token-stream.ts): each is reported with
// its own code, position and expectation, the parser skips to a synchronisation point and goes
// on with a stand-in node. The synchronisation points of this grammar:
// - a broken clause (PREDICT, the problem type, FOR EACH, trailing text): the next clause keyword
//   FOR, WHERE, ASSUMING, RANK, CLASSIFY, FORECAST or TOP; a broken FOR EACH that stops at FOR
//   is parsed once more, and WHERE / ASSUMING are read wherever recovery lands on them;
// - a broken comparison: the next AND / OR, the `,` or `)` that ends its group or argument;
// - a broken column argument or list item: the next `,` (parsing goes on) or the closing `)`;
// - a broken window or a missing `)` of an aggregation or group: its closing `)`;
// clause keywords and the end of the query always stop the skipping. Against cascades, errors
// within QUIET_TOKENS (3) tokens after the point where the parser resumed, or after a lexical
// error, are not reported (the exact rule is in token-stream.ts). A query with syntax errors
// is not validated against the graph: parseQuery throws all its lexical and syntax diagnostics
// together in one PqlDiagnostics (lexical ones first, then syntax ones in the order found, so
// the first diagnostic is the one a parser stopping at the first error would give).
import type {
  AggregationOp,
  ColumnRef,
  CompareOp,
  Condition,
  Constant,
  EntitySpec,
  Operand,
  ProblemSpec,
  Query,
  Span,
  Target,
  Window,
} from './ast.js';
import { PqlDiagnostics, nearest } from './diagnostics.js';
import { MAX_QUERY_LENGTH, tokenize } from './lexer.js';
import {
  ARGUMENTS_END,
  CLAUSE,
  GROUP_END,
  NEXT_TERM,
  ParseHalted,
  SyntaxFault,
  TokenStream,
} from './token-stream.js';
import { prequelError } from '../../errors/index.js';

export const AGGREGATIONS: readonly AggregationOp[] = [
  'COUNT',
  'COUNT_DISTINCT',
  'SUM',
  'AVG',
  'MIN',
  'MAX',
  'FIRST',
  'LAST',
  'LIST_DISTINCT',
];
export { TIME_UNITS } from './token-stream.js';

const MAX_COMPARISONS = 1000;

const RANK_PLACE =
  'RANK TOP k goes right after the target, and only for set-valued targets (LIST_DISTINCT): ' +
  'PREDICT <target> RANK TOP k FOR EACH ...';

/** Where each problem type goes, for a problem clause found out of place. */
const PROBLEM_PLACES: readonly { keyword: string; place: string }[] = [
  {
    keyword: 'FORECAST',
    place:
      'FORECAST n TIMEFRAMES goes right after the target: ' +
      'PREDICT <target> FORECAST n TIMEFRAMES FOR EACH ...',
  },
  { keyword: 'RANK', place: RANK_PLACE },
  { keyword: 'TOP', place: RANK_PLACE },
  {
    keyword: 'CLASSIFY',
    place:
      'CLASSIFY goes right after a set-valued target (LIST_DISTINCT): ' +
      'PREDICT <target> CLASSIFY FOR EACH ...',
  },
];

/** A condition, or an operand with no comparison (`at`: the token where one was expected). */
type Parsed = Condition | { kind: 'bare'; operand: Operand; span: Span; at: number };

class Parser extends TokenStream {
  private comparisons = 0;

  /** The query, or null when the parse stopped early (a fatal error, too many errors). */
  parse(): Query | null {
    try {
      return this.parseQuery();
    } catch (err) {
      if (err instanceof ParseHalted) return null;
      if (!(err instanceof SyntaxFault)) throw err;
      try {
        this.report(err);
      } catch (halt) {
        if (!(halt instanceof ParseHalted)) throw halt;
      }
      return null;
    }
  }

  private parseQuery(): Query {
    const evaluate = this.acceptKw('EVALUATE');
    const start = this.peek().span;
    this.misplacedProblem('PREDICT first');
    const target = this.parseClause<Target>(() => {
      this.expectKw('PREDICT');
      return this.parseTarget();
    }, stubCondition(start));
    const problem = this.parseClause<ProblemSpec>(() => this.parseProblem(), { kind: 'none' });
    let entity = this.parseClause<EntitySpec | null>(() => this.parseEntity(), null);
    if (entity === null && this.isKw(this.peek(), 'FOR')) {
      entity = this.parseClause<EntitySpec | null>(() => this.parseEntity(), null);
    }
    let where: Condition | null = null;
    let assuming: Condition | null = null;
    while (this.peek().kind !== 'eof') {
      if (where === null && assuming === null && this.acceptKw('WHERE')) {
        where = this.parseCondition();
        continue;
      }
      if (assuming === null && this.acceptKw('ASSUMING')) {
        assuming = this.parseCondition();
        continue;
      }
      const expected = assuming !== null ? 'the end of the query' : 'WHERE, ASSUMING or the end';
      if (this.misplacedProblem(expected)) continue;
      const fault = this.error('PQL_UNEXPECTED_TOKEN', this.peek().span, expected);
      this.recover(fault, this.depth, CLAUSE, true);
    }
    return {
      evaluate,
      target,
      problem,
      entity: entity ?? { column: stubColumn(start), forEach: true, ids: null, idsSpan: null },
      where,
      assuming,
      source: this.source,
      span: this.map.span(0, this.source.length),
    };
  }

  /**
   * A problem type before PREDICT or after FOR EACH: one error that says where it goes (right
   * after the target); the clause is then read and dropped, so the rest parses without a cascade.
   */
  private misplacedProblem(expected: string): boolean {
    const tok = this.peek();
    const kw = PROBLEM_PLACES.find((p) => this.isKw(tok, p.keyword));
    if (kw === undefined || this.isPunct(this.peek(1), '.')) return false;
    this.report(this.error('PQL_UNEXPECTED_TOKEN', tok.span, `${expected}; ${kw.place}`), this.pos);
    this.parseClause<ProblemSpec>(() => this.parseProblem(), { kind: 'none' });
    return true;
  }

  /** Parses a clause; on a syntax error, skips to the next clause and returns `fallback`. */
  private parseClause<T>(parse: () => T, fallback: T): T {
    const depth = this.depth;
    try {
      return parse();
    } catch (err) {
      this.recover(err, depth, CLAUSE);
      return fallback;
    }
  }

  private parseTarget(): Target {
    const parsed = this.parseOr();
    if (parsed.kind === 'bare') return parsed.operand;
    this.checkNoBare(parsed);
    return parsed;
  }

  private parseCondition(): Condition {
    const parsed = this.parseOr();
    if (parsed.kind === 'bare') {
      this.reportBare(parsed);
      return stubCondition(parsed.span);
    }
    this.checkNoBare(parsed);
    return parsed;
  }

  /** An operand with no comparison where a condition is due: PQL_EXPECTED_COMPARISON. */
  private reportBare(bare: { span: Span; at: number }): void {
    const fault = this.error('PQL_EXPECTED_COMPARISON', bare.span, 'a comparison such as `x = 1`');
    this.report(fault, bare.at, true);
  }

  /** Bare operands are only allowed as the whole target; inside and/or/not they are errors. */
  private checkNoBare(node: Parsed): void {
    if (node.kind === 'bare') this.reportBare(node);
    if (node.kind === 'not') this.checkNoBare(node.operand as Parsed);
    if (node.kind === 'and' || node.kind === 'or') {
      this.checkNoBare(node.left as Parsed);
      this.checkNoBare(node.right as Parsed);
    }
  }

  private parseOr(): Parsed {
    let left = this.parseAnd();
    while (this.acceptKw('OR')) {
      const right = this.parseAnd();
      left = {
        kind: 'or',
        left: left as Condition,
        right: right as Condition,
        span: this.join(left.span, right.span),
      };
    }
    return left;
  }

  private parseAnd(): Parsed {
    let left = this.parseNot();
    while (this.acceptKw('AND')) {
      const right = this.parseNot();
      left = {
        kind: 'and',
        left: left as Condition,
        right: right as Condition,
        span: this.join(left.span, right.span),
      };
    }
    return left;
  }

  private parseNot(): Parsed {
    const tok = this.peek();
    if (this.isKw(tok, 'NOT') && !this.isPunct(this.peek(1), '.')) {
      this.enter(tok.span);
      this.pos++;
      const operand = this.parseNot();
      this.depth--;
      return {
        kind: 'not',
        operand: operand as Condition,
        span: this.join(tok.span, operand.span),
      };
    }
    return this.parsePrimary();
  }

  /** A group or a comparison; a broken comparison skips to the next AND / OR or its end. */
  private parsePrimary(): Parsed {
    const tok = this.peek();
    if (this.isPunct(tok, '(')) return this.parseGroup(tok.span);
    if (++this.comparisons > MAX_COMPARISONS) {
      throw this.error('PQL_TOO_COMPLEX', tok.span, String(MAX_COMPARISONS));
    }
    const depth = this.depth;
    try {
      return this.parseComparison();
    } catch (err) {
      this.recover(err, depth, NEXT_TERM);
      return stubCondition(this.join(tok.span, this.prevSpan()));
    }
  }

  /** `( condition )`; a missing `)` skips to the group's closing parenthesis. */
  private parseGroup(open: Span): Parsed {
    this.enter(open);
    const depth = this.depth;
    this.pos++;
    const inner = this.parseOr();
    let close: Span;
    try {
      close = this.expectPunct(')', 'a closing )');
    } catch (err) {
      if (this.isPunct(this.recover(err, depth, GROUP_END), ')')) this.pos++;
      close = this.prevSpan();
    }
    this.depth--;
    if (inner.kind === 'bare') {
      this.reportBare(inner);
      return stubCondition(this.join(open, close));
    }
    return { ...inner, span: this.join(open, close) };
  }

  private parseComparison(): Parsed {
    const left = this.parseOperand();
    const op = this.parseRelOp();
    if (op === null) return { kind: 'bare', operand: left, span: left.span, at: this.pos };
    if (op === 'IS NULL' || op === 'IS NOT NULL') {
      return {
        kind: 'compare',
        left,
        op,
        right: null,
        span: this.join(left.span, this.prevSpan()),
      };
    }
    const right = this.parseConstant();
    let finalOp: CompareOp = op;
    if (right.kind === 'null' && (op === '=' || op === '!='))
      finalOp = op === '=' ? 'IS NULL' : 'IS NOT NULL';
    const value = finalOp === 'IS NULL' || finalOp === 'IS NOT NULL' ? null : right;
    return {
      kind: 'compare',
      left,
      op: finalOp,
      right: value,
      span: this.join(left.span, right.span),
    };
  }

  private parseRelOp(): CompareOp | null {
    const tok = this.peek();
    if (tok.kind === 'op') {
      this.pos++;
      return tok.text;
    }
    if (this.acceptKw('IN')) return 'IN';
    if (this.acceptKw('LIKE')) return 'LIKE';
    if (this.acceptKw('CONTAINS')) return 'CONTAINS';
    if (this.acceptKw('STARTS')) {
      this.expectKw('WITH');
      return 'STARTS WITH';
    }
    if (this.acceptKw('ENDS')) {
      this.expectKw('WITH');
      return 'ENDS WITH';
    }
    if (this.isKw(tok, 'NOT')) {
      this.pos++;
      if (this.acceptKw('IN')) return 'NOT IN';
      if (this.acceptKw('LIKE')) return 'NOT LIKE';
      if (this.acceptKw('CONTAINS')) return 'NOT CONTAINS';
      throw this.error('PQL_UNEXPECTED_TOKEN', this.peek().span, 'IN, LIKE or CONTAINS after NOT');
    }
    if (this.acceptKw('IS')) {
      const negated = this.acceptKw('NOT');
      if (this.acceptKw('NULL')) return negated ? 'IS NOT NULL' : 'IS NULL';
      if (!negated && this.acceptKw('IN')) return 'IN';
      return negated ? '!=' : '=';
    }
    return null;
  }

  private parseOperand(): Operand {
    const tok = this.peek();
    if ((tok.kind === 'word' || tok.kind === 'quoted') && this.isPunct(this.peek(1), '(')) {
      if (tok.kind === 'quoted')
        throw this.error('PQL_UNEXPECTED_TOKEN', tok.span, 'an aggregation name');
      return this.parseAggregation(tok);
    }
    if (tok.kind === 'word' || tok.kind === 'quoted') return this.parseColumn();
    const expected =
      'a column `table.column` or an aggregation such as COUNT(table.*, 0, 30, days)';
    if (tok.kind === 'string' && this.isPunct(this.peek(1), '.')) {
      throw this.stringAsName(tok, expected);
    }
    throw this.error(
      tok.kind === 'eof' ? 'PQL_UNEXPECTED_END' : 'PQL_UNEXPECTED_TOKEN',
      tok.span,
      expected,
    );
  }

  /**
   * `AGG(column [WHERE condition] [, window])`. A misspelt name with a near aggregation is
   * reported and read as that one; a broken column skips to the next `,` or `)`, a broken
   * window or end to the closing `)`.
   */
  private parseAggregation(nameTok: { kind: 'word'; text: string; span: Span }): Operand {
    const op = this.parseAggregationName(nameTok);
    this.pos += 2; // the name and (
    const depth = this.depth;
    let column: ColumnRef;
    try {
      column = this.parseColumn();
    } catch (err) {
      this.recover(err, depth, NEXT_TERM);
      column = stubColumn(nameTok.span);
    }
    let filter: Condition | null = null;
    if (this.acceptKw('WHERE')) filter = this.parseCondition();
    let window: Window | null = null;
    let close: Span;
    try {
      if (this.isPunct(this.peek(), ',')) {
        this.pos++;
        window = this.parseWindow();
      }
      close = this.expectPunct(')', window === null ? ', or )' : ', unit or )');
    } catch (err) {
      if (this.isPunct(this.recover(err, depth, ARGUMENTS_END), ')')) this.pos++;
      close = this.prevSpan();
    }
    return {
      kind: 'aggregation',
      op,
      column,
      filter,
      window,
      span: this.join(nameTok.span, close),
    };
  }

  private parseAggregationName(nameTok: { text: string; span: Span }): AggregationOp {
    const upper = nameTok.text.toUpperCase() as AggregationOp;
    if (!AGGREGATIONS.includes(upper)) {
      const suggestion = nearest(nameTok.text, AGGREGATIONS) as AggregationOp | null;
      const fault = this.error(
        'PQL_UNEXPECTED_TOKEN',
        nameTok.span,
        `one of ${AGGREGATIONS.join(', ')}`,
        suggestion,
      );
      if (suggestion === null) throw fault;
      this.report(fault);
      return suggestion;
    }
    if (nameTok.text !== upper && nameTok.text !== upper.toLowerCase()) {
      const fault = this.error(
        'PQL_KEYWORD_CASE',
        nameTok.span,
        `${upper} or ${upper.toLowerCase()}`,
        upper,
      );
      this.report(fault);
    }
    return upper;
  }

  private parseProblem(): ProblemSpec {
    const tok = this.peek();
    if (this.acceptKw('FORECAST')) {
      const n = this.expectInt('the number of timeframes');
      this.expectKw('TIMEFRAMES');
      return { kind: 'forecast', n, span: this.join(tok.span, this.prevSpan()) };
    }
    if (this.acceptKw('RANK')) {
      const k = this.acceptKw('TOP') ? this.expectInt('k, the number of items to rank') : null;
      return { kind: 'rank', k, span: this.join(tok.span, this.prevSpan()) };
    }
    if (this.acceptKw('CLASSIFY')) {
      if (this.acceptKw('TOP')) {
        const k = this.expectInt('k');
        return { kind: 'classify-top', k, span: this.join(tok.span, this.prevSpan()) };
      }
      return { kind: 'classify', span: tok.span };
    }
    if (this.acceptKw('TOP')) {
      const k = this.expectInt('k');
      return { kind: 'top', k, span: this.join(tok.span, this.prevSpan()) };
    }
    return { kind: 'none' };
  }

  private parseEntity(): EntitySpec {
    this.expectKw('FOR', 'FOR EACH');
    const forEach = this.acceptKw('EACH');
    const column = this.parseColumn();
    let ids: Constant[] | null = null;
    let idsSpan: Span | null = null;
    const tok = this.peek();
    if ((tok.kind === 'op' && tok.text === '=') || this.isKw(tok, 'IN')) {
      this.pos++;
      const value = this.parseConstant();
      ids = value.kind === 'list' ? value.items : [value];
      idsSpan = value.span;
    }
    return { column, forEach, ids, idsSpan };
  }
}

/** A stand-in for a column that failed to parse (the query is rejected anyway). */
function stubColumn(span: Span): ColumnRef {
  return { kind: 'column', table: { text: '', span }, column: null, span };
}

/** A stand-in for a condition that failed to parse (the query is rejected anyway). */
function stubCondition(span: Span): Condition {
  return { kind: 'compare', left: stubColumn(span), op: '=', right: null, span };
}

/**
 * Parses `source` into a syntax tree. Throws PqlDiagnostics (PQL_INVALID_QUERY) holding every
 * lexical and syntax error found in one pass (see the header for recovery).
 */
export function parseQuery(source: string): Query {
  if (typeof source !== 'string' || source.length > MAX_QUERY_LENGTH) {
    throw prequelError('PQL_QUERY_TOO_LONG', {
      length: typeof source === 'string' ? source.length : typeof source,
      expected: MAX_QUERY_LENGTH,
    });
  }
  const lexed = tokenize(source);
  if (lexed.truncated) throw new PqlDiagnostics(lexed.diagnostics);
  const parser = new Parser(source, lexed.tokens, lexed.map, lexed);
  const query = parser.parse();
  if (query === null || parser.diagnostics.length > 0) {
    throw new PqlDiagnostics(parser.diagnostics);
  }
  return query;
}
