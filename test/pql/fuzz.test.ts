// SPDX-License-Identifier: Apache-2.0
// Fuzzing: random mutations of valid queries either compile or fail with the compiler's own
// coded error (a PrequelError with a PQL_ code); nothing else escapes, and no compilation takes
// more than 50 ms.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrequelError } from '../../src/errors/index.js';
import { compilePlan } from '../../src/control/pql/plan.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { TOY_GRAPH, rng } from './random-db.js';
import { randomQuery, randomStaticQuery } from './random-query.js';

const timeRange = {
  start: parseTimestampText('2023-01-01')!,
  end: parseTimestampText('2024-06-01')!,
};
const TOKENS = [
  '(',
  ')',
  ',',
  '.',
  '*',
  '=',
  '!=',
  '<=',
  "'",
  '"',
  '`',
  '#',
  '-INF',
  'NOT',
  'AND',
  'OR',
  'WHERE',
  'FOR EACH',
  'RANK TOP',
  'TOP',
  'CLASSIFY',
  'FORECAST',
  'TIMEFRAMES',
  'ASSUMING',
  'IS NULL',
  'IN',
  'LIKE',
  'COUNT(',
  'LIST_DISTINCT(',
  '2024-01-01',
  '2024-02-30',
  '1e9',
  '-0',
  '0.5',
  '\n',
  '\u00e9',
  '\ud83d\ude00',
  '\\',
  'days',
  'Days',
  'users.',
  'orders.*',
  'NULL',
];

const SEEDS: string[] = [];
const r = rng(99);
for (let i = 0; i < 40; i++) SEEDS.push(i % 4 === 0 ? randomStaticQuery(r) : randomQuery(r));

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 12 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom(...TOKENS),
  }),
  fc.record({
    kind: fc.constant('char' as const),
    at: fc.nat(),
    text: fc.string({ minLength: 1, maxLength: 2, unit: 'binary' }),
  }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('case' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 8 }),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(q: string, m: Mutation): string {
  const at = m.at % (q.length + 1);
  switch (m.kind) {
    case 'delete':
      return q.slice(0, at) + q.slice(at + m.len);
    case 'insert':
    case 'char':
      return q.slice(0, at) + m.text + q.slice(at);
    case 'duplicate':
      return q.slice(0, at + m.len) + q.slice(at, at + m.len) + q.slice(at + m.len);
    case 'truncate':
      return q.slice(0, at);
    case 'case': {
      const part = q.slice(at, at + m.len);
      const flipped = [...part]
        .map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c.toLowerCase()))
        .join('');
      return q.slice(0, at) + flipped + q.slice(at + m.len);
    }
  }
}

let slowest = 0;

/** CPU milliseconds this process spent compiling `query` (wall time would count the other
 * processes sharing the machine). */
function compileOnce(query: string): number {
  const start = process.cpuUsage();
  try {
    compilePlan(query, TOY_GRAPH, { timeRange, requireTrainable: false });
  } catch (err) {
    if (!(err instanceof PrequelError) || !err.code.startsWith('PQL_')) {
      throw new Error(
        `non-PQL error escaped for ${JSON.stringify(query.slice(0, 200))}: ${String(err)}`,
      );
    }
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Compiles `query`; the time is the best of up to three runs, so a stray GC pause does not
 * count against the compiler. */
function compileTimed(query: string): void {
  let ms = compileOnce(query);
  for (let retry = 0; retry < 2 && ms > 50; retry++) ms = Math.min(ms, compileOnce(query));
  slowest = Math.max(slowest, ms);
  if (ms > 50)
    throw new Error(`compiling took ${ms.toFixed(1)} ms: ${JSON.stringify(query.slice(0, 200))}`);
}

describe('fuzzing the compiler', () => {
  it('every seed query compiles', () => {
    for (const q of SEEDS) compilePlan(q, TOY_GRAPH, { timeRange, requireTrainable: false });
  });

  it('mutated queries raise only coded PQL errors, each within 50 ms', () => {
    fc.assert(
      fc.property(
        fc.nat(SEEDS.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (i, ms) => {
          compileTimed(ms.reduce(apply, SEEDS[i]));
        },
      ),
      { numRuns: 3000, seed: 4242 },
    );
    expect(slowest).toBeLessThan(50);
  });

  it('pathological inputs: long, deep and wide queries', () => {
    const age = ' users.age > 1';
    const cases = [
      `PREDICT COUNT(orders.*, 0, 7) FOR EACH users.user_id WHERE${age}${' AND users.age > 1'.repeat(1200)}`,
      `PREDICT COUNT(orders.*, 0, 7) FOR EACH users.user_id WHERE${age}${' OR users.age > 1'.repeat(900)}`,
      `PREDICT COUNT(orders.*, 0, 7) FOR EACH users.user_id WHERE ${'('.repeat(5000)}`,
      `PREDICT COUNT(orders.*, 0, 7) FOR EACH users.user_id WHERE ${'NOT '.repeat(5000)}users.age > 1`,
      `PREDICT COUNT(orders.*, 0, 7) FOR EACH users.user_id WHERE users.age IN (${Array(8000).fill(1).join(', ')})`,
      `PREDICT COUNT(orders.*, 0, 7) FOR EACH users.user_id # ${'x'.repeat(90_000)}`,
      'PREDICT '.repeat(20_000),
      `PREDICT COUNT(orders.*, 0, 7) FOR EACH users.user_id WHERE users.country = '${'\\u0041'.repeat(10_000)}'`,
    ];
    const huge = [
      'PREDICT COUNT(orders.*, 0, 99999999999, months) FOR EACH users.user_id',
      'PREDICT SUM(orders.amount, 0, 100000, months) FORECAST 10000 TIMEFRAMES FOR EACH users.user_id',
      'PREDICT COUNT(orders.*, 0, 7) FOR EACH users.user_id WHERE users.created_at > 9999-12-31 23:59:59',
      'PREDICT COUNT(orders.*, 0, 7) FOR EACH users.user_id WHERE users.created_at > 0001-01-01',
      'PREDICT COUNT(orders.*, 0, 100000, months) FOR EACH users.user_id',
    ];
    for (const q of [...cases, ...huge]) compileTimed(q);
    compileTimed('x'.repeat(200_000));
  });
});
