// SPDX-License-Identifier: Apache-2.0
// Anchor times and splits: the default fractions, the explicit (RelBench) form, windows that
// cross a split boundary (clipped with a warning, or rejected), and data that ends before the
// last validation window closes (exactly equal, 1 microsecond short, 1 microsecond over).
import { describe, expect, it } from 'vitest';
import { PrequelError } from '../../src/errors/index.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { compilePlan } from '../../src/control/pql/plan.js';
import { type SplitInput, anchorAt, anchorsOf, planSplits } from '../../src/control/pql/splits.js';
import { addDuration } from '../../src/control/pql/time.js';
import { TOY_GRAPH } from './random-db.js';

const ts = (s: string) => parseTimestampText(s)!;
const WEEK = { n: 7, unit: 'days' as const };
const US = 1n;

function base(over: Partial<SplitInput> = {}): SplitInput {
  return {
    horizon: WEEK,
    step: WEEK,
    dataStart: ts('2024-01-01'),
    dataEnd: ts('2024-12-31'),
    options: { kind: 'fractions' },
    boundary: 'clip',
    allowPartialWindow: false,
    ...over,
  };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof PrequelError) return err.code;
    throw err;
  }
  return 'none';
}

describe('default split by fractions of the anchors', () => {
  it('steps back from the data end by the window; most recent anchors are test', () => {
    const plan = planSplits(base());
    const all = [...anchorsOf(plan.train), ...anchorsOf(plan.validation), ...anchorsOf(plan.test)];
    expect(all.length).toBe(52);
    expect([plan.train.count, plan.validation.count, plan.test.count]).toEqual([42, 5, 5]);
    expect(anchorAt(plan.test, 0)).toBe(ts('2024-12-24'));
    const maxTrain = anchorsOf(plan.train).reduce((a, b) => (a > b ? a : b));
    const minVal = anchorsOf(plan.validation).reduce((a, b) => (a < b ? a : b));
    const maxVal = anchorsOf(plan.validation).reduce((a, b) => (a > b ? a : b));
    const minTest = anchorsOf(plan.test).reduce((a, b) => (a < b ? a : b));
    expect(addDuration(maxTrain, WEEK)).toBeLessThanOrEqual(minVal);
    expect(addDuration(maxVal, WEEK)).toBeLessThanOrEqual(minTest);
    expect(plan.cutoff).toBe(minTest);
    expect(plan.warnings).toEqual([]);
  });

  it('needs at least three anchors and fractions that sum to 1', () => {
    expect(codeOf(() => planSplits(base({ dataEnd: ts('2024-01-15') })))).toBe(
      'PQL_TOO_FEW_ANCHORS',
    );
    expect(
      codeOf(() =>
        planSplits(
          base({ options: { kind: 'fractions', train: 0.5, validation: 0.1, test: 0.1 } }),
        ),
      ),
    ).toBe('PQL_PLAN_OPTION');
    expect(codeOf(() => planSplits(base({ options: { kind: 'fractions', test: 0 } })))).toBe(
      'PQL_PLAN_OPTION',
    );
    expect(codeOf(() => planSplits(base({ step: { n: 0, unit: 'days' } })))).toBe(
      'PQL_PLAN_OPTION',
    );
  });

  it('a step shorter than the window: crossing windows are clipped with a warning, or rejected', () => {
    const plan = planSplits(base({ step: { n: 2, unit: 'days' } }));
    expect(plan.warnings.map((w) => w.code)).toEqual(['PQL_WINDOW_CLIPPED', 'PQL_WINDOW_CLIPPED']);
    expect(plan.warnings[0].severity).toBe('warning');
    const firstTest = anchorsOf(plan.test).reduce((a, b) => (a < b ? a : b));
    for (const a of anchorsOf(plan.validation))
      expect(addDuration(a, WEEK)).toBeLessThanOrEqual(firstTest);
    const firstVal = anchorsOf(plan.validation).reduce((a, b) => (a < b ? a : b));
    for (const a of anchorsOf(plan.train))
      expect(addDuration(a, WEEK)).toBeLessThanOrEqual(firstVal);
    expect(
      codeOf(() => planSplits(base({ step: { n: 2, unit: 'days' }, boundary: 'reject' }))),
    ).toBe('PQL_WINDOW_CROSSES_SPLIT');
  });
});

