// SPDX-License-Identifier: Apache-2.0
// Renders the report of a training run as one self-contained HTML file: the query and plan,
// split sizes, metrics next to baselines, learning curves, a task-specific evaluation plot
// (ROC and precision-recall for classification, residuals for regression, precision@k for
// ranking) and the label distribution. Inline CSS and SVG only: no scripts, no network.
import { barChart, escapeHtml, lineChart, PALETTE, type Series } from './charts.js';
import { plural } from '../text/plural.js';

export type ReportTask =
  'binary' | 'multiclass' | 'multilabel' | 'regression' | 'ranking' | 'forecasting';

export interface ReportSplit {
  name: string;
  anchors: number;
  examples: number;
  /** Positive rate (classification) or mean label (regression), when known. */
  labelSummary?: string;
}

export interface ReportMetrics {
  split: string;
  /** Metric name to value; null where undefined (its reason goes in `notes`). */
  model: Record<string, number | null>;
  baselines: { name: string; values: Record<string, number | null> }[];
  notes?: string[];
}

export interface ReportEpoch {
  /** The trainer's epoch index, from 0; the report shows epochs counted from 1. */
  epoch: number;
  trainLoss: number;
  validation: number | null;
  seconds: number;
}

/** Test-split outputs used for the evaluation plot and the label distribution. */
export type ReportOutputs =
  | { kind: 'binary'; labels: number[]; scores: number[] }
  | { kind: 'multiclass'; labels: number[]; predicted: number[]; classNames: string[] }
  | { kind: 'regression'; targets: number[]; predictions: number[] }
  | { kind: 'ranking'; precisionAtK: { k: number; value: number }[]; truthSizes: number[] };

export interface ReportInput {
  title: string;
  query: string;
  task: ReportTask;
  createdAt: Date;
  /** Plan lines shown as a key/value table (entity, target, windows, cutoff...). */
  plan: Record<string, string>;
  sql?: string;
  config: Record<string, string | number | boolean>;
  splits: ReportSplit[];
  metrics: ReportMetrics[];
  validationMetric: string;
  /**
   * Seconds of training (every configuration's epochs) and of the whole run (data, labels,
   * training, evaluation), as the CLI prints them; absent: the epochs' seconds are summed.
   */
  seconds?: { training: number; total: number };
  /** What the user should know about the plan and the labels, shown above everything else. */
  warnings?: string[];
  history: ReportEpoch[];
  outputs: ReportOutputs;
}

/** Points of the ROC curve (false positive rate, true positive rate), tied scores grouped. */
export function rocPoints(labels: number[], scores: number[]): { x: number; y: number }[] {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const pos = labels.filter((l) => l > 0.5).length;
  const neg = labels.length - pos;
  const points = [{ x: 0, y: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) {
      if (labels[order[j]!]! > 0.5) tp++;
      else fp++;
      j++;
    }
    points.push({ x: neg === 0 ? 0 : fp / neg, y: pos === 0 ? 0 : tp / pos });
    i = j;
  }
  return points;
}

/** Points of the precision-recall curve (recall, precision), tied scores grouped. */
export function prPoints(labels: number[], scores: number[]): { x: number; y: number }[] {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const pos = labels.filter((l) => l > 0.5).length;
  const points: { x: number; y: number }[] = [];
  let tp = 0;
  let seen = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) {
      if (labels[order[j]!]! > 0.5) tp++;
      seen++;
      j++;
    }
    points.push({ x: pos === 0 ? 0 : tp / pos, y: tp / seen });
    i = j;
  }
  return points;
}

/** Equal-width histogram of `values` as labelled bars. */
export function histogram(values: number[], bins = 20): { label: string; value: number }[] {
  if (values.length === 0) return [];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const width = hi === lo ? 1 : (hi - lo) / bins;
  const counts = new Array<number>(hi === lo ? 1 : bins).fill(0);
  for (const v of values) counts[Math.min(counts.length - 1, Math.floor((v - lo) / width))]!++;
  return counts.map((value, i) => ({
    label: Number((lo + i * width).toPrecision(3)).toString(),
    value,
  }));
}

