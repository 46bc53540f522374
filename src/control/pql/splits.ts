// SPDX-License-Identifier: Apache-2.0
// Anchor times and the train / validation / test split of a temporal query.
//
// Two forms. Fractions (default 0.8/0.1/0.1): anchors step back from `dataEnd - horizon` by the
// step while they are >= dataStart; the most recent are test, the ones before validation, the
// rest train. Explicit: the RelBench protocol (relbench.md §1, §4b) with validation start V,
// test start T, E evaluation anchors and a data cutoff C (default T):
//   train = V - horizon, stepping back while >= dataStart;
//   validation = V, V + step, ... at most E, keeping only windows that close by T;
//   test = T, T + step, ... at most E, keeping only windows that close by dataEnd.
// A window of an earlier split that would close after the next split's first anchor is clipped
// (the anchor dropped, warning PQL_WINDOW_CLIPPED) or, with boundary 'reject', an error
// (PQL_WINDOW_CROSSES_SPLIT). Test anchors of the E whose windows close after dataEnd are
// dropped with the same warning (in either boundary mode: no split follows). A validation
// window closing after the visible data end (min(dataEnd, C)) is PQL_DATA_ENDS_BEFORE_WINDOW
// unless allowPartialWindow (then a warning).
// allowPartialWindow keeps only a window that starts before that end and runs past it: an
// anchor at or after it has a window with no data at all (PQL_WINDOW_AFTER_DATA, flag or not).
import { prequelError } from '../../errors/index.js';
import { type Diagnostic, planDiagnostic } from './diagnostics.js';
import { type Duration, addDuration, formatDuration, formatGap, formatTimestamp } from './time.js';

/** Anchors `base + (start + i) * step` for i in [0, count). */
export interface AnchorSeries {
  base: bigint;
  step: Duration;
  start: number;
  count: number;
}

export type SplitOptions =
  | { kind: 'fractions'; train?: number; validation?: number; test?: number }
  | {
      kind: 'explicit';
      validationStart: bigint;
      testStart: bigint;
      /** Evaluation anchors per split (RelBench num_eval_timestamps); default 1. */
      evalAnchors?: number;
      /** Rows later than this are invisible to training and validation; default testStart. */
      cutoff?: bigint;
      /** Keep a last window that closes after the data ends (see SplitInput). */
      allowPartialWindow?: boolean;
    };

export interface SplitPlan {
  kind: 'fractions' | 'explicit';
  train: AnchorSeries;
  validation: AnchorSeries;
  test: AnchorSeries;
  /** Data visible to training and validation inputs ends here (inclusive). */
  cutoff: bigint;
  warnings: Diagnostic[];
}

export interface SplitInput {
  /** End offset of the latest target window (the label horizon). */
  horizon: Duration;
  step: Duration;
  dataStart: bigint;
  dataEnd: bigint;
  options: SplitOptions;
  boundary: 'clip' | 'reject';
  /**
   * Explicit splits: a last validation or test window closing after the data ends is kept with
   * the warning PQL_PARTIAL_WINDOW instead of failing with PQL_DATA_ENDS_BEFORE_WINDOW.
   */
  allowPartialWindow: boolean;
}

const MAX_ANCHORS = 1_000_000;

export function anchorAt(s: AnchorSeries, i: number): bigint {
  return addDuration(s.base, s.step, s.start + i);
}

export function anchorsOf(s: AnchorSeries): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < s.count; i++) out.push(anchorAt(s, i));
  return out;
}

/** Number of anchors base + k*step (k >= 0) that satisfy `ok`, which must be monotone in k. */
function countWhile(
  base: bigint,
  step: Duration,
  limit: number,
  ok: (t: bigint) => boolean,
): number {
  let k = 0;
  while (k < limit && ok(addDuration(base, step, k))) k++;
  if (k === MAX_ANCHORS) {
    throw prequelError('PQL_PLAN_OPTION', {
      option: 'step',
      received: formatDuration(step),
      expected: `a step giving at most ${MAX_ANCHORS} anchors`,
    });
  }
  return k;
}

function neg(d: Duration): Duration {
  return { n: -d.n, unit: d.unit };
}

