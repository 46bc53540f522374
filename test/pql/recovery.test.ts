// SPDX-License-Identifier: Apache-2.0
// Error recovery of the lexer and parser: one pass reports every independent lexical and syntax
// error, each with its own code and position, and no follow-on errors (the quiet rule in
// token-stream.ts). Cases are data: a query and the exact (code, line, column) list it gives.
import { describe, expect, it } from 'vitest';
import { PqlDiagnostics, type Diagnostic } from '../../src/control/pql/diagnostics.js';
import { MAX_DIAGNOSTICS, parseTimestampText } from '../../src/control/pql/lexer.js';
import { parseQuery } from '../../src/control/pql/parser.js';
import { compilePlan } from '../../src/control/pql/plan.js';
import { rng } from './random-db.js';
import { randomQuery } from './random-query.js';
import { USERS } from './toy-schemas.js';

type Expected = [code: string, line: number, column: number];

interface Case {
  name: string;
  query: string;
  errors: Expected[];
}

function diagnosticsOf(query: string): Diagnostic[] {
  try {
    parseQuery(query);
  } catch (err) {
    if (err instanceof PqlDiagnostics) return err.diagnostics;
    throw err;
  }
  throw new Error(`no error for ${JSON.stringify(query)}`);
}

const triples = (ds: Diagnostic[]): Expected[] => ds.map((d) => [d.code, d.line, d.column]);

const INDEPENDENT: Case[] = [
  {
    name: 'a missing comma in the target and an empty WHERE',
    query: 'PREDICT COUNT(orders.* 0, 30, days) = 0 FOR EACH users.user_id WHERE AND',
    errors: [
      ['PQL_UNEXPECTED_TOKEN', 1, 24],
      ['PQL_UNEXPECTED_END', 1, 73],
    ],
  },
  {
    name: 'a bad unit, a bad TOP k and a missing constant',
    query:
      'PREDICT COUNT(orders.*, 0, 30, dayz) > 0 RANK TOP x FOR EACH users.user_id WHERE users.age >',
    errors: [
      ['PQL_UNEXPECTED_TOKEN', 1, 32],
      ['PQL_UNEXPECTED_TOKEN', 1, 51],
      ['PQL_UNEXPECTED_END', 1, 93],
    ],
  },
  {
    name: 'a broken entity and a missing comma in a list',
    query:
      "PREDICT SUM(orders.amount, 0, 30) FOR EACH users WHERE users.age > 18 AND users.country IN ('US' 'FR')",
    errors: [
      ['PQL_UNEXPECTED_TOKEN', 1, 50],
      ['PQL_UNEXPECTED_TOKEN', 1, 98],
    ],
  },
  {
    name: 'wrongly cased keywords are read as keywords and parsing goes on',
    query:
      'predict count(orders.*, 0, 30) > 0 For each users.user_id where users.age > 18 Or users.age < 5',
    errors: [
      ['PQL_KEYWORD_CASE', 1, 36],
      ['PQL_KEYWORD_CASE', 1, 80],
    ],
  },
  {
    name: 'a misspelt aggregation is read as the nearest one, so its arguments are checked',
    query:
      'PREDICT COUNTT(orders.* 0, 30) > 0 FOR EACH users.user_id WHERE users.age IN (1 2, 3) AND users.age = ASSUMING users.age = 1 junk',
    errors: [
      ['PQL_UNEXPECTED_TOKEN', 1, 9],
      ['PQL_UNEXPECTED_TOKEN', 1, 25],
      ['PQL_UNEXPECTED_TOKEN', 1, 81],
      ['PQL_UNEXPECTED_TOKEN', 1, 103],
      ['PQL_UNEXPECTED_TOKEN', 1, 126],
    ],
  },
  {
    name: 'text after the WHERE condition and a broken ASSUMING',
    query:
      'PREDICT users.age FOR EACH users.user_id WHERE users.age > 18 users.country ASSUMING COUNT(orders.*, 0, 7) > 0 AND AND',
    errors: [
      ['PQL_UNEXPECTED_TOKEN', 1, 63],
      ['PQL_UNEXPECTED_END', 1, 119],
    ],
  },
  {
    name: 'a TOP without k, recovered at FOR EACH',
    query:
      'PREDICT LIST_DISTINCT(orders.item_id, 0, 7) RANK TOP FOR EACH users.user_id WHERE users.age > 1 ASSUMING x',
    errors: [
      ['PQL_UNEXPECTED_TOKEN', 1, 54],
      ['PQL_UNEXPECTED_END', 1, 107],
    ],
  },
  {
    name: 'every operand without a comparison',
    query: 'PREDICT users.age FOR EACH users.user_id WHERE NOT users.age AND users.age',
    errors: [
      ['PQL_EXPECTED_COMPARISON', 1, 52],
      ['PQL_EXPECTED_COMPARISON', 1, 66],
    ],
  },
];

