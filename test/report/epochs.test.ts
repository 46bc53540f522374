// SPDX-License-Identifier: Apache-2.0
// The report counts epochs from 1, as users do, while the trainer's history (kept as is in the
// model's metrics) counts them from 0: the learning curves start at epoch 1 and the epoch table
// lists epochs 1..n; the epoch axis has whole-number ticks only.
import { describe, expect, it } from 'vitest';
import { integerTicks } from '../../src/report/charts.js';
import { renderReport, type ReportInput } from '../../src/report/html.js';

function report(epochs: number): string {
  const input: ReportInput = {
    title: 'epochs',
    query: 'PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH users.user_id',
    task: 'binary',
    createdAt: new Date(Date.UTC(2026, 0, 1)),
    plan: {},
    config: {},
    splits: [],
    metrics: [],
    validationMetric: 'auroc',
    // As the trainer records them: epoch 0 first.
    history: Array.from({ length: epochs }, (_, epoch) => ({
      epoch,
      trainLoss: 1 / (epoch + 1),
      validation: epoch === 1 ? null : 0.6 + epoch / 100,
      seconds: 0.5,
    })),
    outputs: { kind: 'binary', labels: [0, 1], scores: [0.2, 0.7] },
  };
  return renderReport(input);
}

/** The x-axis tick labels of the chart titled `title`. */
function xTicks(html: string, title: string): string[] {
  const start = html.indexOf(`aria-label="${title}"`);
  const svg = html.slice(start, html.indexOf('</svg>', start));
  return [...svg.matchAll(/y="270" font-size="10" text-anchor="middle">([^<]*)</g)].map(
    (m) => m[1]!,
  );
}

/** The first cell of each body row of the table under the epoch header. */
function epochColumn(html: string): string[] {
  const start = html.indexOf('<th>epoch</th>');
  const body = html.slice(start, html.indexOf('</table>', start));
  return [...body.matchAll(/<tr><td>([^<]*)<\/td>/g)].map((m) => m[1]!);
}

describe('report epochs', () => {
  it('lists epochs from 1 with their loss and validation metric', () => {
    const html = report(3);
    expect(epochColumn(html)).toEqual(['1', '2', '3']);
    expect(html).toContain('<td>1</td><td>1.0000</td><td>0.6000</td><td>0.5</td>');
    expect(html).toContain('<td>2</td><td>0.5000</td><td>undefined</td>');
  });

  it('starts the learning curves at epoch 1, with whole epochs as ticks', () => {
    const html = report(3);
    for (const title of ['Training loss', 'Validation auroc']) {
      expect(xTicks(html, title), title).toEqual(['1', '2', '3']);
    }
    expect(xTicks(report(1), 'Training loss')).toEqual(['1', '2']);
    expect(xTicks(report(20), 'Training loss')).toEqual(['1', '5', '9', '13', '17']);
  });

  it.each([
    [1, 2, ['1', '2']],
    [1, 6, ['1', '2', '3', '4', '5', '6']],
    [1, 7, ['1', '2', '3', '4', '5', '6', '7']],
    [1, 8, ['1', '3', '5', '7']],
    [0.5, 3.5, ['1', '2', '3']],
  ])('places integer ticks on [%d, %d]', (lo, hi, ticks) => {
    expect(integerTicks(lo, hi).map(String)).toEqual(ticks);
  });
});