/** Plans anchors and splits; throws PQL_* errors, returns warnings on the plan. */
export function planSplits(input: SplitInput): SplitPlan {
  const { horizon, step, dataStart, dataEnd, options } = input;
  if (!(step.n > 0) || !Number.isInteger(step.n) || step.n > 1_000_000) {
    throw prequelError('PQL_PLAN_OPTION', {
      option: 'step',
      received: formatDuration(step),
      expected: 'a positive integer step of at most 1000000 units',
    });
  }
  const end = (a: bigint) => addDuration(a, horizon);
  const warnings: Diagnostic[] = [];
  if (options.kind === 'fractions') return planFractions(input, end, warnings);

  const { validationStart: V, testStart: T } = options;
  const evalAnchors = options.evalAnchors ?? 1;
  const cutoff = options.cutoff ?? T;
  if (!Number.isInteger(evalAnchors) || evalAnchors < 1) {
    throw prequelError('PQL_PLAN_OPTION', {
      option: 'evalAnchors',
      received: evalAnchors,
      expected: 'a positive integer',
    });
  }
  if (!(V < T)) {
    throw prequelError('PQL_SPLIT_ORDER', {
      reason:
        `validation start ${formatTimestamp(V)} ` +
        `is not before test start ${formatTimestamp(T)}`,
    });
  }
  if (cutoff < V) {
    throw prequelError('PQL_SPLIT_ORDER', {
      reason:
        `data cutoff ${formatTimestamp(cutoff)} ` +
        `is before validation start ${formatTimestamp(V)}`,
    });
  }
  const trainBase = addDuration(V, neg(horizon));
  const trainCount = countWhile(trainBase, neg(step), MAX_ANCHORS, (t) => t >= dataStart);
  if (trainCount === 0) {
    throw prequelError('PQL_SPLIT_EMPTY', {
      split: 'train',
      reason:
        `the first training anchor ${formatTimestamp(trainBase)} ` +
        `is before the data start ${formatTimestamp(dataStart)}`,
    });
  }
  const train: AnchorSeries = { base: trainBase, step: neg(step), start: 0, count: trainCount };

  const valFit = countWhile(V, step, evalAnchors, (t) => end(t) <= T);
  const validation: AnchorSeries = { base: V, step, start: 0, count: valFit };
  if (valFit < evalAnchors)
    boundary(
      input,
      warnings,
      valFit === 0 ? null : anchorAt(validation, valFit - 1),
      evalAnchors - valFit,
      'validation',
      'test',
      T,
      end(addDuration(V, step, evalAnchors - 1)),
    );
  if (validation.count === 0) {
    throw prequelError('PQL_SPLIT_EMPTY', {
      split: 'validation',
      reason:
        `its first window closes at ${formatTimestamp(end(V))}, ` +
        `after the test start ${formatTimestamp(T)}`,
    });
  }
  const visible = dataEnd < cutoff ? dataEnd : cutoff;
  const lastValidation = anchorAt(validation, validation.count - 1);
  partial(input, warnings, 'validation', lastValidation, end(lastValidation), visible);

  let testCount = countWhile(T, step, evalAnchors, (t) => end(t) <= dataEnd);
  if (testCount === 0) {
    partial(input, warnings, 'test', T, end(T), dataEnd);
    testCount = 1;
  }
  const test: AnchorSeries = { base: T, step, start: 0, count: testCount };
  if (testCount < evalAnchors) {
    const details = {
      count: evalAnchors - testCount,
      split: 'test',
      next: 'data end',
      boundary: formatTimestamp(dataEnd),
      windowEnd: formatTimestamp(end(addDuration(T, step, evalAnchors - 1))),
      lastAnchor: formatTimestamp(anchorAt(test, testCount - 1)),
    };
    warnings.push(planDiagnostic('PQL_WINDOW_CLIPPED', details, 'warning'));
  }
  return { kind: 'explicit', train, validation, test, cutoff, warnings };
}

