// SPDX-License-Identifier: Apache-2.0
// Recursive-descent parser of the predictive query language.
//
//   query      = [EVALUATE] PREDICT target [problem] (FOR EACH | FOR) entity
//                [WHERE condition] [ASSUMING condition] EOF
//   problem    = FORECAST INT TIMEFRAMES | RANK [TOP INT] | CLASSIFY [TOP INT] | TOP INT
//   entity     = column [ ("=" | "!=") constant | IN list ]
//   target     = condition | operand
//   condition  = and { OR and } ;  and = not { AND not } ;  not = NOT not | primary
//   primary    = "(" condition ")" | operand relop [constant]
//   operand    = AGG "(" column [WHERE condition] ["," start "," INT ["," unit]] ")" | column
//   column     = name "." (name | "*") ;  name = ID | `backtick quoted`
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
// Keywords are all-lowercase or all-uppercase; any other casing is PQL_KEYWORD_CASE. Syntax
// errors stop the parse: only the first one is reported (validation reports all of its own).
import type {
  AggregationOp,
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
import { nearest } from './diagnostics.js';
import { MAX_QUERY_LENGTH, tokenize } from './lexer.js';
import { TokenStream } from './token-stream.js';
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

type Parsed = Condition | { kind: 'bare'; operand: Operand; span: Span };

class Parser extends TokenStream {
  private comparisons = 0;

  parseQuery(): Query {
    const evaluate = this.acceptKw('EVALUATE');
    this.expectKw('PREDICT');
    const target = this.parseTarget();
    const problem = this.parseProblem();
    const entity = this.parseEntity();
    const where = this.acceptKw('WHERE') ? this.parseCondition() : null;
    const assuming = this.acceptKw('ASSUMING') ? this.parseCondition() : null;
    if (this.peek().kind !== 'eof') {
      const expected = assuming !== null ? 'the end of the query' : 'WHERE, ASSUMING or the end';
      throw this.error('PQL_UNEXPECTED_TOKEN', this.peek().span, expected);
    }
    return {
      evaluate,
      target,
      problem,
      entity,
      where,
      assuming,
      source: this.source,
      span: this.map.span(0, this.source.length),
    };
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
      throw this.error('PQL_EXPECTED_COMPARISON', parsed.span, 'a comparison such as `x = 1`');
    }
    this.checkNoBare(parsed);
    return parsed;
  }

  /** Bare operands are only allowed as the whole target; inside and/or/not they are errors. */
  private checkNoBare(node: Parsed): void {
    if (node.kind === 'bare') {
      throw this.error('PQL_EXPECTED_COMPARISON', node.span, 'a comparison such as `x = 1`');
    }
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

  private parsePrimary(): Parsed {
    const tok = this.peek();
    if (this.isPunct(tok, '(')) {
      this.enter(tok.span);
      this.pos++;
      const inner = this.parseOr();
      const close = this.expectPunct(')', 'a closing )');
      this.depth--;
      if (inner.kind === 'bare') {
        throw this.error('PQL_EXPECTED_COMPARISON', inner.span, 'a comparison such as `x = 1`');
      }
      return { ...inner, span: this.join(tok.span, close) };
    }
    if (++this.comparisons > MAX_COMPARISONS) {
      throw this.error('PQL_TOO_COMPLEX', tok.span, String(MAX_COMPARISONS));
    }
    const left = this.parseOperand();
    const op = this.parseRelOp();
    if (op === null) return { kind: 'bare', operand: left, span: left.span };
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
      return this.parseAggregation();
    }
    if (tok.kind === 'word' || tok.kind === 'quoted') return this.parseColumn();
    const expected =
      'a column `table.column` or an aggregation such as COUNT(table.*, 0, 30, days)';
    throw this.error(
      tok.kind === 'eof' ? 'PQL_UNEXPECTED_END' : 'PQL_UNEXPECTED_TOKEN',
      tok.span,
      expected,
    );
  }

  private parseAggregation(): Operand {
    const nameTok = this.next() as { kind: 'word'; text: string; span: Span };
    const upper = nameTok.text.toUpperCase() as AggregationOp;
    if (!AGGREGATIONS.includes(upper)) {
      const suggestion = nearest(nameTok.text, AGGREGATIONS);
      throw this.error(
        'PQL_UNEXPECTED_TOKEN',
        nameTok.span,
        `one of ${AGGREGATIONS.join(', ')}`,
        suggestion,
      );
    }
    if (nameTok.text !== upper && nameTok.text !== upper.toLowerCase()) {
      throw this.error(
        'PQL_KEYWORD_CASE',
        nameTok.span,
        `${upper} or ${upper.toLowerCase()}`,
        upper,
      );
    }
    this.pos++; // (
    const column = this.parseColumn();
    let filter: Condition | null = null;
    if (this.acceptKw('WHERE')) filter = this.parseCondition();
    let window: Window | null = null;
    if (this.isPunct(this.peek(), ',')) {
      this.pos++;
      window = this.parseWindow();
    }
    const close = this.expectPunct(')', window === null ? ', or )' : ', unit or )');
    return {
      kind: 'aggregation',
      op: upper,
      column,
      filter,
      window,
      span: this.join(nameTok.span, close),
    };
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

/** Parses `source` into a syntax tree; throws PqlDiagnostics (PQL_INVALID_QUERY) on error. */
export function parseQuery(source: string): Query {
  if (typeof source !== 'string' || source.length > MAX_QUERY_LENGTH) {
    throw prequelError('PQL_QUERY_TOO_LONG', {
      length: typeof source === 'string' ? source.length : typeof source,
      expected: MAX_QUERY_LENGTH,
    });
  }
  const { tokens, map } = tokenize(source);
  return new Parser(source, tokens, map).parseQuery();
}
