// SPDX-License-Identifier: Apache-2.0
// Text renderings of a run's evaluation for terminals: the model's metrics in one column and
// each baseline's beside it, so a user sees at a glance what the model adds.
import type { EvaluationJson } from './train.js';

/** Metric names first by the order of `lead` (the task's main metric), then as they come. */
function metricNames(ev: EvaluationJson, lead?: string): string[] {
  const names = Object.keys(ev.model);
  return lead !== undefined && names.includes(lead)
    ? [lead, ...names.filter((n) => n !== lead)]
    : names;
}

function cell(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  return Math.abs(v) >= 1000 ? v.toFixed(1) : v.toFixed(4);
}

/** Lines of a metrics table: one row per metric, columns model then baselines. */
export function formatEvaluation(ev: EvaluationJson, lead?: string): string[] {
  const header = ['metric', 'model', ...ev.baselines.map((b) => b.name)];
  const rows = metricNames(ev, lead).map((m) => [
    m,
    cell(ev.model[m]),
    ...ev.baselines.map((b) => cell(b.metrics[m])),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const lines = [line(header), ...rows.map(line)];
  for (const note of ev.notes) lines.push(`note: ${note}`);
  return lines;
}