function planFractions(
  input: SplitInput,
  end: (a: bigint) => bigint,
  warnings: Diagnostic[],
): SplitPlan {
  const { horizon, step, dataStart, dataEnd } = input;
  const options = input.options as Extract<SplitOptions, { kind: 'fractions' }>;
  const ft = options.test ?? 0.1;
  const fv = options.validation ?? 0.1;
  const ftr = options.train ?? 1 - ft - fv;
  for (const [option, value] of [
    ['train', ftr],
    ['validation', fv],
    ['test', ft],
  ] as const) {
    if (!(value > 0 && value < 1)) {
      throw prequelError('PQL_PLAN_OPTION', {
        option,
        received: value,
        expected: 'a fraction in (0, 1)',
      });
    }
  }
  if (Math.abs(ftr + fv + ft - 1) > 1e-9) {
    throw prequelError('PQL_PLAN_OPTION', {
      option: 'split fractions',
      received: [ftr, fv, ft],
      expected: 'fractions summing to 1',
    });
  }
  const base = addDuration(dataEnd, { n: -horizon.n, unit: horizon.unit });
  const back = neg(step);
  const n = countWhile(base, back, MAX_ANCHORS, (t) => t >= dataStart);
  const nTest = Math.max(1, Math.round(n * ft));
  const nVal = Math.max(1, Math.round(n * fv));
  if (n < 3 || n - nTest - nVal < 1) {
    throw prequelError('PQL_TOO_FEW_ANCHORS', {
      received: n,
      expected: 3,
      dataStart: formatTimestamp(dataStart),
      dataEnd: formatTimestamp(dataEnd),
      step: formatDuration(step),
    });
  }
  // Walking back from the most recent anchor: [0, nTest) test, then validation, then train.
  const test: AnchorSeries = { base, step: back, start: 0, count: nTest };
  const validation: AnchorSeries = { base, step: back, start: nTest, count: nVal };
  const train: AnchorSeries = { base, step: back, start: nTest + nVal, count: n - nTest - nVal };
  const testStart = anchorAt(test, nTest - 1);
  clipRecent(input, warnings, validation, end, testStart, 'validation', 'test');
  const valStart = anchorAt(validation, validation.count - 1);
  clipRecent(input, warnings, train, end, valStart, 'train', 'validation');
  for (const [split, s] of [
    ['train', train],
    ['validation', validation],
  ] as const) {
    if (s.count === 0) {
      throw prequelError('PQL_SPLIT_EMPTY', {
        split,
        reason:
          'every window crosses the next split; ' +
          `use a step of at least ${formatDuration(horizon)}`,
      });
    }
  }
  return { kind: 'fractions', train, validation, test, cutoff: testStart, warnings };
}

/** Drops the most recent anchors of a walk-back series whose window closes after `next`. */
function clipRecent(
  input: SplitInput,
  warnings: Diagnostic[],
  s: AnchorSeries,
  end: (a: bigint) => bigint,
  next: bigint,
  split: string,
  nextName: string,
): void {
  let dropped = 0;
  while (dropped < s.count && end(anchorAt(s, dropped)) > next) dropped++;
  if (dropped === 0) return;
  const windowEnd = end(anchorAt(s, 0));
  s.start += dropped;
  s.count -= dropped;
  const lastKept = s.count > 0 ? anchorAt(s, 0) : null;
  boundary(input, warnings, lastKept, dropped, split, nextName, next, windowEnd);
}

function boundary(
  input: SplitInput,
  warnings: Diagnostic[],
  lastKept: bigint | null,
  count: number,
  split: string,
  next: string,
  at: bigint,
  windowEnd: bigint,
): void {
  const details = {
    count,
    split,
    next,
    boundary: formatTimestamp(at),
    windowEnd: formatTimestamp(windowEnd),
    lastAnchor: lastKept === null ? 'none' : formatTimestamp(lastKept),
  };
  if (input.boundary === 'reject') throw prequelError('PQL_WINDOW_CROSSES_SPLIT', details);
  warnings.push(planDiagnostic('PQL_WINDOW_CLIPPED', details, 'warning'));
}

function partial(
  input: SplitInput,
  warnings: Diagnostic[],
  split: string,
  anchor: bigint,
  windowEnd: bigint,
  dataEnd: bigint,
): void {
  if (windowEnd <= dataEnd) return;
  if (anchor >= dataEnd) {
    throw prequelError('PQL_WINDOW_AFTER_DATA', {
      split,
      anchor: formatTimestamp(anchor),
      windowEnd: formatTimestamp(windowEnd),
      dataEnd: formatTimestamp(dataEnd),
      flag: split === 'test' ? '--test-start' : '--validation-start',
    });
  }
  const details = {
    split,
    windowEnd: formatTimestamp(windowEnd),
    dataEnd: formatTimestamp(dataEnd),
    gap: formatGap(windowEnd - dataEnd),
  };
  if (!input.allowPartialWindow) throw prequelError('PQL_DATA_ENDS_BEFORE_WINDOW', details);
  warnings.push(planDiagnostic('PQL_PARTIAL_WINDOW', details, 'warning'));
}
