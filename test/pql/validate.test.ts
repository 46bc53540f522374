// SPDX-License-Identifier: Apache-2.0
// Validation reports every error of a query at once, each with position, offending text, what
// was expected and the nearest name as a suggestion; the error type comes from the registry.
import { describe, expect, it } from 'vitest';
import type { GraphDef } from '../../src/data/graph-def.js';
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
    expect(column.expected).toMatch(/^a column of users \(user_id, .*country.*\)$/);
  });

  it('lists the columns of the table, and names the table that has a column of another', () => {
    const err = diagnose(
      'PREDICT SUM(orders.age, 0, 30) FOR EACH users.user_id WHERE users.zzzzzzzz > 3',
    );
    const [elsewhere, none] = err.diagnostics;
    expect(elsewhere).toMatchObject({ code: 'PQL_UNKNOWN_COLUMN', suggestion: 'users.age' });
    expect(elsewhere.message).toContain('did you mean users.age?');
    expect(none).toMatchObject({ code: 'PQL_UNKNOWN_COLUMN', suggestion: null });
    expect(none.message).toMatch(/expected a column of users \(user_id, .*age.*\)$/);
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

describe('a table without rows', () => {
  /** USERS with `name` empty as inspect infers it from a header-only CSV: no time, no links. */
  function withEmpty(name: string): GraphDef {
    const tables = USERS.tables.map((t) =>
      t.name === name
        ? { ...t, timeColumn: null, foreignKeys: [], rowCount: 0 }
        : { ...t, rowCount: 5 },
    );
    return { ...USERS, tables };
  }

  function codesOf(query: string, graph: GraphDef): PqlDiagnostics {
    try {
      validateQuery(parseQuery(query), graph);
    } catch (err) {
      if (err instanceof PqlDiagnostics) return err;
      throw err;
    }
    throw new Error('expected diagnostics');
  }

  it('is named as empty once, instead of a missing time column and link', () => {
    const err = codesOf(
      'PREDICT COUNT(orders.*, 0, 30) = 0 FOR EACH users.user_id WHERE COUNT(orders.*, -30, 0) > 0',
      withEmpty('orders'),
    );
    expect(err.diagnostics.map((d) => [d.code, d.text, d.column])).toEqual([
      ['PQL_TABLE_EMPTY', 'orders', 15],
    ]);
    expect(err.diagnostics[0].message).toContain('has no rows (rows: 0)');
    expect(err.diagnostics[0].expected).toContain('add its rows to the data and inspect again');
  });

  it('is named as empty when it is the entity table', () => {
    const err = codesOf(
      'PREDICT COUNT(orders.*, 0, 30) FOR EACH users.user_id',
      withEmpty('users'),
    );
    expect(err.diagnostics.map((d) => d.code)).toEqual(['PQL_TABLE_EMPTY']);
  });

  it('is not assumed when the row count is unknown or positive', () => {
    const query = 'PREDICT COUNT(orders.*, 0, 30) FOR EACH users.user_id';
    expect(() => validateQuery(parseQuery(query), USERS)).not.toThrow();
    const counted = { ...USERS, tables: USERS.tables.map((t) => ({ ...t, rowCount: 1 })) };
    expect(() => validateQuery(parseQuery(query), counted)).not.toThrow();
  });
});

describe('a target window that looks back', () => {
  // The suggestion is the same length looking forward (with the unit when one is written).
  it.each([
    ['-30, 0, days', '0, 30, days'],
    ['-30, 0', '0, 30'],
    ['-7, 30', '0, 37'],
    ['-30, -1', '0, 29'],
    ['-3, 0, MONTHS', '0, 3, months'],
    ['-INF, 30', '0, 30'],
    ['-INF, 0', null],
  ])('COUNT(orders.*, %s) suggests %s', (window, suggestion) => {
    const d = diagnose(`PREDICT COUNT(orders.*, ${window}) > 0 FOR EACH users.user_id`)
      .diagnostics[0]!;
    expect(d).toMatchObject({ code: 'PQL_TARGET_PAST_WINDOW', text: window, suggestion });
    if (suggestion !== null) expect(d.message).toContain(`did you mean ${suggestion}?`);
  });
});