const ONE_ERROR: Case[] = (
  [
    [
      'a missing comma in the window',
      'PREDICT COUNT(orders.*, 0 30, days) = 0 FOR EACH users.user_id',
      'PQL_UNEXPECTED_TOKEN',
      27,
    ],
    [
      'a missing comma before the window',
      'PREDICT COUNT(orders.* 0, 30, days) = 0 FOR EACH users.user_id',
      'PQL_UNEXPECTED_TOKEN',
      24,
    ],
    [
      'a missing comma in a list',
      'PREDICT users.age FOR EACH users.user_id WHERE users.age IN (1 2, 3)',
      'PQL_UNEXPECTED_TOKEN',
      64,
    ],
    [
      'a missing ) of a group',
      'PREDICT users.age FOR EACH users.user_id WHERE (users.age > 1 users.age < 5) OR users.age = 7',
      'PQL_UNEXPECTED_TOKEN',
      63,
    ],
    [
      'a missing ) of an aggregation',
      'PREDICT COUNT(orders.*, 0, 30 FOR EACH users.user_id',
      'PQL_UNEXPECTED_TOKEN',
      31,
    ],
    [
      'an extra ( in an aggregation',
      'PREDICT COUNT((orders.*, 0, 30) > 0 FOR EACH users.user_id',
      'PQL_UNEXPECTED_TOKEN',
      15,
    ],
    [
      'a column without its table',
      'PREDICT COUNT(orders, 0, 30) > 0 FOR EACH users.user_id',
      'PQL_UNEXPECTED_TOKEN',
      21,
    ],
    [
      'a broken aggregation filter',
      'PREDICT COUNT(orders.* WHERE orders.amount >, 0, 30) > 0 FOR EACH users.user_id',
      'PQL_UNEXPECTED_TOKEN',
      45,
    ],
    [
      'a missing FOR EACH',
      'PREDICT users.age users.user_id WHERE users.age > 1',
      'PQL_UNEXPECTED_TOKEN',
      19,
    ],
    [
      'a stray comma before FOR EACH',
      'PREDICT users.age, FOR EACH users.user_id WHERE users.age > 1',
      'PQL_UNEXPECTED_TOKEN',
      18,
    ],
    [
      'a doubled operator',
      'PREDICT users.age FOR EACH users.user_id WHERE users.age >> 1',
      'PQL_UNEXPECTED_TOKEN',
      59,
    ],
    [
      'a dangling AND',
      'PREDICT users.age FOR EACH users.user_id WHERE users.age > 1 AND',
      'PQL_UNEXPECTED_END',
      65,
    ],
    [
      'a three-part name',
      'PREDICT users.age FOR EACH users.user_id WHERE users.age.x < 1 AND users.age > 2',
      'PQL_EXPECTED_COMPARISON',
      48,
    ],
    [
      'a second WHERE',
      'PREDICT users.age FOR EACH users.user_id WHERE users.age > 1 WHERE users.age < 3',
      'PQL_UNEXPECTED_TOKEN',
      62,
    ],
    [
      'a missing PREDICT',
      'COUNT(orders.*, 0, 30) > 0 FOR EACH users.user_id WHERE users.age > 1',
      'PQL_UNEXPECTED_TOKEN',
      1,
    ],
  ] as const
).map(([name, query, code, column]) => ({ name, query, errors: [[code, 1, column]] }));