describe('explicit validation and test starts (the RelBench protocol)', () => {
  const V = ts('2024-06-01');
  const T = ts('2024-09-01');
  const explicit = (over: Record<string, unknown> = {}) =>
    base({
      options: {
        kind: 'explicit',
        validationStart: V,
        testStart: T,
        evalAnchors: 40,
        ...over,
      } as never,
    });

  it('train walks back from V - window; validation stops where windows reach T', () => {
    const plan = planSplits(explicit());
    expect(anchorAt(plan.train, 0)).toBe(ts('2024-05-25'));
    expect(plan.train.count).toBe(21);
    expect(plan.validation.count).toBe(13);
    expect(addDuration(anchorAt(plan.validation, 12), WEEK)).toBeLessThanOrEqual(T);
    // 27 validation anchors reach T; test anchors past the data end are dropped too.
    expect(plan.warnings.map((w) => w.code)).toEqual(['PQL_WINDOW_CLIPPED', 'PQL_WINDOW_CLIPPED']);
    expect(plan.warnings[0].message).toContain('2024-09-01 00:00:00');
    expect(plan.warnings[1].message).toContain('test');
    expect(plan.cutoff).toBe(T);
  });

  it('rejects crossing windows in reject mode, and out-of-order boundaries', () => {
    expect(codeOf(() => planSplits({ ...explicit(), boundary: 'reject' }))).toBe(
      'PQL_WINDOW_CROSSES_SPLIT',
    );
    expect(codeOf(() => planSplits({ ...explicit({ evalAnchors: 13 }), boundary: 'reject' }))).toBe(
      'none',
    );
    expect(codeOf(() => planSplits(explicit({ validationStart: T })))).toBe('PQL_SPLIT_ORDER');
    expect(codeOf(() => planSplits(explicit({ cutoff: ts('2024-01-01') })))).toBe(
      'PQL_SPLIT_ORDER',
    );
    expect(codeOf(() => planSplits(explicit({ evalAnchors: 0 })))).toBe('PQL_PLAN_OPTION');
    expect(codeOf(() => planSplits(explicit({ validationStart: ts('2024-01-03') })))).toBe(
      'PQL_SPLIT_EMPTY',
    );
  });

  // Test anchors T, T + step, ... (E of them) whose window closes after the data end are
  // dropped with PQL_WINDOW_CLIPPED, as validation anchors whose window crosses T are.
  it.each([
    // evalAnchors, data end, test anchors kept, test anchors dropped
    [1, '2024-12-31', 1, 0],
    [3, '2024-12-31', 3, 0],
    [40, '2024-12-31', 17, 23],
    [40, '2024-10-14', 6, 34],
    [2, '2024-09-08', 1, 1],
    [2, '2024-09-15', 2, 0],
  ] as const)('E=%i, data ending %s: %i test anchors, %i dropped', (e, end, kept, dropped) => {
    const plan = planSplits({ ...explicit({ evalAnchors: e }), dataEnd: ts(end) });
    expect(plan.test.count).toBe(kept);
    const clipped = plan.warnings.filter((w) => w.message.includes(' test anchor'));
    expect(clipped.map((w) => w.code)).toEqual(dropped === 0 ? [] : ['PQL_WINDOW_CLIPPED']);
    if (dropped > 0) {
      expect(clipped[0]!.message).toMatch(new RegExp(`^${dropped} test anchors? dropped`));
      expect(clipped[0]!.message).toContain(`data end boundary ${end} 00:00:00`);
    }
  });

  it('warns about dropped test anchors as about dropped validation anchors (30-day windows)', () => {
    const plan = planSplits({
      ...base({ horizon: { n: 30, unit: 'days' }, step: { n: 30, unit: 'days' } }),
      dataEnd: ts('2024-12-30'),
      options: {
        kind: 'explicit',
        validationStart: ts('2024-06-01'),
        testStart: ts('2024-10-01'),
        evalAnchors: 10,
      },
    });
    expect([plan.validation.count, plan.test.count]).toEqual([4, 3]);
    expect(plan.warnings.map((w) => [w.code, w.severity, w.message.split(':')[0]])).toEqual([
      ['PQL_WINDOW_CLIPPED', 'warning', '6 validation anchors dropped'],
      ['PQL_WINDOW_CLIPPED', 'warning', '7 test anchors dropped'],
    ]);
    expect(plan.warnings[1]!.message).toContain('the last kept anchor is 2024-11-30 00:00:00');
  });

  it('warns about dropped test anchors in reject mode too (no split follows the test split)', () => {
    const plan = planSplits({
      ...base({ horizon: { n: 30, unit: 'days' }, step: { n: 30, unit: 'days' } }),
      dataEnd: ts('2024-12-01'),
      boundary: 'reject',
      options: {
        kind: 'explicit',
        validationStart: ts('2024-06-01'),
        testStart: ts('2024-10-01'),
        evalAnchors: 3,
      },
    });
    expect([plan.validation.count, plan.test.count]).toEqual([3, 2]);
    expect(plan.warnings.map((w) => w.code)).toEqual(['PQL_WINDOW_CLIPPED']);
    expect(plan.warnings[0]!.message).toMatch(/^1 test anchor dropped/);
  });

  describe('data ending before the last validation window closes', () => {
    const lastValEnd = ts('2024-06-22'); // anchors 06-01, 06-08, 06-15; the last window closes 06-22
    const withCutoff = (cutoff: bigint, allow = false) =>
      ({ ...explicit({ evalAnchors: 3, cutoff }), allowPartialWindow: allow }) as SplitInput;

    it('exactly equal is fine', () => {
      expect(planSplits(withCutoff(lastValEnd)).warnings).toEqual([]);
    });

    it('1 microsecond over is fine', () => {
      expect(planSplits(withCutoff(lastValEnd + US)).warnings).toEqual([]);
    });

    it('1 microsecond short fails with both timestamps and the gap', () => {
      let error: PrequelError | null = null;
      try {
        planSplits(withCutoff(lastValEnd - US));
      } catch (err) {
        error = err as PrequelError;
      }
      expect(error?.code).toBe('PQL_DATA_ENDS_BEFORE_WINDOW');
      expect(error?.details).toMatchObject({
        split: 'validation',
        windowEnd: '2024-06-22 00:00:00',
        dataEnd: '2024-06-21 23:59:59.999999',
        gap: '1 microsecond',
      });
      expect(error?.message).toContain('2024-06-21 23:59:59.999999');
    });

    it('1 microsecond short with allowPartialWindow keeps the window with a warning', () => {
      const plan = planSplits(withCutoff(lastValEnd - US, true));
      expect(plan.validation.count).toBe(3);
      expect(plan.warnings.map((w) => [w.code, w.severity])).toEqual([
        ['PQL_PARTIAL_WINDOW', 'warning'],
      ]);
    });

    it('the data itself ending a few minutes early', () => {
      const dataEnd = lastValEnd - 5n * 60_000_000n;
      const input = { ...explicit({ evalAnchors: 3, testStart: ts('2024-06-22') }), dataEnd };
      let error: PrequelError | null = null;
      try {
        planSplits(input);
      } catch (err) {
        error = err as PrequelError;
      }
      expect(error?.details).toMatchObject({ gap: '5 minutes', dataEnd: '2024-06-21 23:55:00' });
      // The test window starts after the data ends: it holds no data at all, which
      // allowPartialWindow does not excuse (it keeps windows that start before the data ends).
      expect(() => planSplits({ ...input, allowPartialWindow: true })).toThrow(
        expect.objectContaining({ code: 'PQL_WINDOW_AFTER_DATA' }),
      );
    });
  });
});

