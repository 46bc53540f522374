// SPDX-License-Identifier: Apache-2.0
// Diagnostics of a query: coded errors and warnings with their position, the offending text,
// what was expected and a suggestion. Messages come from the one error registry; a query with
// errors throws PqlDiagnostics (code PQL_INVALID_QUERY) holding every diagnostic found.
import { ERRORS, PrequelError, prequelError } from '../../errors/index.js';
import { editDistance } from '../../text/nearest.js';
import type { Span } from './ast.js';

export interface Diagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
  offset: number;
  length: number;
  /** The offending source text (or value, for plan diagnostics). */
  text: string;
  expected: string;
  suggestion: string | null;
}

/** A query that failed to compile: `diagnostics` lists every error (and warning) found. */
export class PqlDiagnostics extends PrequelError {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0] ?? diagnostics[0];
    super('PQL_INVALID_QUERY', ERRORS.PQL_INVALID_QUERY, {
      count: errors.length,
      first: first === undefined ? 'none' : `[${first.code}] ${first.message}`,
    });
    this.name = 'PqlDiagnostics';
    this.diagnostics = diagnostics;
  }
}

const NO_SPAN: Span = { line: 0, column: 0, offset: 0, length: 0 };

/** Builds a diagnostic for `code` at `span` of `source`; the message is the registry's. */
export function diagnostic(
  code: string,
  source: string,
  span: Span | null,
  expected: string,
  suggestion: string | null = null,
  severity: 'error' | 'warning' = 'error',
): Diagnostic {
  const at = span ?? NO_SPAN;
  const text = span === null ? '' : source.slice(at.offset, at.offset + at.length);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  const hint = suggestion === null ? '' : `; did you mean ${suggestion}?`;
  const message =
    prequelError(code, { text: shown, line: at.line, column: at.column, expected }).message + hint;
  return {
    code,
    severity,
    message,
    line: at.line,
    column: at.column,
    offset: at.offset,
    length: at.length,
    text,
    expected,
    suggestion,
  };
}

/** A diagnostic about the plan rather than a place in the text; details fill the template. */
export function planDiagnostic(
  code: string,
  details: Record<string, unknown>,
  severity: 'error' | 'warning',
): Diagnostic {
  return {
    code,
    severity,
    message: prequelError(code, details).message,
    line: 0,
    column: 0,
    offset: 0,
    length: 0,
    text: '',
    expected: String(details.expected ?? ''),
    suggestion: null,
  };
}

/** The candidate nearest to `name` (case-insensitive edit distance), if close enough. */
export function nearest(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : null;
}
