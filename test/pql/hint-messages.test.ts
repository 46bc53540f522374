// SPDX-License-Identifier: Apache-2.0
// Errors that tell a new user what to write: a misplaced problem type says where it goes (one
// error, no follow-on), a filter column of another table suggests only columns of the
// aggregated table, and aggregating the entity's own table or a static one says what to do.
import { describe, expect, it } from 'vitest';
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
  throw new Error(`expected diagnostics for ${query}`);
}

// [query, the only diagnostic's code, its suggestion, text its message must hold]
const CASES: Array<[string, string, string | null, string]> = [
  [
    "PREDICT COUNT(orders.* WHERE reviews.device = 'ios', 0, 30) > 0 FOR EACH users.user_id",
    'PQL_FILTER_COLUMN_TABLE',
    null,
    'a column of the aggregated table orders (order_id, user_id, item_id, ts, amount',
  ],
  [
    "PREDICT COUNT(orders.* WHERE reviews.statu = 'x', 0, 30) > 0 FOR EACH users.user_id",
    'PQL_FILTER_COLUMN_TABLE',
    'orders.status',
    'did you mean orders.status?',
  ],
  [
    'PREDICT COUNT(orders.*, 0, 30) FOR EACH users.user_id RANK TOP 3',
    'PQL_UNEXPECTED_TOKEN',
    null,
    'PREDICT <target> RANK TOP k FOR EACH ...',
  ],
  [
    'PREDICT COUNT(orders.*, 0, 30) FOR EACH users.user_id WHERE users.age > 3 TOP 3',
    'PQL_UNEXPECTED_TOKEN',
    null,
    'only for set-valued targets (LIST_DISTINCT)',
  ],
  [
    'FORECAST 3 TIMEFRAMES PREDICT SUM(orders.amount, 0, 30) FOR EACH users.user_id',
    'PQL_UNEXPECTED_TOKEN',
    null,
    'PREDICT <target> FORECAST n TIMEFRAMES FOR EACH ...',
  ],
  [
    'PREDICT LIST_DISTINCT(orders.item_id, 0, 30) RANK TOP 0 FOR EACH users.user_id',
    'PQL_BAD_TOP_K',
    null,
    'RANK TOP 0 at line 1, column 46: k must be an integer from 1 to',
  ],
  [
    'PREDICT SUM(orders.amount, 0, 30) FORECAST 0 TIMEFRAMES FOR EACH users.user_id',
    'PQL_FORECAST_RANGE',
    null,
    'FORECAST 0 TIMEFRAMES at line 1, column 35 is out of range',
  ],
  [
    'PREDICT COUNT(orders.*, 0, 30) > 0 FOR EACH orders.order_id',
    'PQL_NOT_REACHABLE',
    null,
    "orders is the entity's own table and cannot be aggregated over itself",
  ],
  [
    'PREDICT COUNT(user.*, 0, 30) > 0 FOR EACH region.region_id',
    'PQL_NO_TIME_COLUMN',
    null,
    '`derivedTime` from a timed parent table; see docs/graph-file.md',
  ],
];

describe('errors that say what to write', () => {
  it.each(CASES)('%s', (query, code, suggestion, text) => {
    const err = diagnose(query);
    expect(err.diagnostics.map((d) => d.code)).toEqual([code]);
    expect(err.diagnostics[0].suggestion).toBe(suggestion);
    expect(err.diagnostics[0].message).toContain(text);
  });
});
