// SPDX-License-Identifier: Apache-2.0
// Validation reports every error of a query at once, each with position, offending text, what
// was expected and the nearest name as a suggestion; the error type comes from the registry.
import { describe, expect, it } from 'vitest';
import { PrequelError } from '../../src/errors/index.js';
import { PqlDiagnostics } from '../../src/control/pql/diagnostics.js';
import { parseQuery } from '../../src/control/pql/parser.js';
import { validateQuery } from '../../src/control/pql/validate.js';
import { USERS } from './toy-schemas.js';

function diagnose(query: string): PqlDiagnostics {
  try {
    validateQuery(parseQuery(query), USERS);
  } catch (err) {
    if (err instanceof PqlDiagnostics) return err;
    throw err;
  }
  throw new Error('expected diagnostics');
}

describe('validation against the graph definition', () => {
  it('reports all errors, not only the first', () => {
    const err = diagnose(
      `PREDICT SUM(ordrs.amount, -7, 30) RANK TOP 0
       FOR EACH users.user_id
       WHERE users.agee > 3 AND COUNT(orders.*, 0, 5) > 0
       ASSUMING SUM(orders.status, -1, 3) > 0`,
    );
    expect(err).toBeInstanceOf(PrequelError);
    expect(err.code).toBe('PQL_INVALID_QUERY');
    expect(err.status).toBe(400);
    // in source order
    expect(err.diagnostics.map((d) => d.code)).toEqual([
      'PQL_UNKNOWN_TABLE',
      'PQL_TARGET_PAST_WINDOW',
      'PQL_BAD_TOP_K',
      'PQL_UNKNOWN_COLUMN',
      'PQL_WHERE_FUTURE_WINDOW',
      'PQL_TYPE_MISMATCH',
      'PQL_ASSUMING_PAST_WINDOW',
    ]);
    expect(err.details.count).toBe(7);
  });

  it('suggests the nearest table and column names', () => {
    const err = diagnose(
      `PREDICT SUM(ordrs.amount, 0, 30) FOR EACH users.user_id WHERE users.countyr = 'US'`,
    );
    const [table, column] = err.diagnostics;
    expect(table).toMatchObject({
      code: 'PQL_UNKNOWN_TABLE',
      text: 'ordrs',
      suggestion: 'orders',
      line: 1,
      column: 13,
    });
    expect(table.message).toContain('did you mean orders?');
    expect(column).toMatchObject({
      code: 'PQL_UNKNOWN_COLUMN',
      text: 'countyr',
      suggestion: 'country',
    });
    expect(column.expected).toBe('a column of users');
  });

  it('gives no suggestion when nothing is close', () => {
    const err = diagnose('PREDICT COUNT(zzzzzzzz.*, 0, 30) FOR EACH users.user_id');
    expect(err.diagnostics[0]).toMatchObject({ code: 'PQL_UNKNOWN_TABLE', suggestion: null });
  });

  it('suggests the primary key for FOR EACH on another column', () => {
    const err = diagnose('PREDICT COUNT(orders.*, 0, 30) FOR EACH users.country');
    expect(err.diagnostics[0]).toMatchObject({
      code: 'PQL_NOT_PRIMARY_KEY',
      suggestion: 'users.user_id',
    });
  });

  it('suggests ASSUMING for a future window in WHERE and a unit for a typo', () => {
    const err = diagnose(
      'PREDICT COUNT(orders.*, 0, 30) FOR EACH users.user_id WHERE COUNT(orders.*, 0, 7) > 1',
    );
    expect(err.diagnostics[0]).toMatchObject({
      code: 'PQL_WHERE_FUTURE_WINDOW',
      suggestion: 'ASSUMING',
      text: '0, 7',
    });
    const unit = diagnose('PREDICT COUNT(orders.*, 0, 30, dayz) FOR EACH users.user_id');
    expect(unit.diagnostics[0]).toMatchObject({ code: 'PQL_UNEXPECTED_TOKEN', suggestion: 'days' });
  });

  it('one typo gives one error, not a cascade', () => {
    const err = diagnose(
      'PREDICT SUM(orders.amout, 0, 30) > 3 FOR EACH users.user_id ASSUMING COUNT(orders.*, 0, 7) > 0',
    );
    expect(err.diagnostics).toHaveLength(1);
  });

  it('an unknown entity table stops the rules that depend on it', () => {
    const err = diagnose('PREDICT COUNT(orders.*, 0, 30) FOR EACH usres.user_id');
    expect(err.diagnostics.map((d) => d.code)).toEqual(['PQL_UNKNOWN_TABLE']);
    expect(err.diagnostics[0].suggestion).toBe('users');
  });

  it('accepts one-hop static columns and rejects two hops', () => {
    expect(() =>
      validateQuery(
        parseQuery(
          `PREDICT COUNT(transaction.*, 0, 30) FOR EACH user.user_id WHERE region.num_inhabitants < 10`,
        ),
        USERS,
      ),
    ).not.toThrow();
    const err = diagnose(
      'PREDICT COUNT(orders.*, 0, 30) FOR EACH users.user_id WHERE region.num_inhabitants < 10',
    );
    expect(err.diagnostics[0].code).toBe('PQL_NOT_REACHABLE');
  });
});