const MULTI_LINE: Case[] = [
  {
    name: 'errors on several lines between comments',
    query: [
      '# customers who will not order',
      'PREDICT COUNT(orders.* 0, 30, days) = 0   # the target',
      'FOR EACH users.user_id',
      'WHERE users.age >              # the constant is missing',
      "  AND users.country = 'US'",
      'ASSUMING COUNT(orders.*, 0, 7, dayz) > 0',
    ].join('\n'),
    errors: [
      ['PQL_UNEXPECTED_TOKEN', 2, 24],
      ['PQL_UNEXPECTED_TOKEN', 5, 3],
      ['PQL_UNEXPECTED_TOKEN', 6, 32],
    ],
  },
  {
    name: 'recovery stops at the clause keyword that starts the next line',
    query: [
      'PREDICT users.age',
      'FOR EACH users # the column is missing',
      'WHERE users.age > 1 AND',
      '# nothing more',
      'ASSUMING users.age IN (1, 2',
    ].join('\n'),
    errors: [
      ['PQL_UNEXPECTED_TOKEN', 3, 1],
      // After AND an operand is due: ASSUMING would be a table name, so `.` is expected after it.
      ['PQL_UNEXPECTED_TOKEN', 5, 10],
      ['PQL_UNEXPECTED_END', 5, 28],
    ],
  },
  {
    name: 'a string broken over two lines is one error',
    query: "PREDICT users.age FOR EACH users.user_id\nWHERE users.country = 'U\nS'",
    errors: [['PQL_UNTERMINATED_STRING', 2, 23]],
  },
];

const LEXICAL: Case[] = [
  {
    name: 'a bad escape and a missing constant',
    query: "PREDICT users.age FOR EACH users.user_id WHERE users.country = 'U\\qS' AND users.age >",
    errors: [
      ['PQL_INVALID_ESCAPE', 1, 66],
      ['PQL_UNEXPECTED_END', 1, 86],
    ],
  },
  {
    name: 'lexical errors come first, then syntax errors',
    query:
      'PREDICT COUNT(orders.* 0, 7) FOR EACH users.user_id WHERE users.age > 1 AND users.country = "abc',
    errors: [
      ['PQL_UNTERMINATED_STRING', 1, 93],
      ['PQL_UNEXPECTED_TOKEN', 1, 24],
    ],
  },
  {
    name: 'an impossible date and a missing constant',
    query:
      'PREDICT users.age FOR EACH users.user_id WHERE users.created_at > 2023-02-30 AND users.age >',
    errors: [
      ['PQL_INVALID_LITERAL', 1, 67],
      ['PQL_UNEXPECTED_END', 1, 93],
    ],
  },
  {
    name: 'two bad characters far apart',
    query: 'PREDICT users.age @ FOR EACH users.user_id WHERE users.age $ 1',
    errors: [
      ['PQL_INVALID_CHARACTER', 1, 19],
      ['PQL_INVALID_CHARACTER', 1, 60],
    ],
  },
  {
    name: 'a bad character hides the syntax errors it causes',
    query: 'PREDICT users.age FOR EACH users.user_id WHERE users.age % 2 = 0',
    errors: [['PQL_INVALID_CHARACTER', 1, 58]],
  },
  {
    name: 'a run of bad characters is one error',
    query: 'PREDICT users.age FOR EACH users.user_id WHERE users.age > 1 ;;; @@',
    errors: [['PQL_INVALID_CHARACTER', 1, 62]],
  },
  {
    name: 'an unterminated backtick name and a broken window',
    query: 'PREDICT COUNT(orders.*, 0, 30, dayz) > 0 FOR EACH `users.user_id',
    errors: [
      ['PQL_UNTERMINATED_STRING', 1, 51],
      ['PQL_UNEXPECTED_TOKEN', 1, 32],
    ],
  },
];