function table(header: string[], rows: string[][]): string {
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function formatMetric(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'undefined';
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
}

function metricsSection(metrics: ReportMetrics[]): string {
  return metrics
    .map((m) => {
      const names = Object.keys(m.model);
      const header = ['metric', 'model', ...m.baselines.map((b) => b.name)];
      const rows = names.map((n) => [
        n,
        formatMetric(m.model[n]),
        ...m.baselines.map((b) => formatMetric(b.values[n])),
      ]);
      const notes = (m.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
      return `<h3>${escapeHtml(m.split)}</h3>${table(header, rows)}${notes}`;
    })
    .join('\n');
}

/** The epoch as users count it: the first is epoch 1. */
function shownEpoch(h: ReportEpoch): number {
  return h.epoch + 1;
}

function learningCurves(history: ReportEpoch[], metric: string): string {
  const loss: Series = {
    name: 'training loss',
    color: PALETTE[0]!,
    points: history.map((h) => ({ x: shownEpoch(h), y: h.trainLoss })),
  };
  const validation: Series = {
    name: `validation ${metric}`,
    color: PALETTE[1]!,
    points: history
      .filter((h) => h.validation !== null)
      .map((h) => ({ x: shownEpoch(h), y: h.validation! })),
  };
  // The axis starts at epoch 1 and spans at least one epoch.
  const last = Math.max(2, ...history.map(shownEpoch));
  const axis = { xLabel: 'epoch', xRange: [1, last] as [number, number], integerX: true };
  return (
    lineChart([loss], { title: 'Training loss', ...axis, yLabel: 'loss' }) +
    lineChart([validation], { title: `Validation ${metric}`, ...axis, yLabel: metric })
  );
}

/** One row per epoch: its loss, its validation metric and its time. */
function epochTable(history: ReportEpoch[], metric: string): string {
  const rows = history.map((h) => [
    String(shownEpoch(h)),
    formatMetric(h.trainLoss),
    formatMetric(h.validation),
    h.seconds.toFixed(1),
  ]);
  return table(['epoch', 'training loss', `validation ${metric}`, 'seconds'], rows);
}

function evaluationPlots(outputs: ReportOutputs): string {
  switch (outputs.kind) {
    case 'binary': {
      const unit: [number, number] = [0, 1];
      const roc = lineChart(
        [{ name: 'model', color: PALETTE[0]!, points: rocPoints(outputs.labels, outputs.scores) }],
        {
          title: 'ROC curve (test)',
          xLabel: 'false positive rate',
          yLabel: 'true positive rate',
          xRange: unit,
          yRange: unit,
          reference: { from: [0, 0], to: [1, 1] },
        },
      );
      const pr = lineChart(
        [{ name: 'model', color: PALETTE[2]!, points: prPoints(outputs.labels, outputs.scores) }],
        {
          title: 'Precision-recall curve (test)',
          xLabel: 'recall',
          yLabel: 'precision',
          xRange: unit,
          yRange: unit,
        },
      );
      return roc + pr;
    }
    case 'regression': {
      const sample = outputs.predictions.slice(0, 3000);
      const residuals = sample.map((p, i) => ({ x: p, y: outputs.targets[i]! - p }));
      const fitted = sample.map((p, i) => ({ x: p, y: outputs.targets[i]! }));
      return (
        lineChart([{ name: 'residual', color: PALETTE[0]!, points: residuals }], {
          title: 'Residuals (test)',
          xLabel: 'predicted',
          yLabel: 'actual - predicted',
          scatter: true,
        }) +
        lineChart([{ name: 'rows', color: PALETTE[2]!, points: fitted }], {
          title: 'Predicted vs actual (test)',
          xLabel: 'predicted',
          yLabel: 'actual',
          scatter: true,
        })
      );
    }
    case 'ranking':
      return lineChart(
        [
          {
            name: 'precision@k',
            color: PALETTE[0]!,
            points: outputs.precisionAtK.map((p) => ({ x: p.k, y: p.value })),
          },
        ],
        { title: 'Precision@k (test)', xLabel: 'k', yLabel: 'precision' },
      );
    case 'multiclass': {
      const n = outputs.classNames.length;
      const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
      outputs.labels.forEach((l, i) => counts[l]![outputs.predicted[i]!]!++);
      const rows = counts.map((r, i) => [outputs.classNames[i]!, ...r.map(String)]);
      const matrix = table(['', ...outputs.classNames], rows);
      return `<div><h3>Confusion matrix (test; rows actual)</h3>${matrix}</div>`;
    }
  }
}

function labelDistribution(outputs: ReportOutputs): string {
  switch (outputs.kind) {
    case 'binary': {
      const pos = outputs.labels.filter((l) => l > 0.5).length;
      const bars = [
        { label: '0', value: outputs.labels.length - pos },
        { label: '1', value: pos },
      ];
      return barChart(bars, 'Label distribution (test)');
    }
    case 'regression':
      return barChart(histogram(outputs.targets), 'Label distribution (test)');
    case 'ranking':
      return barChart(histogram(outputs.truthSizes, 10), 'True items per entity (test)');
    case 'multiclass': {
      const bars = outputs.classNames.map((label, c) => ({
        label,
        value: outputs.labels.filter((l) => l === c).length,
      }));
      return barChart(bars, 'Label distribution (test)');
    }
  }
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1040px; color: #222; }
h1 { font-size: 1.5rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
pre { background: #f6f6f6; padding: 0.75rem; overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0; }
td, th { border: 1px solid #ddd; padding: 4px 8px; }
th { background: #f0f0f0; text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
.note { color: #a15c00; font-size: 0.9rem; } .meta { color: #666; font-size: 0.9rem; }
.warnings { background: #fff4e0; border: 1px solid #e0a040; padding: 0.5rem 1rem; }
.warnings ul { margin: 0.25rem 0; padding-left: 1.25rem; }`;

/** The report as one HTML document. */
export function renderReport(input: ReportInput): string {
  const epochSeconds = input.history.reduce((s, h) => s + h.seconds, 0);
  const time =
    input.seconds === undefined
      ? `${plural(input.history.length, 'epoch')} in ${epochSeconds.toFixed(1)} s`
      : `${plural(input.history.length, 'epoch')} · ` +
        `training ${input.seconds.training.toFixed(1)} s` +
        ` · total ${input.seconds.total.toFixed(1)} s (data, labels, training, evaluation)`;
  const planRows = Object.entries(input.plan).map(([k, v]) => [k, v]);
  const configRows = Object.entries(input.config).map(([k, v]) => [k, String(v)]);
  const splitRows = input.splits.map((s) => [
    s.name,
    String(s.anchors),
    String(s.examples),
    s.labelSummary ?? '',
  ]);
  const meta = `${input.task} task · created ${input.createdAt.toISOString()} · ${time}`;
  const warnings =
    (input.warnings ?? []).length === 0
      ? ''
      : `<div class="warnings"><strong>Warnings</strong><ul>${input
          .warnings!.map((w) => `<li>${escapeHtml(w)}</li>`)
          .join('')}</ul></div>`;
  const sql = input.sql
    ? `<details><summary>Generated label SQL</summary><pre>${escapeHtml(input.sql)}</pre></details>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p class="meta">${escapeHtml(meta)}</p>
${warnings}
<h2>Query</h2>
<pre>${escapeHtml(input.query)}</pre>
<h2>Plan</h2>
${table(['setting', 'value'], planRows)}
${sql}
<h2>Splits</h2>
${table(['split', 'anchor times', 'examples', 'labels'], splitRows)}
<h2>Metrics</h2>
${metricsSection(input.metrics)}
<h2>Learning curves</h2>
<div class="charts">${learningCurves(input.history, input.validationMetric)}</div>
${epochTable(input.history, input.validationMetric)}
<h2>Evaluation</h2>
<div class="charts">${evaluationPlots(input.outputs)}</div>
<h2>Label distribution</h2>
<div class="charts">${labelDistribution(input.outputs)}</div>
<h2>Model configuration</h2>
${table(['setting', 'value'], configRows)}
</body>
</html>
`;
}
