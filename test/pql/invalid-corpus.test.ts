// SPDX-License-Identifier: Apache-2.0
// A corpus of malformed or invalid queries (invalid-queries.json), each with the error code it
// must produce and the line and column of the offending text. For lexical and syntax errors it
// is the first diagnostic: error recovery reports more, but never before the first one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PqlDiagnostics } from '../../src/control/pql/diagnostics.js';
import { compilePlan } from '../../src/control/pql/plan.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { SCHEMAS } from './toy-schemas.js';

interface Case {
  schema: keyof typeof SCHEMAS;
  query: string;
  code: string;
  line: number;
  column: number;
  text: string;
}

const SYNTAX_CODES = new Set([
  'PQL_INVALID_CHARACTER',
  'PQL_UNTERMINATED_STRING',
  'PQL_INVALID_ESCAPE',
  'PQL_INVALID_LITERAL',
  'PQL_KEYWORD_CASE',
  'PQL_UNEXPECTED_TOKEN',
  'PQL_UNEXPECTED_END',
  'PQL_TOO_DEEP',
  'PQL_TOO_COMPLEX',
  'PQL_EXPECTED_COMPARISON',
]);

const CASES: Case[] = JSON.parse(
  readFileSync(new URL('./invalid-queries.json', import.meta.url), 'utf8'),
);
const timeRange = {
  start: parseTimestampText('2015-01-01')!,
  end: parseTimestampText('2024-01-01')!,
};

function diagnosticsOf(c: Case): PqlDiagnostics {
  try {
    compilePlan(c.query, SCHEMAS[c.schema], { timeRange });
  } catch (err) {
    if (err instanceof PqlDiagnostics) return err;
    throw err;
  }
  throw new Error(`no error for ${JSON.stringify(c.query)}`);
}

describe('the invalid-query corpus', () => {
  it('has at least 150 cases covering every query error code', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(150);
    const codes = new Set(CASES.map((c) => c.code));
    expect(codes.size).toBeGreaterThanOrEqual(35);
  });

  it.each(CASES.map((c, i) => [i, c.code, c] as const))('case %i: %s', (_i, _code, c) => {
    const err = diagnosticsOf(c);
    expect(err.code).toBe('PQL_INVALID_QUERY');
    const found = err.diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column }));
    expect(found).toContainEqual({ code: c.code, line: c.line, column: c.column });
    if (SYNTAX_CODES.has(c.code)) {
      expect(found[0]).toEqual({ code: c.code, line: c.line, column: c.column });
    }
    for (const d of err.diagnostics) {
      expect(d.message.length).toBeGreaterThan(0);
      expect(d.expected.length).toBeGreaterThan(0);
      if (c.text !== '' && d.code === c.code)
        expect(d.text.startsWith(c.text.slice(0, d.text.length))).toBe(true);
    }
  });
});
