// SPDX-License-Identifier: Apache-2.0
// Simple baselines computed on the same split as the model, so a user sees what the model adds:
// a constant from the training labels (majority class, mean, median), the entity's own past
// label, and for ranking the most popular items or the entity's own past items.
//
// Temporal rule: a past label is usable at anchor t only if its window closed by t, that is
// anchor + windowEnd <= t. Labels whose window is still open at t are in the future.

/** One labelled example: entity key, anchor time (ms since the epoch) and label. */
export interface LabelledExample<L> {
  entity: string;
  anchor: number;
  label: L;
}

/** An example to score: entity key and anchor time. */
export interface Query {
  entity: string;
  anchor: number;
}

export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length === 0 ? 0 : s / values.length;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The constant prediction for every query (majority rate, mean or median of training labels). */
export function constantBaseline(value: number, queries: readonly Query[]): Float64Array {
  return new Float64Array(queries.length).fill(value);
}

/**
 * Per query, the mean of the entity's past labels whose window closed by the query's anchor
 * (`windowMs` = anchor to window end), or `fallback` for entities with no such label.
 * `history` need not be sorted.
 */
export function pastValueBaseline(
  history: readonly LabelledExample<number>[],
  queries: readonly Query[],
  windowMs: number,
  fallback: number,
): Float64Array {
  const byEntity = groupByEntity(history);
  const out = new Float64Array(queries.length);
  queries.forEach((q, i) => {
    const past = (byEntity.get(q.entity) ?? []).filter((e) => e.anchor + windowMs <= q.anchor);
    out[i] = past.length === 0 ? fallback : mean(past.map((e) => e.label));
  });
  return out;
}

/**
 * Ranking: the k items that occur most often in labels whose window closed by the earliest
 * query anchor, the same list for every query (ties broken by item key for determinism).
 */
export function popularItemsBaseline<T extends string | number | bigint>(
  history: readonly LabelledExample<readonly T[]>[],
  queries: readonly Query[],
  windowMs: number,
  k: number,
): T[][] {
  // A loop, not Math.min(...): a spread of many queries overflows the call stack.
  let cutoff = Infinity;
  for (const q of queries) cutoff = Math.min(cutoff, q.anchor);
  const counts = new Map<T, number>();
  for (const e of history) {
    if (e.anchor + windowMs > cutoff) continue;
    for (const item of new Set(e.label)) counts.set(item, (counts.get(item) ?? 0) + 1);
  }
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || compareKeys(a[0], b[0]))
    .slice(0, k)
    .map(([item]) => item);
  return queries.map(() => top);
}

/**
 * Ranking: the entity's own items from labels whose window closed by the query's anchor, most
 * frequent first, padded with the popular items up to k.
 */
export function pastItemsBaseline<T extends string | number | bigint>(
  history: readonly LabelledExample<readonly T[]>[],
  queries: readonly Query[],
  windowMs: number,
  k: number,
): T[][] {
  const popular = popularItemsBaseline(history, queries, windowMs, k)[0] ?? [];
  const byEntity = groupByEntity(history);
  return queries.map((q) => {
    const counts = new Map<T, number>();
    for (const e of byEntity.get(q.entity) ?? []) {
      if (e.anchor + windowMs > q.anchor) continue;
      for (const item of new Set(e.label)) counts.set(item, (counts.get(item) ?? 0) + 1);
    }
    const own = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || compareKeys(a[0], b[0]))
      .map(([item]) => item);
    for (const item of popular) {
      if (own.length >= k) break;
      if (!counts.has(item)) own.push(item);
    }
    return own.slice(0, k);
  });
}

function groupByEntity<L>(
  history: readonly LabelledExample<L>[],
): Map<string, LabelledExample<L>[]> {
  const byEntity = new Map<string, LabelledExample<L>[]>();
  for (const e of history) {
    const list = byEntity.get(e.entity);
    if (list) list.push(e);
    else byEntity.set(e.entity, [e]);
  }
  return byEntity;
}

function compareKeys(a: string | number | bigint, b: string | number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
