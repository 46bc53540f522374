// SPDX-License-Identifier: Apache-2.0
// explainPlan in text and JSON, and the Snowflake dialect of the same plan: identifiers quoted,
// every literal bound as a parameter, never spliced into the SQL text.
import { describe, expect, it } from 'vitest';
import { explainPlan, planToJson } from '../../src/control/pql/explain.js';
import { compilePlan } from '../../src/control/pql/plan.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { TOY_GRAPH } from './random-db.js';

const ts = (s: string) => parseTimestampText(s)!;
const timeRange = { start: ts('2023-01-01'), end: ts('2024-06-01') };
const QUERY = `PREDICT COUNT(orders.* WHERE orders.status = 'done', 0, 30, days) > 2
FOR EACH users.user_id WHERE users.country = 'secret-country' AND COUNT(visits.*, -30, 0) > 0
ASSUMING COUNT(visits.*, 0, 7) >= 1`;

describe('explain', () => {
  it('prints task, entity set, anchors and split sizes, SQL and defaults as text', () => {
    const plan = compilePlan(QUERY, TOY_GRAPH, { timeRange });
    const text = explainPlan(plan);
    expect(text).toContain('binary_classification');
    expect(text).toContain("users.user_id WHERE users.country = 'secret-country'");
    expect(text).toMatch(/train\s+\d+ anchors/);
    expect(text).toMatch(/validation\s+\d+ anchors/);
    expect(text).toMatch(/test\s+\d+ anchors/);
    expect(text).toContain('sql (train labels, duckdb)');
    expect(text).toContain('"fanouts":[128,64]');
    expect(text).toContain('hetero-graphsage');
    expect(text).toContain('predict     anchor 2024-06-01 00:00:00');
  });

  it('prints the same plan as JSON for machines', () => {
    const plan = compilePlan(QUERY, TOY_GRAPH, { timeRange });
    const json = JSON.parse(explainPlan(plan, { json: true }));
    expect(json).toEqual(JSON.parse(JSON.stringify(planToJson(plan))));
    expect(json.task.type).toBe('binary_classification');
    const s = json.splits;
    expect(s.train.anchors + s.validation.anchors + s.test.anchors).toBe(17);
    expect(s.test.anchors).toBe(2);
    expect(s.validation.anchors).toBe(2);
    expect(json.splits.train.sql.params).toContain('secret-country');
    expect(json.prediction.anchor).toBe('2024-06-01 00:00:00');
  });

  it('reports warnings of the plan', () => {
    const plan = compilePlan(
      'PREDICT COUNT(orders.*, 0, 30, days) FOR EACH users.user_id',
      TOY_GRAPH,
      { timeRange, step: { n: 10, unit: 'days' } },
    );
    expect(explainPlan(plan)).toContain('[PQL_WINDOW_CLIPPED]');
  });

  it('explains static queries', () => {
    const text = explainPlan(
      compilePlan('PREDICT users.age FOR EACH users.user_id', TOY_GRAPH, {
        requireTrainable: false,
      }),
    );
    expect(text).toContain('static query');
    expect(text).toContain('regression');
  });
});

describe('SQL dialects', () => {
  for (const dialect of ['duckdb', 'snowflake'] as const) {
    it(`${dialect}: identifiers quoted, literals bound, never spliced`, () => {
      const plan = compilePlan(
        QUERY.replace('secret-country', "it\\'s; DROP TABLE users; --"),
        TOY_GRAPH,
        { timeRange, dialect },
      );
      for (const s of [plan.splits!.train.sql, plan.splits!.test.sql, plan.prediction.sql]) {
        expect(s.sql).not.toContain('DROP TABLE');
        expect(s.sql).not.toContain("'done'");
        expect(s.sql).toContain('"users"');
        expect(s.sql).toContain('"visits"');
        expect(s.sql).toContain('"user_id"');
        expect(s.sql).not.toMatch(/\b2024-/);
        const marker = dialect === 'duckdb' ? /\$(\d+)/g : /:(\d+)/g;
        const used = new Set([...s.sql.matchAll(marker)].map((m) => Number(m[1])));
        expect(used.size).toBe(s.params.length);
        expect(Math.max(...used)).toBe(s.params.length);
      }
      expect(plan.splits!.train.sql.sql).toContain('"orders"');
      expect(plan.splits!.train.sql.params).toContain("it's; DROP TABLE users; --");
      if (dialect === 'snowflake') {
        expect(plan.splits!.train.sql.sql).toContain("DATEADD('microsecond'");
        expect(plan.splits!.train.sql.sql).toContain('ARRAY_GENERATE_RANGE');
      }
    });
  }
});