describe('error recovery', () => {
  it.each(INDEPENDENT.map((c) => [c.name, c] as const))('independent errors: %s', (_n, c) => {
    expect(triples(diagnosticsOf(c.query))).toEqual(c.errors);
  });

  it.each(ONE_ERROR.map((c) => [c.name, c] as const))('no cascade: %s', (_n, c) => {
    expect(triples(diagnosticsOf(c.query))).toEqual(c.errors);
  });

  it.each(MULTI_LINE.map((c) => [c.name, c] as const))('across lines: %s', (_n, c) => {
    expect(triples(diagnosticsOf(c.query))).toEqual(c.errors);
  });

  it.each(LEXICAL.map((c) => [c.name, c] as const))('lexical and syntax: %s', (_n, c) => {
    expect(triples(diagnosticsOf(c.query))).toEqual(c.errors);
  });

  it('gives each error its own text, expectation and message', () => {
    const [first, second] = diagnosticsOf(INDEPENDENT[0].query);
    expect(first).toMatchObject({ text: '0', expected: ', or )', severity: 'error' });
    expect(second).toMatchObject({ text: '', expected: '. and a column name (`table.column`)' });
    expect(second.message).toContain('line 1, column 73');
    const thrown = (() => {
      try {
        parseQuery(INDEPENDENT[1].query);
      } catch (err) {
        return err as PqlDiagnostics;
      }
      throw new Error('no error');
    })();
    expect(thrown.code).toBe('PQL_INVALID_QUERY');
    expect(thrown.message).toContain('the query has 3 errors;');
    expect(thrown.diagnostics[0].suggestion).toBe('days');
  });

  it('does not validate a query with syntax errors against the graph', () => {
    const timeRange = {
      start: parseTimestampText('2015-01-01')!,
      end: parseTimestampText('2024-01-01')!,
    };
    const query = 'PREDICT COUNT(nope.* 0, 30) > 0 FOR EACH ghosts.id WHERE ghosts.age >';
    let codes: Expected[] = [];
    try {
      compilePlan(query, USERS, { timeRange });
    } catch (err) {
      codes = triples((err as PqlDiagnostics).diagnostics);
    }
    expect(codes).toEqual([
      ['PQL_UNEXPECTED_TOKEN', 1, 22],
      ['PQL_UNEXPECTED_END', 1, 70],
    ]);
  });

  it('stops at MAX_DIAGNOSTICS errors, in the parser and in the lexer', () => {
    const where = 'PREDICT users.age FOR EACH users.user_id WHERE ';
    const syntax = diagnosticsOf(where + Array(80).fill('users.age > x').join(' AND '));
    expect(syntax).toHaveLength(MAX_DIAGNOSTICS);
    expect(new Set(syntax.map((d) => d.code))).toEqual(new Set(['PQL_UNEXPECTED_TOKEN']));
    const lexical = diagnosticsOf(where + Array(80).fill('users.age @ 1').join(' AND '));
    expect(lexical).toHaveLength(MAX_DIAGNOSTICS);
    expect(new Set(lexical.map((d) => d.code))).toEqual(new Set(['PQL_INVALID_CHARACTER']));
  });

  it('stops at a fatal error, keeping the errors before it', () => {
    const query = `PREDICT users.age FOR EACH users.user_id WHERE users.age > x AND ${'('.repeat(100)}`;
    expect(triples(diagnosticsOf(query))).toEqual([
      ['PQL_UNEXPECTED_TOKEN', 1, 60],
      ['PQL_TOO_DEEP', 1, 130],
    ]);
  });

  it('reports each place at most once on mutated queries', () => {
    const random = rng(5);
    const r = () => random.next();
    const noise = ['(', ')', ',', '.', 'AND', 'WHERE', 'FOR EACH', "'", '@', '2024-02-30', 'x'];
    for (let i = 0; i < 400; i++) {
      let q = randomQuery(random);
      for (let m = 0; m < 3; m++) {
        const at = Math.floor(r() * (q.length + 1));
        const cut = Math.floor(r() * 4);
        q = q.slice(0, at) + noise[Math.floor(r() * noise.length)] + q.slice(at + cut);
      }
      let ds: Diagnostic[] = [];
      try {
        parseQuery(q);
      } catch (err) {
        if (!(err instanceof PqlDiagnostics)) throw err;
        ds = err.diagnostics;
      }
      const places = ds.map((d) => `${d.code}@${d.offset}`);
      expect(new Set(places).size).toBe(places.length);
      expect(ds.length).toBeLessThanOrEqual(MAX_DIAGNOSTICS);
      for (const d of ds) {
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.expected.length).toBeGreaterThan(0);
      }
    }
  });
});
