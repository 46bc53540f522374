// SPDX-License-Identifier: Apache-2.0
// The lexer and parser: the syntax tree with source positions, keyword casing, quoting, dates,
// comments and operator precedence.
import { describe, expect, it } from 'vitest';
import type { Aggregation, Condition } from '../../src/control/pql/ast.js';
import { parseQuery } from '../../src/control/pql/parser.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { PqlDiagnostics } from '../../src/control/pql/diagnostics.js';

type Binary = { kind: 'and' | 'or'; left: Condition; right: Condition };

function codeOf(query: string): string {
  try {
    parseQuery(query);
  } catch (err) {
    return (err as PqlDiagnostics).diagnostics?.[0]?.code ?? (err as { code: string }).code;
  }
  return 'none';
}

describe('parsing predictive queries', () => {
  it('builds the tree with line, column, offset and length', () => {
    const q = parseQuery(
      'PREDICT COUNT(orders.*, 0, 30, days) > 0\nFOR EACH users.user_id\n  WHERE users.age >= 18',
    );
    const target = q.target as Extract<Condition, { kind: 'compare' }>;
    const agg = target.left as Aggregation;
    expect(agg).toMatchObject({ op: 'COUNT', window: { start: 0, end: 30, unit: 'days' } });
    expect(agg.span).toEqual({ line: 1, column: 9, offset: 8, length: 28 });
    expect(agg.column.column).toBeNull();
    expect(q.entity.column.span).toMatchObject({ line: 2, column: 10, length: 13 });
    const where = q.where as Extract<Condition, { kind: 'compare' }>;
    expect(where.op).toBe('>=');
    expect(where.span).toMatchObject({ line: 3, column: 9 });
    expect(where.right).toMatchObject({ kind: 'number', value: 18, integer: true });
  });

  it('accepts keywords all-lower or all-upper, never mixed', () => {
    expect(codeOf('predict count(orders.*, 0, 30, days) for each users.user_id')).toBe('none');
    expect(codeOf('PREDICT COUNT(orders.*, 0, 30, DAYS) FOR EACH users.user_id')).toBe('none');
    for (const bad of [
      'PrEDICT users.age FOR EACH users.user_id',
      'PREDICT users.age for Each users.user_id',
      'PREDICT cOUNT(orders.*, 0, 1) FOR EACH users.user_id',
    ]) {
      expect(codeOf(bad)).toBe('PQL_KEYWORD_CASE');
    }
  });

  it('reads single and double quoted strings with escapes, and backtick identifiers', () => {
    const q = parseQuery(
      `PREDICT SUM(\`Order Lines\`.\`Line Total\`, 0, 30) FOR EACH \`My Customers\`.\`Customer ID\` WHERE \`My Customers\`.name = "a \\"b\\"" OR \`My Customers\`.name = 'it\\'s \\u00e9'`,
    );
    const agg = q.target as Aggregation;
    expect(agg.column.table.text).toBe('Order Lines');
    expect(agg.column.column?.text).toBe('Line Total');
    const where = q.where as Binary;
    expect((where.left as { right: { value: string } }).right.value).toBe('a "b"');
    expect((where.right as { right: { value: string } }).right.value).toBe("it's é");
  });

  it('reads unquoted dates and times, and -INF', () => {
    const q = parseQuery(
      'PREDICT COUNT(t.*, 0, 1) FOR EACH u.id WHERE u.d < 2022-01-01 12:45:30 AND u.e >= 2022/03/04 AND COUNT(t.*, -INF, 0) > 0',
    );
    const and = q.where as Binary;
    const first = (and.left as Binary).left as Extract<Condition, { kind: 'compare' }>;
    expect(first.right).toMatchObject({
      kind: 'datetime',
      micros: parseTimestampText('2022-01-01 12:45:30'),
    });
    const second = (and.left as Binary).right as Extract<Condition, { kind: 'compare' }>;
    expect(second.right).toMatchObject({
      kind: 'datetime',
      micros: parseTimestampText('2022-03-04'),
    });
    expect((and.right as { left: Aggregation }).left.window?.start).toBeNull();
  });

  it('skips # comments', () => {
    expect(codeOf('# leading\nPREDICT users.age # the target\nFOR EACH users.user_id # end')).toBe(
      'none',
    );
  });

  it('binds NOT tighter than AND, AND tighter than OR', () => {
    const q = parseQuery('PREDICT u.a = 1 OR NOT u.b = 2 AND u.c = 3 FOR EACH u.id');
    const t = q.target as Condition;
    expect(t.kind).toBe('or');
    const right = (t as Binary).right;
    expect(right.kind).toBe('and');
    expect((right as Binary).left.kind).toBe('not');
    const p = parseQuery('PREDICT (u.a = 1 OR u.b = 2) AND u.c = 3 FOR EACH u.id')
      .target as Condition;
    expect(p.kind).toBe('and');
  });

  it('reads every relational operator form', () => {
    const ops = [
      ['u.a = 1', '='],
      ['u.a != 1', '!='],
      ['u.a <> 1', '!='],
      ['u.a < 1', '<'],
      ['u.a <= 1', '<='],
      ['u.a > 1', '>'],
      ['u.a >= 1', '>='],
      ['u.a IN (1, 2)', 'IN'],
      ['u.a NOT IN (1)', 'NOT IN'],
      ['u.a IS IN (1)', 'IN'],
      ['u.a IS NULL', 'IS NULL'],
      ['u.a = NULL', 'IS NULL'],
      ['u.a IS NOT NULL', 'IS NOT NULL'],
      ['u.a != null', 'IS NOT NULL'],
      ['u.a IS 3', '='],
      ['u.a IS NOT 3', '!='],
      ["u.a LIKE 'x%'", 'LIKE'],
      ["u.a NOT LIKE 'x%'", 'NOT LIKE'],
      ["u.a CONTAINS 'x'", 'CONTAINS'],
      ["u.a NOT CONTAINS 'x'", 'NOT CONTAINS'],
      ["u.a STARTS WITH 'x'", 'STARTS WITH'],
      ["u.a ends with 'x'", 'ENDS WITH'],
    ] as const;
    for (const [text, op] of ops) {
      const q = parseQuery(`PREDICT COUNT(t.*, 0, 1) FOR EACH u.id WHERE ${text}`);
      expect((q.where as { op: string }).op).toBe(op);
    }
  });

  it('records the problem type, entity ids and EVALUATE', () => {
    expect(
      parseQuery('PREDICT LIST_DISTINCT(t.x, 0, 7) RANK TOP 12 FOR EACH u.id').problem,
    ).toMatchObject({ kind: 'rank', k: 12 });
    expect(
      parseQuery('PREDICT SUM(t.x, 0, 7) FORECAST 4 TIMEFRAMES FOR EACH u.id').problem,
    ).toMatchObject({ kind: 'forecast', n: 4 });
    expect(parseQuery('PREDICT LIST_DISTINCT(t.x, 0, 7) CLASSIFY FOR EACH u.id').problem.kind).toBe(
      'classify',
    );
    const q = parseQuery('EVALUATE PREDICT u.a FOR u.id IN (1, 2, 3)');
    expect(q.evaluate).toBe(true);
    expect(q.entity).toMatchObject({
      forEach: false,
      ids: [{ value: 1 }, { value: 2 }, { value: 3 }],
    });
  });

  it('rejects malformed input with syntax codes', () => {
    expect(codeOf('PREDICT')).toBe('PQL_UNEXPECTED_END');
    expect(codeOf('PREDICT users.age FOR EACH users.user_id WHERE users.age')).toBe(
      'PQL_EXPECTED_COMPARISON',
    );
    expect(codeOf("PREDICT users.age FOR EACH users.user_id WHERE users.a = 'x")).toBe(
      'PQL_UNTERMINATED_STRING',
    );
    expect(codeOf('PREDICT users.age FOR EACH users.user_id WHERE users.a = 2023-02-29')).toBe(
      'PQL_INVALID_LITERAL',
    );
    expect(codeOf('x'.repeat(100_001))).toBe('PQL_QUERY_TOO_LONG');
  });
});
