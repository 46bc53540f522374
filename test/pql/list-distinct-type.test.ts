// SPDX-License-Identifier: Apache-2.0
// LIST_DISTINCT collects classes or keys: it accepts categorical, id, primary-key and foreign-key
// columns, and refuses numerical, text, timestamp and multicategorical ones with PQL_TYPE_MISMATCH
// naming the column, its semantic type and what is allowed, in the target as in conditions.
import { describe, expect, it } from 'vitest';
import { PqlDiagnostics } from '../../src/control/pql/diagnostics.js';
import { parseQuery } from '../../src/control/pql/parser.js';
import { inferTask } from '../../src/control/pql/task.js';
import { validateQuery } from '../../src/control/pql/validate.js';
import type { GraphDef } from '../../src/data/graph-def.js';
import { USERS, table } from './toy-schemas.js';

/** USERS plus a table with one column of each refused kind next to the accepted ones. */
const GRAPH: GraphDef = {
  version: 1,
  tables: [
    ...USERS.tables,
    table(
      'visits',
      'visit_id',
      'ts',
      { user_id: 'users' },
      'page:c duration:i note:x seen_at:t tags:m flag:b ref:k',
    ),
  ],
};

function diagnostics(query: string) {
  try {
    validateQuery(parseQuery(query), GRAPH);
  } catch (err) {
    if (err instanceof PqlDiagnostics) return err.diagnostics;
    throw err;
  }
  return [];
}

describe('LIST_DISTINCT column types', () => {
  it.each([
    ['float', 'orders.amount', 'numerical (float)'],
    ['integer', 'visits.duration', 'numerical (int)'],
    ['text', 'visits.note', 'text (string)'],
    ['timestamp', 'visits.seen_at', 'timestamp (timestamp)'],
    ['multicategorical', 'visits.tags', 'multicategorical (string)'],
  ])('refuses a %s column, naming it, its type and what is allowed', (_kind, column, stype) => {
    for (const problem of ['CLASSIFY', 'RANK TOP 5', '']) {
      const query = `PREDICT LIST_DISTINCT(${column}, 0, 30, days) ${problem} FOR EACH users.user_id`;
      const found = diagnostics(query);
      expect(
        found.map((d) => d.code),
        query,
      ).toEqual(['PQL_TYPE_MISMATCH']);
      const [d] = found;
      expect(d!.text).toBe(column);
      expect(d!.expected).toContain('a categorical, id or foreign-key column for LIST_DISTINCT');
      expect(d!.expected).toContain(`${column} is ${stype}`);
      expect(d!.message).toContain(column);
    }
  });

  it('points a numerical column at the numeric aggregations', () => {
    const [d] = diagnostics(
      'PREDICT LIST_DISTINCT(orders.amount, 0, 30, days) CLASSIFY FOR EACH users.user_id',
    );
    expect(d!.expected).toContain('SUM, AVG, MIN or MAX');
  });

  it('refuses the same columns in an entity filter', () => {
    const found = diagnostics(
      "PREDICT COUNT(orders.*, 0, 30) > 0 FOR EACH users.user_id WHERE LIST_DISTINCT(orders.price, -30, 0) CONTAINS '3'",
    );
    expect(found.map((d) => [d.code, d.text])).toContainEqual([
      'PQL_TYPE_MISMATCH',
      'orders.price',
    ]);
  });

  it.each([
    ['a foreign key, ranked', 'orders.item_id, 0, 30, days) RANK TOP 5', 'link_prediction'],
    [
      'a foreign key, classified',
      'orders.item_id, 0, 30, days) CLASSIFY',
      'multilabel_classification',
    ],
    ['a categorical column', 'orders.category, 0, 30, days) CLASSIFY', 'multilabel_classification'],
    ['a boolean column', 'visits.flag, 0, 30, days) CLASSIFY', 'multilabel_classification'],
    ['an id column', 'visits.ref, 0, 30, days) CLASSIFY', 'multilabel_classification'],
    ['a primary key', 'visits.visit_id, 0, 30, days) CLASSIFY', 'multilabel_classification'],
  ])('accepts %s', (_name, rest, task) => {
    const query = `PREDICT LIST_DISTINCT(${rest} FOR EACH users.user_id`;
    const v = validateQuery(parseQuery(query), GRAPH);
    expect(inferTask(v).type).toBe(task);
  });
});
