// SPDX-License-Identifier: Apache-2.0
// How the CLI shows a trained model: its test metrics next to the baselines, and the files it
// keeps (model file, HTML report). Shared by `prequel train` and `prequel models show`.
import type { ModelFiles } from '../../prequel.js';
import type { ModelRecord } from '../metadata/models.js';
import { plural } from '../../text/plural.js';

interface EvaluationLike {
  examples?: number;
  model?: Record<string, number | null>;
  baselines?: { name: string; metrics: Record<string, number | null> }[];
  notes?: string[];
}

/** The metrics a trained model records (see src/pipeline/train.ts ModelMetrics), loosely. */
interface MetricsLike {
  task?: string;
  metric?: string;
  test?: EvaluationLike;
  validation?: EvaluationLike;
  seconds?: number;
  trainingSeconds?: number;
  warnings?: string[];
}

function metricsOf(model: ModelRecord): MetricsLike {
  return model.metrics as MetricsLike;
}

function cell(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(4) : '-';
}

/** One split's metrics as aligned rows: metric, model, then one column per baseline. */
export function metricsTable(ev: EvaluationLike, indent = '  '): string[] {
  const model = ev.model ?? {};
  const baselines = ev.baselines ?? [];
  const header = ['metric', 'model', ...baselines.map((b) => b.name)];
  const rows = Object.keys(model).map((name) => [
    name,
    cell(model[name]),
    ...baselines.map((b) => cell(b.metrics[name])),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line), ...(ev.notes ?? []).map((n) => `${indent}note: ${n}`)];
}

/** The headline metric of a model on its test split, e.g. `auroc 0.7312`. */
export function headlineMetric(model: ModelRecord): string {
  const m = metricsOf(model);
  const name = m.metric ?? (m.task === 'regression' ? 'mae' : 'auroc');
  const value = m.test?.model?.[name];
  return typeof value === 'number' ? `${name} ${value.toFixed(4)}` : '-';
}

/**
 * How long a model took, as its report says it: the training (every configuration's epochs)
 * and the whole run (data, labels, training, evaluation); null when not recorded.
 */
export function trainingTime(m: { seconds?: number; trainingSeconds?: number }): string | null {
  if (typeof m.seconds !== 'number') return null;
  const total = `total ${m.seconds.toFixed(1)} s (data, labels, training, evaluation)`;
  if (typeof m.trainingSeconds !== 'number') return total;
  return `training ${m.trainingSeconds.toFixed(1)} s, ${total}`;
}

/** What `train` and `models show` print about a model. */
export function describeModel(model: ModelRecord, files: ModelFiles): string {
  const m = metricsOf(model);
  const plan = model.plan as { query?: string; entity?: { table?: string; key?: string } };
  const lines = [`model ${model.id} (${model.name})`];
  if (plan.query !== undefined) lines.push(`  query       ${plan.query}`);
  if (m.task !== undefined) lines.push(`  task        ${m.task}`);
  if (plan.entity?.table !== undefined) {
    lines.push(`  entity      ${plan.entity.table}.${plan.entity.key ?? ''}`);
  }
  lines.push(`  created     ${model.createdAt}`);
  const time = trainingTime(m);
  if (time !== null) lines.push(`  time        ${time}`);
  if (m.test !== undefined) {
    const examples =
      m.test.examples === undefined ? '' : ` (${plural(m.test.examples, 'example')})`;
    lines.push('', `test metrics${examples}:`, ...metricsTable(m.test));
  }
  if (m.warnings !== undefined && m.warnings.length > 0) {
    lines.push('', 'warnings:', ...m.warnings.map((w) => `  ${w}`));
  }
  lines.push('', `  model id    ${model.id}`);
  lines.push(`  report      ${files.report ?? '-'}`);
  lines.push(`  model file  ${files.model}`);
  return `${lines.join('\n')}\n`;
}
