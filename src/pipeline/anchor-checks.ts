// SPDX-License-Identifier: Apache-2.0
// Warnings about the anchor time of a prediction, shared by batch predictions (the job's result
// and log) and synchronous ones (the REST answer's `warnings`). An anchor before the model's
// data or after the end of the data is well defined (nothing later than the anchor is seen) but
// most often a mistake: before, entities have no history; after, features stop at the data's
// last row, so the model sees a long silence that it never saw in training. An empty batch says
// why no entity qualified.
import { parseTimestampText } from '../control/pql/index.js';

/** What an anchor is compared with: the model's first training anchor and the data's end. */
export interface AnchorBounds {
  /** The first training anchor of the model's plan (`splits.train.first`), null when unknown. */
  firstTrainingAnchor: bigint | null;
  /** The latest timestamp of the data now (over every table's time column), null when none. */
  dataEnd: bigint | null;
}

/** A time in microseconds as an ISO 8601 instant. */
export function isoOf(micros: bigint): string {
  return new Date(Number(micros / 1000n)).toISOString();
}

/** The first training anchor recorded in a model's plan (JSON), or null. */
export function firstTrainingAnchor(plan: unknown): bigint | null {
  const p = (plan ?? {}) as { splits?: { train?: { first?: unknown } } | null };
  const first = p.splits?.train?.first;
  return typeof first === 'string' ? parseTimestampText(first) : null;
}

/** The warnings for predicting at `anchor` (microseconds since the epoch, UTC); see the file. */
export function anchorWarnings(anchor: bigint, bounds: AnchorBounds): string[] {
  const { firstTrainingAnchor: first, dataEnd: end } = bounds;
  const shown = isoOf(anchor);
  const warnings: string[] = [];
  if (first !== null && anchor < first) {
    warnings.push(
      `the anchor time ${shown} is before the model's data: its first training anchor is ` +
        `${isoOf(first)}${end === null ? '' : ` and the data ends at ${isoOf(end)}`}; a ` +
        'prediction there sees no history. Give an anchor time within that range, or none for ' +
        'the latest time in the data',
    );
  }
  if (end !== null && anchor > end) {
    warnings.push(
      `the anchor time ${shown} is after the end of the data (its latest timestamp is ` +
        `${isoOf(end)}): features stop there, so every entity is predicted from its history up ` +
        `to ${isoOf(end)} followed by a silence the model never saw in training. Give an anchor ` +
        'time up to the end of the data, or none for the latest time in the data',
    );
  }
  return warnings;
}

/**
 * Why a batch prediction has no rows: no entity passes the query's entity filter at the anchor,
 * or (no filter) none had been created by then. The advice follows the anchor's place: before
 * the model's data a later anchor, after the data's end an earlier one.
 */
export function emptyPredictionWarning(
  anchor: bigint,
  entity: { table: string; filter: string | null },
  bounds: AnchorBounds,
): string {
  const { firstTrainingAnchor: first, dataEnd: end } = bounds;
  const at = isoOf(anchor);
  const afterEnd = end !== null && anchor > end;
  const beforeData = first !== null && anchor < first;
  const after = afterEnd
    ? `; the data ends at ${isoOf(end)}, so windows after that hold no rows`
    : beforeData
      ? `; the model's first training anchor is ${isoOf(first)}`
      : '';
  const latest = 'or none for the latest time in the data';
  if (entity.filter === null) {
    return (
      `no entity was predicted: no ${entity.table} row had been created by ${at}${after}. Give ` +
      `a later anchor time, ${latest}`
    );
  }
  const advice = afterEnd
    ? `Give an earlier anchor time, ${latest}`
    : beforeData
      ? `Give a later anchor time, ${latest}`
      : `Give another anchor time, ${latest}`;
  return (
    `no entity was predicted: no ${entity.table} row passes the query's filter ` +
    `WHERE ${entity.filter} at ${at}${after}. ${advice}`
  );
}