describe('plans', () => {
  const timeRange = { start: ts('2024-01-01'), end: ts('2024-12-31') };

  it('temporal plans need the data time range', () => {
    expect(
      codeOf(() =>
        compilePlan('PREDICT COUNT(orders.*, 0, 7, days) FOR EACH users.user_id', TOY_GRAPH),
      ),
    ).toBe('PQL_NO_TIME_RANGE');
  });

  it('the prediction anchor is the latest timestamp of the target tables, or the one given', () => {
    const query = 'PREDICT COUNT(orders.*, 0, 7, days) FOR EACH users.user_id';
    const tables = {
      orders: { start: ts('2024-01-01'), end: ts('2024-11-30') },
      visits: timeRange,
    };
    expect(
      compilePlan(query, TOY_GRAPH, { timeRange: { ...timeRange, tables } }).prediction.anchor,
    ).toBe(ts('2024-11-30'));
    expect(
      compilePlan(query, TOY_GRAPH, { timeRange, predictionAnchor: ts('2024-05-05') }).prediction
        .anchor,
    ).toBe(ts('2024-05-05'));
  });

  it('train and validation label SQL bind the data cutoff; test SQL does not', () => {
    const plan = compilePlan(
      'PREDICT COUNT(orders.*, 0, 7, days) FOR EACH users.user_id',
      TOY_GRAPH,
      { timeRange },
    );
    const s = plan.splits!;
    expect(s.train.sql.params).toContain(s.cutoff);
    expect(s.validation.sql.params).toContain(s.cutoff);
    expect(s.test.sql.params).not.toContain(s.cutoff);
  });

  it('FORECAST n multiplies the horizon; static queries have no anchors', () => {
    const plan = compilePlan(
      'PREDICT SUM(orders.amount, 0, 7, days) FORECAST 4 TIMEFRAMES FOR EACH users.user_id',
      TOY_GRAPH,
      { timeRange, requireTrainable: false },
    );
    expect(plan.target.horizon).toEqual({ n: 28, unit: 'days' });
    expect(plan.splits!.test.sql.columns).toEqual(['entity_id', 'anchor_time', 'horizon', 'label']);
    const st = compilePlan('PREDICT users.age FOR EACH users.user_id', TOY_GRAPH, {
      requireTrainable: false,
    });
    expect(st.splits).toBeNull();
    expect(st.staticLabels!.columns).toContain('split');
    expect(st.prediction.anchor).toBeNull();
  });
});
